package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// These tests run the real server on a loopback port over a store with a
// small pool (store.Open, as daihoi serve does), with more clients at once
// than it has connections.

// hangGuard bounds every request of these tests: an answer that never comes
// fails the test instead of hanging it. It says nothing about speed.
const hangGuard = 2 * time.Minute

// openStore opens url as daihoi does, with o, closed at the end of the test.
func openStore(t *testing.T, url string, o store.Options) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), url, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

// liveServer is the fixture's server on a loopback port.
type liveServer struct {
	url    string
	client *http.Client
}

func (f *fixture) live() *liveServer { return f.serveLive(f.srv) }

func (f *fixture) serveLive(srv *Server) *liveServer {
	hs := httptest.NewServer(srv.Handler())
	f.t.Cleanup(hs.Close)
	return &liveServer{url: hs.URL, client: &http.Client{Timeout: hangGuard}}
}

// restarted is a server started afresh on the fixture's database (at url)
// over a store opened with o, as daihoi serve starts: nothing is prepared
// or cached yet. It logs to the fixture's log.
func (f *fixture) restarted(url string, o store.Options) *liveServer {
	f.t.Helper()
	log := slog.New(slog.NewTextHandler(f.logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := core.New(context.Background(), openStore(f.t, url, o), domain.SystemClock{}, core.Options{}, log)
	if err != nil {
		f.t.Fatal(err)
	}
	srv, err := New(svc, Options{}, log)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.serveLive(srv)
}

// liveResponse is an answer of the live server.
type liveResponse struct {
	code   int
	header http.Header
	body   string
}

// do sends a request with an optional bearer token and JSON body.
func (l *liveServer) do(method, path, token, body string) (liveResponse, error) {
	req, err := http.NewRequest(method, l.url+path, strings.NewReader(body))
	if err != nil {
		return liveResponse{}, err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := l.client.Do(req)
	if err != nil {
		return liveResponse{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return liveResponse{code: res.StatusCode, header: res.Header, body: string(b)}, err
}

// statuses counts answers by status code.
type statuses struct {
	mu sync.Mutex
	n  map[int]int
}

func (s *statuses) add(code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n == nil {
		s.n = map[int]int{}
	}
	s.n[code]++
}

func (s *statuses) get(code int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.n[code]
}

// planApproved walks codes to plan approved through the API, their plan
// approved by approver and their steps taken by the secretary, and returns
// the versions of their congresses then.
func (f *fixture) planApproved(approver string, codes ...string) map[string]int {
	f.t.Helper()
	versions := map[string]int{}
	for _, code := range codes {
		if res := f.do("POST", "/api/v1/units/"+code+"/milestones/congress_plan", f.tokens[approver], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
			f.t.Fatalf("approve %s: %d %s", code, res.Code, res.Body)
		}
		f.patchStep("secretary", code, `"status":"preparing",`, http.StatusOK)
		f.patchStep("secretary", code, `"status":"plan_approved","planned_date":"2020-03-10",`, http.StatusOK)
		versions[code] = f.congressOf(code).Version
	}
	return versions
}

// burst sends every request at once with readiness probes beside them, and
// returns the requests' statuses and the probes'. Every request and probe
// must be answered.
func (l *liveServer) burst(t *testing.T, probes int, send []func() (liveResponse, error)) (writes, ready *statuses) {
	t.Helper()
	writes, ready = &statuses{}, &statuses{}
	start := make(chan struct{})
	var wg sync.WaitGroup
	for _, fn := range send {
		wg.Go(func() {
			<-start
			res, err := fn()
			if err != nil {
				t.Errorf("no answer: %v", err)
				return
			}
			writes.add(res.code)
			if res.code != http.StatusOK && res.code != http.StatusConflict {
				t.Errorf("answer %d: %s", res.code, res.body)
			}
		})
	}
	for range probes {
		wg.Go(func() {
			<-start
			res, err := l.do("GET", "/readyz", "", "")
			if err != nil {
				t.Errorf("/readyz did not answer during the writes: %v", err)
				return
			}
			ready.add(res.code)
		})
	}
	close(start)
	wg.Wait()
	return writes, ready
}

func (l *liveServer) requireReady(t *testing.T) {
	t.Helper()
	res, err := l.do("GET", "/readyz", "", "")
	if err != nil || res.code != http.StatusOK {
		t.Fatalf("/readyz after the writes: %+v %v", res, err)
	}
}

func TestWritersBeyondThePoolOnOneCongressGetOneSuccessAndConflicts(t *testing.T) {
	const maxConns = 4
	url := testdb.URL(t)
	f := newFixtureOn(t, Options{}, openStore(t, url, store.Options{}), domain.SystemClock{})
	f.withRound2020()
	version := f.congressOf("HN.HBT.A.1").Version
	_, auditsBefore := f.counts()
	// A long acquire timeout: no writer may be refused for want of a
	// connection here, only for its stale version.
	live := f.restarted(url, store.Options{MaxConns: maxConns, AcquireTimeout: hangGuard})

	send := make([]func() (liveResponse, error), 5*maxConns)
	for i := range send {
		send[i] = func() (liveResponse, error) {
			return live.do("PATCH", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"],
				fmt.Sprintf(`{"status":"preparing","version":%d}`, version))
		}
	}
	writes, ready := live.burst(t, maxConns, send)
	if got := writes.get(http.StatusOK); got != 1 {
		t.Errorf("%d writers got 200, want exactly 1", got)
	}
	if got, want := writes.get(http.StatusConflict), len(send)-1; got != want {
		t.Errorf("%d writers got 409, want %d", got, want)
	}
	if _, audits := f.counts(); audits != auditsBefore+1 {
		t.Errorf("audit rows %d -> %d, want one more", auditsBefore, audits)
	}
	if n := ready.get(http.StatusOK) + ready.get(http.StatusServiceUnavailable); n != maxConns {
		t.Errorf("readiness probes during the writes answered %v", ready.n)
	}
	live.requireReady(t)
}

func TestWritersBeyondThePoolOnEveryCellOfAWardAllSucceedAndTheRollupsAreExact(t *testing.T) {
	const maxConns = 4
	url := testdb.URL(t)
	f := newFixtureOn(t, Options{}, openStore(t, url, store.Options{}), domain.SystemClock{})
	cells := []string{"HN.HBT.A.1", "HN.HBT.A.2"}
	for len(cells) < 5*maxConns {
		cells = append(cells, f.newCell("HN.HBT.A"))
	}
	roundID := f.withRound2020()
	versions := f.planApproved("board", cells...)
	_, auditsBefore := f.counts()
	live := f.restarted(url, store.Options{MaxConns: maxConns, AcquireTimeout: hangGuard})

	send := make([]func() (liveResponse, error), 0, len(cells))
	for _, code := range cells {
		send = append(send, func() (liveResponse, error) {
			return live.do("PATCH", "/api/v1/units/"+code+"/congress", f.tokens["secretary"],
				fmt.Sprintf(`{"status":"held","held_date":"2020-03-10","version":%d}`, versions[code]))
		})
	}
	writes, ready := live.burst(t, maxConns, send)
	if got := writes.get(http.StatusOK); got != len(cells) {
		t.Errorf("%d of %d writers got 200, want all", got, len(cells))
	}
	if _, audits := f.counts(); audits != auditsBefore+len(cells) {
		t.Errorf("audit rows %d -> %d, want %d more", auditsBefore, audits, len(cells))
	}
	if n := ready.get(http.StatusOK) + ready.get(http.StatusServiceUnavailable); n != maxConns {
		t.Errorf("readiness probes during the writes answered %v", ready.n)
	}
	live.requireReady(t)

	drift, err := f.store.RecomputeRollups(context.Background(), roundID)
	if err != nil {
		t.Fatal(err)
	}
	if drift.Rows() != 0 {
		t.Errorf("the consistency check found drift after the writes: %+v", drift)
	}
	var held, total int
	if err := f.db.QueryRow(`SELECT sum(held), sum(total) FROM rollups_live r JOIN units u ON u.id = r.unit_id
		WHERE r.round_id = $1 AND u.code = 'HN.HBT.A'`, roundID).Scan(&held, &total); err != nil {
		t.Fatal(err)
	}
	if held != len(cells) || total != len(cells) {
		t.Errorf("the ward's rollups say %d of %d held, want %d of %d", held, total, len(cells), len(cells))
	}
	var childrenHeld bool
	if err := f.db.Get(&childrenHeld, `SELECT m.done_on IS NOT NULL FROM milestones m
		JOIN milestone_templates t ON t.id = m.template_id AND t.auto = 'children_held'
		JOIN units u ON u.id = m.unit_id AND u.code = 'HN.HBT.A' WHERE m.round_id = $1`, roundID); err != nil {
		t.Fatal(err)
	}
	if !childrenHeld {
		t.Error("the ward's 'all units below held' milestone is not done")
	}
}

func TestAFullPoolAnswers503WithRetryAfterAndNeverHangs(t *testing.T) {
	const maxConns = 2
	url := testdb.URL(t)
	st := openStore(t, url, store.Options{MaxConns: maxConns, AcquireTimeout: 100 * time.Millisecond, LockTimeout: hangGuard})
	f := newFixtureOn(t, Options{}, st, domain.SystemClock{})
	f.withRound2020()
	version := f.congressOf("HN.HBT.A.1").Version
	vi, en := f.browser(""), f.browser("en")
	for _, b := range []*browser{vi, en} {
		if res := b.login("secretary", testPassword); res.Code != http.StatusSeeOther {
			t.Fatalf("sign in: %d %s", res.Code, res.Body)
		}
	}
	live := f.live()

	// Another client of the database locks the congress: the writers that
	// come for it hold every connection of the pool while they wait.
	other := sqlx.MustConnect("postgres", url)
	defer other.Close()
	lock, err := other.Beginx()
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback() //nolint:errcheck
	if _, err := lock.Exec(`SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id WHERE u.code = 'HN.HBT.A.1' FOR UPDATE OF c`); err != nil {
		t.Fatal(err)
	}
	writes := &statuses{}
	var wg sync.WaitGroup
	for range maxConns {
		wg.Go(func() {
			res, err := live.do("PATCH", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"],
				fmt.Sprintf(`{"status":"preparing","version":%d}`, version))
			if err != nil {
				t.Errorf("no answer: %v", err)
				return
			}
			writes.add(res.code)
		})
	}
	deadline := time.Now().Add(hangGuard)
	for waiting := 0; waiting < maxConns; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d writers wait for the lock", waiting)
		}
		time.Sleep(10 * time.Millisecond)
		if err := other.Get(&waiting, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("the API answers 503 with Retry-After", func(t *testing.T) {
		res, err := live.do("PATCH", "/api/v1/units/HN.HBT.A.2/congress", f.tokens["secretary"], `{"status":"preparing","version":1}`)
		if err != nil {
			t.Fatal(err)
		}
		if res.code != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" ||
			!strings.Contains(res.body, `"code":"unavailable"`) || !strings.Contains(res.body, "thử lại") {
			t.Errorf("got %d Retry-After %q %s", res.code, res.header.Get("Retry-After"), res.body)
		}
	})
	t.Run("/readyz answers 503", func(t *testing.T) {
		res, err := live.do("GET", "/readyz", "", "")
		if err != nil || res.code != http.StatusServiceUnavailable {
			t.Errorf("/readyz = %+v %v", res, err)
		}
		if strings.Contains(res.body, "dial") || strings.Contains(res.body, "store:") || !strings.Contains(res.body, "does not answer") {
			t.Errorf("/readyz tells the public its internals, or not why: %s", res.body)
		}
	})
	t.Run("a page answers 503 with an error page in the user's language", func(t *testing.T) {
		for _, c := range []struct {
			b    *browser
			want string
		}{{vi, "Vui lòng thử lại"}, {en, "Please try again"}} {
			res := c.b.send("GET", "/units/HN.HBT.A", nil)
			if res.Code != http.StatusServiceUnavailable || res.Header().Get("Retry-After") == "" ||
				!strings.Contains(res.Body.String(), c.want) || !strings.Contains(res.Header().Get("Content-Type"), "text/html") {
				t.Errorf("%s: %d Retry-After %q %s", c.b.lang, res.Code, res.Header().Get("Retry-After"), res.Body)
			}
		}
	})

	if err := lock.Rollback(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if writes.get(http.StatusOK) != 1 || writes.get(http.StatusConflict) != maxConns-1 {
		t.Errorf("the writers that waited for the lock got %v, want one 200 and the others 409", writes.n)
	}
	live.requireReady(t)
}

// Bulk holds beyond the pool, on the same cells: every client gets an
// answer, none deadlocks, each cell is held once and the rollups are exact.
func TestBulkHoldsBeyondThePoolOnTheSameCellsHoldEachOnce(t *testing.T) {
	const maxConns = 4
	url := testdb.URL(t)
	f := newFixtureOn(t, Options{}, openStore(t, url, store.Options{}), domain.SystemClock{})
	cells := []string{"HN.HBT.A.1", "HN.HBT.A.2"}
	for len(cells) < 6 {
		cells = append(cells, f.newCell("HN.HBT.A"))
	}
	roundID := f.withRound2020()
	versions := f.planApproved("secretary", cells...)
	_, auditsBefore := f.counts()
	live := f.restarted(url, store.Options{MaxConns: maxConns, AcquireTimeout: hangGuard})

	// Each client holds three cells, overlapping its neighbours': the same
	// three for the first half, a window sliding over the cells for the rest.
	send := make([]func() (liveResponse, error), 5*maxConns)
	for i := range send {
		first := 0
		if i >= len(send)/2 {
			first = i % (len(cells) - 2)
		}
		var rows []string
		for _, code := range cells[first : first+3] {
			rows = append(rows, fmt.Sprintf(`{"unit_code":%q,"version":%d,"delegates_present":10}`, code, versions[code]))
		}
		body := `{"held_date":"10/03/2020","rows":[` + strings.Join(rows, ",") + `]}`
		send[i] = func() (liveResponse, error) {
			return live.do("POST", "/api/v1/congresses/held", f.tokens["secretary"], body)
		}
	}
	writes, _ := live.burst(t, 0, send)
	if writes.get(http.StatusOK) == 0 || writes.get(http.StatusOK)+writes.get(http.StatusConflict) != len(send) {
		t.Errorf("answers %v, want some 200 and the rest 409", writes.n)
	}
	var heldAudits int
	if err := f.db.Get(&heldAudits, `SELECT count(*) FROM audit_log WHERE action = 'congress.update' AND after->>'status' = 'held'`); err != nil {
		t.Fatal(err)
	}
	var held int
	if err := f.db.Get(&held, `SELECT count(*) FROM congresses c JOIN units u ON u.id = c.unit_id
		WHERE c.round_id = $1 AND u.code = ANY($2) AND c.status = 'held'`, roundID, pq.Array(cells)); err != nil {
		t.Fatal(err)
	}
	if _, audits := f.counts(); heldAudits != held || audits != auditsBefore+held {
		t.Errorf("%d cells held, %d audited as held, %d audit rows more", held, heldAudits, audits-auditsBefore)
	}
	drift, err := f.store.RecomputeRollups(context.Background(), roundID)
	if err != nil {
		t.Fatal(err)
	}
	if drift.Rows() != 0 {
		t.Errorf("the consistency check found drift after the bulk holds: %+v", drift)
	}
	live.requireReady(t)
}
