package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// createRound gives the database at url a current round whose cells are due on 31/03/2020.
func createRound(t *testing.T, url string) {
	t.Helper()
	db, err := sqlx.Connect("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	day := func(s string) domain.Day { d, _ := domain.ParseDate(s); return domain.DayOf(d) }
	if _, err := store.New(db).CreateRound(context.Background(), domain.SystemPrincipal(), store.NewRound{
		Name: "Đại hội 2020–2025", Documents: []string{}, StartDate: day("2019-07-08"), Current: true,
		Rules: []domain.DeadlineRule{{Kind: "cell", Deadline: day("2020-03-31")}},
	}); err != nil {
		t.Fatal(err)
	}
}

func TestJobsCommands(t *testing.T) {
	url := testdb.URL(t)
	if _, _, err := runCLI(t, url, "", "import", "units", writeUnits(t)); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		args    []string
		wantErr bool
		wantOut string
	}{
		{"a job without a current round is skipped", []string{"jobs", "run", "late-flags"}, false, ": skipped"},
		{"late flags at a chosen date (a late unit is not also at risk)", []string{"jobs", "run", "late-flags", "--as-of", "2020-04-01"}, false,
			"as of 2020-04-01: ok [open_at_risk=0 open_late=1"},
		{"the snapshot of a day", []string{"jobs", "run", "progress-snapshot", "--as-of", "2020-04-01"}, false, "rows=6"},
		{"the consistency check", []string{"jobs", "run", "consistency-check"}, false, "drift_rows=0"},
		{"the runs are listed, newest first", []string{"jobs", "list"}, false, "#4 consistency-check"},
		{"the runs of one job", []string{"jobs", "list", "--job", "late-flags"}, false, "#2 late-flags"},
		{"an unknown job", []string{"jobs", "run", "coffee"}, true, ""},
		{"a day that does not exist", []string{"jobs", "run", "late-flags", "--as-of", "2020-02-30"}, true, ""},
		{"a round that does not exist", []string{"jobs", "run", "late-flags", "--round", "99"}, true, ""},
		{"no job name", []string{"jobs", "run"}, true, ""},
	}
	for i, s := range steps {
		if i == 1 {
			createRound(t, url)
		}
		t.Run(s.name, func(t *testing.T) {
			out, errOut, err := runCLI(t, url, "", s.args...)
			if (err != nil) != s.wantErr {
				t.Fatalf("err = %v, wantErr %v\nstdout: %s\nstderr: %s", err, s.wantErr, out, errOut)
			}
			if !strings.Contains(out, s.wantOut) {
				t.Errorf("stdout %q lacks %q", out, s.wantOut)
			}
		})
	}
}

// tickLine matches the scheduler's log line about a tick of late-flags.
var tickLine = regexp.MustCompile(`msg="job tick (run|taken by another process)" job=late-flags tick=(\S+)`)

// TestEachTickRunsOnceAcrossTwoProcesses starts two daihoi servers on one
// database with the late flags due every second, and checks that every
// tick ran exactly once in all, each server attempting every tick.
func TestEachTickRunsOnceAcrossTwoProcesses(t *testing.T) {
	bin := buildBinary(t)
	url := testdb.URL(t)
	createRound(t, url)

	type proc struct {
		cmd    *exec.Cmd
		stderr *syncWriter
		exited chan error
	}
	procs := make([]*proc, 2)
	for i := range procs {
		addr := freeAddr(t)
		cmd := exec.Command(bin, "serve")
		cmd.Dir = "../.."
		cmd.Env = append(os.Environ(), "DATABASE_URL="+url, "DAIHOI_DATABASE_URL="+url, "DAIHOI_ADDR="+addr,
			"DAIHOI_DATABASE_MIGRATE_ON_START=true", "DAIHOI_JOBS_LATE_FLAGS=* * * * * *",
			"DAIHOI_AUTH_BCRYPT_COST=4", "DAIHOI_LOG_LEVEL=info", "DAIHOI_DEMO_SEED_IF_EMPTY=false")
		p := &proc{cmd: cmd, stderr: &syncWriter{}, exited: make(chan error, 1)}
		cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, p.stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func() { p.exited <- cmd.Wait() }()
		t.Cleanup(func() {
			if cmd.ProcessState == nil {
				_ = cmd.Process.Kill()
			}
		})
		procs[i] = p
		waitUp(t, "http://"+addr, p.exited, p.stderr)
	}
	time.Sleep(4 * time.Second)
	for _, p := range procs {
		if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range procs {
		select {
		case err := <-p.exited:
			if err != nil {
				t.Fatalf("daihoi %d exited with %v\n%s", i, err, p.stderr.String())
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("daihoi %d did not stop within 30s of SIGTERM", i)
		}
	}

	db, err := sqlx.Connect("postgres", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var runs []struct {
		Tick    time.Time `db:"tick"`
		Host    string    `db:"host"`
		Outcome string    `db:"outcome"`
	}
	if err := db.Select(&runs, `SELECT tick, host, outcome FROM job_runs WHERE job = 'late-flags' AND tick IS NOT NULL ORDER BY tick`); err != nil {
		t.Fatal(err)
	}
	recorded := map[int64]int{}
	for _, r := range runs {
		recorded[r.Tick.Unix()]++
		if r.Outcome != domain.JobOK {
			t.Errorf("tick %v: %s", r.Tick, r.Outcome)
		}
	}
	for tick, n := range recorded {
		if n != 1 {
			t.Errorf("tick %v ran %d times", time.Unix(tick, 0), n)
		}
	}
	// What each process did with each tick, from its log.
	won, wonBy, attempts := map[int64]int{}, make([]int, 2), make([]map[int64]bool, 2)
	for i, p := range procs {
		attempts[i] = map[int64]bool{}
		for _, m := range tickLine.FindAllStringSubmatch(p.stderr.String(), -1) {
			tick, err := time.Parse(time.RFC3339Nano, m[2])
			if err != nil {
				t.Fatalf("tick %q: %v", m[2], err)
			}
			attempts[i][tick.Unix()] = true
			if m[1] == "run" {
				won[tick.Unix()]++
				wonBy[i]++
			}
		}
	}
	both := 0
	for tick := range attempts[0] {
		if attempts[1][tick] {
			both++
		}
	}
	t.Logf("%d ticks recorded; process 0 saw %d and ran %d, process 1 saw %d and ran %d; %d seen by both",
		len(recorded), len(attempts[0]), wonBy[0], len(attempts[1]), wonBy[1], both)
	if len(recorded) < 3 || len(runs) != len(recorded) {
		t.Errorf("%d runs for %d ticks in ~4s, want one run per tick and at least 3 ticks", len(runs), len(recorded))
	}
	if both < 2 {
		t.Errorf("only %d ticks were attempted by both processes, want every tick while both ran", both)
	}
	for tick, n := range won {
		if n != 1 || recorded[tick] != 1 {
			t.Errorf("tick %v: won by %d processes, recorded %d times", time.Unix(tick, 0), n, recorded[tick])
		}
	}
	if len(won) != len(recorded) {
		t.Errorf("%d ticks won in the logs, %d recorded", len(won), len(recorded))
	}
}

// waitUp waits for /readyz of a server started by the test.
func waitUp(t *testing.T, base string, exited chan error, stderr *syncWriter) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			t.Fatalf("daihoi exited early: %v\n%s", err, stderr.String())
		default:
		}
		if resp, err := http.Get(base + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("daihoi not ready within a minute\n%s", stderr.String())
}

// syncWriter is a buffer that a process writes and the test reads.
type syncWriter struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// TestEveryJobRunsOnTheScheduleOfItsSetting: each job the services register
// takes its schedule from the setting it names (here set through the
// environment, DAIHOI_JOBS_...), and the scheduler accepts every one.
func TestEveryJobRunsOnTheScheduleOfItsSetting(t *testing.T) {
	specs := []string{"1 1 1 1 *", "2 2 2 2 *", "3 3 3 3 *", "4 4 4 4 *", "5 5 5 5 *", "6 6 6 6 *", "7 7 7 7 *"}
	want := map[string]string{}
	env := []string{"DAIHOI_JOBS_ENABLED=false"}
	for i, setting := range []string{"jobs.progress_snapshot", "jobs.late_flags", "jobs.consistency_check", "jobs.housekeeping",
		"jobs.weekly_report", "jobs.report_mail", "jobs.reminders"} {
		want[setting] = specs[i]
		env = append(env, "DAIHOI_"+strings.ToUpper(strings.ReplaceAll(setting, ".", "_"))+"="+specs[i])
	}
	a := openTestApp(t, env...)
	defs := a.svc.Jobs().Definitions()
	if len(defs) != len(want) {
		t.Fatalf("%d jobs registered, want %d", len(defs), len(want))
	}
	for _, d := range defs {
		if spec, ok := want[d.Setting]; !ok || d.Schedule != spec {
			t.Errorf("%s runs on %q from setting %q, want %q", d.Name, d.Schedule, d.Setting, spec)
		}
	}
	if err := scheduleJobs(a.cli, a, jobs.NewScheduler(domain.Location, nil)); err != nil {
		t.Fatal(err)
	}
}
