package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

func cmdUser(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, usage)
		return errUsage
	}
	sys := domain.SystemPrincipal()
	sub, rest := args[0], args[1:]
	switch sub {
	case "add":
		fs := flag.NewFlagSet("user add", flag.ContinueOnError)
		fs.SetOutput(c.stderr)
		name := fs.String("name", "", "full name")
		email := fs.String("email", "", "e-mail address")
		lang := fs.String("lang", "vi", "language of the web app: vi or en")
		username, flags := splitFirst(rest)
		if err := fs.Parse(flags); err != nil || username == "" || fs.NArg() > 0 {
			fmt.Fprintln(c.stderr, "usage: daihoi user add USERNAME [--name N] [--email E] [--lang vi|en]")
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error {
			pw, err := readPassword(c)
			if err != nil {
				return err
			}
			u, err := a.svc.CreateUser(ctx, sys, core.UserInput{Username: username, FullName: *name, Email: *email, Password: pw, Lang: *lang})
			if err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "user %s created\n", u.Username)
			return nil
		})
	case "email":
		if len(rest) != 1 && len(rest) != 2 {
			fmt.Fprintln(c.stderr, "usage: daihoi user email USERNAME [ADDRESS]   (no address: clear it)")
			return errUsage
		}
		email := ""
		if len(rest) == 2 {
			email = rest[1]
		}
		return withApp(ctx, c, func(a *app) error {
			if err := a.svc.SetEmail(ctx, sys, rest[0], email); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "e-mail of %s set to %q\n", domain.NormalizeUsername(rest[0]), strings.TrimSpace(email))
			return nil
		})
	case "grant", "revoke":
		if len(rest) != 3 {
			fmt.Fprintf(c.stderr, "usage: daihoi user %s USERNAME ROLE UNIT_CODE\n", sub)
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error {
			if sub == "grant" {
				if err := a.svc.Grant(ctx, sys, rest[0], rest[1], rest[2]); err != nil {
					return err
				}
				fmt.Fprintf(c.stdout, "%s is now %s of %s\n", rest[0], rest[1], domain.NormalizeCode(rest[2]))
				return nil
			}
			if err := a.svc.Revoke(ctx, sys, rest[0], rest[1], rest[2]); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "%s is no longer %s of %s\n", rest[0], rest[1], domain.NormalizeCode(rest[2]))
			return nil
		})
	case "passwd":
		if len(rest) != 1 {
			fmt.Fprintln(c.stderr, "usage: daihoi user passwd USERNAME")
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error {
			pw, err := readPassword(c)
			if err != nil {
				return err
			}
			if err := a.svc.SetPassword(ctx, sys, rest[0], pw); err != nil {
				return err
			}
			fmt.Fprintf(c.stdout, "password of %s changed\n", rest[0])
			return nil
		})
	case "list":
		if len(rest) != 0 {
			fmt.Fprintln(c.stderr, "usage: daihoi user list (it takes no arguments)")
			return errUsage
		}
		return withApp(ctx, c, func(a *app) error { return listUsers(ctx, a) })
	}
	fmt.Fprintf(c.stderr, "unknown user command %q\n", sub)
	return errUsage
}

// splitFirst separates a leading positional argument from the flags after it.
func splitFirst(args []string) (string, []string) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return "", args
	}
	return args[0], args[1:]
}

// readPassword reads a password twice from a terminal without echo, or once
// (the first line) from a pipe.
func readPassword(c *cli) (string, error) {
	if f, ok := c.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(c.stderr, "Mật khẩu / Password: ")
		p1, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(c.stderr, "Nhập lại / Again: ")
		p2, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(c.stderr)
		if err != nil {
			return "", err
		}
		if string(p1) != string(p2) {
			return "", errors.New("the two passwords differ")
		}
		return string(p1), nil
	}
	line, err := bufio.NewReader(c.stdin).ReadString('\n')
	if err != nil && line == "" {
		return "", errors.New("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func listUsers(ctx context.Context, a *app) error {
	accounts, err := a.svc.Users(ctx, domain.SystemPrincipal())
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "USERNAME\tNAME\tACTIVE\tROLES")
	for _, u := range accounts {
		var roles []string
		for _, g := range u.Grants {
			roles = append(roles, string(g.Role)+"@"+g.UnitCode)
		}
		fmt.Fprintf(w, "%s\t%s\t%v\t%s\n", u.Username, u.FullName, u.Active, strings.Join(roles, ", "))
	}
	return w.Flush()
}
