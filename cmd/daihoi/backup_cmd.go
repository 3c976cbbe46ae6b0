package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/daihoi/daihoi/internal/backup"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// cmdBackup runs `daihoi backup FILE`: pg_dump of the configured database
// (or the embedded one) to FILE.
func cmdBackup(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(c.stderr, "usage: daihoi backup FILE")
		return errUsage
	}
	return withDatabase(ctx, c, func(url string) error {
		if err := backup.Dump(ctx, url, pos[0]); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "database backed up to %s\n", pos[0])
		return nil
	})
}

// cmdRestore runs `daihoi restore [--clean] FILE`: pg_restore of FILE into
// the configured database (or the embedded one), which must be empty
// unless --clean.
func cmdRestore(ctx context.Context, c *cli, args []string) error {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	clean := fs.Bool("clean", false, "drop what the dump holds from the database before restoring it (a database that is not empty)")
	pos, err := parseInterspersed(fs, args)
	if err != nil || len(pos) != 1 {
		fmt.Fprintln(c.stderr, "usage: daihoi restore [--clean] FILE")
		return errUsage
	}
	return withDatabase(ctx, c, func(url string) error {
		if err := checkRestoreTarget(ctx, url, *clean); err != nil {
			return err
		}
		if err := backup.Restore(ctx, url, pos[0], *clean); err != nil {
			return err
		}
		fmt.Fprintf(c.stdout, "database restored from %s; the next start applies any newer migration\n", pos[0])
		return nil
	})
}

// checkRestoreTarget refuses a restore into a database that daihoi
// processes (a server, a job, another command) are working on, since they
// would write between the restore's statements or keep what they had in
// memory; and, unless clean, into a database that holds tables.
func checkRestoreTarget(ctx context.Context, url string, clean bool) error {
	st, err := store.Open(ctx, url, store.Options{MaxConns: 1, AppName: "daihoi restore"})
	if err != nil {
		return err
	}
	defer st.Close()
	// A process that has just stopped leaves its sessions for a moment.
	var n int
	for try := 0; ; try++ {
		if n, err = st.AppSessions(ctx); err != nil {
			return err
		}
		if n == 0 || try == 20 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if n > 0 {
		return domain.Conflict(fmt.Sprintf("Còn %d kết nối của daihoi vào cơ sở dữ liệu này (máy chủ, tác vụ hoặc lệnh đang chạy): hãy dừng mọi tiến trình daihoi trước khi khôi phục", n),
			fmt.Sprintf("%d connections of daihoi are open on this database (a server, a job or a command running): stop every daihoi process before restoring", n))
	}
	if clean {
		return nil
	}
	if n, err = st.CountRelations(ctx); err != nil {
		return err
	}
	if n > 0 {
		return domain.Conflict(fmt.Sprintf("Cơ sở dữ liệu không trống (%d bảng, view, sequence); chỉ khôi phục vào cơ sở dữ liệu trống, hoặc dùng --clean để xoá những gì bản sao lưu có rồi khôi phục", n),
			fmt.Sprintf("the database is not empty (%d tables, views, sequences); restore only into an empty database, or use --clean to drop what the backup holds first", n))
	}
	return nil
}

// withDatabase runs fn with the URL of daihoi's database, starting (and
// then stopping) the embedded cluster when no database.url is set.
func withDatabase(ctx context.Context, c *cli, fn func(url string) error) error {
	url, cl, err := databaseURL(ctx, c)
	if err != nil {
		return err
	}
	if cl != nil {
		defer func() {
			if err := cl.Stop(); err != nil {
				c.log.Error("stopping the embedded PostgreSQL", "err", err)
			}
		}()
	}
	return fn(url)
}
