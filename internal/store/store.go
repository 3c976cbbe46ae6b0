// Package store keeps daihoi's data in PostgreSQL through sqlx and lib/pq. It
// is the only package that speaks SQL; its queries are set-based over the
// ltree paths of the unit tree, and each public method runs in its own
// transaction, writing the audit log in the same transaction as the change.
package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
	"github.com/daihoi/daihoi/migrations"
)

// Store is daihoi's PostgreSQL storage.
type Store struct {
	db   *pool
	opts Options
	// replicas, when the store has any, may serve the reads of the
	// dashboards, reports, exports and search (see reading); onPrimary
	// keeps this Store's reads on the primary (Primary).
	replicas  *replicaSet
	onPrimary bool
	// clock times the audit log (UseClock); the system clock when unset.
	// A pointer, shared by the copies reading and Primary make.
	clock *atomic.Pointer[domain.Clock]
	// batcher writes status updates together (UpdateCongress).
	batcher *congressBatcher
}

// UseClock makes the store time its audit log on c: a demo server records
// its changes at the demo date.
func (s *Store) UseClock(c domain.Clock) { s.clock.Store(&c) }

// now is the time on the store's clock.
func (s *Store) now() time.Time {
	if c := s.clock.Load(); c != nil {
		return (*c).Now()
	}
	return time.Now()
}

// Options are the connection settings of a store. Zero values take the
// defaults of configs/daihoi.yaml.
type Options struct {
	// MaxConns is how many connections statements and transactions use at
	// once (Open only); the jobs' leases may take a few more.
	MaxConns int
	// AcquireTimeout is how long a statement or transaction waits for a
	// connection of a full pool before it is refused as unavailable.
	AcquireTimeout time.Duration
	// StatementTimeout, LockTimeout and IdleInTransactionTimeout are set on
	// every connection Open makes (PostgreSQL's statement_timeout,
	// lock_timeout and idle_in_transaction_session_timeout), unless its URL
	// sets them; a negative value leaves the server's own setting.
	StatementTimeout, LockTimeout, IdleInTransactionTimeout time.Duration
	// BulkTimeout is the statement and lock timeout of the transactions of
	// bulk work over a whole tree (imports, new rounds, generated state,
	// the jobs' recomputations), set for the transaction only.
	BulkTimeout time.Duration
	// Replicas are the URLs of streaming replicas of the database (Open
	// only), with the same session settings. The reads of the dashboards,
	// reports, exports and search go to one that has replayed the caller's
	// writes (see reading).
	Replicas []string
	// ReplicaMaxLag: a replica further behind the primary is not read from.
	ReplicaMaxLag time.Duration
	// ReplicaMaxConns is how many connections each replica's pool uses at
	// once; 0: MaxConns.
	ReplicaMaxConns int
	// AppName is the application_name of the connections (Open only), by
	// which a restore finds the daihoi processes still on a database;
	// "": AppName.
	AppName string
}

// AppName is the application_name of the connections of daihoi's
// processes: servers, jobs and commands.
const AppName = "daihoi"

// Defaults of Options, the same as in configs/daihoi.yaml.
const (
	DefaultMaxConns                 = 20
	DefaultAcquireTimeout           = 5 * time.Second
	DefaultStatementTimeout         = time.Minute
	DefaultLockTimeout              = 15 * time.Second
	DefaultIdleInTransactionTimeout = time.Minute
	DefaultBulkTimeout              = 30 * time.Minute
	DefaultReplicaMaxLag            = 10 * time.Second
)

func (o Options) withDefaults() Options {
	set := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	if o.MaxConns <= 0 {
		o.MaxConns = DefaultMaxConns
	}
	set(&o.AcquireTimeout, DefaultAcquireTimeout)
	set(&o.StatementTimeout, DefaultStatementTimeout)
	set(&o.LockTimeout, DefaultLockTimeout)
	set(&o.IdleInTransactionTimeout, DefaultIdleInTransactionTimeout)
	set(&o.BulkTimeout, DefaultBulkTimeout)
	set(&o.ReplicaMaxLag, DefaultReplicaMaxLag)
	if o.AppName == "" {
		o.AppName = AppName
	}
	if o.ReplicaMaxConns <= 0 {
		o.ReplicaMaxConns = o.MaxConns
	}
	return o
}

// New wraps an open database with the default Options, for tests and
// tools: its session settings are the connections' own, and its pool
// limit, if any, is shared by statements and job leases.
func New(db *sqlx.DB) *Store {
	o := Options{}.withDefaults()
	s := &Store{db: newPool(db, db.Stats().MaxOpenConnections, 0, o.AcquireTimeout), opts: o, clock: new(atomic.Pointer[domain.Clock])}
	s.batcher = newCongressBatcher(s)
	return s
}

// DB returns the underlying database handle. What runs on it directly does
// not wait for the store's pool slots: tests and migrations only.
func (s *Store) DB() *sqlx.DB { return s.db.db }

// Close closes the database and its replicas.
func (s *Store) Close() error {
	var err error
	if s.replicas != nil {
		err = s.replicas.close()
	}
	return errors.Join(s.db.db.Close(), err)
}

// Open connects to the database at url with daihoi's session settings and
// checks that it answers. Its replicas (o.Replicas) are not asked: one that
// does not answer is passed over until it does.
func Open(ctx context.Context, url string, o Options) (*Store, error) {
	o = o.withDefaults()
	cfg, err := sessionConfig(url, o)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	conn, err := pq.NewConnectorConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	db := sqlx.NewDb(sql.OpenDB(conn), "postgres")
	db.SetMaxOpenConns(o.MaxConns + jobLeases)
	db.SetMaxIdleConns(o.MaxConns)
	db.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s := &Store{db: newPool(db, o.MaxConns, jobLeases, o.AcquireTimeout), opts: o, clock: new(atomic.Pointer[domain.Clock])}
	s.batcher = newCongressBatcher(s)
	if len(o.Replicas) > 0 {
		if s.replicas, err = openReplicas(s.db, o.Replicas, o); err != nil {
			db.Close()
			return nil, err
		}
	}
	return s, nil
}

// sessionConfig is lib/pq's configuration for url (a postgres:// URL or a
// key=value DSN, parsed by lib/pq itself) with daihoi's session settings added as
// run-time parameters, each unless the URL sets it (directly or in its
// options). JIT compilation is off: daihoi's queries are short, and the
// planner's row estimates for ltree subtrees cross the JIT threshold, which
// made a 1 ms status update take 20-70 ms. The timeouts keep a stuck
// statement, lock wait or forgotten transaction from holding a connection
// for ever.
func sessionConfig(url string, o Options) (pq.Config, error) {
	cfg, err := pq.NewConfig(url)
	if err != nil {
		return cfg, err
	}
	if cfg.Runtime == nil {
		cfg.Runtime = map[string]string{}
	}
	settings := []struct {
		name  string
		value string
	}{
		{"jit", "off"},
		{"application_name", o.AppName},
		{"statement_timeout", millis(o.StatementTimeout)},
		{"lock_timeout", millis(o.LockTimeout)},
		{"idle_in_transaction_session_timeout", millis(o.IdleInTransactionTimeout)},
	}
	for _, st := range settings {
		if _, ok := cfg.Runtime[st.name]; ok || st.value == "" || strings.Contains(cfg.Options, st.name) {
			continue
		}
		cfg.Runtime[st.name] = st.value
	}
	return cfg, nil
}

// AppSessions counts the connections to the database of s, other than those
// of s, whose application is daihoi's (AppName): the servers, jobs and
// commands working on it now.
func (s *Store) AppSessions(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM pg_stat_activity
		WHERE datname = current_database() AND application_name = $1`, AppName); err != nil {
		return 0, fmt.Errorf("store: sessions: %w", err)
	}
	return n, nil
}

// millis is d as a PostgreSQL setting in milliseconds, "" when negative
// (left to the server).
func millis(d time.Duration) string {
	if d < 0 {
		return ""
	}
	return strconv.FormatInt(d.Milliseconds(), 10)
}

// newProvider reads the embedded migrations for db. Applying them takes a
// session advisory lock first, so that daihoi processes started together
// on a new database (daihoi@1 and daihoi@2 after an upgrade) apply them
// once, one after the other, instead of racing to create the same tables:
// a process waits for the lock up to 10 minutes, trying every second.
func newProvider(db *sql.DB) (*goose.Provider, error) {
	locker, err := lock.NewPostgresSessionLocker(lock.WithLockTimeout(1, 600))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS, goose.WithSessionLocker(locker))
	if err != nil {
		return nil, fmt.Errorf("store: migrations: %w", err)
	}
	return p, nil
}

// Migrate applies every pending migration embedded from migrations/.
func Migrate(ctx context.Context, db *sql.DB) error {
	p, err := newProvider(db)
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	return nil
}

// MigrationsPending reports how many embedded migrations are not applied yet.
func MigrationsPending(ctx context.Context, db *sql.DB) (int, error) {
	p, err := newProvider(db)
	if err != nil {
		return 0, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return 0, fmt.Errorf("store: migration status: %w", err)
	}
	n := 0
	for _, m := range st {
		if m.State != goose.StateApplied {
			n++
		}
	}
	return n, nil
}

// Ready reports an error unless the database answers and every migration
// is applied. Like any statement it waits for a connection of a full pool
// at most the acquire timeout.
func (s *Store) Ready(ctx context.Context) error {
	return s.db.run(ctx, func() error {
		if err := s.db.db.PingContext(ctx); err != nil {
			return fmt.Errorf("store: ping: %w", err)
		}
		n, err := MigrationsPending(ctx, s.db.db.DB)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("store: %d migrations pending", n)
		}
		return nil
	})
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	return s.inTxFor(ctx, []*lsn.Caller{lsn.From(ctx)}, fn)
}

// inTxFor is inTx for a transaction made for the requests of callers (nil
// ones included): each is told of the commit, and how far the log reached
// with it.
func (s *Store) inTxFor(ctx context.Context, callers []*lsn.Caller, fn func(tx *txn) error) error {
	tx, release, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer release()
	defer tx.Rollback() //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return typed(ctx, err)
	}
	track := false
	for _, c := range callers {
		track = track || c != nil
	}
	xact, err := tx.commit(ctx, track)
	if err != nil {
		return typed(ctx, err)
	}
	for _, c := range callers {
		c.Committed()
		if xact != 0 {
			c.WroteXact(xact)
		}
	}
	if xact != 0 && s.replicas != nil {
		s.recordWrite(ctx, callers...)
	}
	return nil
}

// ReadPosition returns where a read of the primary starting now stands:
// the log's insert position, and the snapshot of the transactions it sees
// ended (a write whose transaction it sees committed, it shows).
func (s *Store) ReadPosition(ctx context.Context) (lsn.LSN, lsn.Snapshot, error) {
	var at struct {
		LSN      lsn.LSN      `db:"lsn"`
		Snapshot lsn.Snapshot `db:"snapshot"`
	}
	if err := s.db.GetContext(ctx, &at, `SELECT pg_current_wal_insert_lsn() AS lsn, pg_current_snapshot()::text AS snapshot`); err != nil {
		return 0, lsn.Snapshot{}, fmt.Errorf("store: read position: %w", err)
	}
	return at.LSN, at.Snapshot, nil
}

// commit commits the transaction; with track, it returns the
// transaction's id when it wrote anything (0 when not): known when a
// statement that wrote said it (t.xact), else asked first.
func (t *txn) commit(ctx context.Context, track bool) (xact uint64, err error) {
	if !track {
		return 0, t.Commit()
	}
	if t.xact == 0 {
		var id sql.NullInt64 // an xid8 fits: its epoch counts 2^32 transactions
		if err := t.GetContext(ctx, &id, `SELECT pg_current_xact_id_if_assigned()::text::bigint`); err != nil {
			return 0, err
		}
		t.xact = uint64(id.Int64)
	}
	return t.xact, t.Commit()
}

// recordWrite records in the callers of requests (on a store with
// replicas) how far the log had reached once the commit of a write was in
// it: a replica that has replayed that far shows the write. That is the
// log's insert position read just after the commit (the commit record
// comes after anything read before it; the insert position, unlike the
// write position, covers it even when synchronous_commit is off). A
// position that cannot be read then (the connection lost at that moment)
// is left unrecorded: the write is made, and its caller may read from a
// replica that lags at most max lag. Call it holding the transaction's
// slot, after its commit.
func (s *Store) recordWrite(ctx context.Context, callers ...*lsn.Caller) {
	var at lsn.LSN
	if err := s.db.db.GetContext(ctx, &at, `SELECT pg_current_wal_insert_lsn()`); err == nil {
		for _, c := range callers {
			c.Wrote(at)
		}
	}
}

// inBulkTx is inTx for bulk work over a whole tree: its statements may run,
// and wait for locks, up to the bulk timeout instead of the connections'
// statement and lock timeouts.
func (s *Store) inBulkTx(ctx context.Context, fn func(tx *txn) error) error {
	t := millis(s.opts.BulkTimeout)
	return s.inTx(ctx, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true)`, t); err != nil {
			return fmt.Errorf("store: bulk timeouts: %w", err)
		}
		return fn(tx)
	})
}

// treeLockKey serialises changes to the shape of the tree (create, move,
// merge, import) so that two concurrent moves cannot build a cycle.
const treeLockKey = 7_100_001

func lockTree(ctx context.Context, tx *txn) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, treeLockKey)
	return err
}

// The first keys of the advisory locks of one unit's writes that no row
// lock can serialise, because the row they would lock may not exist yet
// (lockUnit); the second key is the unit's id.
const (
	reportLockKey  = 7_100_004 // the unit's weekly reports
	sessionLockKey = 7_100_005 // the unit's training sessions
	groupLockKey   = 7_100_006 // the names of the unit's working groups
)

var unitLockSQL = prepare(`SELECT pg_advisory_xact_lock($1, $2::int)`)

// lockUnit takes the transaction's advisory lock key of the unit with id.
func lockUnit(ctx context.Context, tx *txn, key int, unitID int64) error {
	if _, err := tx.execPrepared(ctx, unitLockSQL, key, unitID); err != nil {
		return fmt.Errorf("store: lock %d of unit %d: %w", key, unitID, err)
	}
	return nil
}

// audit records one write in the audit log.
func audit(ctx context.Context, tx *txn, actor domain.Principal, action, entity string, unitID *int64, before, after any, reason string) error {
	return insertAudit(ctx, tx, actor, nil, action, entity, unitID, before, after, reason)
}

// auditInsert is the statement writing one audit row; auditValues gives its
// arguments ($1-$10).
var auditInsert = prepare(`INSERT INTO audit_log (user_id, username, action, entity, unit_id, before, after, reason, round_id, at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`)

// auditRow is one row of the audit log: who, what, the round (nil for
// changes outside a round), the unit, before and after as JSON, why, and
// when (the store's clock when the transaction began). Its JSON is what the
// statements writing several rows at once read (jsonb_to_recordset).
type auditRow struct {
	UserID   *int64          `json:"user_id"`
	Username string          `json:"username"`
	Action   string          `json:"action"`
	Entity   string          `json:"entity"`
	UnitID   *int64          `json:"unit_id"`
	Before   json.RawMessage `json:"before"`
	After    json.RawMessage `json:"after"`
	Reason   string          `json:"reason"`
	RoundID  *int64          `json:"round_id"`
	At       time.Time       `json:"at"`
}

// auditRowOf is the audit row of a change by actor at at.
func auditRowOf(actor domain.Principal, at time.Time, roundID *int64, action, entity string, unitID *int64, before, after any, reason string) (auditRow, error) {
	r := auditRow{Username: actor.User.Username, Action: action, Entity: entity, UnitID: unitID, Reason: reason, RoundID: roundID, At: at}
	if actor.User.ID != 0 {
		id := actor.User.ID
		r.UserID = &id
	}
	if r.Username == "" && actor.System {
		r.Username = domain.SystemUsername
	}
	var err error
	if r.Before, err = jsonOrNil(before); err != nil {
		return r, err
	}
	r.After, err = jsonOrNil(after)
	return r, err
}

// values are the arguments of auditInsert ($1-$10).
func (r auditRow) values() []any {
	text := func(b json.RawMessage) any {
		if b == nil {
			return nil
		}
		return string(b)
	}
	return []any{r.UserID, r.Username, r.Action, r.Entity, r.UnitID, text(r.Before), text(r.After), r.Reason, r.RoundID, r.At}
}

// insertAudit writes one audit row: who, when (the store's clock when the transaction began), the
// round (nil for changes outside a round), the unit, before, after and why.
func insertAudit(ctx context.Context, tx *txn, actor domain.Principal, roundID *int64, action, entity string, unitID *int64, before, after any, reason string) error {
	row, err := auditRowOf(actor, tx.at, roundID, action, entity, unitID, before, after, reason)
	if err != nil {
		return err
	}
	if _, err := tx.execPrepared(ctx, auditInsert, row.values()...); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

// jsonOrNil is v as JSON, nil for nil.
func jsonOrNil(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	return json.Marshal(v)
}

// pqCode returns the SQLSTATE of a PostgreSQL error, or "".
func pqCode(err error) string {
	var pe *pq.Error
	if errors.As(err, &pe) {
		return string(pe.Code)
	}
	return ""
}

const pqUniqueViolation = "23505"

// Checkpoint writes every dirty buffer to disk now (it needs a superuser or
// pg_checkpoint). The benchmark takes one after its bulk load, so that what
// it measures next is not slowed by the writes of the load.
func (s *Store) Checkpoint(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CHECKPOINT`); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	return nil
}
