package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
)

// Results returns the results of the congress of the unit with code in
// round (0: current), with each person's percentage of the delegates
// present, the women's share and the composition of the committee; the
// people's personal data only for those who may see them
// (domain.Principal.MaySeePersonalData).
func (s *Service) Results(ctx context.Context, p domain.Principal, code string, roundID int64) (domain.Results, error) {
	c, err := s.Congress(ctx, p, code, roundID)
	if err != nil {
		return domain.Results{}, err
	}
	r, err := s.store.Results(ctx, c.RoundID, c.UnitID)
	if err != nil {
		return r, err
	}
	return personalFor(p, c.UnitPath, r), nil
}

// personalFor returns r with the people's personal data when p may see
// them at the unit at path, without them otherwise.
func personalFor(p domain.Principal, path string, r domain.Results) domain.Results {
	if p.MaySeePersonalData(path) {
		r.Personal = true
	} else {
		r.HidePersonalData()
	}
	return r
}

// SetResults records the results of the congress of the unit with code, once
// it is held; p needs ActUpdate on the unit. in.Version is the version of the
// results read (0 for the first time); a stale one is a conflict.
func (s *Service) SetResults(ctx context.Context, p domain.Principal, code string, roundID int64, in domain.ResultsInput) (domain.Results, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActUpdate, code, roundID)
	if err != nil {
		return domain.Results{}, err
	}
	in.Normalize()
	var v domain.Validation
	in.Validate(&v)
	if err := v.Err(); err != nil {
		return domain.Results{}, err
	}
	r, err := s.store.SetResults(ctx, p, id, u.Code, in, domain.TodayDay(s.clock), func(c domain.Congress) error {
		if !c.Status.Held() {
			return domain.NotHeldYet()
		}
		var v domain.Validation
		in.CheckBirthYears(*c.HeldDate, &v)
		in.CheckPresent(c, &v)
		return v.Err()
	})
	if err != nil {
		return r, err
	}
	return personalFor(p, u.Path, r), nil
}

// Pilots lists the pilot congresses of round in the subtree of the unit
// with code, and compares them with the other units of their kinds.
func (s *Service) Pilots(ctx context.Context, p domain.Principal, code string, roundID int64) (domain.PilotReport, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, roundID)
	if err != nil {
		return domain.PilotReport{}, err
	}
	pilots, cmp, err := s.store.Pilots(ctx, id, u.Path, domain.TodayDay(s.clock))
	if err != nil {
		return domain.PilotReport{}, err
	}
	r := domain.PilotReport{RoundID: id, UnitCode: u.Code, Pilots: pilots, Comparison: cmp}
	r.Compare()
	return r, nil
}
