package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/internal/report"
)

const reportUsage = `usage:
  daihoi report weekly --unit CODE [--week 2020-W14] [--format html|xlsx|csv|pdf] [--out FILE] [--lang vi|en] [--force]
      the weekly progress report of one unit: made and stored when it is not yet, else the stored one
      (--force makes it again and replaces it); written to FILE, or to standard output
  daihoi report weekly [--week 2020-W14] [--force]
      make the reports of the week for every unit the weekly job covers (as the job does, e-mails queued)
--week defaults to the week just ended; --format to FILE's extension, else html.`

// cmdReport runs `daihoi report weekly`.
func cmdReport(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "weekly" {
		fmt.Fprintln(c.stderr, reportUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("report weekly", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	unit := fs.String("unit", "", "code of the unit")
	week := fs.String("week", "", "ISO week, e.g. 2020-W14 (default: the week just ended)")
	format := fs.String("format", "", "html, xlsx, csv or pdf (default: from --out, else html)")
	out := fs.String("out", "", "file to write (default: standard output)")
	lang := fs.String("lang", "vi", "language of the report: vi or en")
	force := fs.Bool("force", false, "make the report again even if one is stored, replacing it")
	if pos, err := parseInterspersed(fs, args[1:]); err != nil || len(pos) != 0 {
		fmt.Fprintln(c.stderr, reportUsage)
		return errUsage
	}
	f := strings.ToLower(strings.TrimSpace(*format))
	if f == "" {
		f = strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")
		if f == "" || f == "htm" {
			f = "html"
		}
	}
	if !report.ValidFormat(f) {
		fmt.Fprintf(c.stderr, "unknown format %q: use html, xlsx, csv or pdf\n", f)
		return errUsage
	}
	if *lang != "vi" && *lang != "en" {
		fmt.Fprintf(c.stderr, "unknown language %q: use vi or en\n", *lang)
		return errUsage
	}
	if *out == "" && *unit != "" && f != "html" && f != "csv" && isTerminal(c) {
		fmt.Fprintf(c.stderr, "%s is binary: give --out FILE\n", f)
		return errUsage
	}
	return withApp(ctx, c, func(a *app) error {
		if *unit == "" {
			return reportAll(ctx, c, a, *week, *force)
		}
		m, err := a.svc.MakeWeeklyReport(ctx, domain.SystemPrincipal(), *unit, *week, *force)
		if err != nil {
			return err
		}
		cat, err := i18n.Load()
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := report.Write(&buf, cat, m.Report, f, *lang); err != nil {
			return err
		}
		how := "stored report"
		switch {
		case m.Replaced:
			how = "made again, replacing the stored one"
		case m.Written:
			how = "made and stored"
		}
		if *out == "" {
			_, err := c.stdout.Write(buf.Bytes())
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(c.stderr, "%s %s (%s): %s, %d bytes\n", m.Report.Unit.Code, m.Report.Week, how, *out, buf.Len())
		return nil
	})
}

// reportAll makes the reports of the week for every unit the job covers.
func reportAll(ctx context.Context, c *cli, a *app, week string, force bool) error {
	w := domain.LastFullWeek(a.svc.Clock())
	if strings.TrimSpace(week) != "" {
		var err error
		if w, err = domain.ParseWeek(strings.TrimSpace(week)); err != nil {
			return err
		}
	}
	run, err := a.svc.MakeWeeklyReports(ctx, domain.SystemPrincipal(), 0, w, force)
	fmt.Fprintf(c.stdout, "%s: %d made, %d replaced, %d kept as they were, %d e-mails queued\n", w, run.Made, run.Replaced, run.Kept, run.Mails)
	return err
}

// isTerminal reports whether standard output is a terminal (binary output
// there would be garbage).
func isTerminal(c *cli) bool {
	f, ok := c.stdout.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
