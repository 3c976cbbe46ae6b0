// Command daihoi runs the congress tracker: its web server and JSON API, and
// the command line that migrates, seeds, imports, exports and manages users.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/daihoi/daihoi/internal/config"
	"github.com/daihoi/daihoi/internal/domain"
)

const usage = `daihoi — theo dõi tiến độ đại hội đảng bộ các cấp (congress round tracker)

Usage:
  daihoi [--config FILE] COMMAND [ARGS]

Commands:
  serve [--demo]                         start the web server (--demo seeds demo data on an empty database)
  migrate                                apply pending database migrations
  seed demo                              load the demo district (Hai Bà Trưng) into an empty database
  import units FILE                      import the unit tree from a .csv or .xlsx file (all or nothing)
  export units [--root CODE] FILE        export the unit tree (or a subtree) to a .csv or .xlsx file
  gen [--provinces 63 --districts 700 --grassroots 52000 --cells 300000 --seed 1 --as-of 2020-04-15]
                                         build a synthetic national tree and a round in progress (empty database only)
  user add USERNAME [--name N] [--email E] [--lang vi|en]   create a user (password read from stdin)
  user grant USERNAME ROLE UNIT_CODE     give a role (admin, board, supervisor, secretary, viewer) on a unit
  user revoke USERNAME ROLE UNIT_CODE    take a role away (never the admin role of the last active admin of a root unit)
  user passwd USERNAME                   set a user's password (read from stdin); ends their web sessions
                                         and revokes their API tokens
  user email USERNAME [ADDRESS]          set (or clear) a user's e-mail address, where their weekly reports go
  user list                              list users and their roles
                                         The user commands act as the system, on every account (never taking
                                         the admin role from the last active admin of a root unit). On the web
                                         an admin sees and manages an account only when every role of it lies
                                         within the units they administer; an account without a role, only an
                                         admin of a root unit (a unit without parent). Nobody deactivates
                                         themselves or gives up their own last admin role.
  jobs run NAME [--as-of YYYY-MM-DD] [--round ID]   run a job once now: progress-snapshot, late-flags,
                                         consistency-check, housekeeping, weekly-report, report-mail, reminders
                                         (recorded like scheduled runs)
  jobs list [--job NAME] [--limit N]     list the recent runs of the jobs
  report weekly --unit CODE [--week 2020-W14] [--format html|xlsx|csv|pdf] [--out FILE] [--lang vi|en] [--force]
                                         the weekly progress report of a unit (made and stored when not yet)
  report weekly [--week 2020-W14] [--force]   make the week's reports of every unit the weekly job covers
  backup FILE                            dump the database (database.url, else the embedded one) to FILE
                                         with pg_dump, custom format; FILE is written whole or not at all
  restore [--clean] FILE                 load a backup into the database, in one transaction; the database
                                         must be empty unless --clean (drops what the backup holds first);
                                         stop every daihoi process on the database before
  version                                print the version

Settings come from configs/daihoi.yaml (or --config) and DAIHOI_* environment variables.
`

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		if !errors.Is(err, errUsage) {
			fmt.Fprintln(os.Stderr, "daihoi:", describe(err))
		}
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

// describe prints a domain error with each of its fields.
func describe(err error) string {
	e := domain.AsError(err)
	if e == nil {
		return err.Error()
	}
	var b strings.Builder
	b.WriteString(e.Message.EN)
	if e.Message.VI != "" {
		b.WriteString(" (" + e.Message.VI + ")")
	}
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		if f.Row > 0 {
			fmt.Fprintf(&b, "row %d: ", f.Row)
		}
		fmt.Fprintf(&b, "%s: %s (%s)", f.Field, f.Message.EN, f.Message.VI)
	}
	return b.String()
}

// cli is what every command gets: its arguments and streams.
type cli struct {
	cfg    config.Config
	log    *slog.Logger
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("daihoi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	configPath := fs.String("config", "", "configuration file (default configs/daihoi.yaml when present)")
	fs.Usage = func() { fmt.Fprint(stderr, usage) }
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	args = fs.Args()
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	path, explicit := *configPath, *configPath != ""
	if !explicit {
		path = "configs/daihoi.yaml"
	}
	cfg, err := config.Load(path, explicit, os.Environ())
	if err != nil {
		return err
	}
	c := &cli{cfg: cfg, log: newLogger(cfg, stderr), stdin: stdin, stdout: stdout, stderr: stderr}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, c, rest)
	case "migrate":
		if len(rest) != 0 {
			fmt.Fprintln(stderr, "usage: daihoi migrate (it takes no arguments)")
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error { fmt.Fprintln(stdout, "migrations applied"); return nil })
	case "seed":
		return cmdSeed(ctx, c, rest)
	case "import", "export":
		if len(rest) == 0 || rest[0] != "units" {
			fmt.Fprintf(stderr, "usage: daihoi %s units ...\n", cmd)
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error {
			if cmd == "import" {
				return cmdImportUnits(ctx, a, rest[1:])
			}
			return cmdExportUnits(ctx, a, rest[1:])
		})
	case "user":
		return cmdUser(ctx, c, rest)
	case "jobs":
		return cmdJobs(ctx, c, rest)
	case "gen":
		return cmdGen(ctx, c, rest)
	case "report":
		return cmdReport(ctx, c, rest)
	case "backup":
		return cmdBackup(ctx, c, rest)
	case "restore":
		return cmdRestore(ctx, c, rest)
	case "version":
		if len(rest) != 0 {
			fmt.Fprintln(stderr, "usage: daihoi version")
			return errUsage
		}
		fmt.Fprintln(stdout, "daihoi", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}

func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.Log.Level)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
