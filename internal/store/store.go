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
	"strings"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
	"github.com/pressly/goose/v3"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/migrations"
)

// Store is daihoi's PostgreSQL storage.
type Store struct {
	db    *sqlx.DB
	stmts statements
}

// New wraps an open database.
func New(db *sqlx.DB) *Store { return &Store{db: db} }

// DB returns the underlying database handle.
func (s *Store) DB() *sqlx.DB { return s.db }

// Open connects to the database at url and checks that it answers.
func Open(ctx context.Context, url string, maxConns int) (*sqlx.DB, error) {
	db, err := sqlx.Open("postgres", withSessionSettings(url))
	if err != nil {
		return nil, fmt.Errorf("store: open: %w", err)
	}
	if maxConns > 0 {
		db.SetMaxOpenConns(maxConns)
		db.SetMaxIdleConns(maxConns)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	return db, nil
}

// withSessionSettings adds daihoi's session settings to a connection URL or
// key=value DSN, unless it sets them itself. JIT compilation is off: daihoi's
// queries are short, and the planner's row estimates for ltree subtrees cross
// the JIT threshold, which made a 1 ms status update take 20-70 ms.
func withSessionSettings(url string) string {
	if strings.Contains(url, "jit=") {
		return url
	}
	if strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://") {
		if strings.Contains(url, "?") {
			return url + "&jit=off"
		}
		return url + "?jit=off"
	}
	return url + " jit=off"
}

func newProvider(db *sql.DB) (*goose.Provider, error) {
	p, err := goose.NewProvider(goose.DialectPostgres, db, migrations.FS)
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

// Ready reports an error unless the database answers and every migration is applied.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.db.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	n, err := MigrationsPending(ctx, s.db.DB)
	if err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("store: %d migrations pending", n)
	}
	return nil
}

// inTx runs fn in a transaction, committing when it returns nil.
func (s *Store) inTx(ctx context.Context, fn func(tx *txn) error) error {
	tx, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after commit
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// treeLockKey serialises changes to the shape of the tree (create, move,
// merge, import) so that two concurrent moves cannot build a cycle.
const treeLockKey = 7_100_001

func lockTree(ctx context.Context, tx *txn) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, treeLockKey)
	return err
}

// audit records one write in the audit log.
func audit(ctx context.Context, tx *txn, actor domain.Principal, action, entity string, unitID *int64, before, after any, reason string) error {
	return insertAudit(ctx, tx, actor, nil, action, entity, unitID, before, after, reason)
}

// auditInsert is the statement writing one audit row; auditValues gives its
// arguments ($1-$9).
const auditInsert = `INSERT INTO audit_log (user_id, username, action, entity, unit_id, before, after, reason, round_id)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`

// auditValues returns the arguments of auditInsert: who, what, the round (nil
// for changes outside a round), the unit, before and after as JSON, and why.
func auditValues(actor domain.Principal, roundID *int64, action, entity string, unitID *int64, before, after any, reason string) ([]any, error) {
	var userID *int64
	if actor.User.ID != 0 {
		userID = &actor.User.ID
	}
	b, err := jsonOrNil(before)
	if err != nil {
		return nil, err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return nil, err
	}
	username := actor.User.Username
	if username == "" && actor.System {
		username = "system"
	}
	return []any{userID, username, action, entity, unitID, b, a, reason, roundID}, nil
}

// insertAudit writes one audit row: who, when (the transaction's time), the
// round (nil for changes outside a round), the unit, before, after and why.
func insertAudit(ctx context.Context, tx *txn, actor domain.Principal, roundID *int64, action, entity string, unitID *int64, before, after any, reason string) error {
	args, err := auditValues(actor, roundID, action, entity, unitID, before, after, reason)
	if err != nil {
		return err
	}
	if _, err := tx.execPrepared(ctx, auditInsert, args...); err != nil {
		return fmt.Errorf("store: audit: %w", err)
	}
	return nil
}

func jsonOrNil(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return string(b), nil
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
