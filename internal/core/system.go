package core

import (
	"context"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// The work of the system rather than of a user: the probes, the web
// sessions, the jobs' work (flags, snapshots, the consistency check,
// housekeeping), and the bulk loads of the demo and daihoi gen. Each one
// that reads or writes the tree is the system's only.

// Ready reports whether the services can serve: the database answers and
// every migration is applied.
func (s *Service) Ready(ctx context.Context) error { return s.store.Ready(ctx) }

// SessionStore keeps the web sessions: alexedwards/scs's session store
// (its context variant).
type SessionStore interface {
	FindCtx(ctx context.Context, token string) ([]byte, bool, error)
	CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error
	DeleteCtx(ctx context.Context, token string) error
	Find(token string) ([]byte, bool, error)
	Commit(token string, b []byte, expiry time.Time) error
	Delete(token string) error
}

// Sessions returns the store of the web sessions.
func (s *Service) Sessions() SessionStore { return s.store.Sessions() }

// CountUnits counts the units of the tree, active or not: the demo and
// daihoi gen load only into a database without any.
func (s *Service) CountUnits(ctx context.Context, p domain.Principal) (int, error) {
	if !p.System {
		return 0, domain.Forbidden()
	}
	return s.store.CountUnits(ctx)
}

// SeedUser adds an account whose password is hashed already and is not
// checked against the password rules (the demo's "demo", a benchmark's
// user), without a role. Only the system may.
func (s *Service) SeedUser(ctx context.Context, p domain.Principal, u domain.User, passwordHash string) (domain.User, error) {
	if !p.System {
		return domain.User{}, domain.Forbidden()
	}
	return s.store.CreateUser(ctx, p, u, passwordHash)
}

// GenerateRoundState writes a made-up but plausible state of round over
// the whole tree as spec says (store.GenerateRoundState), for the demo and
// daihoi gen, and returns its counts by kind. Only the system may.
func (s *Service) GenerateRoundState(ctx context.Context, p domain.Principal, roundID int64, spec domain.RoundStateSpec) ([]domain.KindState, error) {
	if !p.System {
		return nil, domain.Forbidden()
	}
	return s.store.GenerateRoundState(ctx, p, roundID, spec)
}

// RefreshFlags brings the flags of round in line with the day asOf (a unit
// without a planned date at risk from atRiskDays before its deadline),
// dating what it opens and resolves now: the late-flags job's work. Only
// the system may.
func (s *Service) RefreshFlags(ctx context.Context, p domain.Principal, roundID int64, asOf domain.Day, now time.Time, atRiskDays int) (domain.FlagRefresh, error) {
	if !p.System {
		return domain.FlagRefresh{}, domain.Forbidden()
	}
	return s.store.RefreshFlags(ctx, roundID, asOf, now, atRiskDays)
}

// WriteSnapshot replaces the progress snapshot of round on day and returns
// the rows written: the snapshot job's work. Only the system may.
func (s *Service) WriteSnapshot(ctx context.Context, p domain.Principal, roundID int64, day domain.Day) (int, error) {
	if !p.System {
		return 0, domain.Forbidden()
	}
	return s.store.WriteSnapshot(ctx, roundID, day)
}

// CheckConsistency recomputes every rollup of round from scratch, fixes
// the rows that drifted and returns the drift: the consistency check's
// work. Only the system may.
func (s *Service) CheckConsistency(ctx context.Context, p domain.Principal, roundID int64) (domain.RollupDrift, error) {
	if !p.System {
		return domain.RollupDrift{}, domain.Forbidden()
	}
	return s.store.RecomputeRollups(ctx, roundID)
}

// Tidy vacuums and analyzes the tables a bulk load has just filled. Only
// the system may.
func (s *Service) Tidy(ctx context.Context, p domain.Principal) error {
	if !p.System {
		return domain.Forbidden()
	}
	return s.store.Tidy(ctx)
}

// ReadStats tells where the reads of the dashboards, reports, exports and
// search ran, and how the read replicas are, for the metrics.
func (s *Service) ReadStats() domain.ReadStats { return s.store.ReadStats() }
