package store

import (
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/lsn"
)

func TestAReplicaIsBehindBySinceTheLastSampleItHasReplayed(t *testing.T) {
	now := time.Date(2020, 3, 1, 9, 0, 10, 0, time.UTC)
	at := func(s int) time.Time { return now.Add(time.Duration(s) * time.Second) }
	samples := []walSample{{at(-9), 100}, {at(-6), 200}, {at(-3), 300}, {at(-1), 300}}
	unknown := time.Duration(1<<63 - 1)
	for _, tt := range []struct {
		name     string
		replayed lsn.LSN
		want     time.Duration
	}{
		{"every sample replayed", 300, 0},
		{"further than the primary was sampled", 350, 0},
		{"the last position not replayed yet", 250, 6 * time.Second},
		{"between the first two samples", 150, 9 * time.Second},
		{"exactly the first sample", 100, 9 * time.Second},
		{"not even the oldest sample: unknown", 99, unknown},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := lagBehind(samples, tt.replayed, now); got != tt.want {
				t.Errorf("lag = %v, want %v", got, tt.want)
			}
		})
	}
	if got := lagBehind(nil, 0, now); got != 0 {
		t.Errorf("no sample: lag %v, want 0", got)
	}
}

func TestAReplicaIsUsedWhileItsLagAndTheAgeOfItsMeasureStayWithinMaxLag(t *testing.T) {
	now := time.Now()
	set := &replicaSet{maxLag: 10 * time.Second}
	for _, tt := range []struct {
		name string
		r    *replica
		want bool
	}{
		{"measured just now, caught up", &replica{up: true, at: now}, true},
		{"measured 4 s ago, 5 s behind", &replica{up: true, at: now.Add(-4 * time.Second), lag: 5 * time.Second}, true},
		{"measured 6 s ago, 5 s behind: maybe 11 s now", &replica{up: true, at: now.Add(-6 * time.Second), lag: 5 * time.Second}, false},
		{"caught up but not measured for 11 s", &replica{up: true, at: now.Add(-11 * time.Second)}, false},
		{"lag unknown", &replica{up: true, at: now, lag: time.Duration(1<<63 - 1)}, false},
		{"down", &replica{at: now}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tt.r.set = set
			if _, got := tt.r.usableAt(now); got != tt.want {
				t.Errorf("usable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRowsReadAgainReplaceThoseOfAFailedAttempt(t *testing.T) {
	rows := []int{1, 2}
	again := rowsInto(&rows)
	rows = append(rows, 3, 4) // a failed attempt's rows
	again()
	rows = append(rows, 3)
	if len(rows) != 3 || rows[2] != 3 {
		t.Errorf("rows = %v, want [1 2 3]", rows)
	}
	empty := []int{}
	rowsInto(&empty)()
	if empty == nil {
		t.Error("an empty slice became nil (JSON null)")
	}
	var one struct{ N int }
	rowsInto(&one)() // not a slice: nothing to cut
}
