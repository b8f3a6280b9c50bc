// Package scenarios owns the scenario file (format v1): it reads the YAML,
// expands ${NAME} from the environment, rejects unknown keys, wrong types and
// impossible values with errors that name file, line and column, fills in
// defaults, and checks that the fixtures can serve every case of the mix.
// The file's blocks are described here; walking the YAML nodes, the Error
// type and the wording of generic errors belong to package yamlnode.
//
// A parsed Scenario is plain data: Target, Fixtures, Load, the weighted Mix
// of contract cases and the Thresholds (package threshold parses each).
// Rates and durations are package units' types, read with its parsers. Plan
// renders the deterministic request plan of a run from the mix, the fixtures
// and the case builders.
//
// The package does not send requests, pace them, create fixtures or judge
// responses; the case catalogue and the checks belong to package contract,
// the threshold grammar and metrics to package threshold, and the fault model
// of the target.embedded block to package faults, whose decoder and checks
// run here with the rest of the file.
package scenarios
