package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/daihoi/daihoi/internal/testdb"
)

// scrape reads the metrics at url in Prometheus's text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, body)
	}
	parser := expfmt.NewTextParser(model.UTF8Validation)
	families, err := parser.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("the metrics do not parse: %v", err)
	}
	return families
}

// sample returns the value of the series of family name with labels (a
// histogram's count), and whether there is one.
func sample(families map[string]*dto.MetricFamily, name string, labels map[string]string) (float64, bool) {
	f := families[name]
	if f == nil {
		return 0, false
	}
next:
	for _, m := range f.GetMetric() {
		have := map[string]string{}
		for _, l := range m.GetLabel() {
			have[l.GetName()] = l.GetValue()
		}
		for k, v := range labels {
			if have[k] != v {
				continue next
			}
		}
		switch {
		case m.GetHistogram() != nil:
			return float64(m.GetHistogram().GetSampleCount()), true
		case m.GetCounter() != nil:
			return m.GetCounter().GetValue(), true
		case m.GetGauge() != nil:
			return m.GetGauge().GetValue(), true
		case m.GetUntyped() != nil:
			return m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

// TestMetricsAreServedOnTheirOwnAddress starts the server with metrics on,
// makes requests, runs the consistency check on rollups made wrong, and
// scrapes /metrics over HTTP.
func TestMetricsAreServedOnTheirOwnAddress(t *testing.T) {
	url := testdb.URL(t)
	if _, errOut, err := runCLI(t, url, "", "seed", "demo"); err != nil {
		t.Fatalf("seed demo: %v\n%s", err, errOut)
	}
	if _, errOut, err := runCLI(t, url, "", "user", "email", "bantochuc", "bantochuc@hbt.hanoi.gov.vn"); err != nil {
		t.Fatalf("user email: %v\n%s", err, errOut)
	}
	bin := buildBinary(t)
	addr, metricsAddr := freeAddr(t), freeAddr(t)
	_, exited, _, stderr := startDaihoi(t, bin, []string{"serve", "--demo"}, "DATABASE_URL="+url, "DAIHOI_ADDR="+addr,
		"DAIHOI_METRICS_ADDR="+metricsAddr, "DAIHOI_JOBS_ENABLED=false", "DAIHOI_DATABASE_MAX_CONNS=7", "DAIHOI_AUTH_BCRYPT_COST=4", "DAIHOI_LOG_LEVEL=warn")
	base := "http://" + addr
	waitReady(t, base, exited, stderr)

	call := func(method, path, token, body string, want int) string {
		t.Helper()
		resp, raw := fetch(t, method, base+path, token, body)
		if resp.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %.500s", method, path, resp.StatusCode, want, raw)
		}
		return raw
	}
	board, admin := login(t, base, "bantochuc", "demo"), login(t, base, "admin", "demo")
	call("GET", "/login", "", "", http.StatusOK)
	call("GET", "/login", "", "", http.StatusOK)
	call("GET", "/nowhere/at/all", "", "", http.StatusNotFound)
	call("GET", "/api/v1/units/HN.NOPE", board, "", http.StatusNotFound)
	call("PUT", "/api/v1/units/HN.HBT/reports/subscription", board, `{"subscribed":true}`, http.StatusOK)
	call("POST", "/api/v1/units/HN.HBT/reports", board, `{"week":"2020-W15","force":true}`, http.StatusCreated)
	var mails struct {
		Mails []struct {
			Status string `json:"status"`
		} `json:"mails"`
	}
	if err := json.Unmarshal([]byte(call("GET", "/api/v1/units/HN.HBT/reports/2020-W15/mails", board, "", http.StatusOK)), &mails); err != nil {
		t.Fatal(err)
	}
	pending := 0
	for _, m := range mails.Mails {
		if m.Status == "pending" {
			pending++
		}
	}
	if pending == 0 {
		t.Fatalf("no e-mail waits after the report was remade for a subscriber: %+v", mails)
	}

	db := sqlx.MustConnect("postgres", url)
	defer db.Close()
	res, err := db.Exec(`UPDATE rollups SET total = total + 1 WHERE unit_id = (SELECT id FROM units WHERE code = 'HN.HBT.BACHMAI')`)
	if err != nil {
		t.Fatal(err)
	}
	broken, _ := res.RowsAffected()
	if broken == 0 {
		t.Fatal("no rollup row to break")
	}
	var run struct {
		Outcome    string           `json:"outcome"`
		Counts     map[string]int64 `json:"counts"`
		FinishedAt time.Time        `json:"finished_at"`
	}
	if err := json.Unmarshal([]byte(call("POST", "/api/v1/jobs/consistency-check/run", admin, "", http.StatusOK)), &run); err != nil {
		t.Fatal(err)
	}
	if run.Outcome != "ok" || run.Counts["drift_rows"] < broken {
		t.Fatalf("consistency check: %+v, want ok with at least %d drift rows", run, broken)
	}

	m := scrape(t, "http://"+metricsAddr+"/metrics")
	const requests = "daihoi_http_request_duration_seconds"
	tests := []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{requests, map[string]string{"route": "/login", "method": "GET", "status": "200"}, 2},
		{requests, map[string]string{"route": "unmatched", "method": "GET", "status": "404"}, 1},
		{requests, map[string]string{"route": "/api/v1/units/:code", "method": "GET", "status": "404"}, 1},
		{requests, map[string]string{"route": "/api/v1/login", "method": "POST", "status": "200"}, 2},
		{requests, map[string]string{"route": "/api/v1/jobs/:name/run", "method": "POST", "status": "200"}, 1},
		{requests, map[string]string{"route": "/api/v1/units/:code/reports", "method": "POST", "status": "201"}, 1},
		{"daihoi_http_requests_in_flight", nil, 0},
		{"daihoi_job_runs_total", map[string]string{"job": "consistency-check", "outcome": "ok"}, 1},
		{"daihoi_job_duration_seconds", map[string]string{"job": "consistency-check", "outcome": "ok"}, 1},
		{"daihoi_rollup_rows_fixed_total", nil, float64(run.Counts["drift_rows"])},
		{"daihoi_report_mails", map[string]string{"state": "pending"}, float64(pending)},
		{"daihoi_report_mails", map[string]string{"state": "sent"}, 0},
		{"daihoi_report_mails", map[string]string{"state": "failed"}, 0},
		{"daihoi_reminder_mails", map[string]string{"state": "pending"}, 0},
		{"daihoi_reminder_mails", map[string]string{"state": "sent"}, 0},
		{"daihoi_reminder_mails", map[string]string{"state": "failed"}, 0},
		{"daihoi_build_info", map[string]string{"version": "dev"}, 1},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s%v", tt.name, tt.labels), func(t *testing.T) {
			got, ok := sample(m, tt.name, tt.labels)
			if !ok {
				t.Fatalf("no series %s %v", tt.name, tt.labels)
			}
			if got != tt.want {
				t.Errorf("%s %v = %v, want %v", tt.name, tt.labels, got, tt.want)
			}
		})
	}
	// The pool's limit is database.max_conns and a few connections for the jobs' leases.
	if limit, ok := sample(m, "go_sql_max_open_connections", map[string]string{"db_name": "daihoi"}); !ok || limit < 7 || limit >= 20 {
		t.Errorf("go_sql_max_open_connections = %v (%v), want database.max_conns (7) and a few", limit, ok)
	}
	if _, ok := sample(m, "go_sql_in_use_connections", map[string]string{"db_name": "daihoi"}); !ok {
		t.Error("no go_sql_in_use_connections")
	}
	last, ok := sample(m, "daihoi_job_last_success_timestamp_seconds", map[string]string{"job": "consistency-check"})
	if want := float64(run.FinishedAt.UnixMilli()) / 1000; !ok || math.Abs(last-want) > 0.001 {
		t.Errorf("last success of the consistency check %v (%v), want %v", last, ok, want)
	}
	for _, mf := range m[requests].GetMetric() {
		for _, l := range mf.GetLabel() {
			if l.GetName() == "route" && (strings.Contains(l.GetValue(), "nowhere") || strings.Contains(l.GetValue(), "HN.")) {
				t.Errorf("a raw path is a route label: %q", l.GetValue())
			}
		}
	}
	if resp, err := http.Get(base + "/metrics"); err == nil {
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("the web server serves /metrics too: %d", resp.StatusCode)
		}
	}
}
