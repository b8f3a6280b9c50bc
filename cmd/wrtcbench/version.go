package main

import (
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/wrtcbench/wrtcbench/internal/report"
)

// buildInfo is what the binary knows of its own build.
type buildInfo struct {
	Version  string // the module version, "(devel)" for a local build, or -X main.version
	Revision string // the VCS revision, "" when not built from a checkout
	Modified bool   // the checkout had uncommitted changes
	Time     string // the revision's commit time
	Go       string
}

// buildVersion reads the build: main.version when set at link time, else
// the module version and the VCS stamps of debug.ReadBuildInfo (go build
// and go install stamp them; go run and go test do not stamp the VCS).
func buildVersion() buildInfo {
	b := buildInfo{Version: version, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		if b.Version == "" {
			b.Version = "unknown"
		}
		return b
	}
	if b.Version == "" {
		b.Version = bi.Main.Version
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Revision = s.Value
		case "vcs.modified":
			b.Modified = s.Value == "true"
		case "vcs.time":
			b.Time = s.Value
		}
	}
	if b.Version == "" {
		b.Version = "(devel)"
	}
	return b
}

// String is one line: "v1.2.0 (revision 1a2b3c4d5e6f, 2026-12-02T10:00:00Z) go1.26.8",
// "+dirty" marking a build from uncommitted changes.
func (b buildInfo) String() string {
	var s strings.Builder
	s.WriteString(b.Version)
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		s.WriteString(" (revision " + rev)
		if b.Modified {
			s.WriteString("+dirty")
		}
		if b.Time != "" {
			s.WriteString(", " + b.Time)
		}
		s.WriteString(")")
	}
	s.WriteString(" " + b.Go)
	return s.String()
}

// toolInfo is the build as report.json records it.
func toolInfo() report.Tool {
	b := buildVersion()
	rev := b.Revision
	if rev != "" && b.Modified {
		rev += "+dirty"
	}
	return report.Tool{Name: "wrtcbench", Version: b.Version, Revision: rev, Go: b.Go}
}
