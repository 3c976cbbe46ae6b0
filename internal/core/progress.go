package core

import (
	"context"
	"fmt"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
)

// LateListed is how many late units a progress lists at most, the most
// overdue first (the count covers them all).
const LateListed = 20

// ParseAsOf reads ?as_of=: "" is today; a day that does not exist, or one
// after today, is invalid.
func ParseAsOf(raw string, today domain.Day) (domain.Day, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return today, nil
	}
	d, err := domain.ParseDay(raw) // YYYY-MM-DD, or dd/mm/yyyy as the day fields
	if err != nil {
		if len(raw) > 40 {
			raw = strings.ToValidUTF8(raw[:40], "") + "…"
		}
		return today, domain.Invalid("as_of", fmt.Sprintf("as_of phải là một ngày có thật dạng YYYY-MM-DD hoặc dd/mm/yyyy, không phải %q", raw),
			fmt.Sprintf("as_of must be a day that exists, as YYYY-MM-DD or dd/mm/yyyy, not %q", raw))
	}
	if d.After(today) {
		return today, domain.Invalid("as_of", fmt.Sprintf("as_of (%s) là ngày trong tương lai; hôm nay là %s", d.VI(), today.VI()),
			fmt.Sprintf("as_of (%s) is in the future; today is %s", d, today))
	}
	return d, nil
}

// Progress returns the state of round (0: the current one) below and at
// the unit with code on the day asOf ("" for today): the share of cells
// that had held their congress by then (the board's headline), the same for
// the grassroots organizations and each kind below, the unit's own congress
// and milestones, the pilots, and the units late and at risk. Any day's
// figures come from the maintained aggregates and count what is recorded
// now (a congress entered later as held on or before that day counts), so
// they agree with the weekly reports whatever day they are asked for. Texts
// are in Vietnamese (Localize).
func (s *Service) Progress(ctx context.Context, p domain.Principal, code string, roundID int64, asOf string) (domain.Progress, error) {
	out, _, err := s.ProgressStamped(ctx, p, code, roundID, asOf)
	return out.Clone(), err
}

// ProgressStamped is Progress with the stamp of the figures read: the same
// non-zero stamp, the same figures (served from memory); 0 when they are
// not cached. The figures may be shared with the cache: a caller reads
// them, or changes a copy (Localized, Clone), so that a cached read
// allocates nothing it does not send.
func (s *Service) ProgressStamped(ctx context.Context, p domain.Principal, code string, roundID int64, asOf string) (domain.Progress, uint64, error) {
	id, u, err := s.readableRoundUnit(ctx, p, code, roundID)
	if err != nil {
		return domain.Progress{}, 0, err
	}
	today := domain.TodayDay(s.clock)
	day, err := ParseAsOf(asOf, today)
	if err != nil {
		return domain.Progress{}, 0, err
	}
	out, stamp, err := cachedProgress(ctx, s, p, progressKey{round: id, unit: u.ID, day: day}, func(ctx context.Context) (domain.Progress, error) {
		return s.progressOf(ctx, id, u, day, today)
	})
	return out, stamp, err
}

// inRound refuses a past day before round id started: no figure stands
// then (the rollups would count every congress as not yet held, and at
// risk). Asked only when a day's figures are computed, not when they are
// read from memory.
func (s *Service) inRound(ctx context.Context, id int64, day, today domain.Day) error {
	if !day.Before(today) {
		return nil
	}
	span, err := s.store.RoundSpan(ctx, id)
	if err != nil {
		return err
	}
	if day.Before(span.Start) {
		return domain.Invalid("as_of", fmt.Sprintf("Đợt đại hội bắt đầu ngày %s: không có số liệu ngày %s", span.Start.VI(), day.VI()),
			fmt.Sprintf("the round started on %s: there are no figures for %s", span.Start.VI(), day.VI()))
	}
	return nil
}

// progressOf computes the progress of Progress on the primary.
func (s *Service) progressOf(ctx context.Context, id int64, u domain.Unit, day, today domain.Day) (domain.Progress, error) {
	if err := s.inRound(ctx, id, day, today); err != nil {
		return domain.Progress{}, err
	}
	f, err := s.progressStore().Progress(ctx, id, u, day, s.atRiskDays(), LateListed)
	if err != nil {
		return domain.Progress{}, err
	}
	out := domain.Progress{RoundID: id, Unit: unitRef(u), AsOf: day, Source: sourceOf(day, today), Own: f.Own,
		Pilots: domain.NewShare(f.PilotsHeld, f.PilotsTotal)}
	k := domain.CountsByKind(s.rules, f.Kinds)
	out.Kinds, out.Cells, out.Grassroots, out.AtRisk = k.Kinds, k.Cells, k.Grassroots, k.AtRisk
	out.Late = domain.LateSummary{Count: k.Late, Units: f.LateUnits, Limit: LateListed}
	out.Localize("vi")
	return out, nil
}

// sourceOf says which day a progress read is of.
func sourceOf(day, today domain.Day) string {
	if day.Before(today) {
		return domain.SourceComputed
	}
	return domain.SourceLive
}

// ProgressChildren returns the breakdown of a unit's progress by the units
// directly below it: each one's own congress, the share of cells below it
// that had held theirs, and its units late and at risk (itself included),
// on asOf.
func (s *Service) ProgressChildren(ctx context.Context, p domain.Principal, code string, roundID int64, asOf string) (domain.ChildrenProgress, error) {
	out, _, err := s.ProgressChildrenStamped(ctx, p, code, roundID, asOf)
	return out.Clone(), err
}

// ProgressChildrenStamped is ProgressChildren with the stamp of the figures
// read, as ProgressStamped, and shared as its figures are.
func (s *Service) ProgressChildrenStamped(ctx context.Context, p domain.Principal, code string, roundID int64, asOf string) (domain.ChildrenProgress, uint64, error) {
	id, u, err := s.readableRoundUnit(ctx, p, code, roundID)
	if err != nil {
		return domain.ChildrenProgress{}, 0, err
	}
	today := domain.TodayDay(s.clock)
	day, err := ParseAsOf(asOf, today)
	if err != nil {
		return domain.ChildrenProgress{}, 0, err
	}
	out, stamp, err := cachedProgress(ctx, s, p, progressKey{children: true, round: id, unit: u.ID, day: day},
		func(ctx context.Context) (domain.ChildrenProgress, error) {
			if err := s.inRound(ctx, id, day, today); err != nil {
				return domain.ChildrenProgress{}, err
			}
			figures, err := s.progressStore().ProgressChildren(ctx, id, u, day, s.atRiskDays())
			if err != nil {
				return domain.ChildrenProgress{}, err
			}
			out := domain.ChildrenProgress{RoundID: id, Unit: unitRef(u), AsOf: day, Source: sourceOf(day, today),
				Children: make([]domain.ChildProgress, 0, len(figures))}
			for _, c := range figures {
				out.Children = append(out.Children, s.childProgress(c))
			}
			out.Localize("vi")
			return out, nil
		})
	return out, stamp, err
}

// childProgress is the row of a unit directly below: its cells and its
// units late and at risk, itself included.
func (s *Service) childProgress(c store.ChildFigures) domain.ChildProgress {
	k := domain.CountsByKind(s.rules, c.Kinds)
	return domain.ChildProgress{UnitRef: c.UnitRef, Category: c.Category, Own: c.Own, Cells: k.Cells,
		Late: k.Late + boolInt(c.Own.Late), AtRisk: k.AtRisk + boolInt(c.Own.AtRisk)}
}

func unitRef(u domain.Unit) domain.UnitRef {
	return domain.UnitRef{Code: u.Code, Name: u.Name, Kind: u.Kind}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
