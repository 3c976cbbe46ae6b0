package pg

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"strconv"
	"time"
)

// StartReplica makes a streaming replica of the cluster, as an operator
// would: a base backup taken with pg_basebackup -R (which writes
// standby.signal and the primary's connection into the backup) into
// opts.DataDir ("" for a new temporary directory), started as a hot
// standby like any cluster of Start (opts.MaxConnections is raised to the
// primary's, as a standby requires). It returns once the replica streams
// the primary's log. The replica is a Cluster of its own: Stop it before
// the primary. The cluster's default settings (wal_level replica, ten WAL
// senders, replication connections trusted from 127.0.0.1) allow it.
func (c *Cluster) StartReplica(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		dir, err := os.MkdirTemp("", "pg-replica-")
		if err != nil {
			return nil, fmt.Errorf("pg: create replica data dir: %w", err)
		}
		opts.DataDir = dir
	}
	b := &Cluster{binDir: c.binDir, cred: c.cred, logger: c.logger}
	if opts.Logger != nil {
		b.logger = opts.Logger
	}
	if err := b.prepareDataDir(opts); err != nil {
		return nil, err
	}
	args := []string{"-D", b.dataDir, "-R", "-X", "stream", "-c", "fast",
		"-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-U", superuser}
	if !opts.Fsync {
		args = append(args, "--no-sync")
	}
	start := time.Now()
	if out, err := b.helper(ctx, "pg_basebackup", args...).CombinedOutput(); err != nil {
		err = fmt.Errorf("pg: pg_basebackup of the cluster on port %d: %w\n%s", c.port, err, tail(out, 2000))
		if cerr := b.cleanupDirs(); cerr != nil {
			err = fmt.Errorf("%w; %w", err, cerr)
		}
		return nil, err
	}
	b.logger.Info("pg: base backup taken", "from_port", c.port, "datadir", b.dataDir,
		"elapsed", time.Since(start).Round(time.Millisecond))
	opts.BinDir = c.binDir
	opts.MaxConnections = max(opts.MaxConnections, c.maxConns)
	r, err := Start(ctx, opts)
	if err != nil {
		return nil, err
	}
	if err := r.waitStreaming(ctx); err != nil {
		_ = r.Stop()
		return nil, err
	}
	return r, nil
}

// waitStreaming waits until the replica's WAL receiver streams.
func (c *Cluster) waitStreaming(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	db, err := sql.Open("postgres", c.URL("postgres"))
	if err != nil {
		return fmt.Errorf("pg: %w", err)
	}
	defer db.Close()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		var streaming bool
		err := db.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming')`).Scan(&streaming)
		if err == nil && streaming {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("pg: the replica on port %d does not stream the primary's log (last error: %v); server log %s ends with:\n%s",
				c.port, err, c.LogFile(), c.logTail())
		case <-tick.C:
		}
	}
}
