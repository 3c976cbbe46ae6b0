// Package bench measures daihoi on the synthetic national tree of package
// gen and prints the figures daihoi is held to, each beside its target and
// beside the floors measured in the same run: the full recompute of the
// rollups beside the bare single-pass aggregate over the same cells;
// progress reads (root, district, district's children) by 50 concurrent
// connections in two states of the tree (mid-round, and after every
// deadline), each before and after that day's late-flags run, beside
// /healthz at 50 connections; reads of a past day and unit searches by one
// client; status updates per second through the JSON API by 8 clients,
// beside pgbench's TPC-B-like transactions per second on the same cluster,
// run right after them; the weekly reports; and the server's memory
// throughout.
// `make bench` runs it once (bench_test.go) on a throwaway PostgreSQL.
//
// Reads and updates go to a real `daihoi serve` process (built from
// cmd/daihoi, a bearer token of a board user at the root), so they include
// authentication, scope checks, JSON and the services, and the load client
// does not share the server's process.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/valyala/fasthttp"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/gen"
	"github.com/daihoi/daihoi/internal/store"
)

// Targets daihoi is held to on a 2-core machine: the full recompute within
// 1.5 times the floor; progress reads at 50 connections at the root and at
// a district (its progress and its children) under their p99; a past day's
// progress by one client; status updates per second and their ratio to
// pgbench's tps; the weekly reports; the server's memory.
const (
	TargetRatio           = 1.5
	TargetRootP99         = 50 * time.Millisecond
	TargetDistrictP99     = 20 * time.Millisecond
	TargetPastRootP99     = 50 * time.Millisecond
	TargetPastDistrictP99 = 10 * time.Millisecond
	TargetUpdates         = 1000.0
	TargetUpdatesPerTPS   = 0.5
	TargetDistrictReports = 20 * time.Second
	TargetRootReport      = time.Second
	TargetRSSKB           = 200 << 10
	ReadConns             = 50
)

// Options sizes a run.
type Options struct {
	Tree gen.Options
	// AsOf is the day of the generated state (and of its late-flags run);
	// the server's today is the day after, so that every read is made
	// before that day's late-flags run.
	AsOf time.Time
	// Recomputes is how many times the recompute and the floor are timed.
	Recomputes int
	// Reads is the number of progress reads timed at the root and at the district.
	Reads int
	// Updates is the number of congresses held through the API by Clients
	// concurrent clients, each on its own cells.
	Updates, Clients int
	// URL is the database's (db's) URL, for the server process; Server is
	// the daihoi binary (built into a temporary directory when "").
	URL, Server string
	// ServerEnv are more settings of the server (KEY=value).
	ServerEnv []string
	// ReadFor is how long each path is read by ReadConns connections.
	ReadFor time.Duration
	// PgBench is where pgbench runs (skipped when its URL is "").
	PgBench PgBench
}

// DefaultOptions is the national tree with 200 reads each and 4,000
// updates from 8 clients.
func DefaultOptions() Options {
	return Options{Tree: gen.DefaultOptions(), AsOf: gen.DefaultAsOf, Recomputes: 5, Reads: 200, Updates: 4000, Clients: 8,
		ReadFor: 5 * time.Second, PgBench: PgBench{Scale: 8, Clients: 8, Duration: 15 * time.Second}}
}

// Latency summarises timed requests.
type Latency struct {
	N             int
	P50, P99, Max time.Duration
}

func latency(d []time.Duration) Latency {
	if len(d) == 0 {
		return Latency{}
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration {
		i := int(q*float64(len(s))+0.5) - 1
		return s[max(0, min(len(s)-1, i))]
	}
	return Latency{N: len(s), P50: at(0.50), P99: at(0.99), Max: s[len(s)-1]}
}

// Figures are the measured results of a run.
type Figures struct {
	Started  time.Time
	Units    int
	Kinds    []domain.KindState
	Generate time.Duration
	Steps    []gen.Step
	Server   map[string]string

	// Recompute and Floor are medians of Options.Recomputes runs of the
	// recompute of the rollups (totals and held) and of the floor; Check is
	// the median of the whole consistency check, rollup_days (the figures
	// by day) included. Drift is the rows the first check found wrong
	// (should be 0).
	Recompute, Floor, Check             time.Duration
	RecomputeRuns, FloorRuns, CheckRuns []time.Duration
	Drift                               int

	RootCode, DistrictCode string
	// Healthz is /healthz at ReadConns connections, the floor of the reads;
	// States are the progress reads in each state of the tree.
	Healthz LoadFigure
	States  []ReadState
	// MaxRSS is the largest resident set of the server processes sampled
	// every 100 ms, HWM the largest peak the kernel recorded (kB).
	MaxRSS, HWM int64
	// PgBenchTPS is pgbench's TPC-B-like tps on the same cluster (0: not
	// run), PgBenchCPU the machine's CPU use during its timed run.
	PgBenchTPS float64
	PgBenchCPU CPUUse
	// PastRoot and PastDistrict time progress reads of PastDay (?as_of=).
	PastRoot, PastDistrict Latency
	PastDay                string

	// Search is the latency of each unit search query, SearchAll of all.
	Search    []SearchFigure
	SearchAll Latency

	Updates      int
	UpdateErrors int
	// FirstRefusal is the status and body of the first update refused.
	FirstRefusal  string
	Clients       int
	UpdateElapsed time.Duration
	UpdateLatency Latency
	// UpdateCPU is the machine's CPU use during the timed updates.
	UpdateCPU CPUUse
	// DriftAfter is the rollup rows wrong after the updates (should be 0).
	DriftAfter int

	// ReportWeek is the week of the weekly reports timed: the job's run for
	// every district (Reports made in ReportsElapsed), and the report of the
	// root alone (RootReport).
	ReportWeek     string
	Reports        int
	ReportsElapsed time.Duration
	RootReport     time.Duration
}

// ReadState is the progress reads of one state of the tree: the server's
// day, and whether that day's late-flags job had run.
type ReadState struct {
	Name       string
	Day        string
	AfterFlags bool
	// Reads are the root's progress, the district's, the district's children.
	Reads []LoadFigure
}

// Ratio is the recompute time over the floor.
func (f Figures) Ratio() float64 {
	if f.Floor <= 0 {
		return 0
	}
	return float64(f.Recompute) / float64(f.Floor)
}

// UpdatesPerTPS is the update rate over pgbench's tps (0 when not run).
func (f Figures) UpdatesPerTPS() float64 {
	if f.PgBenchTPS <= 0 {
		return 0
	}
	return f.UpdatesPerSecond() / f.PgBenchTPS
}

// UpdatesPerSecond is the rate of successful updates.
func (f Figures) UpdatesPerSecond() float64 {
	if f.UpdateElapsed <= 0 {
		return 0
	}
	return float64(f.Updates) / f.UpdateElapsed.Seconds()
}

// Run generates the tree of o into db (which must hold no units, and
// which o.URL reaches from another process), then measures, printing
// progress to w as it goes; Print writes the table. The recompute and the
// reports are measured in this process; the reads and the updates are
// sent to `daihoi serve` processes on the same database, one on the
// state's next day, one on the day after the last deadline.
func Run(ctx context.Context, db *sqlx.DB, o Options, w io.Writer) (Figures, error) {
	f := Figures{Started: time.Now(), Clients: o.Clients}
	st := store.New(db)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The server's clock stands at 09:00 the day after the state: held
	// dates are not in the future, and no late-flags run has happened on
	// the day the reads are of (the generated state's run was the day before).
	clock := domain.FixedClock(time.Date(o.AsOf.Year(), o.AsOf.Month(), o.AsOf.Day()+1, 9, 0, 0, 0, domain.Location))
	svc, err := core.New(ctx, st, clock, core.Options{}, quiet)
	if err != nil {
		return f, err
	}
	if f.Server, err = st.ServerSettings(ctx, "server_version", "fsync", "synchronous_commit", "shared_buffers", "work_mem", "max_connections"); err != nil {
		return f, err
	}

	fmt.Fprintf(w, "generating the national tree (%d provinces, %d districts, %d grassroots, %d cells) at %s\n",
		o.Tree.Provinces, o.Tree.Districts, o.Tree.Grassroots, o.Tree.Cells, o.AsOf.Format("2006-01-02"))
	res, err := gen.Run(ctx, svc, o.Tree, o.AsOf, w)
	if err != nil {
		return f, err
	}
	f.Units, f.Kinds, f.Steps, f.Generate = res.Units, res.Kinds, res.Steps, res.Total()
	// The load leaves gigabytes of dirty buffers: write them now, not
	// during the measures.
	if err := st.Checkpoint(ctx); err != nil {
		return f, err
	}

	if err := measureRecompute(ctx, st, res.RoundID, o, &f, w); err != nil {
		return f, err
	}

	if o.PgBench.URL != "" {
		fmt.Fprintf(w, "pgbench -i -s %d\n", o.PgBench.Scale)
		if err := initPgBench(ctx, o.PgBench); err != nil {
			return f, err
		}
	}

	bin := o.Server
	if bin == "" {
		dir, err := os.MkdirTemp("", "daihoi-bench-")
		if err != nil {
			return f, err
		}
		defer os.RemoveAll(dir)
		if bin, err = BuildServer(ctx, dir); err != nil {
			return f, err
		}
	}
	// Mid-round: the state's day (the server's today is the day after, as
	// above). After every deadline: the day after the last one.
	last, err := st.LastCongressDeadline(ctx, res.RoundID)
	if err != nil {
		return f, err
	}
	after := time.Date(last.Time.Year(), last.Time.Month(), last.Time.Day()+1, 9, 0, 0, 0, domain.Location)
	afterSvc, err := core.New(ctx, st, domain.FixedClock(after), core.Options{}, quiet)
	if err != nil {
		return f, err
	}

	srv, err := startServer(ctx, bin, o.URL, clock.Now(), o.ServerEnv)
	if err != nil {
		return f, err
	}
	c := &client{base: srv.base, http: newLoadClient(64)}
	err = func() error {
		defer f.keepMemory(srv)
		if err := c.login(ctx, svc); err != nil {
			return err
		}
		if f.Healthz, err = load(ctx, srv.base, "", "/healthz", ReadConns, o.ReadFor); err != nil {
			return err
		}
		f.Healthz.Label = "/healthz"
		fmt.Fprintf(w, "/healthz at %d connections: %.0f/s p50 %v p99 %v\n", ReadConns, f.Healthz.PerSecond, f.Healthz.P50, f.Healthz.P99)
		if err := findDistrict(ctx, c, &f); err != nil {
			return err
		}
		if err := measureState(ctx, c, svc, "mid-round", o, &f, w); err != nil {
			return err
		}
		if err := measurePast(ctx, c, o, &f, w); err != nil {
			return err
		}
		if err := measureSearch(ctx, c, o, &f, w); err != nil {
			return err
		}
		if err := measureUpdates(ctx, c, st, res.RoundID, o, &f, w); err != nil {
			return err
		}
		// The floor of the updates, measured right after them: the
		// machine's speed drifts in minutes.
		if o.PgBench.URL != "" {
			fmt.Fprintf(w, "pgbench, %d clients, %v after %v untimed\n", o.PgBench.Clients, o.PgBench.Duration, pgBenchWarmUp)
			tps, cpu, err := runPgBench(ctx, o.PgBench)
			if err != nil {
				return err
			}
			f.PgBenchTPS, f.PgBenchCPU = tps, cpu
			fmt.Fprintf(w, "pgbench: %.0f tps\n", tps)
		}
		return nil
	}()
	if err != nil {
		return f, err
	}

	srv, err = startServer(ctx, bin, o.URL, after, o.ServerEnv)
	if err != nil {
		return f, err
	}
	c.base = srv.base
	err = func() error {
		defer f.keepMemory(srv)
		if err := c.signIn(ctx); err != nil {
			return err
		}
		return measureState(ctx, c, afterSvc, "after every deadline", o, &f, w)
	}()
	if err != nil {
		return f, err
	}

	d, err := st.RecomputeRollups(ctx, res.RoundID)
	if err != nil {
		return f, err
	}
	f.DriftAfter = d.Rows()
	// Last: the reports write tens of megabytes the measures above should
	// not pay for.
	return f, measureReports(ctx, svc, &f, w)
}

// measureRecompute times the whole consistency check, the recompute of the
// rollups and the floor, alternately.
func measureRecompute(ctx context.Context, st *store.Store, roundID int64, o Options, f *Figures, w io.Writer) error {
	for i := range max(1, o.Recomputes) {
		start := time.Now()
		d, err := st.RecomputeRollups(ctx, roundID)
		if err != nil {
			return err
		}
		f.CheckRuns = append(f.CheckRuns, time.Since(start))
		if i == 0 {
			f.Drift = d.Rows()
		}
		start = time.Now()
		if _, err := st.RecomputeTotals(ctx, roundID); err != nil {
			return err
		}
		f.RecomputeRuns = append(f.RecomputeRuns, time.Since(start))
		floor, err := st.RecomputeFloor(ctx, roundID)
		if err != nil {
			return err
		}
		f.FloorRuns = append(f.FloorRuns, floor)
	}
	f.Recompute, f.Floor, f.Check = median(f.RecomputeRuns), median(f.FloorRuns), median(f.CheckRuns)
	fmt.Fprintf(w, "recompute %v, floor %v, whole check %v\n", round(f.RecomputeRuns), round(f.FloorRuns), round(f.CheckRuns))
	return nil
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func round(d []time.Duration) []time.Duration {
	out := make([]time.Duration, len(d))
	for i, x := range d {
		out[i] = x.Round(time.Millisecond)
	}
	return out
}

// measureReports times the weekly job's reports of the week before the
// state's day for every district, then the root's report alone.
func measureReports(ctx context.Context, svc *core.Service, f *Figures, w io.Writer) error {
	sys := domain.SystemPrincipal()
	week := domain.LastFullWeek(svc.Clock())
	f.ReportWeek = week.String()
	fmt.Fprintf(w, "making the weekly reports of %s for every district\n", week)
	start := time.Now()
	run, err := svc.MakeWeeklyReports(ctx, sys, 0, week, false)
	if err != nil {
		return err
	}
	f.ReportsElapsed, f.Reports = time.Since(start), run.Made
	start = time.Now()
	if _, err := svc.MakeWeeklyReport(ctx, sys, f.RootCode, week.String(), true); err != nil {
		return err
	}
	f.RootReport = time.Since(start)
	return nil
}

// findDistrict picks the largest district of the largest province.
func findDistrict(ctx context.Context, c *client, f *Figures) error {
	f.RootCode = gen.RootCode
	var provinces, districts struct {
		Units []domain.Unit `json:"units"`
	}
	if err := c.get(ctx, "/api/v1/units/"+gen.RootCode+"/children", &provinces); err != nil {
		return err
	}
	if len(provinces.Units) == 0 {
		return fmt.Errorf("bench: the root has no children")
	}
	biggest := func(us []domain.Unit, kind string) string {
		best, code := -1, ""
		for _, u := range us {
			if u.Kind == kind && u.Members > best {
				best, code = u.Members, u.Code
			}
		}
		return code
	}
	if err := c.get(ctx, "/api/v1/units/"+biggest(provinces.Units, "city")+"/children", &districts); err != nil {
		return err
	}
	if f.DistrictCode = biggest(districts.Units, "district"); f.DistrictCode == "" {
		return fmt.Errorf("bench: no district below the largest province")
	}
	return nil
}

// measureState reads the root's progress, the district's and the
// district's children at ReadConns connections on the server's day, then
// runs that day's late-flags job (through svc, whose clock is the
// server's) and reads them again.
func measureState(ctx context.Context, c *client, svc *core.Service, name string, o Options, f *Figures, w io.Writer) error {
	day := domain.TodayDay(svc.Clock())
	for _, flagged := range []bool{false, true} {
		if flagged {
			run, err := svc.RunJob(ctx, domain.SystemPrincipal(), "late-flags", day.String(), 0)
			if err != nil {
				return fmt.Errorf("bench: late flags of %s: %w", day, err)
			}
			fmt.Fprintf(w, "late flags of %s: %v\n", day, run.Counts)
		}
		st := ReadState{Name: name, Day: day.String(), AfterFlags: flagged}
		for _, r := range []struct{ label, path string }{
			{"root progress", "/api/v1/units/" + f.RootCode + "/progress"},
			{"district progress", "/api/v1/units/" + f.DistrictCode + "/progress"},
			{"district children", "/api/v1/units/" + f.DistrictCode + "/progress/children"},
		} {
			lf, err := load(ctx, c.base, c.token, r.path, ReadConns, o.ReadFor)
			if err != nil {
				return err
			}
			lf.Label = r.label
			st.Reads = append(st.Reads, lf)
			fmt.Fprintf(w, "%s, %s (late flags run: %v): %s %.0f/s p50 %v p99 %v\n", name, day, flagged, r.path, lf.PerSecond, lf.P50, lf.P99)
		}
		f.States = append(f.States, st)
	}
	return nil
}

// measurePast times progress reads of a past day (a fortnight before the
// state's) by one client at the root and at the district, after 10 reads
// to warm up.
func measurePast(ctx context.Context, c *client, o Options, f *Figures, w io.Writer) error {
	read := func(code, query string) ([]time.Duration, error) {
		path := "/api/v1/units/" + code + "/progress" + query
		for range 10 {
			if err := c.get(ctx, path, nil); err != nil {
				return nil, err
			}
		}
		out := make([]time.Duration, 0, o.Reads)
		for range o.Reads {
			start := time.Now()
			if err := c.get(ctx, path, nil); err != nil {
				return nil, err
			}
			out = append(out, time.Since(start))
		}
		return out, nil
	}
	f.PastDay = o.AsOf.AddDate(0, 0, -14).Format("2006-01-02")
	for _, m := range []struct {
		code, query string
		into        *Latency
	}{
		{f.RootCode, "?as_of=" + f.PastDay, &f.PastRoot}, {f.DistrictCode, "?as_of=" + f.PastDay, &f.PastDistrict},
	} {
		d, err := read(m.code, m.query)
		if err != nil {
			return err
		}
		*m.into = latency(d)
		fmt.Fprintf(w, "progress %s%s p50 %v p99 %v\n", m.code, m.query, m.into.P50, m.into.P99)
	}
	return nil
}

// keepMemory stops srv and keeps the largest of its memory figures.
func (f *Figures) keepMemory(srv *server) {
	srv.stop()
	rss, hwm := srv.memory()
	f.MaxRSS, f.HWM = max(f.MaxRSS, rss), max(f.HWM, hwm)
}

// measureUpdates holds the congresses of o.Updates cells with their plan
// approved: o.Clients clients, each on its own cells, read each congress's
// version (untimed), then PATCH it to held on the server's today (timed).
func measureUpdates(ctx context.Context, c *client, st *store.Store, roundID int64, o Options, f *Figures, w io.Writer) error {
	codes, err := st.PlanApprovedCells(ctx, roundID, o.Updates)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return fmt.Errorf("bench: no cell with its plan approved to hold")
	}
	clients := max(1, o.Clients)
	versions := make([]int, len(codes))
	if err := parallel(clients, len(codes), func(i int) error {
		var cg struct {
			Version int `json:"version"`
		}
		if err := c.get(ctx, "/api/v1/units/"+codes[i]+"/congress", &cg); err != nil {
			return err
		}
		versions[i] = cg.Version
		return nil
	}); err != nil {
		return err
	}
	held := o.AsOf.Format("2006-01-02")
	lat := make([]time.Duration, len(codes))
	var failed atomic.Int64
	var refusal sync.Once
	cpu := readCPU()
	start := time.Now()
	err = parallel(clients, len(codes), func(i int) error {
		body := fmt.Sprintf(`{"status":"held","held_date":%q,"version":%d}`, held, versions[i])
		var refused json.RawMessage
		t := time.Now()
		status, err := c.do(ctx, http.MethodPatch, "/api/v1/units/"+codes[i]+"/congress", body, &refused)
		lat[i] = time.Since(t)
		if err != nil {
			return err
		}
		if status != http.StatusOK {
			failed.Add(1)
			refusal.Do(func() { f.FirstRefusal = fmt.Sprintf("%s: %d %s", codes[i], status, refused) })
		}
		return nil
	})
	f.UpdateElapsed = time.Since(start)
	f.UpdateCPU = cpuUse(cpu, readCPU(), len(codes))
	if err != nil {
		return err
	}
	f.UpdateErrors = int(failed.Load())
	f.Updates = len(codes) - f.UpdateErrors
	f.UpdateLatency = latency(lat)
	fmt.Fprintf(w, "%d updates (%d refused) by %d clients in %v: %.0f/s\n", f.Updates, f.UpdateErrors, clients,
		f.UpdateElapsed.Round(time.Millisecond), f.UpdatesPerSecond())
	if f.FirstRefusal != "" {
		fmt.Fprintf(w, "first refusal: %s\n", f.FirstRefusal)
	}
	return nil
}

// parallel runs fn(0..n-1) on workers goroutines, each on a contiguous
// share of the indexes, and returns the first error.
func parallel(workers, n int, fn func(i int) error) error {
	var wg sync.WaitGroup
	errs := make([]error, workers)
	for k := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := k; i < n; i += workers {
				if err := fn(i); err != nil {
					errs[k] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// client calls the JSON API with a bearer token.
type client struct {
	base, token string
	http        *fasthttp.Client
}

// login creates a board user at the root and signs it in.
func (c *client) login(ctx context.Context, svc *core.Service) error {
	const user, password = "bench", "bench-password-1"
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	sys := domain.SystemPrincipal()
	if _, err := svc.SeedUser(ctx, sys, domain.User{Username: user, FullName: "Benchmark", Lang: "vi"}, hash); err != nil {
		return err
	}
	if err := svc.Grant(ctx, sys, user, string(domain.RoleBoard), gen.RootCode); err != nil {
		return err
	}
	return c.signIn(ctx)
}

// signIn signs the board user in and keeps its token (a server whose
// clock moved on past the token's lifetime needs a new one).
func (c *client) signIn(ctx context.Context) error {
	const user, password = "bench", "bench-password-1"
	var tok struct {
		Token string `json:"token"`
	}
	body := fmt.Sprintf(`{"username":%q,"password":%q}`, user, password)
	if status, err := c.do(ctx, http.MethodPost, "/api/v1/login", body, &tok); err != nil || status != http.StatusOK {
		return fmt.Errorf("bench: login: status %d: %v", status, err)
	}
	c.token = tok.Token
	return nil
}

func (c *client) get(ctx context.Context, path string, out any) error {
	status, err := c.do(ctx, http.MethodGet, path, "", out)
	if err == nil && status != http.StatusOK {
		err = fmt.Errorf("bench: GET %s: status %d", path, status)
	}
	return err
}

// do sends a request and decodes a 200 response into out (when not nil);
// a *json.RawMessage gets the body whatever the status.
func (c *client) do(ctx context.Context, method, path, body string, out any) (int, error) {
	req, res := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(res)
	req.SetRequestURI(c.base + path)
	req.Header.SetMethod(method)
	if body != "" {
		req.Header.SetContentType("application/json")
		req.SetBodyString(body)
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if err := doWithin(ctx, c.http, req, res); err != nil {
		return 0, err
	}
	status := res.StatusCode()
	if raw, ok := out.(*json.RawMessage); ok {
		*raw = append(json.RawMessage(nil), res.Body()...)
		return status, nil
	}
	if status == http.StatusOK && out != nil {
		if err := json.Unmarshal(res.Body(), out); err != nil {
			return status, fmt.Errorf("bench: %s %s: %w", method, path, err)
		}
	}
	return status, nil
}

// Print writes the figures as a table, each beside its target.
func (f Figures) Print(w io.Writer) {
	fmt.Fprintf(w, "\ndaihoi bench, %s, %s/%s, %d CPUs, PostgreSQL %s (fsync %s, synchronous_commit %s, shared_buffers %s)\n",
		f.Started.Format("2006-01-02"), runtime.GOOS, runtime.GOARCH, runtime.NumCPU(),
		f.Server["server_version"], f.Server["fsync"], f.Server["synchronous_commit"], f.Server["shared_buffers"])
	fmt.Fprintf(w, "tree: %d units:", f.Units)
	for _, k := range f.Kinds {
		fmt.Fprintf(w, " %d %s", k.Total, k.Kind)
	}
	fmt.Fprintf(w, "; generated in %s (", f.Generate.Round(time.Second))
	for i, s := range f.Steps {
		if i > 0 {
			fmt.Fprint(w, ", ")
		}
		fmt.Fprintf(w, "%s %s", s.Name, s.Took.Round(100*time.Millisecond))
	}
	fmt.Fprintln(w, ")")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "measure\tresult\ttarget\t")
	fmt.Fprintln(tw, "-------\t------\t------\t")
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
	us := func(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d.Microseconds())/1000) }
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "MISSED"
	}
	fmt.Fprintf(tw, "FLOOR bare single-pass aggregate (median of %d)\t%s\t\t\n", len(f.FloorRuns), ms(f.Floor))
	fmt.Fprintf(tw, "FLOOR /healthz at %d connections, p50 / p99 (%.0f /s)\t%s / %s\t\t\n", f.Healthz.Conns, f.Healthz.PerSecond,
		ms(f.Healthz.P50), ms(f.Healthz.P99))
	if f.PgBenchTPS > 0 {
		fmt.Fprintf(tw, "FLOOR pgbench TPC-B-like, same cluster\t%.0f tps\t\t\n", f.PgBenchTPS)
		if f.PgBenchCPU.N > 0 {
			fmt.Fprintf(tw, "FLOOR machine CPU per pgbench transaction (cores idle)\t%s (%.0f %%)\t\t\n", us(f.PgBenchCPU.PerTx()), 100*f.PgBenchCPU.Idle)
		}
	}
	fmt.Fprintf(tw, "whole consistency check, figures by day included (median of %d)\t%s\t\t\n", len(f.CheckRuns), ms(f.Check))
	fmt.Fprintf(tw, "full recompute of the rollups (median of %d)\t%s\t\t\n", len(f.RecomputeRuns), ms(f.Recompute))
	fmt.Fprintf(tw, "recompute / floor\t%.2f×\t≤ %.1f× %s\t\n", f.Ratio(), TargetRatio, verdict(f.Ratio() <= TargetRatio))
	for _, st := range f.States {
		when := "before"
		if st.AfterFlags {
			when = "after"
		}
		for _, r := range st.Reads {
			target := TargetDistrictP99
			if r.Label == "root progress" {
				target = TargetRootP99
			}
			fmt.Fprintf(tw, "%s, %s, %s its late flags: %s at %d conns, p50 / p99 (%.0f /s)\t%s / %s\tp99 ≤ %s %s\t\n",
				st.Name, st.Day, when, r.Label, r.Conns, r.PerSecond, ms(r.P50), ms(r.P99), ms(target), verdict(r.P99 <= target))
		}
	}
	fmt.Fprintf(tw, "progress %s as of %s (root), one client, p50 / p99 of %d\t%s / %s\tp99 ≤ %s %s\t\n", f.RootCode, f.PastDay, f.PastRoot.N,
		ms(f.PastRoot.P50), ms(f.PastRoot.P99), ms(TargetPastRootP99), verdict(f.PastRoot.P99 <= TargetPastRootP99))
	fmt.Fprintf(tw, "progress %s as of %s (district), one client, p50 / p99 of %d\t%s / %s\tp99 ≤ %s %s\t\n", f.DistrictCode, f.PastDay, f.PastDistrict.N,
		ms(f.PastDistrict.P50), ms(f.PastDistrict.P99), ms(TargetPastDistrictP99), verdict(f.PastDistrict.P99 <= TargetPastDistrictP99))

	f.printSearch(tw, ms, verdict)
	fmt.Fprintf(tw, "status updates via PATCH, %d clients (%d held, %d refused)\t%.0f /s\t≥ %.0f /s %s\t\n", f.Clients, f.Updates,
		f.UpdateErrors, f.UpdatesPerSecond(), TargetUpdates, verdict(f.UpdatesPerSecond() >= TargetUpdates && f.UpdateErrors == 0))
	if f.PgBenchTPS > 0 {
		fmt.Fprintf(tw, "updates/s ÷ pgbench tps\t%.2f\t≥ %.1f %s\t\n", f.UpdatesPerTPS(), TargetUpdatesPerTPS, verdict(f.UpdatesPerTPS() >= TargetUpdatesPerTPS))
	}
	if f.UpdateCPU.N > 0 {
		fmt.Fprintf(tw, "machine CPU per status update (cores idle)\t%s (%.0f %%)\t\t\n", us(f.UpdateCPU.PerTx()), 100*f.UpdateCPU.Idle)
	}
	if b := f.CPUBound(); b > 0 {
		fmt.Fprintf(tw, "the ratio with every core busy: CPU per pgbench transaction ÷ CPU per update\t%.2f\t\t\n", b)
	}
	fmt.Fprintf(tw, "update latency p50 / p99\t%s / %s\t\t\n", ms(f.UpdateLatency.P50), ms(f.UpdateLatency.P99))
	fmt.Fprintf(tw, "rollup rows wrong before / after the updates\t%d / %d\t0 %s\t\n", f.Drift, f.DriftAfter, verdict(f.Drift == 0 && f.DriftAfter == 0))
	if f.Reports > 0 {
		fmt.Fprintf(tw, "weekly reports of %s, every district (%d)\t%s (%s each)\t≤ %s %s\t\n", f.ReportWeek, f.Reports,
			f.ReportsElapsed.Round(100*time.Millisecond), ms(f.ReportsElapsed/time.Duration(f.Reports)), TargetDistrictReports,
			verdict(f.ReportsElapsed <= TargetDistrictReports))
	}
	fmt.Fprintf(tw, "weekly report of %s (root)\t%s\t≤ %s %s\t\n", f.RootCode, ms(f.RootReport), TargetRootReport, verdict(f.RootReport <= TargetRootReport))
	fmt.Fprintf(tw, "server memory: largest VmRSS sampled / VmHWM\t%.0f / %.0f MB\t≤ %d MB %s\t\n", float64(f.MaxRSS)/1024, float64(f.HWM)/1024,
		TargetRSSKB>>10, verdict(max(f.MaxRSS, f.HWM) <= TargetRSSKB))
	tw.Flush()
}
