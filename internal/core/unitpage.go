package core

import (
	"context"

	"github.com/daihoi/daihoi/internal/domain"
)

// A page's data comes from one service call, together with what the caller
// may do there, decided by the same functions that the writes enforce: the
// handlers only render it, and the API returns the same.

// Permissions are what the caller may do on a unit's congress.
type Permissions struct {
	// Update: move the congress on, tick its ordinary steps, enter its
	// results (domain.ActUpdate on the unit: UpdateCongress, SetResults).
	Update bool `json:"update"`
	// Approve: give the unit's approvals, as the committee above
	// (domain.Principal.MayApprove: TickMilestone).
	Approve bool `json:"approve"`
	// Manage: mark the pilot, move the unit's deadline, step its status
	// back, as a board user above (mayManageAbove: SetPilot,
	// SetUnitDeadline, UpdateCongress's corrections).
	Manage bool `json:"manage"`
	// Override: hold the congress before every unit below has held theirs
	// (a unit that has units below, and Manage).
	Override bool `json:"override"`
	// Plan: set the unit's planned composition of its committee, as its
	// board or a board user above (domain.ActManage on the unit:
	// SetCompositionPlan).
	Plan bool `json:"plan"`
}

// permissionsOn is what p may do on the congress of the unit at path, of kind.
func (s *Service) permissionsOn(p domain.Principal, path, kind string) Permissions {
	manage := mayManageAbove(p, domain.Unit{Path: path})
	return Permissions{Update: p.Can(domain.ActUpdate, path), Approve: p.MayApprove(path), Manage: manage,
		Override: manage && !s.rules.IsCell(kind), Plan: p.Can(domain.ActManage, path)}
}

// MilestoneItem is a milestone with whether the caller may tick it now (it
// is not done, and domain.Principal.MayTick).
type MilestoneItem struct {
	domain.Milestone
	MayTick bool `json:"may_tick"`
	// MayUntick: the milestone is done, the caller may tick it, and the
	// rules let it be undone now (domain.CheckTick); the caller may also
	// give it another day.
	MayUntick bool `json:"may_untick"`
}

// Approver is who gives a unit's approvals: the committee (its secretary or
// board) of the unit directly above.
type Approver struct {
	Unit  domain.UnitRef `json:"unit"`
	Roles []domain.Role  `json:"roles"`
	// Readable: the caller may open the approver's unit (the page links it).
	Readable bool `json:"readable"`
}

// approverOf is the approver of a unit whose parent is parent (at
// parentPath), as p sees it; nil for a root.
func approverOf(p domain.Principal, parent domain.UnitRef, parentPath string) *Approver {
	if parent.Code == "" {
		return nil
	}
	return &Approver{Unit: parent, Roles: domain.ApproverRoles(), Readable: p.Can(domain.ActRead, parentPath)}
}

// UnitPage is the page of a unit in the current round: where it stands in
// the tree, its congress and what the caller may do on it, its milestones,
// the units below, its results (the people's personal data for those who
// may see them), its papers, the composition of the committees elected in
// its subtree, its open flags, its recorded changes, the approvals of the
// units directly below that wait for the caller, and who gives its own
// approvals.
type UnitPage struct {
	Unit      domain.Unit   `json:"unit"`
	Ancestors []domain.Unit `json:"ancestors"`
	// Congress is nil when there is no current round, or the unit has no
	// congress in it; the fields below are then empty.
	Congress   *domain.Congress        `json:"congress"`
	Attendance domain.Attendance       `json:"attendance"`
	May        Permissions             `json:"may"`
	Milestones []MilestoneItem         `json:"milestones"`
	Children   domain.ChildrenProgress `json:"children"`
	Results    *domain.Results         `json:"results"`
	Flags      []domain.Flag           `json:"flags"`
	Audit      []domain.AuditEntry     `json:"audit"`
	// Waiting are the approvals of the units directly below that the
	// caller may give.
	Waiting []domain.PendingApproval `json:"waiting"`
	// Approver gives the unit's approvals (nil for a root).
	Approver *Approver `json:"approver"`
	// Papers are the papers of the congress, with the kinds required and
	// missing; MissingPapers the held congresses below that miss some (at
	// most UnitPageMissingPapers, the longest held first), of
	// MissingPapersTotal.
	Papers             *domain.Papers                 `json:"papers"`
	MissingPapers      []domain.CongressMissingPapers `json:"missing_papers"`
	MissingPapersTotal int                            `json:"missing_papers_total"`
	// Composition is that of the committees elected in the subtree, against
	// the round's targets and the units' plans.
	Composition *domain.CompositionReport `json:"composition"`
	// WorkingGroup is the working group that follows the unit and who from
	// it attends the congress, with their note to the board above (nil
	// when no group follows the unit).
	WorkingGroup *UnitAttendance `json:"working_group"`
}

// UnitPageMissingPapers bounds the congresses missing papers a unit page lists.
const UnitPageMissingPapers = 50

// unitPageAudit is how many recorded changes the unit page shows.
const unitPageAudit = 20

// UnitPage returns the page of the unit with code for p, who must be able
// to read it.
func (s *Service) UnitPage(ctx context.Context, p domain.Principal, code string) (UnitPage, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return UnitPage{}, err
	}
	out := UnitPage{Unit: u}
	if out.Ancestors, err = s.Ancestors(ctx, p, u.Code); err != nil {
		return out, err
	}
	if u.ParentCode != "" {
		parent, err := s.store.UnitByCode(ctx, u.ParentCode)
		if err != nil {
			return out, err
		}
		out.Approver = approverOf(p, unitRef(parent), parent.Path)
	}
	cg, err := s.Congress(ctx, p, u.Code, 0)
	if domain.IsCode(err, domain.ENotFound) {
		return out, nil // no current round, or none for this unit
	}
	if err != nil {
		return out, err
	}
	out.Congress = &cg
	out.Attendance = cg.Attendance(s.rules.IsCell(u.Kind))
	out.May = s.permissionsOn(p, u.Path, u.Kind)
	today := domain.TodayDay(s.clock)
	ms, err := s.store.Milestones(ctx, cg.RoundID, u.ID, today)
	if err != nil {
		return out, err
	}
	for _, m := range ms {
		may := p.MayTick(m, u.Path)
		out.Milestones = append(out.Milestones, MilestoneItem{Milestone: m, MayTick: m.DoneOn == nil && may,
			MayUntick: m.DoneOn != nil && may && domain.CheckTick(m, cg, false) == nil})
	}
	if out.Children, err = s.ProgressChildren(ctx, p, u.Code, cg.RoundID, ""); err != nil {
		return out, err
	}
	r, err := s.store.Results(ctx, cg.RoundID, u.ID)
	switch {
	case err == nil:
		r = personalFor(p, u.Path, r)
		out.Results = &r
	case !domain.IsCode(err, domain.ENotFound):
		return out, err
	}
	papers, err := s.store.Papers(ctx, cg.RoundID, u.ID)
	if err != nil {
		return out, err
	}
	out.Papers = &papers
	if out.MissingPapers, out.MissingPapersTotal, err = s.store.MissingPapers(ctx, cg.RoundID, u.Path, today, UnitPageMissingPapers); err != nil {
		return out, err
	}
	comp, err := s.compositionOf(ctx, cg.RoundID, u, today)
	if err != nil {
		return out, err
	}
	out.Composition = &comp
	fl, err := s.Flags(ctx, p, u.Code, cg.RoundID, domain.FlagQuery{State: domain.FlagOpen})
	if err != nil {
		return out, err
	}
	out.Flags = fl.Flags
	if out.Audit, err = s.RoundAudit(ctx, p, u.Code, cg.RoundID, false, unitPageAudit); err != nil {
		return out, err
	}
	if out.WorkingGroup, err = s.unitAttendee(ctx, p, cg, u); err != nil {
		return out, err
	}
	out.Waiting, err = s.approvalsFor(ctx, p, cg.RoundID, nil, []int64{u.ID})
	return out, err
}

// approvalsFor lists the pending approvals of the units with ids and of
// the units below parents that p may give.
func (s *Service) approvalsFor(ctx context.Context, p domain.Principal, roundID int64, ids, parents []int64) ([]domain.PendingApproval, error) {
	all, err := s.store.ApprovalsPending(ctx, roundID, ids, parents, domain.TodayDay(s.clock))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, a := range all {
		if p.MayApprove(a.UnitPath) {
			out = append(out, a)
		}
	}
	return out, nil
}
