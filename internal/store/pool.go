package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net"
	"reflect"
	"syscall"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// pool is the store's only way to its connections. Every statement outside
// a transaction, and every transaction from BEGIN to COMMIT, first takes one
// of max_conns slots, waiting at most the acquire timeout: database/sql
// waits for a free connection as long as the caller's context lives (a
// request's has no deadline), so a pool kept full by a stuck or slow
// workload made requests wait for ever. Holding a slot, a caller finds a connection
// at once, since no other user of the store holds more than one.
//
// Errors that say the database cannot serve now (down, restarting, a
// connection broken, no slot in time, a lock or statement timeout) come
// back as domain.Unavailable, with their cause.
//
// A job holds its lease (a transaction keeping the job's advisory lock) while
// its work runs in other transactions. Leases take connections of their own,
// beyond the slots (Open sizes the pool for both): a job's work waits only
// for slots, which no lease holds, so a job never waits for itself.
type pool struct {
	db     *sqlx.DB
	slots  chan struct{} // nil: no limit, nothing to wait for
	leases chan struct{} // nil: no limit
	wait   time.Duration
	// stmts are the store's prepared queries on this pool's connections.
	stmts statements
	// replica is the replica whose pool this is (nil: the primary's): a
	// statement the replica cannot serve now runs on the primary instead.
	replica *replica
}

// newPool gates db with slots and leases (0: no limit).
func newPool(db *sqlx.DB, slots, leases int, wait time.Duration) *pool {
	p := &pool{db: db, wait: wait}
	if slots > 0 {
		p.slots = make(chan struct{}, slots)
	}
	if leases > 0 {
		p.leases = make(chan struct{}, leases)
	}
	return p
}

// jobLeases is how many jobs of one process may hold a lease at once; the
// others wait for one (a job runs late, it does not fail).
const jobLeases = 4

// acquireLease takes a lease connection, waiting as long as ctx lives.
func (p *pool) acquireLease(ctx context.Context) error {
	if p.leases == nil {
		return nil
	}
	select {
	case p.leases <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *pool) releaseLease() {
	if p.leases != nil {
		<-p.leases
	}
}

// run runs fn holding a slot, and types its error.
func (p *pool) run(ctx context.Context, fn func() error) error {
	if err := p.acquire(ctx); err != nil {
		return err
	}
	defer p.release()
	return typed(ctx, fn())
}

func (p *pool) acquire(ctx context.Context) error {
	if p.slots == nil {
		return nil
	}
	select {
	case p.slots <- struct{}{}:
		return nil
	default:
	}
	t := time.NewTimer(p.wait)
	defer t.Stop()
	select {
	case p.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return unavailable(fmt.Errorf("store: no database connection free within %s (all %d busy)", p.wait, cap(p.slots)))
	}
}

func (p *pool) release() {
	if p.slots != nil {
		<-p.slots
	}
}

// do runs fn on the pool holding a slot, and types its error. On a
// replica's pool, a statement the replica cannot serve now (it is down,
// busy, or cancelled the statement to replay the log) runs on the primary
// instead, as does every statement after the replica was found down.
func (p *pool) do(ctx context.Context, fn func(t *pool) error) error {
	r := p.replica
	if r == nil {
		return p.run(ctx, func() error { return fn(p) })
	}
	if r.usable() {
		err := p.run(ctx, func() error { return fn(p) })
		if !r.passOver(ctx, err) {
			return err
		}
	}
	r.set.reads.fallback.Add(1)
	prim := r.set.primary
	return prim.run(ctx, func() error { return fn(prim) })
}

// with runs fn holding a slot, on the database, for the helpers that read
// with a sqlx.QueryerContext (the database or a transaction).
func (p *pool) with(ctx context.Context, fn func(q sqlx.QueryerContext) error) error {
	return p.run(ctx, func() error { return fn(p.db) })
}

// onConn runs fn on one connection holding a slot, for work that changes
// the connection's session: when fn fails, the connection is dropped
// rather than given back as fn may have left it.
func (p *pool) onConn(ctx context.Context, fn func(c *sqlx.Conn) error) error {
	return p.run(ctx, func() error {
		c, err := p.db.Connx(ctx)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := fn(c); err != nil {
			_ = c.Raw(func(any) error { return driver.ErrBadConn })
			return err
		}
		return nil
	})
}

// GetContext runs a query returning one row into dest.
func (p *pool) GetContext(ctx context.Context, dest any, query string, args ...any) error {
	return p.do(ctx, func(t *pool) error { return t.db.GetContext(ctx, dest, query, args...) })
}

// SelectContext runs a query returning rows into dest.
func (p *pool) SelectContext(ctx context.Context, dest any, query string, args ...any) error {
	again := rowsInto(dest)
	return p.do(ctx, func(t *pool) error {
		again()
		return t.db.SelectContext(ctx, dest, query, args...)
	})
}

// rowsInto returns a function that cuts the slice dest points to, if it
// does, back to its length now: sqlx appends the rows it reads, and those
// of a statement that failed part-way on a replica must not stay when it
// runs again on the primary.
func rowsInto(dest any) func() {
	v := reflect.ValueOf(dest)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Slice {
		return func() {}
	}
	rows, n := v.Elem(), v.Elem().Len()
	return func() { rows.SetLen(n) }
}

// ExecContext runs a statement.
func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	var res sql.Result
	err := p.run(ctx, func() error {
		var err error
		res, err = p.db.ExecContext(ctx, query, args...)
		return err
	})
	return res, err
}

// unavailableError says the database could not serve now, though a retry
// a little later may pass: domain.Unavailable for the web layer, its
// cause for the log.
type unavailableError struct{ cause error }

func (e *unavailableError) Error() string   { return "database unavailable: " + e.cause.Error() }
func (e *unavailableError) Unwrap() []error { return []error{domain.Unavailable(), e.cause} }

func unavailable(cause error) error { return &unavailableError{cause: cause} }

// typed returns err, marked unavailable when it says the database cannot
// serve now, or bearing ctx's error when the caller gave up (a query
// cancelled by its context comes back from the server as 57014, like a
// statement timeout).
func typed(ctx context.Context, err error) error {
	switch {
	case err == nil || domain.AsError(err) != nil:
		return err
	case ctx.Err() != nil:
		if errors.Is(err, ctx.Err()) {
			return err
		}
		return fmt.Errorf("%w (%w)", err, ctx.Err())
	case transient(err):
		return unavailable(err)
	}
	return err
}

// transient reports whether err says the database cannot serve now but may
// shortly: it cannot be reached (unreachable), or one of the timeouts set
// on every connection (lock_timeout, statement_timeout), a deadlock or a
// serialization failure stopped the statement: the request was fine, a
// retry may pass.
func transient(err error) bool {
	if unreachable(err) {
		return true
	}
	switch pqCode(err) {
	case "55P03", // lock not available: lock_timeout
		statementTimeout, // a cancelled context is told apart first
		"40001", "40P01": // serialization failure, deadlock detected
		return true
	}
	return false
}

// statementTimeout is the SQLSTATE of a query cancelled, by its
// statement_timeout or by its client.
const statementTimeout = "57014"

// unreachable reports whether err says the server cannot be reached or
// used now: no connection (refused, reset, broken: lib/pq turns a FATAL
// error such as admin shutdown into driver.ErrBadConn and marks the
// connection bad, so the pool drops it), the server starting up or
// shutting down, or too many connections.
func unreachable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	var pe *pq.Error
	if !errors.As(err, &pe) {
		return false
	}
	if pe.Code.Class() == "08" { // connection exception
		return true
	}
	switch pe.Code {
	case "57P01", "57P02", "57P03", // admin shutdown, crash shutdown, cannot connect now
		"53300": // too many connections
		return true
	}
	return false
}
