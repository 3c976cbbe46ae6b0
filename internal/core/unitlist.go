package core

import (
	"context"
	"strconv"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// UnitList returns a page of the list in of the units below the unit with
// code in the current round on asOf ("" for today): late, at risk, planned
// soon, pilots, held or not held, by the rules of the figures, so that
// the late list holds as many units as the progress's late count. Each unit
// comes with its place below the unit. all reads every row (a download, at
// most domain.MaxUnitListDownloadRow) instead of the page asked for. The
// place narrowing the list must be a unit of the subtree.
func (s *Service) UnitList(ctx context.Context, p domain.Principal, code string, in domain.UnitListInput, asOf string, all bool) (domain.UnitList, error) {
	return s.unitList(ctx, p, code, in, asOf, all, false)
}

// FirstUnits returns the first n units of list which below the unit with
// code today, in the list's order, without counting the whole list (the
// figures of the unit's progress count it): Total is -1.
func (s *Service) FirstUnits(ctx context.Context, p domain.Principal, code string, which domain.UnitListKind, n int) (domain.UnitList, error) {
	return s.unitList(ctx, p, code, domain.UnitListInput{Which: string(which), PerPage: strconv.Itoa(n)}, "", false, true)
}

func (s *Service) unitList(ctx context.Context, p domain.Principal, code string, in domain.UnitListInput, asOf string, all, noTotal bool) (domain.UnitList, error) {
	id, u, err := s.roundUnit(ctx, p, domain.ActRead, code, 0)
	if err != nil {
		return domain.UnitList{}, err
	}
	today := domain.TodayDay(s.clock)
	day, err := ParseAsOf(asOf, today)
	if err != nil {
		return domain.UnitList{}, err
	}
	if err := s.inRound(ctx, id, day, today); err != nil {
		return domain.UnitList{}, err
	}
	var v domain.Validation
	q := domain.ParseUnitListQuery(in, s.rules, &v)
	if err := v.Err(); err != nil {
		return domain.UnitList{}, err
	}
	if all {
		q.Page, q.PerPage = 1, domain.MaxUnitListDownloadRow
	}
	out := domain.UnitList{RoundID: id, Unit: unitRef(u), AsOf: day, Query: q}
	params := store.UnitListParams{Unit: u, Query: q, Day: day, AtRiskDays: s.atRiskDays(), NoTotal: noTotal}
	if q.Place != "" {
		pl, err := s.unitByCode(ctx, q.Place)
		if err != nil || !(pl.Path == u.Path || strings.HasPrefix(pl.Path, u.Path+".")) {
			return out, domain.Invalid("place", "Đơn vị "+domain.ShowText(q.Place, 64)+" không thuộc "+u.Name,
				"unit "+domain.ShowText(q.Place, 64)+" is not below "+u.Name)
		}
		params.Place = &pl
		ref := unitRef(pl)
		out.Place = &ref
	}
	out.Units, out.Total, err = s.store.UnitList(ctx, id, params)
	if err != nil {
		return out, err
	}
	out.Fill()
	return out, nil
}
