package core

import (
	"sync"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// DefaultPrincipalTTL is how long a caller loaded for a token or a session
// is reused: every API request needs one, and loading it was a fifth of the
// work of a status update. Changes to users, grants, tokens and the tree
// made through this process forget every cached caller at once; those made
// by another process (the command line, another server) are seen within
// this time.
const DefaultPrincipalTTL = 5 * time.Second

// maxCachedPrincipals bounds the cache; past it, it starts afresh.
const maxCachedPrincipals = 10_000

// principalCache keeps callers for a short time, by token hash or user id.
// It runs on the wall clock, not the services' clock (which a demo or a
// test may stop or shift).
type principalCache struct {
	ttl time.Duration
	mu  sync.Mutex
	m   map[principalKey]cachedPrincipal
}

type principalKey struct {
	token  string // the token's hash, or ""
	userID int64
}

type cachedPrincipal struct {
	p     domain.Principal
	until time.Time
}

func (c *principalCache) get(k principalKey) (domain.Principal, bool) {
	if c.ttl <= 0 {
		return domain.Principal{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[k]
	if !ok || time.Now().After(e.until) {
		return domain.Principal{}, false
	}
	return e.p, true
}

func (c *principalCache) put(k principalKey, p domain.Principal) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedPrincipals {
		c.m = map[principalKey]cachedPrincipal{}
	}
	c.m[k] = cachedPrincipal{p: p, until: time.Now().Add(c.ttl)}
}

// forget drops every cached caller.
func (c *principalCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m = nil
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
