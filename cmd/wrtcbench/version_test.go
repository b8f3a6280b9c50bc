package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestBuildInfoString(t *testing.T) {
	tests := []struct {
		name string
		b    buildInfo
		want string
	}{
		{"a local build without VCS stamps", buildInfo{Version: "(devel)", Go: "go1.26.8"}, "(devel) go1.26.8"},
		{"a tagged module", buildInfo{Version: "v1.2.0", Revision: "1a2b3c4d5e6f7a8b9c0d", Time: "2026-12-02T10:00:00Z", Go: "go1.26.8"},
			"v1.2.0 (revision 1a2b3c4d5e6f, 2026-12-02T10:00:00Z) go1.26.8"},
		{"uncommitted changes", buildInfo{Version: "(devel)", Revision: "1a2b3c4d5e6f7a8b", Modified: true, Go: "go1.26.8"},
			"(devel) (revision 1a2b3c4d5e6f+dirty) go1.26.8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, tt.b.String()) })
	}
}

func TestVersionCommand(t *testing.T) {
	var out, errb bytes.Buffer
	assert.Equal(t, exitOK, run([]string{"version"}, nil, &out, &errb))
	assert.True(t, strings.HasPrefix(out.String(), "wrtcbench "), out.String())
	assert.Contains(t, out.String(), " go1.")
	var help bytes.Buffer
	run([]string{"help"}, nil, &help, &bytes.Buffer{})
	assert.Contains(t, help.String(), "version", "the top-level usage lists version")
}
