// Package lsn carries a caller's place in PostgreSQL's write-ahead log
// between the web layer and the store, so that callers read their own
// writes when the store reads from replicas.
//
// An LSN (log sequence number) is a position in the log. When a request
// writes, the store records in the request's Caller the position the log
// had reached once its commit was in it; the web layer keeps it for the
// caller's next requests (in the web session for the pages, in the header
// X-Daihoi-LSN that API clients send back) and puts it in the context of
// each of them. A replica that has replayed the log up to it shows the
// caller everything it wrote.
//
// The context holds one key for this, this package's: a *Caller, put there
// with Track or TrackOnPrimary and read with From. A context without one
// (the jobs, the command line) reads from the primary and records nothing.
package lsn

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"sync"
)

// LSN is a position in PostgreSQL's write-ahead log; 0 is its start.
type LSN uint64

// Parse reads an LSN as PostgreSQL writes it: two hexadecimal numbers of
// at most eight digits each, separated by a slash ("16/B374D848").
func Parse(s string) (LSN, error) {
	hi, lo, ok := strings.Cut(s, "/")
	h, err1 := parseHalf(hi)
	l, err2 := parseHalf(lo)
	if !ok || err1 != nil || err2 != nil {
		return 0, fmt.Errorf("lsn: %q is not a log position such as 16/B374D848", s)
	}
	return LSN(h<<32 | l), nil
}

func parseHalf(s string) (uint64, error) {
	if s == "" || len(s) > 8 {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseUint(s, 16, 32)
}

// String writes l as PostgreSQL does: "16/B374D848".
func (l LSN) String() string { return fmt.Sprintf("%X/%X", uint64(l)>>32, uint64(l)&0xFFFFFFFF) }

// Scan reads a pg_lsn column; NULL is 0.
func (l *LSN) Scan(v any) error {
	var s string
	switch v := v.(type) {
	case nil:
		*l = 0
		return nil
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("lsn: cannot scan %T", v)
	}
	p, err := Parse(s)
	if err != nil {
		return err
	}
	*l = p
	return nil
}

// Value writes l as a pg_lsn.
func (l LSN) Value() (driver.Value, error) { return l.String(), nil }

// Caller is what one request knows of its caller's place in the log: how
// far the caller's earlier writes reached, whether its reads may come from
// a replica at all, and how far this request's own writes reached. Its
// methods are safe for concurrent use, and do nothing on a nil Caller.
type Caller struct {
	since    LSN
	replicas bool

	mu        sync.Mutex
	wrote     LSN
	committed bool
}

type ctxKey struct{}

// Track returns ctx with the Caller of a request whose caller's earlier
// writes reached since (0: none known): its reads may come from a replica
// that has replayed the log that far, and as far as the request's own
// writes, and the request's writes are recorded.
func Track(ctx context.Context, since LSN) (context.Context, *Caller) {
	c := &Caller{since: since, replicas: true}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// TrackOnPrimary returns ctx with the Caller of a request whose caller
// told nothing of its earlier writes: its reads come from the primary, and
// its writes are recorded, so that it can be told where they reached.
func TrackOnPrimary(ctx context.Context) (context.Context, *Caller) {
	c := &Caller{}
	return context.WithValue(ctx, ctxKey{}, c), c
}

// From returns the Caller of ctx, or nil.
func From(ctx context.Context) *Caller {
	c, _ := ctx.Value(ctxKey{}).(*Caller)
	return c
}

// ReadAfter returns how far a replica must have replayed the log to serve
// the caller's reads (its earlier writes and this request's); ok is false
// when its reads must come from the primary.
func (c *Caller) ReadAfter() (at LSN, ok bool) {
	if c == nil || !c.replicas {
		return 0, false
	}
	return c.Latest(), true
}

// Wrote records that a write of the request was committed by the time the
// log reached l.
func (c *Caller) Wrote(l LSN) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wrote = max(c.wrote, l)
}

// Committed records that a transaction of the request was committed (it
// may have written), with or without replicas; read it with HasCommitted.
func (c *Caller) Committed() {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.committed = true
}

// HasCommitted reports whether a transaction of the request was committed.
func (c *Caller) HasCommitted() bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.committed
}

// Written returns how far the request's writes reached; 0 when it wrote
// nothing.
func (c *Caller) Written() LSN {
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote
}

// Latest returns how far the caller's writes reached, earlier ones and this
// request's: what the caller is to send back with its next request.
func (c *Caller) Latest() LSN {
	if c == nil {
		return 0
	}
	return max(c.since, c.Written())
}
