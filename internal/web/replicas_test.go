package web

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// The reads of the dashboards, reports, exports and search from a real
// streaming replica, made with pg_basebackup -R of a primary of the test's
// own. The steps run in order on one pair of servers: the replica is
// paused, then resumed, then stopped.
func TestReadsFromAReplica(t *testing.T) {
	rep := testdb.NewReplicated(t)
	const maxLag = 300 * time.Millisecond
	st, err := store.Open(context.Background(), rep.URL, store.Options{MaxConns: 8,
		Replicas: []string{rep.ReplicaURL}, ReplicaMaxLag: maxLag})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := newFixtureOn(t, Options{}, st, domain.SystemClock{})
	f.withRound()
	standby, err := sql.Open("postgres", rep.ReplicaURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { standby.Close() })

	// cells reads the progress of the unit through the API as the board,
	// sending header (none when ""), and returns the cells held and their
	// number: "1/2".
	cells := func(t *testing.T, code, header string) string {
		t.Helper()
		var hdr []string
		if header != "" {
			hdr = append(hdr, HeaderLSN+": "+header)
		}
		res := f.do("GET", "/api/v1/units/"+code+"/progress", f.tokens["board"], "", hdr...)
		if res.Code != http.StatusOK {
			t.Fatalf("progress of %s: %d %s", code, res.Code, res.Body)
		}
		if header != "" && res.Header().Get(HeaderLSN) == "" {
			t.Errorf("no %s in the answer to a request that sent one", HeaderLSN)
		}
		var p struct {
			Cells struct{ Held, Total int } `json:"cells"`
		}
		res.decode(t, &p)
		return fmt.Sprintf("%d/%d", p.Cells.Held, p.Cells.Total)
	}
	// untilOnReplica reads until a read is served by the replica (the
	// replicas are measured in the background as reads come).
	untilOnReplica := func(t *testing.T, read func()) {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			before := st.ReadStats().Replica
			read()
			if st.ReadStats().Replica > before {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("no read was served by the replica: %+v", st.ReadStats())
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	// onPrimary checks that read is served by the primary, not the replica.
	onPrimary := func(t *testing.T, read func()) {
		t.Helper()
		before := st.ReadStats()
		read()
		after := st.ReadStats()
		if after.Replica != before.Replica || after.Primary == before.Primary {
			t.Errorf("the read was not served by the primary alone: before %+v, after %+v", before, after)
		}
	}
	query := func(t *testing.T, q string) {
		t.Helper()
		if _, err := standby.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}

	t.Run("an API client that sends back the position of its write reads it from the replica", func(t *testing.T) {
		res := f.holdAPI("HN.HBT.A.1", "2020-03-10")
		at := res.Header().Get(HeaderLSN)
		if at == "" {
			t.Fatalf("the answer to a write has no %s", HeaderLSN)
		}
		rep.WaitReplayed(t, logPart(t, at))
		untilOnReplica(t, func() {
			if got := cells(t, "HN.HBT.A", at); got != "1/2" {
				t.Errorf("cells held %s, want 1/2", got)
			}
		})
	})

	t.Run("a page's write is kept in the web session and read back from the replica", func(t *testing.T) {
		code := "HN.HBT.A.2"
		f.planApprovedAPI(code)
		b := f.browser("")
		b.login("secretary", testPassword)
		if res := b.step(code, f.congressOf(code).Version, map[string][]string{"status": {"held"}, "held_date": {"2020-03-12"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("held from the page: %d %s", res.Code, res.Body)
		}
		sctx, err := f.srv.sessions.Load(context.Background(), b.cookies[SessionCookie].Value)
		if err != nil {
			t.Fatal(err)
		}
		at := f.srv.sessions.GetString(sctx, sessionLSNKey)
		if at == "" {
			t.Fatal("the web session keeps no position of the write")
		}
		rep.WaitReplayed(t, logPart(t, at))
		untilOnReplica(t, func() {
			if body := b.send("GET", "/", nil).Body.String(); !strings.Contains(body, "(2/2)") {
				t.Errorf("the dashboard does not show both cells held: %s", body)
			}
		})
	})

	var at string // the position of the write made while the replica is paused
	t.Run("a replica that has not replayed the caller's write is passed over for the primary", func(t *testing.T) {
		query(t, `SELECT pg_wal_replay_pause()`)
		for deadline := time.Now().Add(20 * time.Second); ; {
			var state string
			if err := standby.QueryRow(`SELECT pg_get_wal_replay_pause_state()`).Scan(&state); err != nil {
				t.Fatal(err)
			}
			if state == "paused" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replay not paused: %s", state)
			}
			time.Sleep(10 * time.Millisecond)
		}
		res := f.do("POST", "/api/v1/units", f.tokens["admin"], `{"code":"HN.HBT.A.3","name":"Chi bộ tổ dân phố 3","kind":"cell","parent_code":"HN.HBT.A"}`,
			HeaderLSN+": 0/0")
		if res.Code != http.StatusCreated {
			t.Fatalf("new cell: %d %s", res.Code, res.Body)
		}
		if at = res.Header().Get(HeaderLSN); at == "" || at == "0/0" {
			t.Fatalf("the answer to a write tells %q", at)
		}
		onPrimary(t, func() {
			if got := cells(t, "HN.HBT.A", at); got != "2/3" {
				t.Errorf("cells held %s, want 2/3 (the new cell)", got)
			}
		})
	})

	t.Run("a replica further behind than the lag allowed serves no one", func(t *testing.T) {
		for deadline := time.Now().Add(20 * time.Second); ; {
			cells(t, "HN.HBT.A", "0/0")
			if rs := st.ReadStats().Replicas; rs[0].Lag > maxLag {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the paused replica does not fall behind: %+v", st.ReadStats())
			}
			time.Sleep(20 * time.Millisecond)
		}
		onPrimary(t, func() {
			if got := cells(t, "HN.HBT.A", "0/0"); got != "2/3" {
				t.Errorf("cells held %s, want 2/3", got)
			}
		})
		query(t, `SELECT pg_wal_replay_resume()`)
		rep.WaitReplayed(t, logPart(t, at))
		untilOnReplica(t, func() {
			if got := cells(t, "HN.HBT.A", "0/0"); got != "2/3" {
				t.Errorf("cells held %s, want 2/3", got)
			}
		})
	})

	t.Run("an API client that sends no position reads from the primary", func(t *testing.T) {
		onPrimary(t, func() { cells(t, "HN.HBT.A", "") })
	})

	t.Run("a request that only reads tells the position it was sent", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT.A/progress", f.tokens["board"], "", HeaderLSN+": 0/0")
		if got := res.Header().Get(HeaderLSN); res.Code != http.StatusOK || got != "0/0" {
			t.Errorf("%d, %s: %q, want 0/0", res.Code, HeaderLSN, got)
		}
		if res := f.do("GET", "/api/v1/units/HN.HBT.A/progress", f.tokens["board"], ""); res.Header().Get(HeaderLSN) != "" {
			t.Errorf("a read without the header is answered with %s: %q", HeaderLSN, res.Header().Get(HeaderLSN))
		}
	})

	t.Run("a malformed position is refused", func(t *testing.T) {
		for _, bad := range []string{"16", "x/y", "1/2/3", "123456789/0", "0/-1", "0/0@", "0/0@-1", "0/0@x", "@5"} {
			res := f.do("GET", "/api/v1/units/HN.HBT.A/progress", f.tokens["board"], "", HeaderLSN+": "+bad)
			if res.Code != http.StatusUnprocessableEntity {
				t.Errorf("%q: %d %s", bad, res.Code, res.Body)
			} else if fs := res.apiError(t).Fields; len(fs) != 1 || fs[0].Field != HeaderLSN {
				t.Errorf("%q: %s", bad, res.Body)
			}
		}
	})

	t.Run("with the replica stopped, the reads are answered by the primary", func(t *testing.T) {
		b := f.browser("")
		b.login("board", testPassword)
		if err := rep.Replica.Stop(); err != nil {
			t.Fatal(err)
		}
		for range 3 {
			for _, header := range []string{"0/0", at} {
				if got := cells(t, "HN.HBT.A", header); got != "2/3" {
					t.Errorf("cells held %s, want 2/3", got)
				}
			}
			if res := b.send("GET", "/", nil); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), "(2/5)") {
				t.Errorf("dashboard: %d %s", res.Code, res.Body)
			}
			if hits := f.searchAPI("board", "q=bach+mai"); len(hits.Units) != 1 {
				t.Errorf("search: %+v", hits)
			}
		}
		if r := st.ReadStats().Replicas[0]; r.Usable || r.Err == "" {
			t.Errorf("the stopped replica is taken as usable: %+v", r)
		}
	})
}

// logPart returns the log position of a position the server returned.
func logPart(t *testing.T, at string) string {
	t.Helper()
	p, err := lsn.ParsePosition(at)
	if err != nil {
		t.Fatal(err)
	}
	return p.LSN.String()
}
