// Package faults owns the reference server's fault model: what it does wrong
// on purpose (Faults: latency, error statuses, a rate limit, stalls,
// connection resets and closes, slow bodies, contract breaks), how a fault
// block is read from YAML, and the rules a fault block must keep.
//
// A block is decoded with package yamlnode's walker, so its errors name
// file:line:column like every other error of the file it sits in: Decode is
// the decode function the scenario decoder uses for target.embedded, and
// Load reads a file of its own for `wrtcbench serve --faults FILE`. Check
// reports bad values by path, to be placed in the file; Validate joins the
// same problems for faults built in code, e.g. from serve's flags.
//
// It does not inject anything: package refserver draws and applies the
// faults, and counts them.
package faults
