package domain

import (
	"testing"
	"time"
)

func TestSignInPolicyDecide(t *testing.T) {
	now := time.Date(2020, 4, 15, 9, 0, 0, 0, Location)
	until := func(d time.Duration) *time.Time { u := now.Add(d); return &u }
	pol := DefaultSignInPolicy
	for _, tc := range []struct {
		name   string
		counts []SignInCount
		delay  time.Duration
		locked string
	}{
		{"the first attempts do not wait", []SignInCount{{Attempts: 1}, {Attempts: 3}}, 0, ""},
		{"from the 3rd failure on, an attempt waits a second", []SignInCount{{Attempts: 4}}, time.Second, ""},
		{"a second more per failure", []SignInCount{{Attempts: 1}, {Attempts: 6}}, 3 * time.Second, ""},
		{"five seconds at most", []SignInCount{{Attempts: 10}}, 5 * time.Second, ""},
		{"a locked key refuses, in whole minutes", []SignInCount{{Attempts: 1}, {Attempts: 11, LockedUntil: until(15*time.Minute + time.Microsecond)}}, 0,
			"Sign-in is locked after repeated failures. Try again in 15 minutes."},
		{"the last minute is a minute", []SignInCount{{Attempts: 11, LockedUntil: until(time.Second)}}, 0,
			"Sign-in is locked after repeated failures. Try again in 1 minute."},
		{"a lock that ended refuses nothing", []SignInCount{{Attempts: 1, LockedUntil: until(-time.Second)}}, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			delay, err := pol.Decide(now, tc.counts...)
			if tc.locked != "" {
				if e := AsError(err); e == nil || e.Code != ETooManyRequests || e.Message.EN != tc.locked {
					t.Errorf("refusal %v, want %q", err, tc.locked)
				}
				return
			}
			if err != nil || delay != tc.delay {
				t.Errorf("delay %v (%v), want %v", delay, err, tc.delay)
			}
		})
	}
}
