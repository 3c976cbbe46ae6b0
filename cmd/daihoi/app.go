package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/pg"
	"github.com/daihoi/daihoi/internal/store"
)

// app is daihoi opened on its database: the embedded cluster when no
// database URL is set, the migrations applied, the services built.
type app struct {
	*cli
	cluster *pg.Cluster
	db      *sqlx.DB
	store   *store.Store
	svc     *core.Service
}

// openApp connects to (or starts) the database and builds the services.
func openApp(ctx context.Context, c *cli) (*app, error) {
	a := &app{cli: c}
	auth.Cost = c.cfg.Auth.BcryptCost
	url, cl, err := databaseURL(ctx, c)
	if err != nil {
		return nil, err
	}
	a.cluster = cl
	st, err := store.Open(ctx, url, storeOptions(c))
	if err != nil {
		a.Close()
		return nil, err
	}
	a.db, a.store = st.DB(), st
	if c.cfg.Database.MigrateOnStart {
		if err := store.Migrate(ctx, a.db.DB); err != nil {
			a.Close()
			return nil, err
		}
	}
	opts, err := serviceOptions(c)
	if err == nil {
		a.svc, err = core.New(ctx, st, newClock(c), opts, c.log)
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// databaseURL returns the URL of daihoi's database: database.url, or else
// the database of the embedded cluster, which it starts (the caller stops
// the cluster returned).
func databaseURL(ctx context.Context, c *cli) (string, *pg.Cluster, error) {
	if c.cfg.Database.URL != "" {
		return c.cfg.Database.URL, nil, nil
	}
	cl, err := startEmbedded(ctx, c)
	if err != nil {
		return "", nil, err
	}
	return cl.URL(c.cfg.Embedded.Database), cl, nil
}

func startEmbedded(ctx context.Context, c *cli) (*pg.Cluster, error) {
	if _, err := pg.EnsureBinaries(c.log); err != nil {
		return nil, err
	}
	dir, err := filepath.Abs(c.cfg.Embedded.DataDir)
	if err != nil {
		return nil, fmt.Errorf("embedded database: %w", err)
	}
	c.log.Info("starting the embedded PostgreSQL", "data_dir", dir)
	cl, err := pg.Start(ctx, pg.Options{DataDir: dir, Port: c.cfg.Embedded.Port, Fsync: true, Persistent: true, Logger: c.log})
	if err != nil {
		return nil, err
	}
	if err := cl.CreateDatabase(ctx, c.cfg.Embedded.Database); err != nil {
		cl.Stop()
		return nil, err
	}
	return cl, nil
}

// newClock is the services' clock: the system's, or, with clock.start (a
// trial server's setting, refused by the configuration without its guard),
// one that reads clock.start now and runs on. A shifted clock is logged.
func newClock(c *cli) domain.Clock {
	start, err := c.cfg.ClockStart()
	if err != nil || start.IsZero() { // an error was refused by config.Load already
		return domain.SystemClock{}
	}
	c.log.Warn("the clock is shifted (clock.start): every figure, deadline and job is as of this time, not the real one",
		"clock_start", start.Format("2006-01-02T15:04:05Z07:00"))
	return domain.NewOffsetClock(start)
}

// storeOptions are the connection settings from the configuration; a
// timeout of 0s leaves the server's own setting.
func storeOptions(c *cli) store.Options {
	d := c.cfg.Database
	server := func(t time.Duration) time.Duration {
		if t == 0 {
			return -1
		}
		return t
	}
	return store.Options{MaxConns: d.MaxConns, AcquireTimeout: d.AcquireTimeout,
		StatementTimeout: server(d.StatementTimeout), LockTimeout: server(d.LockTimeout),
		IdleInTransactionTimeout: server(d.IdleInTransactionSessionTimeout), BulkTimeout: d.BulkTimeout,
		Replicas: d.ReplicaURLs, ReplicaMaxLag: d.ReplicaMaxLag, ReplicaMaxConns: d.ReplicaMaxConns}
}

// serviceOptions are the options of the services from the configuration.
func serviceOptions(c *cli) (core.Options, error) {
	callers := c.cfg.Auth.CallerCache
	if callers == 0 {
		callers = -1 // "0s" in the config: no cache
	}
	m, j := c.cfg.Mail, c.cfg.Jobs
	mailer, err := mail.New(mail.Config{Host: m.Host, Port: m.Port, Username: m.Username, Password: m.Password,
		From: m.From, TLS: m.TLS, Timeout: m.Timeout})
	if err != nil {
		return core.Options{}, err
	}
	return core.Options{TokenTTL: c.cfg.Auth.TokenTTL, AtRiskDays: c.cfg.Jobs.AtRiskDays, PrincipalTTL: callers,
		PaperMaxSize: int64(c.cfg.Papers.MaxSizeMB) << 20, ProgressTTL: c.cfg.Cache.ProgressTTL,
		Reports: core.ReportOptions{Kinds: c.cfg.Reports.Kinds, ForecastWeeks: c.cfg.Reports.ForecastWeeks, Workers: c.cfg.Reports.Workers,
			BaseURL: c.cfg.BaseURL, Mailer: mailer, MailAttempts: m.Attempts},
		Schedules: core.JobSchedules{ProgressSnapshot: j.ProgressSnapshot, LateFlags: j.LateFlags, ConsistencyCheck: j.ConsistencyCheck,
			Housekeeping: j.Housekeeping, WeeklyReport: j.WeeklyReport, ReportMail: j.ReportMail, Reminders: j.Reminders},
		ReminderDays: c.cfg.Reminders.Days}, nil
}

// useClock rebuilds the services on clock: the demo runs on its demo date.
func (a *app) useClock(ctx context.Context, clock domain.Clock) error {
	opts, err := serviceOptions(a.cli)
	if err != nil {
		return err
	}
	svc, err := core.New(ctx, a.store, clock, opts, a.log)
	if err != nil {
		return err
	}
	a.svc = svc
	return nil
}

// Close closes the database and stops the embedded cluster, if any.
func (a *app) Close() {
	if a.db != nil {
		a.db.Close()
	}
	if a.cluster != nil {
		if err := a.cluster.Stop(); err != nil {
			a.log.Error("stopping the embedded PostgreSQL", "err", err)
		}
	}
}

// withApp opens the app, runs fn and closes the app.
func withApp(ctx context.Context, c *cli, fn func(a *app) error) error {
	a, err := openApp(ctx, c)
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}
