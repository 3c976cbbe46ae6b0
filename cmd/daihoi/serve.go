package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
	"github.com/daihoi/daihoi/internal/metrics"
	"github.com/daihoi/daihoi/internal/unitfile"
	"github.com/daihoi/daihoi/internal/web"
)

func cmdServe(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	seedDemo := fs.Bool("demo", c.cfg.Demo.SeedIfEmpty, "seed the demo data when the database has no unit")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	c.log.Info("configuration", "settings", c.cfg.Masked())
	applyGC(c.cfg, os.Getenv)
	// The address is taken first: one in use is told before the migrations
	// and the demo run, and nothing says "listening" that is not.
	listener, err := net.Listen("tcp", c.cfg.Addr)
	if err != nil {
		return fmt.Errorf("addr %s: %w", c.cfg.Addr, err)
	}
	defer listener.Close() // closed by the server once it serves; this is for the early returns
	a, err := openApp(ctx, c)
	if err != nil {
		return err
	}
	defer a.Close()
	clockFrom := ""
	if c.cfg.Clock.Start != "" {
		clockFrom = "clock.start"
	}
	if *seedDemo {
		demoDay, err := useDemo(ctx, a)
		if err != nil {
			return err
		}
		if !demoDay.IsZero() && clockFrom == "" {
			clockFrom = "demo.date"
		}
	}
	proxies, err := c.cfg.TrustedProxies()
	if err != nil {
		return err
	}
	m := newMetrics(c, a)
	var instrument echo.MiddlewareFunc
	if m != nil {
		instrument = m.Middleware
	}
	srv, err := web.New(a.svc, web.Options{
		Addr: c.cfg.Addr, BaseURL: c.cfg.BaseURL, BodyLimit: c.cfg.HTTP.BodyLimit,
		ReadTimeout: c.cfg.HTTP.ReadTimeout, WriteTimeout: c.cfg.HTTP.WriteTimeout,
		SessionLifetime: c.cfg.Auth.SessionLifetime, SessionIdleTimeout: c.cfg.Auth.SessionIdleTimeout,
		CookieSecure: c.cfg.Auth.CookieSecure, TrustedProxies: proxies, ShiftedClock: clockFrom != "",
		Instrument: instrument,
		Import:     unitfile.Limits{MaxRows: c.cfg.Import.MaxRows, MaxUnpacked: int64(c.cfg.Import.MaxUnpackedMB) << 20},
	}, c.log)
	if err != nil {
		return err
	}
	var msrv *metrics.Server
	if m != nil {
		if msrv, err = m.Listen(c.cfg.Metrics.Addr); err != nil {
			return err
		}
	}
	loc, err := time.LoadLocation(c.cfg.Jobs.Timezone)
	if err != nil {
		return err
	}
	sched := jobs.NewScheduler(loc, c.log)
	if err := scheduleJobs(c, a, sched); err != nil {
		return err
	}

	errc := make(chan error, 2)
	go func() { errc <- srv.Serve(listener) }()
	if msrv != nil {
		go func() { errc <- msrv.Serve() }()
	}
	printWelcome(c, *seedDemo)
	if clockFrom != "" {
		fmt.Fprintf(c.stdout, "The clock is shifted: it reads %s (%s) and runs on.\n\n",
			a.svc.Clock().Now().In(domain.Location).Format("02/01/2006 15:04"), clockFrom)
	}

	select {
	case err = <-errc:
		if err != nil {
			err = fmt.Errorf("http server: %w", err)
		}
	case <-ctx.Done():
		c.log.Info("shutting down")
	}
	// The requests in flight, then the jobs, each get http.shutdown_timeout
	// of their own. A shutdown that had to cut requests or jobs short ends
	// the process with an error, so that systemd and its operator see it.
	sctx, cancel := context.WithTimeout(context.Background(), c.cfg.HTTP.ShutdownTimeout)
	defer cancel()
	if serr := srv.Shutdown(sctx); serr != nil {
		c.log.Error("http shutdown: requests still running were cut", "err", serr, "timeout", c.cfg.HTTP.ShutdownTimeout)
		err = errors.Join(err, fmt.Errorf("http shutdown: requests still running after %v were cut", c.cfg.HTTP.ShutdownTimeout))
	}
	if msrv != nil {
		if serr := msrv.Shutdown(sctx); serr != nil {
			c.log.Error("metrics shutdown", "err", serr)
		}
	}
	jctx, jcancel := context.WithTimeout(context.Background(), c.cfg.HTTP.ShutdownTimeout)
	defer jcancel()
	if serr := sched.Stop(jctx); serr != nil {
		c.log.Error("scheduler stop: jobs still running were cancelled", "err", serr)
		err = errors.Join(err, fmt.Errorf("scheduler stop: jobs still running after %v were cancelled", c.cfg.HTTP.ShutdownTimeout))
	}
	return err
}

// useDemo seeds the demo into an empty database; when the database holds
// the demo, the services run from then on at 09:00 on the demo date (unless
// clock.start sets the clock), and it returns that date (zero when the
// database holds something else, whose services keep their clock). The seed
// itself runs on that clock, so that its changes are recorded at the demo
// date (or clock.start's) too.
func useDemo(ctx context.Context, a *app) (time.Time, error) {
	day, err := a.cfg.DemoDate()
	if err != nil {
		return time.Time{}, err
	}
	shifted := a.cfg.Clock.Start != ""
	if !shifted {
		if err := a.useClock(ctx, demo.Clock(day)); err != nil {
			return time.Time{}, err
		}
	}
	if err := demo.SeedOn(ctx, a.svc, day); err != nil {
		return time.Time{}, err
	}
	present, err := demo.Present(ctx, a.svc)
	if err != nil || !present {
		if shifted {
			return time.Time{}, err
		}
		return time.Time{}, errors.Join(err, a.useClock(ctx, domain.SystemClock{}))
	}
	return day, nil
}

func printWelcome(c *cli, demoLogins bool) {
	fmt.Fprintf(c.stdout, "\ndaihoi is running at %s (Ctrl-C stops it)\n", displayURL(c.cfg.Addr, c.cfg.BaseURL))
	if demoLogins {
		fmt.Fprintln(c.stdout, "Demo logins (password: demo):")
		for _, l := range demo.Logins() {
			fmt.Fprintf(c.stdout, "  %-10s %-11s %s\n", l.Username, l.Role, l.Unit)
		}
	}
	fmt.Fprintln(c.stdout)
}

// displayURL is the URL to print: the base URL, or one built from the address.
func displayURL(addr, base string) string {
	if addr == ":8080" || base != "http://localhost:8080" {
		return base
	}
	if len(addr) > 0 && addr[0] == ':' {
		return "http://localhost" + addr
	}
	return "http://" + addr
}

func cmdSeed(ctx context.Context, c *cli, args []string) error {
	if len(args) != 1 || args[0] != "demo" {
		fmt.Fprintln(c.stderr, "usage: daihoi seed demo")
		return errUsage
	}
	return withApp(ctx, c, func(a *app) error {
		n, err := a.svc.CountUnits(ctx, domain.SystemPrincipal())
		if err != nil {
			return err
		}
		if n > 0 {
			return domain.Conflict("Cơ sở dữ liệu đã có đơn vị; dữ liệu mẫu chỉ nạp vào cơ sở dữ liệu trống",
				"the database already has units; demo data loads only into an empty database")
		}
		day, err := c.cfg.DemoDate()
		if err != nil {
			return err
		}
		if err := demo.SeedOn(ctx, a.svc, day); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "demo data loaded (round as of %s)\n", day.Format("02/01/2006"))
		return nil
	})
}
