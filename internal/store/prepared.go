package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jmoiron/sqlx"
)

// A transaction never takes a second connection: while it holds one, every
// other may be held by transactions waiting for its locks, and a second
// request for one would wait for ever. So txn exposes only what runs on its
// own connection (sqlx.Tx's methods, and the store's prepared statements
// bound to it), and holds nothing that reaches the pool; the functions that
// work in a transaction take a *txn and no *Store (a test checks).

// txn is a transaction of the store: sqlx's, plus the store's prepared
// statements for the statements that run on every request.
type txn struct {
	*sqlx.Tx
	stmts []*sqlx.Stmt
	// at is when the transaction began, on the store's clock: the time of
	// its audit rows.
	at time.Time
	// xact is the transaction's id once a statement that wrote has said
	// it: its commit need not ask.
	xact uint64
}

// A query is a statement the store prepares: each is parsed once per
// connection and, after a few runs, planned once, instead of parsed and
// planned at every run as lib/pq does for a statement with arguments. Only
// the statements of the hot paths (authentication, a unit by code, a status
// update) are queries. Each is a variable of the package made by prepare,
// so the store knows them all before its first transaction.
type query struct {
	sql string
	n   int // index in queries and in the prepared statements
}

// queries are every query, in the order prepare made them.
var queries []*query

// prepare makes a query of sql; call it only to initialise a package variable.
func prepare(sql string) *query {
	q := &query{sql: sql, n: len(queries)}
	queries = append(queries, q)
	return q
}

// statements are the queries prepared on a pool. They are prepared all at
// once, outside any transaction, before the first one begins (database/sql
// needs a connection of the pool to prepare a statement of the pool); a
// transaction then binds them to its own connection (Tx.StmtContext), which
// prepares one there if it is not yet, on that connection.
type statements struct {
	mu   sync.Mutex // held while preparing
	list atomic.Pointer[[]*sqlx.Stmt]
}

// prepared returns the prepared queries, preparing them on first use. Call
// it holding a slot of the pool and no connection.
func (s *statements) prepared(ctx context.Context, db *sqlx.DB) ([]*sqlx.Stmt, error) {
	if l := s.list.Load(); l != nil {
		return *l, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.list.Load(); l != nil {
		return *l, nil
	}
	list := make([]*sqlx.Stmt, len(queries))
	for i, q := range queries {
		st, err := db.PreparexContext(ctx, q.sql)
		if err != nil {
			for _, p := range list[:i] {
				_ = p.Close()
			}
			return nil, fmt.Errorf("store: prepare: %w", err)
		}
		list[i] = st
	}
	s.list.Store(&list)
	return list, nil
}

// begin starts a transaction: it holds a slot of the pool until it ends.
func (s *Store) begin(ctx context.Context) (*txn, func(), error) {
	if err := s.db.acquire(ctx); err != nil {
		return nil, nil, err
	}
	stmts, err := s.db.stmts.prepared(ctx, s.db.db)
	if err != nil {
		s.db.release()
		return nil, nil, typed(ctx, err)
	}
	tx, err := s.db.db.BeginTxx(ctx, nil)
	if err != nil {
		s.db.release()
		return nil, nil, typed(ctx, err)
	}
	return &txn{Tx: tx, stmts: stmts, at: s.now()}, s.db.release, nil
}

// beginLease starts the transaction of a job lease, on a lease connection
// (waiting for one as long as ctx lives). It stays open, idle, while the
// job runs, and waits for the job's lock: its statements and its idleness
// are bounded by the bulk timeout, not the connections' timeouts.
func (s *Store) beginLease(ctx context.Context) (*txn, func(), error) {
	if err := s.db.acquireLease(ctx); err != nil {
		return nil, nil, err
	}
	tx, err := s.db.db.BeginTxx(ctx, nil)
	if err != nil {
		s.db.releaseLease()
		return nil, nil, typed(ctx, err)
	}
	if _, err := tx.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, true), set_config('lock_timeout', $1, true),
		set_config('idle_in_transaction_session_timeout', $1, true)`, millis(s.opts.BulkTimeout)); err != nil {
		_ = tx.Rollback()
		s.db.releaseLease()
		return nil, nil, typed(ctx, err)
	}
	return &txn{Tx: tx, at: s.now()}, s.db.releaseLease, nil
}

// get runs a prepared query returning one row into dest, outside a transaction.
func (s *Store) get(ctx context.Context, dest any, q *query, args ...any) error {
	return s.withPrepared(ctx, q, func(st *sqlx.Stmt) error { return st.GetContext(ctx, dest, args...) })
}

// selectRows runs a prepared query returning rows into dest, outside a transaction.
func (s *Store) selectRows(ctx context.Context, dest any, q *query, args ...any) error {
	again := rowsInto(dest)
	return s.withPrepared(ctx, q, func(st *sqlx.Stmt) error {
		again()
		return st.SelectContext(ctx, dest, args...)
	})
}

// withPrepared runs fn with the prepared query q on the pool, holding a slot.
func (s *Store) withPrepared(ctx context.Context, q *query, fn func(st *sqlx.Stmt) error) error {
	return s.db.do(ctx, func(p *pool) error {
		stmts, err := p.stmts.prepared(ctx, p.db)
		if err != nil {
			return err
		}
		return fn(stmts[q.n])
	})
}

// stmt returns the prepared query bound to the transaction's connection.
func (t *txn) stmt(ctx context.Context, q *query) *sqlx.Stmt {
	return t.StmtxContext(ctx, t.stmts[q.n])
}

// execPrepared runs a prepared query in the transaction.
func (t *txn) execPrepared(ctx context.Context, q *query, args ...any) (sql.Result, error) {
	return t.stmt(ctx, q).ExecContext(ctx, args...)
}

// getPrepared runs a prepared query returning one row into dest.
func (t *txn) getPrepared(ctx context.Context, dest any, q *query, args ...any) error {
	return t.stmt(ctx, q).GetContext(ctx, dest, args...)
}

// selectPrepared runs a prepared query returning rows into dest.
func (t *txn) selectPrepared(ctx context.Context, dest any, q *query, args ...any) error {
	return t.stmt(ctx, q).SelectContext(ctx, dest, args...)
}
