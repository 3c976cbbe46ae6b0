package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
)

const jobsUsage = `usage:
  daihoi jobs run NAME [--as-of YYYY-MM-DD] [--round ID]   run a job once now
  daihoi jobs list [--job NAME] [--limit N]                recent runs, newest first
jobs: progress-snapshot, late-flags, consistency-check, housekeeping, weekly-report, report-mail`

// cmdJobs runs `daihoi jobs run|list`.
func cmdJobs(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(c.stderr, jobsUsage)
		return errUsage
	}
	switch args[0] {
	case "run":
		return cmdJobsRun(ctx, c, args[1:])
	case "list":
		return cmdJobsList(ctx, c, args[1:])
	}
	fmt.Fprintln(c.stderr, jobsUsage)
	return errUsage
}

func cmdJobsRun(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("jobs run", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	asOf := fs.String("as-of", "", "the day the job works for (default: today; yesterday for progress-snapshot)")
	round := fs.String("round", "", "the round (default: the current one)")
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(c.stderr, jobsUsage)
		return errUsage
	}
	roundID, err := core.ParseRoundParam(strings.TrimSpace(*round))
	if err != nil {
		return err
	}
	return withApp(ctx, c, func(a *app) error {
		run, err := a.svc.RunJob(ctx, domain.SystemPrincipal(), pos[0], *asOf, roundID)
		if run.ID != 0 {
			printRun(c, run)
		}
		return err
	})
}

func cmdJobsList(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("jobs list", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	job := fs.String("job", "", "only the runs of this job")
	limit := fs.Int("limit", 20, "how many runs")
	if pos, err := parseInterspersed(fs, args); err != nil || len(pos) != 0 || *limit < 1 || *limit > core.MaxJobRuns {
		if err == nil && (*limit < 1 || *limit > core.MaxJobRuns) {
			fmt.Fprintf(c.stderr, "--limit must be between 1 and %d\n", core.MaxJobRuns)
		}
		fmt.Fprintln(c.stderr, jobsUsage)
		return errUsage
	}
	return withApp(ctx, c, func(a *app) error {
		runs, err := a.svc.JobRuns(ctx, domain.SystemPrincipal(), *job, *limit)
		if err != nil {
			return err
		}
		if len(runs) == 0 {
			fmt.Fprintln(c.stdout, "no runs yet")
		}
		for _, r := range runs {
			printRun(c, r)
		}
		return nil
	})
}

// printRun prints one run on a line: id, job, as of, outcome, counts, start, duration, host, error.
func printRun(c *cli, r domain.JobRun) {
	asOf, took := "-", "-"
	if r.AsOf != nil {
		asOf = r.AsOf.String()
	}
	if r.FinishedAt != nil {
		took = r.FinishedAt.Sub(r.StartedAt).Round(1e6).String()
	}
	keys := make([]string, 0, len(r.Counts))
	for k := range r.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	counts := make([]string, 0, len(keys))
	for _, k := range keys {
		counts = append(counts, fmt.Sprintf("%s=%d", k, r.Counts[k]))
	}
	how := "by hand"
	if r.Tick != nil {
		how = "tick " + r.Tick.In(domain.Location).Format("2006-01-02 15:04:05")
	}
	fmt.Fprintf(c.stdout, "#%d %s as of %s: %s [%s] %s, %s, %s on %s",
		r.ID, r.Job, asOf, r.Outcome, strings.Join(counts, " "),
		r.StartedAt.In(domain.Location).Format("2006-01-02 15:04:05"), took, how, r.Host)
	if r.Error != "" {
		fmt.Fprintf(c.stdout, ": %s", r.Error)
	}
	fmt.Fprintln(c.stdout)
}

// scheduleJobs puts every job on the scheduler with its configured
// schedule, each tick run once across every daihoi process on the
// database; when jobs are enabled it starts the scheduler and runs the
// start-up jobs (the late flags) once now, in the background.
func scheduleJobs(c *cli, a *app, sched *jobs.Scheduler) error {
	runner := a.svc.Jobs()
	if err := runner.Schedule(sched); err != nil {
		return err
	}
	if !c.cfg.Jobs.Enabled {
		return nil
	}
	sched.Start()
	runner.RunAtStart(sched)
	return nil
}
