package core_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// signInFixture is newFixture whose sign-ins wait a millisecond at most
// when slowed (the counts are under test, not the waits), on clock.
func signInFixture(t *testing.T, clock domain.Clock) *fixture {
	f := newFixture(t)
	return fixtureWithOptions(t, f.db, clock, core.Options{SignIn: domain.SignInPolicy{MaxDelay: time.Millisecond}})
}

// Fifty wrong passwords for one user at once, from fifty addresses: each
// attempt is counted before its password is checked, so no more than
// LockAfter of them are checked, and the others are refused as locked.
func TestConcurrentWrongPasswordsAreCheckedAtMostLockAfterTimes(t *testing.T) {
	for _, tc := range []struct {
		name string
		addr func(i int) string
		user func(i int) string
	}{
		{"one user from fifty addresses", func(i int) string { return fmt.Sprintf("10.0.0.%d", i) }, func(int) string { return "bithu" }},
		{"fifty users from one address", func(int) string { return "10.0.0.1" }, func(i int) string { return fmt.Sprintf("nguoi%d", i) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := signInFixture(t, domain.FixedClock(fixtureNow))
			const n = 50
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.svc.LoginFrom(f.ctx, tc.addr(i), tc.user(i), "sai-mat-khau")
				}()
			}
			wg.Wait()
			codes := map[domain.ErrorCode]int{}
			for _, err := range errs {
				codes[domain.ErrorCodeOf(err)]++
			}
			lockAfter := domain.DefaultSignInPolicy.LockAfter
			if got := f.svc.PasswordChecks(); got > int64(lockAfter) {
				t.Errorf("%d passwords checked, want at most %d", got, lockAfter)
			}
			if codes[domain.EUnauthorized] != lockAfter || codes[domain.ETooManyRequests] != n-lockAfter {
				t.Errorf("answers %v, want %d wrong and %d locked", codes, lockAfter, n-lockAfter)
			}
		})
	}
}

// Two daihoi processes (two services on one database) share the counts.
func TestSignInCountsAreSharedByProcesses(t *testing.T) {
	one := signInFixture(t, domain.FixedClock(fixtureNow))
	two := fixtureWithOptions(t, one.db, domain.FixedClock(fixtureNow), core.Options{SignIn: domain.SignInPolicy{MaxDelay: time.Millisecond}})
	lockAfter := domain.DefaultSignInPolicy.LockAfter
	for i := range lockAfter {
		svc := one.svc
		if i%2 == 1 {
			svc = two.svc
		}
		_, err := svc.LoginFrom(one.ctx, fmt.Sprintf("10.0.0.%d", i), "bithu", "sai-mat-khau")
		wantCode(t, err, domain.EUnauthorized)
	}
	_, err := one.svc.LoginFrom(one.ctx, "10.0.1.1", "bithu", fixturePassword)
	wantCode(t, err, domain.ETooManyRequests)
	_, err = two.svc.LoginFrom(one.ctx, "10.0.1.2", "bithu", fixturePassword)
	wantCode(t, err, domain.ETooManyRequests)
	if got := one.svc.PasswordChecks() + two.svc.PasswordChecks(); got != int64(lockAfter) {
		t.Errorf("%d passwords checked, want %d", got, lockAfter)
	}
}

// Today's behaviour, kept: the 10th failure locks the username for 15
// minutes, whatever the address; a success clears the username's count and
// does not count for the address.
func TestSignInLockEndsAndASuccessClearsTheCount(t *testing.T) {
	clock := &movableClock{t: fixtureNow}
	f := signInFixture(t, clock)
	fail := func(addr string) error {
		_, err := f.svc.LoginFrom(f.ctx, addr, "bithu", "sai-mat-khau")
		return err
	}
	lockAfter := domain.DefaultSignInPolicy.LockAfter
	t.Run("a success clears the username's count", func(t *testing.T) {
		for i := range lockAfter - 1 {
			wantCode(t, fail(fmt.Sprintf("10.0.0.%d", i)), domain.EUnauthorized)
		}
		_, err := f.svc.LoginFrom(f.ctx, "10.0.0.99", "bithu", fixturePassword)
		wantCode(t, err, "")
		for i := range lockAfter - 1 {
			wantCode(t, fail(fmt.Sprintf("10.0.1.%d", i)), domain.EUnauthorized)
		}
	})
	t.Run("a success does not count for the address", func(t *testing.T) {
		for range lockAfter + 1 {
			_, err := f.svc.LoginFrom(f.ctx, "10.0.2.1", "totacong", fixturePassword)
			wantCode(t, err, "")
		}
	})
	t.Run("the 10th failure locks the username for 15 minutes", func(t *testing.T) {
		wantCode(t, fail("10.0.3.1"), domain.EUnauthorized) // the 10th since the success
		_, err := f.svc.LoginFrom(f.ctx, "10.0.3.2", "bithu", fixturePassword)
		wantCode(t, err, domain.ETooManyRequests)
		clock.mu.Lock()
		clock.t = fixtureNow.Add(14 * time.Minute)
		clock.mu.Unlock()
		_, err = f.svc.LoginFrom(f.ctx, "10.0.3.3", "bithu", fixturePassword)
		wantCode(t, err, domain.ETooManyRequests)
		clock.mu.Lock()
		clock.t = fixtureNow.Add(16 * time.Minute)
		clock.mu.Unlock()
		_, err = f.svc.LoginFrom(f.ctx, "10.0.3.4", "bithu", fixturePassword)
		wantCode(t, err, "")
	})
}
