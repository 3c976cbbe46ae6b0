package store

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"github.com/jmoiron/sqlx"
)

// txn is a transaction of the store: sqlx's, plus the store's prepared
// statements for the statements that run on every request.
type txn struct {
	*sqlx.Tx
	s *Store
}

// begin starts a transaction.
func (s *Store) begin(ctx context.Context) (*txn, error) {
	tx, err := s.db.BeginTxx(ctx, nil)
	if err != nil {
		return nil, err
	}
	return &txn{Tx: tx, s: s}, nil
}

// statements holds the statements the store prepares: each is parsed once
// per connection (database/sql prepares it again on each new connection)
// and, after a few runs, planned once, instead of parsed and planned at
// every run as lib/pq does for a statement with arguments. Only the
// statements of the hot paths (authentication, a unit by code, a status
// update) go through it; every query it holds is a constant of the package.
type statements struct {
	mu sync.Mutex
	m  map[string]*sqlx.Stmt
}

// prepared returns the statement for query, preparing it on first use.
func (s *Store) prepared(ctx context.Context, query string) (*sqlx.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[query]; ok {
		return st, nil
	}
	st, err := s.db.PreparexContext(ctx, query)
	if err != nil {
		return nil, fmt.Errorf("store: prepare: %w", err)
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sqlx.Stmt{}
	}
	s.stmts.m[query] = st
	return st, nil
}

// get runs a prepared query returning one row into dest.
func (s *Store) get(ctx context.Context, dest any, query string, args ...any) error {
	st, err := s.prepared(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// stmt returns the prepared statement for query bound to the transaction
// (reusing its preparation on the transaction's connection).
func (t *txn) stmt(ctx context.Context, query string) (*sqlx.Stmt, error) {
	st, err := t.s.prepared(ctx, query)
	if err != nil {
		return nil, err
	}
	return t.StmtxContext(ctx, st), nil
}

// execPrepared runs a prepared statement in the transaction.
func (t *txn) execPrepared(ctx context.Context, query string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// getPrepared runs a prepared query returning one row into dest.
func (t *txn) getPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.GetContext(ctx, dest, args...)
}

// selectPrepared runs a prepared query returning rows into dest.
func (t *txn) selectPrepared(ctx context.Context, dest any, query string, args ...any) error {
	st, err := t.stmt(ctx, query)
	if err != nil {
		return err
	}
	return st.SelectContext(ctx, dest, args...)
}
