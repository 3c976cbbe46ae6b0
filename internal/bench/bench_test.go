package bench_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	_ "github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/bench"
	"github.com/daihoi/daihoi/internal/gen"
	"github.com/daihoi/daihoi/internal/pg"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

var (
	fsync   = flag.Bool("bench.fsync", true, "run the benchmark's PostgreSQL with fsync on, as in production")
	clients = flag.Int("bench.clients", 8, "concurrent API clients of the update benchmark")
	updates = flag.Int("bench.updates", 4000, "congresses held through the API")
	scale   = flag.Float64("bench.scale", 1, "size of the tree relative to the national one (0.1: a tenth, for a quick try)")
)

func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }

// TestRunOnASmallTree runs the whole benchmark on a small tree, so that
// `make test` keeps it working; it checks the run, not the speed.
func TestRunOnASmallTree(t *testing.T) {
	o := bench.DefaultOptions()
	o.URL = testdb.URL(t)
	db, err := sqlx.Open("postgres", o.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	bin, err := pg.EnsureBinaries(nil)
	if err != nil {
		t.Fatal(err)
	}
	o.Tree = gen.Options{Provinces: 3, Districts: 9, Grassroots: 300, Cells: 1500, Seed: 7}
	o.Recomputes, o.Reads, o.Updates, o.Clients, o.ReadFor = 2, 20, 60, 4, 300*time.Millisecond
	o.PgBench = bench.PgBench{BinDir: bin, URL: testdb.URL(t), Scale: 1, Clients: 2, Duration: time.Second}
	f, err := bench.Run(context.Background(), db, o, testWriter{t})
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	f.Print(&table)
	t.Log(table.String())
	if f.Units < 1800 || f.DistrictCode == "" || f.PastRoot.N != 20 || f.PastDistrict.N != 20 {
		t.Errorf("units %d, district %q, %d and %d reads of a past day", f.Units, f.DistrictCode, f.PastRoot.N, f.PastDistrict.N)
	}
	if f.Healthz.N == 0 || f.Healthz.Conns != bench.ReadConns {
		t.Errorf("/healthz: %+v; want reads at %d connections", f.Healthz, bench.ReadConns)
	}
	// Two states (mid-round, after every deadline), each before and after
	// its late flags, each with the root's progress, the district's and its
	// children read at 50 connections.
	if len(f.States) != 4 {
		t.Fatalf("%d states read; want 4", len(f.States))
	}
	for _, st := range f.States {
		if len(st.Reads) != 3 {
			t.Errorf("%s (late flags run: %v): %d paths read; want 3", st.Name, st.AfterFlags, len(st.Reads))
		}
		for _, r := range st.Reads {
			if r.N == 0 || r.Conns != bench.ReadConns || r.PerSecond <= 0 {
				t.Errorf("%s (late flags run: %v), %s: %+v", st.Name, st.AfterFlags, r.Label, r)
			}
		}
	}
	if f.States[0].Day == f.States[2].Day || f.States[0].AfterFlags || !f.States[1].AfterFlags {
		t.Errorf("states: %+v", f.States)
	}
	if f.MaxRSS <= 0 || f.HWM <= 0 {
		t.Errorf("server memory: largest RSS %d kB, peak %d kB", f.MaxRSS, f.HWM)
	}
	if f.PgBenchTPS <= 0 || f.UpdatesPerTPS() <= 0 {
		t.Errorf("pgbench: %.0f tps, updates/tps %.2f", f.PgBenchTPS, f.UpdatesPerTPS())
	}
	// The machine's CPU during the updates and pgbench's timed run.
	for name, u := range map[string]bench.CPUUse{"updates": f.UpdateCPU, "pgbench": f.PgBenchCPU} {
		if u.Busy <= 0 || u.N <= 0 || u.Idle < 0 || u.Idle > 1 {
			t.Errorf("CPU of the %s: %+v", name, u)
		}
	}
	if f.UpdateCPU.N != f.Updates || f.CPUBound() <= 0 {
		t.Errorf("CPU of %d updates counted for %d; bound %.2f", f.Updates, f.UpdateCPU.N, f.CPUBound())
	}
	if len(f.Search) != 3 || f.SearchAll.N != 60 {
		t.Errorf("search: %+v, %d timed", f.Search, f.SearchAll.N)
	}
	if f.Updates == 0 || f.UpdateErrors != 0 {
		t.Errorf("updates: %d held, %d refused", f.Updates, f.UpdateErrors)
	}
	if f.Drift != 0 || f.DriftAfter != 0 {
		t.Errorf("rollup rows wrong: %d before the updates, %d after", f.Drift, f.DriftAfter)
	}
	if f.Reports != 9 || f.ReportsElapsed <= 0 || f.RootReport <= 0 {
		t.Errorf("weekly reports: %d made in %v, root's in %v; want the 9 districts'", f.Reports, f.ReportsElapsed, f.RootReport)
	}
	if f.Recompute <= 0 || f.Floor <= 0 || f.Check <= 0 {
		t.Errorf("recompute %v, floor %v, whole check %v", f.Recompute, f.Floor, f.Check)
	}
}

// BenchmarkNational is `make bench`: it starts its own PostgreSQL (fsync on
// unless -bench.fsync=false), generates the national tree once and prints
// the figures. It runs once whatever b.N; use -benchtime 1x.
func BenchmarkNational(b *testing.B) {
	ctx := context.Background()
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	bin, err := pg.EnsureBinaries(logger)
	if err != nil {
		b.Fatal(err)
	}
	// PostgreSQL's default max_connections (100), as in production.
	cl, err := pg.Start(ctx, pg.Options{BinDir: bin, Fsync: *fsync, Logger: logger, MaxConnections: 100})
	if err != nil {
		b.Fatal(err)
	}
	defer cl.Stop()
	if err := cl.CreateDatabase(ctx, "bench"); err != nil {
		b.Fatal(err)
	}
	if err := cl.CreateDatabase(ctx, "pgbench"); err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(ctx, cl.URL("bench"), store.Options{MaxConns: 40})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	db := st.DB()
	if err := store.Migrate(ctx, db.DB); err != nil {
		b.Fatal(err)
	}
	o := bench.DefaultOptions()
	o.Clients, o.Updates, o.URL = *clients, *updates, cl.URL("bench")
	o.PgBench.BinDir, o.PgBench.URL = bin, cl.URL("pgbench")
	if *scale != 1 {
		t := &o.Tree
		t.Districts = max(t.Provinces, int(float64(t.Districts)**scale))
		t.Grassroots = max(t.Districts, int(float64(t.Grassroots)**scale))
		t.Cells = int(float64(t.Cells) * *scale)
	}
	start := time.Now()
	f, err := bench.Run(ctx, db, o, os.Stdout)
	if err != nil {
		b.Fatal(err)
	}
	f.Print(os.Stdout)
	os.Stdout.WriteString("whole run: " + time.Since(start).Round(time.Second).String() + "\n\n")
	b.ReportMetric(float64(f.Recompute.Microseconds())/1000, "recompute-ms")
	b.ReportMetric(float64(f.Floor.Microseconds())/1000, "floor-ms")
	b.ReportMetric(f.Ratio(), "recompute/floor")
	for _, st := range f.States {
		for _, r := range st.Reads {
			b.ReportMetric(float64(r.P99.Microseconds())/1000, fmt.Sprintf("%s-%s-flags%v-p99-ms", strings.ReplaceAll(r.Label, " ", "-"), st.Day, st.AfterFlags))
		}
	}
	b.ReportMetric(f.UpdatesPerTPS(), "updates/tps")
	b.ReportMetric(float64(max(f.MaxRSS, f.HWM))/1024, "server-rss-MB")
	b.ReportMetric(float64(f.PastRoot.P99.Microseconds())/1000, "root-past-p99-ms")
	b.ReportMetric(float64(f.PastDistrict.P99.Microseconds())/1000, "district-past-p99-ms")
	b.ReportMetric(float64(f.Check.Microseconds())/1000, "check-ms")

	b.ReportMetric(float64(f.SearchAll.P99.Microseconds())/1000, "search-p99-ms")
	b.ReportMetric(f.UpdatesPerSecond(), "updates/s")
}

// testWriter sends the run's progress lines to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(string(bytes.TrimRight(p, "\n")))
	return len(p), nil
}
