package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/pg"
	"github.com/daihoi/daihoi/internal/store"
)

// outcome is one answer of the server during the fault test.
type outcome struct {
	phase  int32
	client int
	code   int
	reason string // of an update answered 2xx
}

// outcomes are the answers so far, counted by phase, client and status.
type outcomes struct {
	mu  sync.Mutex
	all []outcome
}

func (o *outcomes) add(x outcome) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.all = append(o.all, x)
}

// least is the smallest count, over clients 0..clients-1 (or the probe, -1,
// alone when clients is 0), of answers with code in phase.
func (o *outcomes) least(phase int32, clients, code int) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := map[int]int{}
	for _, x := range o.all {
		if x.phase == phase && x.code == code {
			n[x.client]++
		}
	}
	if clients == 0 {
		return n[-1]
	}
	least := -1
	for c := range clients {
		if least < 0 || n[c] < least {
			least = n[c]
		}
	}
	return least
}

// The phases of the fault test.
const (
	phaseUp int32 = iota
	phaseDown
	phaseBack
)

func TestTheServerRidesOutADatabaseRestartUnderLoad(t *testing.T) {
	ctx := context.Background()
	dataDir := filepath.Join(t.TempDir(), "data")
	var cluster *pg.Cluster
	start := func(port int) {
		t.Helper()
		c, err := pg.Start(ctx, pg.Options{DataDir: dataDir, Port: port, Persistent: true, Fsync: true, MaxConnections: 40})
		if err != nil {
			t.Fatal(err)
		}
		cluster = c
	}
	start(0)
	t.Cleanup(func() { _ = cluster.Stop() })
	if err := cluster.CreateDatabase(ctx, "daihoi"); err != nil {
		t.Fatal(err)
	}
	st := openStore(t, cluster.URL("daihoi"), store.Options{MaxConns: 4})
	if err := store.Migrate(ctx, st.DB().DB); err != nil {
		t.Fatal(err)
	}
	f := newFixtureOn(t, Options{}, st, domain.SystemClock{})
	f.withRound2020()
	live := f.live()
	cells := []string{"HN.HBT.A.1", "HN.HBT.A.2", "HN.HBT.B.1", "HN.HBT.B.2"}

	var phase atomic.Int32
	var done atomic.Bool
	got := &outcomes{}
	var wg sync.WaitGroup
	for i, code := range cells {
		version := f.congressOf(code).Version
		wg.Go(func() {
			for n := 1; !done.Load(); n++ {
				p := phase.Load()
				reason := fmt.Sprintf("fault %d.%d", i, n)
				// A new count each time, within the cell's members (20 or more).
				res, err := live.do("PATCH", "/api/v1/units/"+code+"/congress", f.tokens["board"],
					fmt.Sprintf(`{"delegates_expected":%d,"reason":%q,"version":%d}`, 1+n%20, reason, version))
				if err != nil {
					t.Errorf("no answer: %v", err)
					return
				}
				x := outcome{phase: p, client: i, code: res.code}
				switch res.code {
				case http.StatusOK:
					var c struct{ Version int }
					if err := json.Unmarshal([]byte(res.body), &c); err != nil || c.Version <= version {
						t.Errorf("200 without a newer version: %s", res.body)
						return
					}
					version, x.reason = c.Version, reason
				case http.StatusConflict:
					// An update answered 503 went through after all: read
					// the version anew (a 503 here is retried).
					if res, err := live.do("GET", "/api/v1/units/"+code+"/congress", f.tokens["board"], ""); err == nil && res.code == http.StatusOK {
						var c struct{ Version int }
						if err := json.Unmarshal([]byte(res.body), &c); err == nil {
							version = c.Version
						}
					}
				case http.StatusServiceUnavailable:
					if res.header.Get("Retry-After") == "" {
						t.Errorf("503 without Retry-After: %s", res.body)
					}
					time.Sleep(20 * time.Millisecond)
				default:
					t.Errorf("phase %d: answer %d: %s", p, res.code, res.body)
					return
				}
				got.add(x)
			}
		})
	}
	wg.Go(func() {
		for !done.Load() {
			p := phase.Load()
			res, err := live.do("GET", "/readyz", "", "")
			if err != nil {
				t.Errorf("/readyz: %v", err)
				return
			}
			got.add(outcome{phase: p, client: -1, code: res.code})
			time.Sleep(20 * time.Millisecond)
		}
	})
	// waitFor waits until cond holds; the test's own deadline guards it.
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(hangGuard)
		for !cond() {
			if time.Now().After(deadline) || t.Failed() {
				done.Store(true)
				wg.Wait()
				t.Fatalf("never: %s", what)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}

	waitFor("updates and readiness while the database is up", func() bool {
		return got.least(phaseUp, len(cells), http.StatusOK) >= 3 && got.least(phaseUp, 0, http.StatusOK) >= 1
	})
	port := cluster.Port()
	if err := cluster.Stop(); err != nil {
		t.Fatal(err)
	}
	phase.Store(phaseDown)
	waitFor("503s and /readyz red while the database is away", func() bool {
		return got.least(phaseDown, len(cells), http.StatusServiceUnavailable) >= 3 &&
			got.least(phaseDown, 0, http.StatusServiceUnavailable) >= 1
	})
	// The sign-in page says the service is away, rather than offer a form
	// whose sending would be refused as expired (its session unsaved).
	if res, err := live.do("GET", "/login", "", ""); err != nil || res.code != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Errorf("the sign-in page while the database is away: %d %v", res.code, err)
	}
	start(port)
	phase.Store(phaseBack)
	waitFor("updates and /readyz green once the database is back", func() bool {
		return got.least(phaseBack, len(cells), http.StatusOK) >= 3 && got.least(phaseBack, 0, http.StatusOK) >= 1
	})
	done.Store(true)
	wg.Wait()

	var recorded []string
	if err := f.db.Select(&recorded, `SELECT reason FROM audit_log WHERE reason LIKE 'fault %'`); err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, r := range recorded {
		in[r] = true
	}
	acked := 0
	for _, x := range got.all {
		if x.reason == "" {
			continue
		}
		acked++
		if !in[x.reason] {
			t.Errorf("update %q was answered 200 but is not in the database", x.reason)
		}
	}
	t.Logf("%d updates answered 200, %d recorded (some answered 503 may have committed)", acked, len(recorded))
}
