package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/unitfile"
)

// cmdImportUnits runs `daihoi import units FILE`: the whole file or nothing.
// On refusal every bad row is printed to stderr. The command line takes a
// file of any number of rows (a national tree), and an XLSX file that
// unpacks to up to unitfile.DefaultMaxUnpacked.
func cmdImportUnits(ctx context.Context, a *app, args []string) error {
	fs := flag.NewFlagSet("import units", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(a.stderr, "usage: daihoi import units FILE   (FILE: .csv or .xlsx)")
		return errUsage
	}
	name := pos[0]
	if _, err := unitfile.FormatOf(name); err != nil {
		return err
	}
	file, err := os.Open(name)
	if err != nil {
		return err
	}
	defer file.Close()
	res, err := a.svc.ImportUnitsFile(ctx, domain.SystemPrincipal(), name, file, unitfile.Limits{})
	if e := domain.AsError(err); e != nil && e.Code == domain.EInvalid && len(e.Fields) > 0 {
		for _, f := range e.Fields {
			if f.Row > 0 {
				fmt.Fprintf(a.stderr, "row %d: ", f.Row)
			}
			fmt.Fprintf(a.stderr, "%s: %s (%s)\n", f.Field, f.Message.EN, f.Message.VI)
		}
		return fmt.Errorf("%s refused: %d problems, nothing was written (tệp bị từ chối, không ghi gì)", name, len(e.Fields))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "imported: %d created, %d updated, %d moved, %d unchanged\n", res.Created, res.Updated, res.Moved, res.Unchanged)
	return nil
}

// cmdExportUnits runs `daihoi export units [--root CODE] FILE`. The file is
// written next to FILE first and renamed at the end, so a failed export
// leaves no half-written file.
func cmdExportUnits(ctx context.Context, a *app, args []string) (err error) {
	fs := flag.NewFlagSet("export units", flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	root := fs.String("root", "", "code of the unit whose subtree is exported (default: the whole tree)")
	pos, perr := parseInterspersed(fs, args)
	if perr != nil || len(pos) != 1 {
		fmt.Fprintln(a.stderr, "usage: daihoi export units [--root CODE] FILE   (FILE: .csv or .xlsx)")
		return errUsage
	}
	name := pos[0]
	if _, err := unitfile.FormatOf(name); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	n, err := a.svc.ExportUnitsFile(ctx, domain.SystemPrincipal(), *root, name, tmp)
	if err != nil {
		return err
	}
	if err = errors.Join(tmp.Chmod(0o644), tmp.Close()); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), name); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "exported: %d units to %s\n", n, name)
	return nil
}

// parseInterspersed parses flags placed before, between or after the
// positional arguments and returns the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
