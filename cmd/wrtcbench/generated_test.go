package main

import (
	"encoding/json"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdFlagged holds a run's findings to a reference server's own count:
// `flagged REPORT STATS CASE`. The responses of CASE flagged 204 by
// status_expected, in the measured phase and in the shrink phase
// (shrink.reproduced), must add up to the bodies the server counted under
// the accept_invalid fault (serve --stats-out), and be more than none.
func cmdFlagged(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 3 {
		ts.Fatalf("usage: flagged REPORT STATS CASE")
	}
	var rep struct {
		Violations []struct {
			Check  string `json:"check"`
			Case   string `json:"case"`
			Status int    `json:"status"`
			Count  int64  `json:"count"`
			Shrink *struct {
				Reproduced int64 `json:"reproduced"`
			} `json:"shrink"`
		} `json:"violations"`
	}
	var st struct {
		Faults map[string]int64 `json:"faults"`
	}
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[0])), &rep))
	ts.Check(json.Unmarshal([]byte(ts.ReadFile(args[1])), &st))
	var load, shrink int64
	for _, v := range rep.Violations {
		if v.Check != "status_expected" || v.Case != args[2] {
			continue
		}
		if v.Status != 204 {
			ts.Fatalf("%s: a status_expected failure with %d; only the accepted bodies (204) should fail", v.Case, v.Status)
		}
		load += v.Count
		if v.Shrink != nil {
			shrink += v.Shrink.Reproduced
		}
	}
	server := st.Faults["accept_invalid"]
	ts.Logf("flagged %d in the load, %d while shrinking; the server accepted %d", load, shrink, server)
	if load == 0 || load+shrink != server {
		ts.Fatalf("flagged %d + %d responses, the server accepted %d invalid bodies", load, shrink, server)
	}
}
