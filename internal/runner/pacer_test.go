package runner

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestPace(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		p       Pacer
		elapsed time.Duration
		sent    uint64
		wait    time.Duration
		stop    bool
		why     string
	}{
		{"constant first", Constant{100}, 0, 0, 0, false, "request 0 is due at once"},
		{"constant on time", Constant{100}, 0, 1, 10 * ms, false, "at 100/s request 1 is due at 10ms"},
		{"constant late", Constant{100}, 50 * ms, 1, -40 * ms, false, "a late request gets a negative wait, not zero"},
		{"constant no drift", Constant{1000}, 1000 * ms, 1000, 0, false, "request n is due at n/rate, whatever the sleeps"},
		{"fraction", Constant{0.5}, 0, 3, 6 * time.Second, false, "0.5/s: one every 2s"},
		{"zero rate", Constant{0}, 0, 0, 0, true, "a zero constant rate sends nothing"},
		{"ramp first", Ramp{0, 100, 10 * time.Second}, 0, 0, 0, false, "a ramp from 0 starts at once"},
		// H(t) = 5t² for 0→100/s over 10s: request 5 at t = 1s.
		{"ramp quadratic", Ramp{0, 100, 10 * time.Second}, 0, 5, time.Second, false, "H(1s) = 5"},
		{"ramp flat", Ramp{50, 50, 10 * time.Second}, 0, 50, time.Second, false, "a flat ramp is a constant rate"},
		{"ramp end", Ramp{0, 100, 10 * time.Second}, 0, 500, 0, true, "H(10s) = 500 requests in all"},
		// 100→0/s over 10s: H(t) = 100t - 5t²; H = 375 at t = 5s.
		{"ramp down", Ramp{100, 0, 10 * time.Second}, 0, 375, 5 * time.Second, false, "ramping down solves the same quadratic"},
		{"stages second", Stages{{10 * time.Second, 100}, {10 * time.Second, 100}}, 0, 600, 11 * time.Second, false, "500 in the ramp, then 100/s"},
		{"stages end", Stages{{time.Second, 10}}, 0, 5, 0, true, "H(1s) = 5: request 5 is past the end"},
		{"stages pause", Stages{{time.Second, 10}, {time.Second, 0}, {2 * time.Second, 0}, {time.Second, 10}}, 0, 7, 0, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wait, stop := tt.p.Pace(tt.elapsed, tt.sent)
			assert.Equal(t, tt.stop, stop, tt.why)
			if !tt.stop && tt.name != "stages pause" {
				assert.InDelta(t, tt.wait, wait, float64(time.Microsecond), tt.why)
			}
		})
	}
}

func TestStagesPauseResumes(t *testing.T) {
	// 1s ramp to 10/s (5 requests), 1s ramp down to 0 (5 more), 2s at 0 (none),
	// then 1s ramp up to 10/s: request 10 is due in the last stage, after 4s.
	p := Stages{{time.Second, 10}, {time.Second, 0}, {2 * time.Second, 0}, {time.Second, 10}}
	w, stop := p.Pace(0, 10)
	assert.False(t, stop)
	assert.GreaterOrEqual(t, w, 4*time.Second, "no request is due while the rate is 0")
	assert.Less(t, w, 5*time.Second)
}

func TestPacerCountsMatchRate(t *testing.T) {
	// Over a whole ramp the number of requests is the area under the rate.
	for _, tt := range []struct {
		p    Pacer
		want uint64
	}{
		{Ramp{0, 200, 10 * time.Second}, 1000},                         // 200/2 × 10
		{Stages{{5 * time.Second, 100}, {5 * time.Second, 300}}, 1250}, // 50×5 + 200×5
	} {
		p := tt.p
		n := uint64(0)
		for {
			if _, stop := p.Pace(0, n); stop {
				break
			}
			n++
		}
		assert.Equal(t, tt.want, n, p.String())
	}
}

func TestPacerRate(t *testing.T) {
	s := Stages{{10 * time.Second, 100}, {10 * time.Second, 100}}
	assert.InDelta(t, 50, s.Rate(5*time.Second), 1e-9)
	assert.InDelta(t, 100, s.Rate(15*time.Second), 1e-9)
	assert.Equal(t, 0.0, s.Rate(25*time.Second))
	assert.Equal(t, "stages [10s→100/s 10s→100/s]", s.String())
	assert.Equal(t, "constant 0.5/s", Constant{0.5}.String())
	assert.Equal(t, "constant 133.333/s", Constant{400.0 / 3}.String(), "a shard's share without float noise")
}
