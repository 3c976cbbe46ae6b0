package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
)

// Reads from replicas. The store may be given streaming replicas of its
// database (PostgreSQL's own replication: pg_basebackup -R). The reads of
// the dashboards, the stored reports, the exports and the search, and only
// they, may run on one: each such method of the store begins with
// s = s.reading(ctx), and every statement it runs then goes where reading
// chose. Everything else, writes and the reads that decide a write,
// runs on the primary.
//
// A replica serves a read when it has replayed the log as far as the
// caller's writes reached (lsn.Caller in the context: the web layer puts
// it there, the store records each write's position in it) and is at most
// max lag behind the primary; otherwise the primary serves it. A context
// without a Caller, or one whose caller told nothing of its writes, reads
// from the primary.
//
// How far each replica has replayed, and how far behind it is, is measured
// at most every check interval, in the background, when reads come: the
// primary's position is sampled, and a replica is behind by the time since
// the last sample it has not replayed entirely. A measure ages: a replica
// is used only while its lag plus the age of its measure stays within max
// lag, so a replica whose measures stop (down, or the checks failing) is
// passed over by then. A replica that fails a statement for a reason of its
// own (down, too busy, or cancelling the statement to replay the log) is
// passed over at once and the statement runs on the primary; it is used
// again once a check finds it well.

// replicaSet is the replicas of a store and what is known of them.
type replicaSet struct {
	primary *pool
	list    []*replica
	maxLag  time.Duration
	every   time.Duration

	next atomic.Uint64 // the replica to try first, round robin
	// checked is when the last check ended (UnixNano); checking is set
	// while one runs; running counts them, for Close.
	checked  atomic.Int64
	checking atomic.Bool
	running  sync.WaitGroup
	closed   atomic.Bool

	mu      sync.Mutex
	samples []walSample // the primary's position over time, oldest first

	reads struct{ primary, replica, fallback atomic.Int64 }
}

// walSample is where the primary's log was at a time.
type walSample struct {
	at  time.Time
	lsn lsn.LSN
}

// replica is one replica of the database and its last measure.
type replica struct {
	set  *replicaSet
	name string // host:port/database, for the metrics
	pool *pool

	mu       sync.Mutex
	up       bool
	replayed lsn.LSN
	lag      time.Duration
	at       time.Time // when up, replayed and lag were measured
	err      error     // why it is down
}

// Replica settings that are not configured.
const (
	// replicaCheckTimeout bounds one check of the primary's position and
	// the replicas', and the check of one replica before a read.
	replicaCheckTimeout = 2 * time.Second
	// replicaConnectTimeout bounds making a connection to a replica, unless
	// its URL sets connect_timeout: a replica that cannot be reached is
	// passed over rather than waited for.
	replicaConnectTimeout = 2 * time.Second
	// maxSamples bounds the samples of the primary's position kept.
	maxSamples = 1024
)

// replicaCheckEvery is how often the replicas are measured while reads
// come: a quarter of max lag, within 10 ms and 1 s.
func replicaCheckEvery(maxLag time.Duration) time.Duration {
	return min(max(maxLag/4, 10*time.Millisecond), time.Second)
}

// openReplicas makes the pools of the replicas at urls (with the store's
// session settings, o.ReplicaMaxConns connections each). It does not
// connect: a replica down at start is passed over like one that goes down.
func openReplicas(primary *pool, urls []string, o Options) (*replicaSet, error) {
	rs := &replicaSet{primary: primary, maxLag: o.ReplicaMaxLag, every: replicaCheckEvery(o.ReplicaMaxLag)}
	for i, url := range urls {
		cfg, err := sessionConfig(url, o)
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("store: replica %d: %w", i+1, err)
		}
		if cfg.ConnectTimeout == 0 {
			cfg.ConnectTimeout = replicaConnectTimeout
		}
		conn, err := pq.NewConnectorConfig(cfg)
		if err != nil {
			rs.close()
			return nil, fmt.Errorf("store: replica %d: %w", i+1, err)
		}
		db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
		db.SetMaxOpenConns(o.ReplicaMaxConns)
		db.SetMaxIdleConns(o.ReplicaMaxConns)
		db.SetConnMaxIdleTime(5 * time.Minute)
		r := &replica{set: rs, name: replicaName(cfg), pool: newPool(db, o.ReplicaMaxConns, 0, o.AcquireTimeout), err: errNotChecked}
		r.pool.replica = r
		rs.list = append(rs.list, r)
	}
	return rs, nil
}

var errNotChecked = errors.New("not checked yet")

// replicaName names a replica by its address and database, never its
// credentials.
func replicaName(cfg pq.Config) string {
	host := cfg.Host
	if host == "" {
		host = "localhost"
	}
	port := cfg.Port
	if port == 0 {
		port = 5432
	}
	return net.JoinHostPort(host, strconv.Itoa(int(port))) + "/" + cfg.Database
}

// close waits for a running check and closes the replicas' pools.
func (rs *replicaSet) close() error {
	rs.closed.Store(true)
	rs.running.Wait()
	var errs []error
	for _, r := range rs.list {
		errs = append(errs, r.pool.db.Close())
	}
	return errors.Join(errs...)
}

// reading returns the store that a read of the dashboards, reports,
// exports or search runs on: one whose statements go to a replica that
// has replayed the caller's writes and is not too far behind, else s (the
// primary). Such a read method begins with s = s.reading(ctx); no other
// method calls it.
func (s *Store) reading(ctx context.Context) *Store {
	rs := s.replicas
	if rs == nil {
		return s
	}
	var r *replica
	if !s.onPrimary {
		r = rs.pick(ctx)
	}
	if r == nil {
		rs.reads.primary.Add(1)
		return s
	}
	rs.reads.replica.Add(1)
	c := *s
	c.db = r.pool
	return &c
}

// Primary returns the store with every read on the primary, for work whose
// reads must all see the latest writes together: making a weekly report,
// whose figures several statements read. Its writes are recorded in the
// caller like any other.
func (s *Store) Primary() *Store {
	c := *s
	c.onPrimary = true
	return &c
}

// pick returns a replica for the reads of ctx's caller, or nil for the
// primary. It starts a check of the replicas when the last one is older
// than the check interval. When every usable replica's last measure is
// behind the caller's writes, it asks one of them how far it is now.
func (rs *replicaSet) pick(ctx context.Context) *replica {
	need, ok := lsn.From(ctx).ReadAfter()
	if !ok {
		return nil
	}
	now := time.Now()
	rs.checkIfDue(now)
	var behind *replica
	n := uint64(len(rs.list))
	first := rs.next.Add(1)
	for i := range n {
		r := rs.list[(first+i)%n]
		replayed, ok := r.usableAt(now)
		if !ok {
			continue
		}
		if replayed >= need {
			return r
		}
		if behind == nil {
			behind = r
		}
	}
	if behind != nil && behind.caughtUp(ctx, need) {
		return behind
	}
	return nil
}

// usableAt reports whether the replica may serve reads at now, and how far
// it had replayed the log when last measured.
func (r *replica) usableAt(now time.Time) (lsn.LSN, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.replayed, r.up && now.Sub(r.at) <= r.set.maxLag-r.lag
}

// usable reports whether the replica may serve reads now.
func (r *replica) usable() bool {
	_, ok := r.usableAt(time.Now())
	return ok
}

// caughtUp asks the replica how far it has replayed the log and reports
// whether that is at least need.
func (r *replica) caughtUp(ctx context.Context, need lsn.LSN) bool {
	ctx, cancel := context.WithTimeout(ctx, replicaCheckTimeout)
	defer cancel()
	var replayed lsn.LSN
	err := r.pool.run(ctx, func() error { return r.pool.db.GetContext(ctx, &replayed, `SELECT pg_last_wal_replay_lsn()`) })
	if err != nil {
		if unreachable(err) {
			r.down(err)
		}
		return false
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.replayed = max(r.replayed, replayed)
	return r.replayed >= need
}

// passOver reports whether a statement that failed on the replica with
// err should run on the primary instead: the replica could not serve it
// now (down, too busy, or it cancelled the statement to replay the log),
// rather than the statement being wrong or too slow, or its caller gone.
// A replica that cannot be reached is taken as down until a check finds it
// well.
func (r *replica) passOver(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil || !domain.IsCode(err, domain.EUnavailable) || pqCode(err) == statementTimeout {
		return false
	}
	if unreachable(err) {
		r.down(err)
	}
	return true
}

// down marks the replica unusable until the next check finds it well.
func (r *replica) down(err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.up, r.err = false, err
}

// checkIfDue starts a check of the replicas in the background when the
// last one ended more than the check interval before now and none runs.
func (rs *replicaSet) checkIfDue(now time.Time) {
	if now.UnixNano()-rs.checked.Load() < int64(rs.every) || rs.closed.Load() || !rs.checking.CompareAndSwap(false, true) {
		return
	}
	rs.running.Add(1)
	go func() {
		defer rs.running.Done()
		defer rs.checking.Store(false)
		rs.check()
	}()
}

// check samples the primary's position and measures every replica
// against the samples.
func (rs *replicaSet) check() {
	ctx, cancel := context.WithTimeout(context.Background(), replicaCheckTimeout)
	defer cancel()
	defer func() { rs.checked.Store(time.Now().UnixNano()) }()
	var head lsn.LSN
	if err := rs.primary.GetContext(ctx, &head, `SELECT pg_current_wal_lsn()`); err != nil {
		return // the replicas' measures age, and are given up at max lag
	}
	samples := rs.sample(time.Now(), head)
	var wg sync.WaitGroup
	for _, r := range rs.list {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.measure(ctx, samples)
		}()
	}
	wg.Wait()
}

// sample records the primary's position at a time and returns the samples
// kept: those of the last two max lags, at most maxSamples.
func (rs *replicaSet) sample(at time.Time, head lsn.LSN) []walSample {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	keep := at.Add(-2*rs.maxLag - rs.every)
	i := 0
	for i < len(rs.samples) && (rs.samples[i].at.Before(keep) || len(rs.samples)-i >= maxSamples) {
		i++
	}
	rs.samples = append(rs.samples[i:], walSample{at: at, lsn: head})
	return append([]walSample(nil), rs.samples...)
}

// measure asks the replica how far it has replayed the log, and sets how
// far behind the primary that is.
func (r *replica) measure(ctx context.Context, samples []walSample) {
	var st struct {
		Standby  bool    `db:"standby"`
		Replayed lsn.LSN `db:"replayed"`
	}
	err := r.pool.run(ctx, func() error {
		return r.pool.db.GetContext(ctx, &st, `SELECT pg_is_in_recovery() AS standby, pg_last_wal_replay_lsn() AS replayed`)
	})
	if err == nil && !st.Standby {
		err = errors.New("store: the replica is not a standby (promoted?): it does not follow the primary")
	}
	now := time.Now()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at, r.err = now, err
	if err != nil {
		r.up = false
		return
	}
	r.up, r.replayed, r.lag = true, st.Replayed, lagBehind(samples, st.Replayed, now)
}

// lagBehind is how far behind the primary a replica that had replayed the
// log up to replayed at now is, at most, by the samples of the primary's
// position (oldest first): the time since the last sample it has replayed
// entirely, provided it has not replayed a later one; 0 when it has
// replayed every sample; and unknown (the longest duration) when it has not
// replayed even the oldest.
func lagBehind(samples []walSample, replayed lsn.LSN, now time.Time) time.Duration {
	for i, s := range samples {
		if s.lsn <= replayed {
			continue
		}
		if i == 0 {
			return time.Duration(1<<63 - 1)
		}
		return now.Sub(samples[i-1].at)
	}
	return 0
}

// ReadStats returns where the reads of the dashboards, reports, exports and
// search ran since the store opened, and how each replica was at its last
// measure; the zero ReadStats when the store has no replica.
func (s *Store) ReadStats() domain.ReadStats {
	rs := s.replicas
	if rs == nil {
		return domain.ReadStats{}
	}
	out := domain.ReadStats{Primary: rs.reads.primary.Load(), Replica: rs.reads.replica.Load(), Fallbacks: rs.reads.fallback.Load()}
	now := time.Now()
	for _, r := range rs.list {
		_, usable := r.usableAt(now)
		r.mu.Lock()
		st := domain.ReplicaState{Name: r.name, Usable: usable, Lag: r.lag, Replayed: r.replayed.String()}
		if r.err != nil {
			st.Err = r.err.Error()
		}
		r.mu.Unlock()
		out.Replicas = append(out.Replicas, st)
	}
	return out
}
