package web

import (
	"sync"
	"time"
)

// throttle counts failed sign-ins per key (a username, an address) in this
// process. After slowAfter failures within window, each further attempt
// waits a second per failure beyond it (at most maxDelay); after lockAfter,
// the key is locked for lockFor. A success clears the username's count.
type throttle struct {
	mu        sync.Mutex
	now       func() time.Time
	window    time.Duration
	slowAfter int
	lockAfter int
	lockFor   time.Duration
	maxDelay  time.Duration
	fails     map[string]*failures
}

type failures struct {
	n           int
	first       time.Time
	lockedUntil time.Time
}

func newThrottle() *throttle {
	return &throttle{now: time.Now, window: 15 * time.Minute, slowAfter: 3, lockAfter: 10,
		lockFor: 15 * time.Minute, maxDelay: 5 * time.Second, fails: map[string]*failures{}}
}

// check returns how long the attempt must wait, or the time a lock ends
// (zero when not locked), for the worst of keys.
func (t *throttle) check(keys ...string) (delay time.Duration, lockedUntil time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	for _, k := range keys {
		f := t.fails[k]
		if f == nil {
			continue
		}
		if now.Before(f.lockedUntil) {
			if f.lockedUntil.After(lockedUntil) {
				lockedUntil = f.lockedUntil
			}
			continue
		}
		if now.Sub(f.first) > t.window {
			delete(t.fails, k)
			continue
		}
		if f.n >= t.slowAfter {
			d := min(time.Duration(f.n-t.slowAfter+1)*time.Second, t.maxDelay)
			delay = max(delay, d)
		}
	}
	return delay, lockedUntil
}

// fail records a failed attempt for each of keys.
func (t *throttle) fail(keys ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.now()
	if len(t.fails) > 100_000 { // a flood of keys: start afresh rather than grow
		t.fails = map[string]*failures{}
	}
	for _, k := range keys {
		f := t.fails[k]
		if f == nil || now.Sub(f.first) > t.window {
			f = &failures{first: now}
			t.fails[k] = f
		}
		f.n++
		if f.n >= t.lockAfter {
			f.lockedUntil = now.Add(t.lockFor)
			f.n, f.first = 0, now
		}
	}
}

// succeed clears the count of key.
func (t *throttle) succeed(key string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.fails, key)
}
