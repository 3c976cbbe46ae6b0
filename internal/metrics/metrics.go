// Package metrics exposes how daihoi runs to Prometheus, on a listener of
// its own (setting metrics.addr), from a private registry: the HTTP
// requests by route template and status and those in flight, the database
// pool, the runs of the jobs, the report e-mails by state, the rollup
// rows the consistency check fixed, and the reads served by replicas.
//
// The web server takes the middleware (Middleware), the job runner the
// observer (JobDone); the pool and the figures read from the database at
// each scrape (WatchDB, WatchStatus) are collected when Prometheus asks.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// Namespace prefixes the name of every daihoi metric.
const Namespace = "daihoi"

// UnmatchedRoute is the route label of a request that matched no route: its
// path is never a label, so that probes of random paths add no series.
const UnmatchedRoute = "unmatched"

// Metrics holds daihoi's metrics in a registry of their own (never
// Prometheus's global one).
type Metrics struct {
	reg         *prometheus.Registry
	log         *slog.Logger
	requests    *prometheus.HistogramVec
	inFlight    prometheus.Gauge
	jobRuns     *prometheus.CounterVec
	jobDuration *prometheus.HistogramVec
	rollupFixed prometheus.Counter
}

// New returns the metrics of a daihoi process of version, with the Go
// runtime's and the process's.
func New(version string, log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.Default()
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		log: log,
		requests: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "http_request_duration_seconds",
			Help:    "Time taken to answer HTTP requests, by route template, method and status.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "method", "status"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: Namespace, Name: "http_requests_in_flight",
			Help: "HTTP requests being answered.",
		}),
		jobRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: Namespace, Name: "job_runs_total",
			Help: "Runs of the jobs in this process, by job and outcome (ok, failed, skipped).",
		}, []string{"job", "outcome"}),
		jobDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: Namespace, Name: "job_duration_seconds",
			Help:    "Time taken by the runs of the jobs in this process, by job and outcome.",
			Buckets: []float64{0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 120, 300, 600, 1800},
		}, []string{"job", "outcome"}),
		rollupFixed: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: Namespace, Name: "rollup_rows_fixed_total",
			Help: "Rollup rows the consistency check found wrong and fixed, in this process's runs.",
		}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Namespace: Namespace, Name: "build_info", Help: "The daihoi version running (always 1).",
		ConstLabels: prometheus.Labels{"version": version},
	})
	build.Set(1)
	m.reg.MustRegister(m.requests, m.inFlight, m.jobRuns, m.jobDuration, m.rollupFixed, build,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Middleware measures every request: in flight while it runs, then its
// duration by route template (Echo's c.Path(), never the raw path), method
// and final status. Put it first, around the middleware that renders errors.
func (m *Metrics) Middleware(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		m.inFlight.Inc()
		defer m.inFlight.Dec()
		start := time.Now()
		err := next(c)
		status := c.Response().Status
		if err != nil { // not rendered yet: the status it will get
			status = http.StatusInternalServerError
			var he *echo.HTTPError
			if errors.As(err, &he) {
				status = he.Code
			}
		}
		route := c.Path()
		if route == "" {
			route = UnmatchedRoute
		}
		m.requests.WithLabelValues(route, method(c.Request().Method), strconv.Itoa(status)).
			Observe(time.Since(start).Seconds())
		return err
	}
}

// method is a request's method as a label: the standard ones, else OTHER.
func method(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// JobDone counts a recorded run of a job (the job runner's observer): its
// outcome and duration, and for the consistency check the rollup rows fixed.
func (m *Metrics) JobDone(run domain.JobRun, took time.Duration) {
	m.jobRuns.WithLabelValues(run.Job, run.Outcome).Inc()
	m.jobDuration.WithLabelValues(run.Job, run.Outcome).Observe(took.Seconds())
	if run.Job == core.JobConsistencyCheck {
		m.rollupFixed.Add(float64(run.Counts[core.CountDriftRows]))
	}
}

// WatchDB adds the statistics of the connection pool db (open, in use,
// idle connections, waits for one) as go_sql_* with db_name="daihoi".
func (m *Metrics) WatchDB(db *sql.DB) {
	m.reg.MustRegister(collectors.NewDBStatsCollector(db, Namespace))
}

// WatchStatus adds the figures read from the database at each scrape by
// status (the report and reminder e-mails by state, the jobs' last
// successes), given at
// most timeout; a read that fails or times out is logged and leaves them
// out of that scrape, the other metrics are still served.
func (m *Metrics) WatchStatus(status func(context.Context) (domain.OpsStatus, error), timeout time.Duration) {
	m.reg.MustRegister(&statusCollector{read: status, timeout: timeout,
		mails: prometheus.NewDesc(Namespace+"_report_mails", "Weekly report e-mails by state (pending, sent, failed).",
			[]string{"state"}, nil),
		reminders: prometheus.NewDesc(Namespace+"_reminder_mails", "Daily reminder e-mails by state (pending, sent, failed).",
			[]string{"state"}, nil),
		lastSuccess: prometheus.NewDesc(Namespace+"_job_last_success_timestamp_seconds",
			"When each job last ended well, in any daihoi process on the database (Unix time).", []string{"job"}, nil),
	})
}

// WatchReads adds, for a store with read replicas, where the reads of the
// dashboards, reports, exports and search ran (daihoi_db_reads_total by
// target, primary or replica; daihoi_db_replica_fallbacks_total, the
// statements a failing replica left to the primary) and each replica's
// last measure (daihoi_db_replica_usable, daihoi_db_replica_lag_seconds by
// replica, its host:port/database), read from stats when scraped.
func (m *Metrics) WatchReads(stats func() domain.ReadStats) {
	m.reg.MustRegister(&readsCollector{stats: stats,
		reads: prometheus.NewDesc(Namespace+"_db_reads_total",
			"Reads of the dashboards, reports, exports and search, by the server they were sent to (primary, replica).", []string{"target"}, nil),
		fallbacks: prometheus.NewDesc(Namespace+"_db_replica_fallbacks_total",
			"Statements of reads sent to a replica that ran on the primary, the replica failing.", nil, nil),
		usable: prometheus.NewDesc(Namespace+"_db_replica_usable",
			"Whether the replica may serve reads now (1) or is down or too far behind (0).", []string{"replica"}, nil),
		lag: prometheus.NewDesc(Namespace+"_db_replica_lag_seconds",
			"How far behind the primary the replica was at its last measure, at most.", []string{"replica"}, nil),
	})
}

// readsCollector collects domain.ReadStats when scraped.
type readsCollector struct {
	stats                         func() domain.ReadStats
	reads, fallbacks, usable, lag *prometheus.Desc
}

func (rc *readsCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- rc.reads
	ch <- rc.fallbacks
	ch <- rc.usable
	ch <- rc.lag
}

func (rc *readsCollector) Collect(ch chan<- prometheus.Metric) {
	st := rc.stats()
	ch <- prometheus.MustNewConstMetric(rc.reads, prometheus.CounterValue, float64(st.Primary), "primary")
	ch <- prometheus.MustNewConstMetric(rc.reads, prometheus.CounterValue, float64(st.Replica), "replica")
	ch <- prometheus.MustNewConstMetric(rc.fallbacks, prometheus.CounterValue, float64(st.Fallbacks))
	for _, r := range st.Replicas {
		usable := 0.0
		if r.Usable {
			usable = 1
		}
		ch <- prometheus.MustNewConstMetric(rc.usable, prometheus.GaugeValue, usable, r.Name)
		if r.Err == "" {
			ch <- prometheus.MustNewConstMetric(rc.lag, prometheus.GaugeValue, r.Lag.Seconds(), r.Name)
		}
	}
}

// statusCollector collects domain.OpsStatus when scraped.
type statusCollector struct {
	read                          func(context.Context) (domain.OpsStatus, error)
	timeout                       time.Duration
	mails, reminders, lastSuccess *prometheus.Desc
}

func (sc *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- sc.mails
	ch <- sc.reminders
	ch <- sc.lastSuccess
}

func (sc *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), sc.timeout)
	defer cancel()
	st, err := sc.read(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(sc.mails, fmt.Errorf("metrics: read the status from the database: %w", err))
		return
	}
	for state, n := range st.Mails {
		ch <- prometheus.MustNewConstMetric(sc.mails, prometheus.GaugeValue, float64(n), state)
	}
	for state, n := range st.Reminders {
		ch <- prometheus.MustNewConstMetric(sc.reminders, prometheus.GaugeValue, float64(n), state)
	}
	for job, at := range st.LastSuccess {
		ch <- prometheus.MustNewConstMetric(sc.lastSuccess, prometheus.GaugeValue, float64(at.UnixMilli())/1000, job)
	}
}

// Handler serves the metrics in Prometheus's text format. A collector that
// fails is logged; the others are still served.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      slog.NewLogLogger(m.log.Handler(), slog.LevelError),
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg, // promhttp_metric_handler_errors_total
		Timeout:       30 * time.Second,
	})
}

// Server serves GET /metrics on a listener of its own.
type Server struct {
	http *http.Server
	ln   net.Listener
	log  *slog.Logger
}

// Listen listens on addr now (so that a taken address fails the start),
// to serve the metrics with Serve.
func (m *Metrics) Listen(addr string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	return &Server{ln: ln, log: m.log, http: &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)}}, nil
}

// Addr is the address the metrics are served on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Serve serves until Shutdown; it returns nil after a clean shutdown.
func (s *Server) Serve() error {
	s.log.Info("metrics: listening", "addr", s.Addr())
	if err := s.http.Serve(s.ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("metrics: %w", err)
	}
	return nil
}

// Shutdown stops the listener and waits for scrapes in flight until ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	if err := s.http.Shutdown(ctx); err != nil {
		return fmt.Errorf("metrics: shutdown: %w", err)
	}
	return nil
}
