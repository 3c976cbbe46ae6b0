package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
)

// The unit cache keeps the units the progress reads look up by code (their
// path for the scope check, their id for the figures' key) for
// Options.ProgressTTL, so that a progress read served from memory asks the
// database nothing: the caller comes from the principal cache, the current
// round from its own, and the figures from the progress cache. The scope
// is still checked on every read, against the cached unit's path and the
// caller's grants.
//
// Changes to the tree made through this process (a unit created, renamed,
// moved, merged, imported) forget every cached unit at once, and a unit
// being loaded meanwhile is not kept. Those made by another process (the
// command line, another server) are seen within the TTL: that is the bound
// on how long a moved unit may still be read here under its old parent's
// scope, or a renamed one under its old name. Like the other short-lived
// caches, it runs on the wall clock.

// unitCache keeps units by their code (as domain.ParseCode gives it).
type unitCache = shortCache[string, domain.Unit]

// forgetTree forgets what is kept of the tree: the cached units, and the
// callers, whose grants carry the paths of their units.
func (s *Service) forgetTree() {
	s.units.forget()
	s.principals.forget()
}

// readableUnit is unitFor(ActRead) for the reads served from memory: the
// unit comes from the unit cache when it holds it, and p's scope is checked
// on it whichever way it came.
func (s *Service) readableUnit(ctx context.Context, p domain.Principal, code string) (domain.Unit, error) {
	c, ok := domain.ParseCode(code)
	if !ok {
		return domain.Unit{}, domain.NotFound(domain.UnitText, domain.ShowText(c, 64))
	}
	u, ok := s.units.get(c)
	if !ok {
		gen := s.units.generation()
		var err error
		if u, err = s.store.UnitByCode(ctx, c); err != nil {
			return u, err
		}
		s.units.put(c, u, gen)
	}
	return u, authorize(p, domain.ActRead, u)
}

// readableRoundUnit is roundUnit for the reads served from memory.
func (s *Service) readableRoundUnit(ctx context.Context, p domain.Principal, code string, roundID int64) (int64, domain.Unit, error) {
	u, err := s.readableUnit(ctx, p, code)
	if err != nil {
		return 0, u, err
	}
	id, err := s.roundID(ctx, roundID)
	return id, u, err
}
