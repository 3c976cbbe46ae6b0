package bench

import (
	"testing"
	"time"
)

func TestParseCPUCountsIdleAndIOWaitAsIdleAndTheRestAsBusy(t *testing.T) {
	tests := []struct {
		name, line string
		busy, idle int64
		err        bool
	}{
		{"a kernel with guest columns", "cpu  100 5 30 800 20 2 3 1 7 0", 141, 820, false},
		{"the eight columns of old kernels", "cpu 1 2 3 4 5 6 7 8", 1 + 2 + 3 + 6 + 7 + 8, 4 + 5, false},
		{"a single core's line", "cpu0 1 2 3 4 5 6 7 8", 0, 0, true},
		{"too few columns", "cpu 1 2 3", 0, 0, true},
		{"not a number", "cpu 1 2 x 4 5 6 7 8", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseCPU(tt.line)
			if (err != nil) != tt.err {
				t.Fatalf("error %v; want one: %v", err, tt.err)
			}
			if got.busy != tt.busy || got.idle != tt.idle || got.ok == tt.err {
				t.Errorf("got %+v; want busy %d, idle %d", got, tt.busy, tt.idle)
			}
		})
	}
}

func TestCPUUseIsTheBusyTimePerTransactionAndTheIdleShare(t *testing.T) {
	from := cpuTimes{busy: 1000, idle: 500, ok: true}
	to := cpuTimes{busy: 1160, idle: 540, ok: true} // 1.6 s busy, 0.4 s idle
	u := cpuUse(from, to, 4000)
	if u.Busy != 1600*time.Millisecond || u.Idle != 0.2 || u.PerTx() != 400*time.Microsecond {
		t.Errorf("got %+v, %v per transaction; want 1.6s busy, 0.2 idle, 400µs each", u, u.PerTx())
	}
	if u := cpuUse(cpuTimes{}, to, 4000); u != (CPUUse{}) {
		t.Errorf("an unread start gave %+v; want nothing", u)
	}
	f := Figures{UpdateCPU: CPUUse{Busy: time.Second, N: 1000}, PgBenchCPU: CPUUse{Busy: time.Second, N: 2500}}
	if b := f.CPUBound(); b != 0.4 {
		t.Errorf("bound %v; want 0.4 (0.4 ms a pgbench transaction over 1 ms an update)", b)
	}
	if b := (Figures{UpdateCPU: f.UpdateCPU}).CPUBound(); b != 0 {
		t.Errorf("bound without pgbench %v; want 0", b)
	}
}
