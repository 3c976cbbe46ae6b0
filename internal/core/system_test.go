package core_test

import (
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

func TestOnlyTheSystemSeedsAndDoesTheJobsWork(t *testing.T) {
	f := newFixture(t)
	round := f.createRound2020()
	day := domain.DayOf(fixtureNow)
	work := []struct {
		name string
		do   func(p domain.Principal) error
	}{
		{"count the units", func(p domain.Principal) error { _, err := f.svc.CountUnits(f.ctx, p); return err }},
		{"add an account without the password rules", func(p domain.Principal) error {
			_, err := f.svc.SeedUser(f.ctx, p, domain.User{Username: "demo", Lang: "vi"}, "x")
			return err
		}},
		{"write a made-up state", func(p domain.Principal) error {
			_, err := f.svc.GenerateRoundState(f.ctx, p, round, domain.RoundStateSpec{AsOf: day, Seed: 1})
			return err
		}},
		{"refresh the flags", func(p domain.Principal) error {
			_, err := f.svc.RefreshFlags(f.ctx, p, round, day, fixtureNow, domain.DefaultAtRiskDays)
			return err
		}},
		{"write a snapshot", func(p domain.Principal) error { _, err := f.svc.WriteSnapshot(f.ctx, p, round, day); return err }},
		{"check the rollups", func(p domain.Principal) error { _, err := f.svc.CheckConsistency(f.ctx, p, round); return err }},
		{"vacuum", func(p domain.Principal) error { return f.svc.Tidy(f.ctx, p) }},
	}
	callers := []struct {
		name string
		p    domain.Principal
	}{
		{"an admin of the root unit", f.rootAdmin()},
		{"a board user", f.as("bantochuc")},
	}
	rows, digest, users, flags, snapshots := f.rows(), f.roundDigest(), f.count("users"), f.count("flags"), f.count("progress_snapshots")
	for _, caller := range callers {
		for _, w := range work {
			t.Run(caller.name+" may not "+w.name, func(t *testing.T) {
				wantCode(t, w.do(caller.p), domain.EForbidden)
			})
		}
	}
	if f.rows() != rows || f.roundDigest() != digest || f.count("users") != users || f.count("flags") != flags ||
		f.count("progress_snapshots") != snapshots {
		t.Fatal("a refusal wrote something")
	}
	for _, w := range work {
		t.Run("the system may "+w.name, func(t *testing.T) {
			wantCode(t, w.do(domain.SystemPrincipal()), "")
		})
	}
}
