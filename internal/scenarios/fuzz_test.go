package scenarios

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse feeds the scenario parser arbitrary bytes: it never panics, it
// returns a scenario or an error but not both, every line of an error is an
// *Error that names the file and a line (only a YAML syntax error may lack
// one), and a scenario it returns passes Validate. The seeds are every
// scenario under testdata; testdata/fuzz/FuzzParse keeps inputs that once
// found a problem.
func FuzzParse(f *testing.F) {
	files, err := filepath.Glob("testdata/*/*.yaml")
	if err != nil || len(files) == 0 {
		f.Fatalf("no seed files: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse("f.yaml", data, testEnv)
		if err == nil {
			if s == nil {
				t.Fatal("no scenario and no error")
			}
			if err := s.Validate(); err != nil {
				t.Fatalf("a parsed scenario fails Validate: %v", err)
			}
			return
		}
		if s != nil {
			t.Fatalf("a scenario and an error: %v", err)
		}
		for _, e := range leaves(err) {
			var pe *Error
			switch {
			case !errors.As(e, &pe):
				t.Fatalf("%T is not an *Error: %v", e, e)
			case pe.File != "f.yaml":
				t.Fatalf("the error does not name the file: %v", pe)
			case pe.Line < 1 && !strings.HasPrefix(pe.Msg, "invalid YAML: "):
				t.Fatalf("the error has no line: %v", pe)
			case pe.Column < 0:
				t.Fatalf("negative column: %v", pe)
			}
		}
	})
}

// leaves returns the errors joined in err, or err itself.
func leaves(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}
