package web

import (
	"compress/gzip"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// heldCells reads the cells held below code through the API as role, with
// extra headers.
func (f *fixture) heldCells(role, path string, headers ...string) (int, response) {
	f.t.Helper()
	res := f.do("GET", path, f.tokens[role], "", headers...)
	if res.Code != http.StatusOK {
		f.t.Fatalf("GET %s as %s: %d %s", path, role, res.Code, res.Body)
	}
	var p struct {
		Cells struct {
			Held int `json:"held"`
		} `json:"cells"`
	}
	res.decode(f.t, &p)
	return p.Cells.Held, res
}

func TestProgressCacheServesOthersAndTheWriterReadsItsWrites(t *testing.T) {
	f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.SystemClock{}, core.Options{ProgressTTL: time.Hour})
	f.withRound()
	const path = "/api/v1/units/HN.HBT.A/progress"
	f.heldCells("board", "/api/v1/units/HN.HBT/progress/children")
	for _, role := range []string{"secretary", "viewer"} {
		if held, _ := f.heldCells(role, path); held != 0 {
			t.Fatalf("%s before any write: %d cells held, want 0", role, held)
		}
	}
	f.holdAPI("HN.HBT.A.1", "2020-03-20") // the board approves the plan, the secretary holds

	t.Run("another caller is served the figures in memory, within the TTL", func(t *testing.T) {
		if held, _ := f.heldCells("viewer", path); held != 0 {
			t.Errorf("viewer within the TTL: %d held, want the cached 0", held)
		}
	})
	// (A fresher entry, computed for a writer, serves the others from then on.)
	t.Run("the writer reads its write at once", func(t *testing.T) {
		if held, _ := f.heldCells("secretary", path); held != 1 {
			t.Errorf("secretary after holding a cell: %d held, want 1", held)
		}
		res := f.do("GET", "/api/v1/units/HN.HBT/progress/children", f.tokens["board"], "")
		var ch struct {
			Children []struct {
				Code  string `json:"code"`
				Cells struct {
					Held int `json:"held"`
				} `json:"cells"`
			} `json:"children"`
		}
		res.decode(t, &ch)
		for _, c := range ch.Children {
			if c.Code == "HN.HBT.A" && c.Cells.Held != 1 {
				t.Errorf("board's breakdown after approving the plan: %d held below HN.HBT.A, want 1", c.Cells.Held)
			}
		}
	})
	t.Run("the figures in memory are sent in each caller's language, each with its tag", func(t *testing.T) {
		var vi, en struct {
			Headline string `json:"headline"`
		}
		_, rvi := f.heldCells("viewer", path)
		_, ren := f.heldCells("viewer", path, "Accept-Language: en")
		_, rvi2 := f.heldCells("viewer", path)
		rvi.decode(t, &vi)
		ren.decode(t, &en)
		if !strings.Contains(vi.Headline, "chi bộ") || !strings.Contains(en.Headline, "cells") || rvi2.Body.String() != rvi.Body.String() {
			t.Errorf("headlines %q and %q; the second Vietnamese read the same body: %v", vi.Headline, en.Headline, rvi2.Body.String() == rvi.Body.String())
		}
		if tv, te := rvi.Header().Get("ETag"), ren.Header().Get("ETag"); tv == "" || tv == te || rvi2.Header().Get("ETag") != tv {
			t.Errorf("tags: vi %q, en %q, vi again %q", tv, te, rvi2.Header().Get("ETag"))
		}
	})
	t.Run("the scope is checked before the cache", func(t *testing.T) {
		f.heldCells("board", "/api/v1/units/HN.HBT/progress") // cached for the board
		for _, c := range []struct{ role, path string }{
			{"secretary", "/api/v1/units/HN.HBT/progress"},
			{"secretary", "/api/v1/units/HN.HBT/progress/children"},
			{"admin", "/api/v1/units/HP.X/progress"},
		} {
			if res := f.do("GET", c.path, f.tokens[c.role], ""); res.Code != http.StatusNotFound {
				t.Errorf("%s reads %s: %d, want 404", c.role, c.path, res.Code)
			}
		}
	})
}

func TestProgressCacheEntriesExpire(t *testing.T) {
	const ttl = time.Second
	f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.SystemClock{}, core.Options{ProgressTTL: ttl})
	f.withRound()
	const path = "/api/v1/units/HN.HBT.A/progress"
	start := time.Now()
	f.heldCells("viewer", path)
	// A write by another process (here the services called directly, as
	// the command line does) is not noted by the web layer.
	ctx := context.Background()
	if _, err := f.svc.TickMilestone(ctx, system, "HN.HBT.A.1", 0, "congress_plan", domain.MilestoneInput{DoneOn: "2020-01-10"}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []domain.CongressPatch{{Status: ptrTo("preparing")}, {Status: ptrTo("plan_approved")},
		{Status: ptrTo("held"), HeldDate: ptrTo("2020-03-20")}} {
		step.Version = f.congressOf("HN.HBT.A.1").Version
		if _, err := f.svc.UpdateCongress(ctx, system, "HN.HBT.A.1", 0, step); err != nil {
			t.Fatal(err)
		}
	}
	if held, _ := f.heldCells("viewer", path); time.Since(start) < ttl && held != 0 {
		t.Errorf("within the TTL: %d held, want the cached 0", held)
	}
	time.Sleep(ttl + 50*time.Millisecond)
	if held, _ := f.heldCells("viewer", path); held != 1 {
		t.Errorf("after the TTL: %d held, want 1", held)
	}
}

func TestProgressETag(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	for _, path := range []string{"/api/v1/units/HN.HBT/progress", "/api/v1/units/HN.HBT/progress/children"} {
		t.Run(path, func(t *testing.T) {
			res := f.do("GET", path, f.tokens["board"], "")
			tag := res.Header().Get("ETag")
			if res.Code != http.StatusOK || tag == "" {
				t.Fatalf("%d, ETag %q", res.Code, tag)
			}
			again := f.do("GET", path, f.tokens["board"], "", "If-None-Match: "+tag)
			if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
				t.Errorf("unchanged figures with If-None-Match: %d %q, want 304 without a body", again.Code, again.Body)
			}
			if en := f.do("GET", path, f.tokens["board"], "", "If-None-Match: "+tag, "Accept-Language: en"); en.Code != http.StatusOK {
				t.Errorf("the same figures in another language: %d, want 200", en.Code)
			}
			if other := f.do("GET", path, f.tokens["board"], "", `If-None-Match: "other"`); other.Code != http.StatusOK {
				t.Errorf("another tag: %d, want 200", other.Code)
			}
		})
	}
	t.Run("a change of the figures changes the tag", func(t *testing.T) {
		const path = "/api/v1/units/HN.HBT.A/progress"
		tag := f.do("GET", path, f.tokens["secretary"], "").Header().Get("ETag")
		f.holdAPI("HN.HBT.A.1", "2020-03-20")
		res := f.do("GET", path, f.tokens["secretary"], "", "If-None-Match: "+tag)
		if res.Code != http.StatusOK || res.Header().Get("ETag") == tag {
			t.Errorf("after a cell is held: %d, ETag %q (before: %q)", res.Code, res.Header().Get("ETag"), tag)
		}
	})
	t.Run("the scope is checked before the tag", func(t *testing.T) {
		tag := f.do("GET", "/api/v1/units/HN.HBT/progress", f.tokens["board"], "").Header().Get("ETag")
		if res := f.do("GET", "/api/v1/units/HN.HBT/progress", f.tokens["secretary"], "", "If-None-Match: "+tag); res.Code != http.StatusNotFound {
			t.Errorf("out of scope with the tag: %d, want 404", res.Code)
		}
	})
}

func ptrTo[T any](v T) *T { return &v }

func TestProgressFiguresAreSentGzippedToThoseWhoAcceptIt(t *testing.T) {
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{"figures in memory", time.Hour}, {"figures computed for the request", 0}} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.SystemClock{}, core.Options{ProgressTTL: c.ttl})
			f.withRound()
			for _, path := range []string{"/api/v1/units/HN.HBT/progress", "/api/v1/units/HN.HBT/progress/children"} {
				plain := f.do("GET", path, f.tokens["board"], "")
				zipped := f.do("GET", path, f.tokens["board"], "", "Accept-Encoding: gzip, deflate")
				if plain.Code != http.StatusOK || zipped.Code != http.StatusOK {
					t.Fatalf("%s: %d and %d", path, plain.Code, zipped.Code)
				}
				if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
					t.Errorf("%s: Content-Encoding %q, want gzip", path, got)
				}
				if got := zipped.Header().Values("Vary"); !slices.Contains(got, "Accept-Encoding") {
					t.Errorf("%s: Vary %q, want Accept-Encoding", path, got)
				}
				if plain.Header().Get("Content-Encoding") != "" || plain.Header().Get("ETag") != zipped.Header().Get("ETag") {
					t.Errorf("%s: the plain body is %q encoded, tags %q and %q", path, plain.Header().Get("Content-Encoding"),
						plain.Header().Get("ETag"), zipped.Header().Get("ETag"))
				}
				r, err := gzip.NewReader(zipped.Body)
				if err != nil {
					t.Fatal(err)
				}
				body, err := io.ReadAll(r)
				if err != nil {
					t.Fatal(err)
				}
				if string(body) != plain.Body.String() {
					t.Errorf("%s: gunzipped\n%s\nwant\n%s", path, body, plain.Body)
				}
			}
		})
	}
}

// TestAWriteThroughOneServerIsReadAtOnceByItsWriterThroughAnother: two
// servers on one database, each with its figures in memory, as two
// processes behind a proxy without replicas. A writer, whether an API
// client that sends back X-Daihoi-LSN or a browser (its web session), reads
// its write through the other server at once; other callers are served the
// other server's figures in memory.
func TestAWriteThroughOneServerIsReadAtOnceByItsWriterThroughAnother(t *testing.T) {
	copts := core.Options{ProgressTTL: time.Hour}
	f := newFixtureWith(t, Options{}, store.New(testdb.New(t)), domain.SystemClock{}, copts)
	f.withRound()
	svc, err := core.New(context.Background(), store.New(f.db), domain.SystemClock{}, copts, nil)
	if err != nil {
		t.Fatal(err)
	}
	other := *f
	if other.srv, err = New(svc, Options{}, nil); err != nil {
		t.Fatal(err)
	}
	other.svc = svc
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := other.srv.Shutdown(ctx); err != nil {
			t.Errorf("shutdown: %v", err)
		}
	})
	const path = "/api/v1/units/HN.HBT.A/progress"
	if held, _ := other.heldCells("viewer", path); held != 0 {
		t.Fatalf("before any write: %d cells held, want 0", held)
	}

	t.Run("an API client sending back the position of its write", func(t *testing.T) {
		at := f.holdAPI("HN.HBT.A.1", "2020-03-20").Header().Get(HeaderLSN)
		if at == "" {
			t.Fatalf("the answer to a write has no %s", HeaderLSN)
		}
		if held, _ := other.heldCells("viewer", path); held != 0 {
			t.Errorf("another caller through the other server: %d held, want the 0 in memory", held)
		}
		if held, _ := other.heldCells("secretary", path, HeaderLSN+": "+at); held != 1 {
			t.Errorf("the writer through the other server: %d held, want 1", held)
		}
	})

	t.Run("a browser whose web session keeps the position of its write", func(t *testing.T) {
		const code = "HN.HBT.A.2"
		f.planApprovedAPI(code)
		b := f.browser("")
		b.login("secretary", testPassword)
		b.f = &other // the figures of HN.HBT.A in the other server's memory
		if body := b.send("GET", "/", nil).Body.String(); strings.Contains(body, "(2/2)") {
			t.Fatalf("the dashboard through the other server shows both cells held before the write")
		}
		before, _ := other.heldCells("viewer", path)
		b.f = f
		if res := b.step(code, f.congressOf(code).Version, map[string][]string{"status": {"held"}, "held_date": {"2020-03-21"}}); res.Code != http.StatusSeeOther {
			t.Fatalf("held from the page: %d %s", res.Code, res.Body)
		}
		if held, _ := other.heldCells("viewer", path); held != before {
			t.Errorf("another caller through the other server: %d held, want the %d in memory", held, before)
		}
		b.f = &other
		if body := b.send("GET", "/", nil).Body.String(); !strings.Contains(body, "(2/2)") {
			t.Errorf("the dashboard through the other server does not show both cells held: %s", body)
		}
	})
}
