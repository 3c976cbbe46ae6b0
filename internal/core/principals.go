package core

import (
	"sync"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// DefaultPrincipalTTL is how long a caller loaded for a token or a session
// is reused: every API request needs one, and loading it was a fifth of the
// work of a status update. Changes to users, grants, tokens and the tree
// made through this process forget every cached caller at once (a caller
// being loaded meanwhile is not kept); those made by another process (the
// command line, another server) are seen within this time: that is the
// bound on how long a token revoked, a session ended (password changed,
// account deactivated) or a role taken away by another process may still
// be honoured here.
const DefaultPrincipalTTL = 5 * time.Second

// maxCached bounds each short-lived cache; past it, it starts afresh.
const maxCached = 10_000

// principalKey names a cached caller: by token hash or user id.
type principalKey struct {
	token  string // the token's hash, or ""
	userID int64
}

// principalCache keeps callers for a short time.
type principalCache = shortCache[principalKey, domain.Principal]

// shortCache keeps values for a short time (ttl; none when not positive).
// It runs on the wall clock, not the services' clock (which a demo or a
// test may stop or shift). A change that forgets it also keeps out the
// values being loaded meanwhile, which may predate the change.
type shortCache[K comparable, V any] struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[K]cached[V]
	gen uint64 // how many times the cache was forgotten
}

type cached[V any] struct {
	v     V
	until time.Time
}

func (c *shortCache[K, V]) get(k K) (V, bool) {
	var zero V
	if c.ttl <= 0 {
		return zero, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || !time.Now().Before(e.until) {
		return zero, false
	}
	return e.v, true
}

// generation returns the cache's generation, to read before loading a
// value that put will keep.
func (c *shortCache[K, V]) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put keeps v, loaded after generation returned gen, unless the cache was
// forgotten since: then v may predate the change that forgot it.
func (c *shortCache[K, V]) put(k K, v V, gen uint64) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.m == nil || len(c.m) >= maxCached {
		c.m = map[K]cached[V]{}
	}
	c.m[k] = cached[V]{v: v, until: time.Now().Add(c.ttl)}
}

// forget drops every cached value, and those being loaded.
func (c *shortCache[K, V]) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
	c.gen++
}

// currentRoundTTL is how long the id of the current round is reused: every
// request without ?round= needs it. SetCurrentRound and CreateRound through
// this process forget it at once; another process's change is seen within
// this time.
const currentRoundTTL = 5 * time.Second

// roundCache keeps the id of the current round for a short time (wall clock).
type roundCache struct {
	mu    sync.Mutex
	id    int64
	until time.Time
}

func (c *roundCache) get() (int64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.id, c.id != 0 && time.Now().Before(c.until)
}

func (c *roundCache) put(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.id, c.until = id, time.Now().Add(currentRoundTTL)
}

func (c *roundCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.id = 0
}
