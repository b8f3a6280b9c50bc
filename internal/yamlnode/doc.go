// Package yamlnode decodes hand-written YAML files strictly, with errors
// that name file, line and column. It walks yaml.v3's node tree rather than
// unmarshalling into structs, so that every value's position is known and
// every problem of a file is reported at once, in file order.
//
// It owns: the Error type (file:line:column: message) and Join; the Decoder,
// which parses one document, expands ${NAME} from the environment ($$ is a
// literal $), records the position of every value by its path
// ("load.rate", "mix[2].case"), and decodes mappings (unknown keys are
// errors, with a "did you mean" suggestion; a repeated key is an error),
// lists and scalars (strings, booleans, whole numbers with a minimum,
// numbers, durations, rates, one of a set of words, lists of strings);
// Problems, the semantic errors a caller finds by path after decoding, which
// Locate places in the file; and the wording helpers DidYouMean and OrList.
//
// It does not know any file's keys: package scenarios describes the scenario
// file's blocks and package faults the fault block, each with the decode
// functions this package provides. Units are package units' types.
package yamlnode
