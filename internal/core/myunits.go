package core

import (
	"context"
	"sort"

	"github.com/daihoi/daihoi/internal/domain"
)

// MyCongress is one congress on a user's list: the record, whether it is
// late (days past its deadline without being held), who attends it, what
// the caller may do on it, and the approvals it still waits for with who
// gives them.
type MyCongress struct {
	domain.Congress
	Cell       bool              `json:"cell"`
	Attendance domain.Attendance `json:"attendance"`
	May        Permissions       `json:"may"`
	// Pending are the approvals the congress waits for while it is
	// prepared; the caller gives them when May.Approve, else Approver.
	Pending  []domain.Milestone `json:"pending"`
	Approver *Approver          `json:"approver"`
}

// WaitsForPlan reports whether the congress is prepared and its congress
// plan not approved yet: its next step waits for the approval.
func (m MyCongress) WaitsForPlan() bool {
	for _, a := range m.Pending {
		if a.Code == domain.CongressPlanMilestone {
			return m.Status == domain.StatusPreparing
		}
	}
	return false
}

// MySummary counts a user's list: of Total congresses, how many are held,
// late, and waiting for an approval of their plan (WaitingForPlan), and how
// many approvals wait for the user (WaitingForMe). Below and BelowHeld
// count only the units directly below the user's own (the list less the
// units the user holds a role on): the figure the unit's own progress
// shows, e.g. a ward's cells.
type MySummary struct {
	Total          int `json:"total"`
	Held           int `json:"held"`
	Below          int `json:"below"`
	BelowHeld      int `json:"below_held"`
	Late           int `json:"late"`
	WaitingForPlan int `json:"waiting_for_plan"`
	WaitingForMe   int `json:"waiting_for_me"`
}

// MyUnitsList is "My units": the congresses of the units a user holds a
// role on and of the units directly below them, with what the user may do
// on each (read only for a supervisor or a viewer), the approvals that wait
// for the user, and the counts.
type MyUnitsList struct {
	Units   []MyCongress             `json:"units"`
	Waiting []domain.PendingApproval `json:"waiting"`
	Summary MySummary                `json:"summary"`
}

// MyUnits lists, in the current round, the congresses of the units p holds
// a role on and of the units directly below those: the late ones first
// (most overdue first), then those not held by the soonest deadline, then
// the held ones.
func (s *Service) MyUnits(ctx context.Context, p domain.Principal) (MyUnitsList, error) {
	out := MyUnitsList{Units: []MyCongress{}, Waiting: []domain.PendingApproval{}}
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil {
		return out, err
	}
	today := domain.TodayDay(s.clock)
	var codes []string
	for _, g := range p.Grants {
		if p.Can(domain.ActRead, g.UnitPath) {
			codes = append(codes, g.UnitCode)
		}
	}
	cs, err := s.store.CongressesAround(ctx, roundID, codes, today)
	if err != nil {
		return out, err
	}
	var ids []int64
	for _, c := range cs {
		if !p.Can(domain.ActRead, c.UnitPath) {
			continue
		}
		ids = append(ids, c.UnitID)
		cell := s.rules.IsCell(c.UnitKind)
		out.Units = append(out.Units, MyCongress{Congress: c, Cell: cell,
			Attendance: c.Attendance(cell), May: s.permissionsOn(p, c.UnitPath, c.UnitKind)})
	}
	pending, err := s.store.ApprovalsPending(ctx, roundID, ids, nil, today)
	if err != nil {
		return out, err
	}
	at := make(map[string]int, len(out.Units))
	for i, m := range out.Units {
		at[m.UnitCode] = i
	}
	for _, a := range pending {
		m := &out.Units[at[a.Unit.Code]]
		m.Pending = append(m.Pending, a.Milestone)
		if m.Approver == nil {
			m.Approver = approverOf(p, a.Parent, a.ParentPath)
		}
		if p.MayApprove(a.UnitPath) {
			out.Waiting = append(out.Waiting, a)
		}
	}
	sortMine(out.Units)
	out.Summary = MySummary{Total: len(out.Units), WaitingForMe: len(out.Waiting)}
	own := make(map[string]bool, len(codes))
	for _, c := range codes {
		own[c] = true
	}
	for _, m := range out.Units {
		below := !own[m.UnitCode]
		if below {
			out.Summary.Below++
		}
		switch {
		case m.Status.Held():
			out.Summary.Held++
			if below {
				out.Summary.BelowHeld++
			}
		case m.Late:
			out.Summary.Late++
		}
		if m.WaitsForPlan() {
			out.Summary.WaitingForPlan++
		}
	}
	return out, nil
}

// sortMine puts the late congresses first (most overdue first), then those
// not held by the soonest deadline, then the held ones.
func sortMine(list []MyCongress) {
	sort.SliceStable(list, func(i, j int) bool {
		a, b := list[i], list[j]
		if a.Late != b.Late {
			return a.Late
		}
		if a.Late {
			return a.DaysOverdue > b.DaysOverdue
		}
		if ah, bh := a.Status.Held(), b.Status.Held(); ah != bh {
			return bh
		}
		switch {
		case a.Deadline == nil:
			return false
		case b.Deadline == nil:
			return true
		}
		return a.Deadline.Before(*b.Deadline)
	})
}

// FollowedUnits returns the progress of each unit p holds a role on (the
// wards a working group follows), each as a row of the units below a unit
// is (its own congress, the share of its cells held, its late units), the
// late ones first (most late units below, then most days late), then by
// name. Units nested in another of p's units are left out.
func (s *Service) FollowedUnits(ctx context.Context, p domain.Principal) ([]domain.ChildProgress, error) {
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil {
		return nil, err
	}
	today := domain.TodayDay(s.clock)
	roots := map[string]bool{}
	for _, r := range p.ScopeRoots(domain.ActRead) {
		roots[r] = true
	}
	var codes []string
	for _, g := range p.Grants {
		if roots[g.UnitPath] {
			delete(roots, g.UnitPath) // a unit granted twice is listed once
			codes = append(codes, g.UnitCode)
		}
	}
	if len(codes) == 0 {
		return []domain.ChildProgress{}, nil
	}
	figures, err := s.store.ProgressOfUnits(ctx, roundID, codes, today, s.atRiskDays())
	if err != nil {
		return nil, err
	}
	out := make([]domain.ChildProgress, 0, len(figures))
	for _, f := range figures {
		out = append(out, s.childProgress(f))
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Late != b.Late {
			return a.Late > b.Late
		}
		if a.Own.DaysOverdue != b.Own.DaysOverdue {
			return a.Own.DaysOverdue > b.Own.DaysOverdue
		}
		return a.Name < b.Name
	})
	return out, nil
}
