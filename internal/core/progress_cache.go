package core

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/lsn"
	"github.com/daihoi/daihoi/internal/store"
)

// The progress cache keeps the figures of the progress reads (a unit's
// progress and its children's, of a round on a day) for Options.ProgressTTL,
// so that the dashboards and the API polled by many users compute each at
// most once per TTL; the scope of the caller is checked on every read,
// before the cache is looked at. Entries are computed on the primary.
//
// A caller reads its own writes at once: an entry serves a caller only if
// it was computed after the caller's last write through this process (the
// web layer notes each request that committed, NoteWrite) and, for the
// caller's writes known from the web session or the header X-Daihoi-LSN
// (through any process), from a snapshot that sees the last transaction
// that wrote committed and a log that stood at least as far. Other
// callers may see figures at most the TTL old.

// progressCacheLimit bounds the entries kept: past it, expired entries are
// dropped, then all of them.
const progressCacheLimit = 20000

type progressKey struct {
	children bool
	round    int64
	unit     int64
	day      domain.Day
}

type progressEntry struct {
	value any // domain.Progress or domain.ChildrenProgress
	// stamp names this computation of the value, unique in the process.
	stamp uint64
	seq   uint64
	// at and seen are where its computation started: the log's position
	// and the transactions seen ended.
	at      lsn.LSN
	seen    lsn.Snapshot
	expires time.Time
}

type progressCache struct {
	ttl time.Duration
	// seq counts the writes noted; an entry holds its value when it was
	// computed, a writer the value its last write was given.
	seq     atomic.Uint64
	stamps  atomic.Uint64
	mu      sync.Mutex
	entries map[progressKey]progressEntry
	writers map[int64]uint64
	fill    singleflight.Group
}

func newProgressCache(ttl time.Duration) *progressCache {
	return &progressCache{ttl: ttl, entries: map[progressKey]progressEntry{}, writers: map[int64]uint64{}}
}

// NoteWrite records that a request of p committed a transaction: p's next
// progress reads are computed afresh.
func (s *Service) NoteWrite(p domain.Principal) {
	c := s.progress
	if c == nil || c.ttl <= 0 {
		return
	}
	n := c.seq.Add(1)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writers[p.User.ID] = n
}

// progressStore is the store progress reads are computed on: the primary
// when they are cached (an entry's log position is the primary's), else
// the store that picks a replica.
func (s *Service) progressStore() *store.Store {
	if s.progress == nil || s.progress.ttl <= 0 {
		return s.store
	}
	return s.store.Primary()
}

// cachedProgress returns the value of key for p, computed by compute
// (on the primary) when no entry may serve p, and the stamp of that value
// (the same stamp, the same value; 0 when the cache is off).
func cachedProgress[T any](ctx context.Context, s *Service, p domain.Principal, key progressKey, compute func(ctx context.Context) (T, error)) (T, uint64, error) {
	c := s.progress
	if c == nil || c.ttl <= 0 {
		v, err := compute(ctx)
		return v, 0, err
	}
	since := lsn.From(ctx).Latest()
	now := time.Now()
	c.mu.Lock()
	e, ok := c.entries[key]
	wrote := c.writers[p.User.ID]
	c.mu.Unlock()
	fresh := ok && now.Before(e.expires) && e.seq >= wrote && e.shows(since)
	// The computation outlives a reader that goes away: others wait for it.
	fctx := context.WithoutCancel(ctx)
	fill := func() (any, error) {
		seq := c.seq.Load()
		at, seen, err := s.store.ReadPosition(fctx)
		if err != nil {
			return nil, err
		}
		v, err := compute(fctx)
		if err != nil {
			return nil, err
		}
		e := progressEntry{value: v, stamp: c.stamps.Add(1), seq: seq, at: at, seen: seen, expires: time.Now().Add(c.ttl)}
		c.put(key, e)
		return e, nil
	}
	if fresh {
		// An entry read in the last quarter of its life is computed again
		// in the background, so that the readers of figures read all the
		// time never wait for them (nor see them older than the TTL).
		if now.After(e.expires.Add(-c.ttl / 4)) {
			c.fill.DoChan(fillKey(key, 0, lsn.Position{}), fill)
		}
		return e.value.(T), e.stamp, nil
	}
	// Concurrent readers of a missing entry share one computation, unless
	// their own writes are too recent for an entry begun before them.
	v, err, _ := c.fill.Do(fillKey(key, wrote, since), fill)
	if err != nil {
		var zero T
		return zero, 0, err
	}
	e = v.(progressEntry)
	return e.value.(T), e.stamp, nil
}

// shows reports whether the entry shows the writes that reached since:
// its computation started with the log at least as far and saw the
// transaction that wrote them committed.
func (e progressEntry) shows(since lsn.Position) bool {
	return e.at >= since.LSN && (since.Xact == 0 || e.seen.Sees(since.Xact))
}

// fillKey names a computation of key for readers whose writes reached
// (wrote, since): those of readers with other writes are not shared.
func fillKey(key progressKey, wrote uint64, since lsn.Position) string {
	b := make([]byte, 0, 64)
	if key.children {
		b = append(b, 'c')
	}
	b = appendInt(b, key.round)
	b = appendInt(b, key.unit)
	b = append(b, key.day.String()...)
	b = appendInt(b, int64(wrote))
	b = appendInt(b, int64(since.LSN))
	b = appendInt(b, int64(since.Xact))
	return string(b)
}

func appendInt(b []byte, n int64) []byte {
	b = append(b, '/')
	for i := 0; i < 8; i++ {
		b = append(b, byte(n>>(8*i)))
	}
	return b
}

func (c *progressCache) put(key progressKey, e progressEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= progressCacheLimit {
		now := time.Now()
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= progressCacheLimit {
			clear(c.entries)
		}
	}
	if old, ok := c.entries[key]; !ok || old.seq <= e.seq {
		c.entries[key] = e
	}
}
