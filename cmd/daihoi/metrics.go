package main

import (
	"time"

	"github.com/daihoi/daihoi/internal/metrics"
)

// statusTimeout bounds the database reads of one scrape of the metrics.
const statusTimeout = 5 * time.Second

// newMetrics, when metrics.addr is set, makes the metrics of the server a:
// the pool of its database, the reads served by its replicas, the figures
// read from it at each scrape, the runs of its jobs (the web server takes the middleware). Nil when metrics
// are off.
func newMetrics(c *cli, a *app) *metrics.Metrics {
	if c.cfg.Metrics.Addr == "" {
		return nil
	}
	m := metrics.New(version, c.log)
	m.WatchDB(a.db.DB)
	if len(c.cfg.Database.ReplicaURLs) > 0 {
		m.WatchReads(a.svc.ReadStats)
	}
	m.WatchStatus(a.svc.OpsStatus, statusTimeout)
	a.svc.Jobs().Observe(m.JobDone)
	return m
}
