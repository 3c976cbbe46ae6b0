package metrics

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// requestCount is how many requests were measured with the labels.
func requestCount(t *testing.T, m *Metrics, route, method, status string) uint64 {
	t.Helper()
	h, err := m.requests.GetMetricWithLabelValues(route, method, status)
	if err != nil {
		t.Fatal(err)
	}
	var out dto.Metric
	if err := h.(prometheus.Metric).Write(&out); err != nil {
		t.Fatal(err)
	}
	return out.GetHistogram().GetSampleCount()
}

func TestMiddlewareLabelsRequestsByRouteTemplate(t *testing.T) {
	m := New("test", slog.New(slog.NewTextHandler(io.Discard, nil)))
	e := echo.New()
	e.Use(m.Middleware)
	e.GET("/units/:code", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })
	e.GET("/teapot", func(c echo.Context) error { return echo.NewHTTPError(http.StatusTeapot) })
	e.GET("/broken", func(c echo.Context) error { return errors.New("boom") })
	for _, r := range []struct{ method, path string }{
		{"GET", "/units/HN.HBT"}, {"GET", "/units/HN.HBT.BACHMAI"}, {"GET", "/no/such/page"}, {"GET", "/another/random/path"},
		{"BREW", "/units/HN"}, {"GET", "/teapot"}, {"GET", "/broken"},
	} {
		e.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(r.method, r.path, nil))
	}
	tests := []struct {
		name                  string
		route, method, status string
		want                  uint64
	}{
		{"a route's requests share its template", "/units/:code", "GET", "200", 2},
		{"paths matching no route share one label", UnmatchedRoute, "GET", "404", 2},
		{"an unknown method is OTHER", "/units/:code", "OTHER", "405", 1},
		{"an error's status is the one it will be answered with", "/teapot", "GET", "418", 1},
		{"an unknown error is a 500", "/broken", "GET", "500", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := requestCount(t, m, tt.route, tt.method, tt.status); got != tt.want {
				t.Errorf("%s %s %s: %d requests, want %d", tt.route, tt.method, tt.status, got, tt.want)
			}
		})
	}
	if n := testutil.CollectAndCount(m.requests); n != len(tests) {
		t.Errorf("%d series of requests, want %d (no raw path, no raw method)", n, len(tests))
	}
	if got := testutil.ToFloat64(m.inFlight); got != 0 {
		t.Errorf("%v requests in flight after all ended", got)
	}
}

func TestJobDoneCountsRunsAndFixedRollupRows(t *testing.T) {
	m := New("test", nil)
	m.JobDone(domain.JobRun{Job: core.JobConsistencyCheck, Outcome: domain.JobOK, Counts: domain.JobCounts{core.CountDriftRows: 3}}, time.Second)
	m.JobDone(domain.JobRun{Job: core.JobConsistencyCheck, Outcome: domain.JobOK, Counts: domain.JobCounts{core.CountDriftRows: 0}}, time.Second)
	m.JobDone(domain.JobRun{Job: core.JobLateFlags, Outcome: domain.JobFailed, Counts: domain.JobCounts{core.CountDriftRows: 9}}, time.Second)
	for _, tt := range []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"consistency checks ok", m.jobRuns.WithLabelValues(core.JobConsistencyCheck, domain.JobOK), 2},
		{"late flags failed", m.jobRuns.WithLabelValues(core.JobLateFlags, domain.JobFailed), 1},
		{"rollup rows fixed, by the consistency check only", m.rollupFixed, 3},
	} {
		if got := testutil.ToFloat64(tt.c); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}

// A database read that does not answer in time leaves its figures out of
// the scrape and is logged; every other metric is served.
func TestAStatusReadThatTimesOutLeavesTheOtherMetrics(t *testing.T) {
	var logs strings.Builder
	m := New("test", slog.New(slog.NewTextHandler(&logs, nil)))
	m.WatchStatus(func(ctx context.Context) (domain.OpsStatus, error) {
		<-ctx.Done()
		return domain.OpsStatus{}, ctx.Err()
	}, 10*time.Millisecond)
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, `daihoi_build_info{version="test"} 1`) {
		t.Errorf("%d without the other metrics:\n%.2000s", rec.Code, body)
	}
	if strings.Contains(body, "daihoi_report_mails{") {
		t.Errorf("e-mail figures served without a read:\n%s", body)
	}
	if !strings.Contains(logs.String(), "deadline exceeded") {
		t.Errorf("the failed read is not logged: %q", logs.String())
	}
}

func TestWatchReadsTellsWhereReadsRanAndHowFarBehindEachReplicaIs(t *testing.T) {
	m := New("test", nil)
	m.WatchReads(func() domain.ReadStats {
		return domain.ReadStats{Primary: 3, Replica: 5, Fallbacks: 1, Replicas: []domain.ReplicaState{
			{Name: "db2:5432/daihoi", Usable: true, Lag: 1500 * time.Millisecond},
			{Name: "db3:5432/daihoi", Err: "connection refused"},
		}}
	})
	want := `
# HELP daihoi_db_reads_total Reads of the dashboards, reports, exports and search, by the server they were sent to (primary, replica).
# TYPE daihoi_db_reads_total counter
daihoi_db_reads_total{target="primary"} 3
daihoi_db_reads_total{target="replica"} 5
# HELP daihoi_db_replica_fallbacks_total Statements of reads sent to a replica that ran on the primary, the replica failing.
# TYPE daihoi_db_replica_fallbacks_total counter
daihoi_db_replica_fallbacks_total 1
# HELP daihoi_db_replica_lag_seconds How far behind the primary the replica was at its last measure, at most.
# TYPE daihoi_db_replica_lag_seconds gauge
daihoi_db_replica_lag_seconds{replica="db2:5432/daihoi"} 1.5
# HELP daihoi_db_replica_usable Whether the replica may serve reads now (1) or is down or too far behind (0).
# TYPE daihoi_db_replica_usable gauge
daihoi_db_replica_usable{replica="db2:5432/daihoi"} 1
daihoi_db_replica_usable{replica="db3:5432/daihoi"} 0
`
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), "daihoi_db_reads_total", "daihoi_db_replica_fallbacks_total",
		"daihoi_db_replica_lag_seconds", "daihoi_db_replica_usable"); err != nil {
		t.Error(err)
	}
}
