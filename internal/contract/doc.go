// Package contract owns what the project holds to be the documented behaviour of
// "Add Participant to Session": the statuses the operation documents, the cases
// of the conformance catalogue, the checks every response is judged by, and the
// error-body shapes.
//
// A case is one row of one table (cases.go): its name, what it sends, its
// default expected statuses with their source (the published document, or the
// project's documented choice), what it needs of the fixtures, and its builder
// (build.go), which draws a request of the case as a Draft from the fixtures
// (World) and the case's random source. Rendering a Draft for the wire (URL,
// headers) is package scenarios' business.
//
// The statuses, media types and error-body schemas come from an OpenAPI
// document: the project's own openapi.yaml, embedded in the binary (Default),
// or another one given with --contract (Load). Either is loaded and validated
// once with kin-openapi; its schemas are then only read, so one Contract
// judges responses from every worker at once.
//
// Every other package reads these facts from here; none repeats them. The
// package judges one observed response at a time (Judge) and explains a failed
// check in words (Message). It does not send requests, count results or render
// reports.
package contract
