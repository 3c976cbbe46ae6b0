package bench

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// The status updates and pgbench are measured on the same machine, each
// with the CPU time the whole machine spent while it ran: the server, the
// load client (or pgbench itself) and PostgreSQL's processes. Their cost
// per transaction says what the ratio of their rates can be once the
// cores are busy: with no core idle, updates/s ÷ pgbench tps is pgbench's
// CPU per transaction over the CPU per update.

// cpuTimes is the machine's CPU time from the first line of /proc/stat,
// in the kernel's ticks (USER_HZ): busy (user, nice, system, irq, softirq,
// steal) and idle (idle and iowait).
type cpuTimes struct {
	busy, idle int64
	ok         bool
}

// userHZ is the unit of /proc/stat: the kernel reports in USER_HZ, 100
// per second on every architecture Linux runs on today.
const userHZ = 100

// parseCPU reads the aggregate "cpu" line of /proc/stat.
func parseCPU(line string) (cpuTimes, error) {
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuTimes{}, fmt.Errorf("bench: not the cpu line of /proc/stat: %q", line)
	}
	var t cpuTimes
	for k, v := range f[1:9] { // user nice system idle iowait irq softirq steal
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return cpuTimes{}, fmt.Errorf("bench: /proc/stat: %w", err)
		}
		if k == 3 || k == 4 {
			t.idle += n
		} else {
			t.busy += n
		}
	}
	t.ok = true
	return t, nil
}

// readCPU reads the machine's CPU times; ok is false where there is no
// /proc/stat.
func readCPU() cpuTimes {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuTimes{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	t, err := parseCPU(line)
	if err != nil {
		return cpuTimes{}
	}
	return t
}

// CPUUse is what a timed run took of the machine's CPU: the CPU time all
// its processes spent (Busy), the share of the cores' time left idle
// (Idle, 0 to 1), and the transactions it made (N).
type CPUUse struct {
	Busy time.Duration
	Idle float64
	N    int
}

// cpuUse is the CPU use between from and to, for n transactions; zero
// when either could not be read.
func cpuUse(from, to cpuTimes, n int) CPUUse {
	busy, idle := to.busy-from.busy, to.idle-from.idle
	if !from.ok || !to.ok || busy+idle <= 0 {
		return CPUUse{}
	}
	return CPUUse{Busy: time.Duration(busy) * time.Second / userHZ, Idle: float64(idle) / float64(busy+idle), N: n}
}

// PerTx is the CPU time per transaction (0 when unknown).
func (u CPUUse) PerTx() time.Duration {
	if u.N <= 0 {
		return 0
	}
	return u.Busy / time.Duration(u.N)
}

// CPUBound is the ratio updates/s ÷ pgbench tps would reach if both kept
// every core busy: pgbench's CPU per transaction over the CPU per update
// (0 when either is unknown).
func (f Figures) CPUBound() float64 {
	upd, tx := f.UpdateCPU.PerTx(), f.PgBenchCPU.PerTx()
	if upd <= 0 || tx <= 0 {
		return 0
	}
	return float64(tx) / float64(upd)
}
