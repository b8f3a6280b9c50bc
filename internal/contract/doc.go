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
// Two rows are generated cases (generate.go, mutate_body.go,
// mutate_path.go): generated_body writes a body from the contract's
// request-body schema and the fixtures and mutates it (wrong types, nulls,
// missing and unknown properties, names given twice, empty and huge arrays,
// long and odd strings, deep nesting, numbers at their limits, ids that are
// no UUID or someone else's); generated_path mutates and oddly encodes the
// ids of the path. Each such request carries its own Expectation, which
// Classify (classify.go, rules.go) derives from the request-body schema
// (request.go, kin-openapi) and the documented rules, the project's choices
// marked as such; where the document does not decide, the request expects
// every status a reading allows and says so (Undecided). Both read bodies
// as trees that keep names given twice and the exact text of scalars
// (jsontree.go, jsonparse.go). Smaller (shrink.go) proposes smaller bodies
// for a failing one, for the shrink phase of a run.
//
// The statuses, media types and error-body schemas come from an OpenAPI
// document: the project's own openapi.yaml, embedded in the binary (Default),
// or another one given with --contract (Load). Either is loaded and validated
// once with kin-openapi; its schemas are then only read, so one Contract
// judges responses from every worker at once.
//
// Every other package reads these facts from here; none repeats them (the
// reference server validates bodies with CheckBody). The package judges one
// observed response at a time (Judge) and explains a failed check in words
// (Message). It does not send requests, count results or render reports.
package contract
