// Package lsn carries a caller's place in PostgreSQL's write-ahead log and
// transactions between the web layer and the store, so that callers read
// their own writes: from replicas, and from the figures each process keeps
// in memory.
//
// An LSN (log sequence number) is a position in the log. When a request
// writes, the store records in the request's Caller the id of the
// transaction that wrote and, with replicas, the position the log had
// reached once its commit was in it (a Position); the web layer keeps it
// for the caller's next requests (in the web session for the pages, in the
// header X-Daihoi-LSN that API clients send back) and puts it in the
// context of each of them. A replica that has replayed the log up to the
// LSN shows the caller everything it wrote, and so does a read whose
// snapshot sees the transaction committed (Snapshot.Sees).
//
// The context holds one key for this, this package's: a *Caller, put there
// with Track or TrackOnPrimary and read with From. A context without one
// (the jobs, the command line) reads from the primary and records nothing.
package lsn

import (
	"context"
	"database/sql/driver"
	"fmt"
	"slices"
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

// Position is how far a caller's writes reached. LSN is what a replica must
// have replayed to show them (recorded only with replicas); Xact is the id
// (a 64-bit xid8) of the last transaction that wrote them, which a read
// shows them once its snapshot sees committed. Either is 0 when not known.
type Position struct {
	LSN  LSN
	Xact uint64
}

// String writes p as the web session and the header X-Daihoi-LSN carry
// it: the LSN, then "@" and the transaction's id when known
// ("16/B374D848@7421").
func (p Position) String() string {
	if p.Xact == 0 {
		return p.LSN.String()
	}
	return p.LSN.String() + "@" + strconv.FormatUint(p.Xact, 10)
}

// ParsePosition reads a Position as String writes it; a bare LSN (as the
// server wrote it before it told transactions) has no Xact.
func ParsePosition(s string) (Position, error) {
	at, xact, hasXact := strings.Cut(s, "@")
	l, err := Parse(at)
	if err != nil {
		return Position{}, fmt.Errorf("lsn: %q is not a position such as 16/B374D848@7421", s)
	}
	p := Position{LSN: l}
	if hasXact {
		if p.Xact, err = strconv.ParseUint(xact, 10, 64); err != nil {
			return Position{}, fmt.Errorf("lsn: %q is not a position such as 16/B374D848@7421", s)
		}
	}
	return p, nil
}

// IsZero reports whether nothing is known of p.
func (p Position) IsZero() bool { return p == Position{} }

// Beyond reports whether p reaches past q in the log or in the
// transactions.
func (p Position) Beyond(q Position) bool { return p.LSN > q.LSN || p.Xact > q.Xact }

// join returns the further of p and q, in the log and in the transactions.
func (p Position) join(q Position) Position {
	return Position{LSN: max(p.LSN, q.LSN), Xact: max(p.Xact, q.Xact)}
}

// Snapshot is which transactions a read sees as ended, as PostgreSQL's
// pg_snapshot says: all of them below Xmin, none from Xmax on, and between
// them those not Running.
type Snapshot struct {
	Xmin, Xmax uint64
	Running    []uint64
}

// Sees reports whether the transaction xact had ended (for a caller's
// write: was committed) when the snapshot was taken.
func (s Snapshot) Sees(xact uint64) bool {
	return xact < s.Xmin || xact < s.Xmax && !slices.Contains(s.Running, xact)
}

// Scan reads a pg_snapshot as PostgreSQL writes it: "xmin:xmax:xip,...".
func (s *Snapshot) Scan(v any) error {
	var text string
	switch v := v.(type) {
	case string:
		text = v
	case []byte:
		text = string(v)
	default:
		return fmt.Errorf("lsn: cannot scan %T into a snapshot", v)
	}
	parts := strings.Split(text, ":")
	if len(parts) != 3 {
		return fmt.Errorf("lsn: %q is not a snapshot", text)
	}
	var got Snapshot
	var err error
	if got.Xmin, err = strconv.ParseUint(parts[0], 10, 64); err != nil {
		return fmt.Errorf("lsn: %q is not a snapshot", text)
	}
	if got.Xmax, err = strconv.ParseUint(parts[1], 10, 64); err != nil {
		return fmt.Errorf("lsn: %q is not a snapshot", text)
	}
	if parts[2] != "" {
		for _, x := range strings.Split(parts[2], ",") {
			id, err := strconv.ParseUint(x, 10, 64)
			if err != nil {
				return fmt.Errorf("lsn: %q is not a snapshot", text)
			}
			got.Running = append(got.Running, id)
		}
	}
	*s = got
	return nil
}

// Caller is what one request knows of its caller's place: how far the
// caller's earlier writes reached, whether its reads may come from a
// replica at all, and how far this request's own writes reached. Its
// methods are safe for concurrent use, and do nothing on a nil Caller.
type Caller struct {
	since    Position
	replicas bool

	mu        sync.Mutex
	wrote     Position
	committed bool
}

type ctxKey struct{}

// Track returns ctx with the Caller of a request whose caller's earlier
// writes reached since (zero: none known): its reads may come from a
// replica that has replayed the log that far, and as far as the request's
// own writes, and the request's writes are recorded.
func Track(ctx context.Context, since Position) (context.Context, *Caller) {
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
	return c.Latest().LSN, true
}

// Wrote records that a write of the request was committed by the time the
// log reached l.
func (c *Caller) Wrote(l LSN) { c.reach(Position{LSN: l}) }

// WroteXact records that the transaction xact of the request wrote and was
// committed.
func (c *Caller) WroteXact(xact uint64) { c.reach(Position{Xact: xact}) }

// reach records that the request's writes reached p.
func (c *Caller) reach(p Position) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.wrote = c.wrote.join(p)
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

// Written returns how far the request's writes reached; zero when it wrote
// nothing.
func (c *Caller) Written() Position {
	if c == nil {
		return Position{}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.wrote
}

// Latest returns how far the caller's writes reached, earlier ones and this
// request's: what the caller is to send back with its next request.
func (c *Caller) Latest() Position {
	if c == nil {
		return Position{}
	}
	return c.since.join(c.Written())
}
