package domain

import (
	"math"
	"time"
)

// SignInPolicy is how sign-in attempts are throttled, per key (a username, a
// client address). Each attempt is counted before its password is checked:
// within Window, the first LockAfter attempts are checked, from the one
// after SlowAfter failures on each waits a second more (at most MaxDelay),
// and the attempt after LockAfter locks the key for LockFor. A success
// clears the username's count and does not count for the address.
type SignInPolicy struct {
	Window    time.Duration
	SlowAfter int
	LockAfter int
	LockFor   time.Duration
	MaxDelay  time.Duration
}

// DefaultSignInPolicy slows sign-ins from the 3rd failure and locks a key
// for 15 minutes after the 10th.
var DefaultSignInPolicy = SignInPolicy{Window: 15 * time.Minute, SlowAfter: 3, LockAfter: 10,
	LockFor: 15 * time.Minute, MaxDelay: 5 * time.Second}

// WithDefaults fills the zero fields of sp from DefaultSignInPolicy.
func (sp SignInPolicy) WithDefaults() SignInPolicy {
	d := DefaultSignInPolicy
	if sp.Window <= 0 {
		sp.Window = d.Window
	}
	if sp.SlowAfter <= 0 {
		sp.SlowAfter = d.SlowAfter
	}
	if sp.LockAfter <= 0 {
		sp.LockAfter = d.LockAfter
	}
	if sp.LockFor <= 0 {
		sp.LockFor = d.LockFor
	}
	if sp.MaxDelay <= 0 {
		sp.MaxDelay = d.MaxDelay
	}
	return sp
}

// SignInCount is the count of one key once an attempt has been added to it.
type SignInCount struct {
	// Attempts counts the attempts of the window, this one included.
	Attempts int `db:"failures"`
	// LockedUntil is when the key's lock ends (nil: not locked).
	LockedUntil *time.Time `db:"locked_until"`
}

// Decide returns the refusal of an attempt whose keys counted cs at now
// (SignInLocked, for as long as the longest lock), or how long it waits
// before its password is checked.
func (sp SignInPolicy) Decide(now time.Time, cs ...SignInCount) (time.Duration, error) {
	var delay time.Duration
	var locked time.Time
	for _, c := range cs {
		if c.LockedUntil != nil && c.LockedUntil.After(now) {
			if c.LockedUntil.After(locked) {
				locked = *c.LockedUntil
			}
			continue
		}
		if before := c.Attempts - 1; before >= sp.SlowAfter {
			delay = max(delay, min(time.Duration(before-sp.SlowAfter+1)*time.Second, sp.MaxDelay))
		}
	}
	if !locked.IsZero() {
		// In whole minutes, from whole seconds: the database keeps microseconds.
		return 0, SignInLocked(max(int(math.Ceil(locked.Sub(now).Truncate(time.Second).Minutes())), 1))
	}
	return delay, nil
}
