package core

import (
	"context"
	"sort"
	"strconv"

	"github.com/daihoi/daihoi/internal/domain"
)

// Working groups (tổ công tác). The board of a unit forms them for the
// current round, names their members and leader, and assigns each the
// units it follows; membership gives a supervisor's read of those subtrees
// (the store's user_grants, so every scope check honours it). Every change
// here is a change to somebody's grants: the cached callers are forgotten.

// groupFor loads the group with id for p: not found unless p reads the
// group's unit or is one of its members; with manage, forbidden unless p
// manages the group's unit (its board or admin).
func (s *Service) groupFor(ctx context.Context, p domain.Principal, id int64, manage bool) (domain.WorkGroup, error) {
	g, err := s.store.WorkGroup(ctx, id)
	if err != nil {
		return g, err
	}
	if !g.ReadableBy(p) { // named by the id asked, as a group that does not exist
		return domain.WorkGroup{}, domain.NotFound(domain.WorkGroupText, strconv.FormatInt(id, 10))
	}
	if manage && !p.Can(domain.ActManage, g.UnitPath) {
		return g, domain.Forbidden()
	}
	return g, nil
}

// CreateWorkGroup forms a working group of the current round run by the
// unit in.Unit, whose board p must be, with its leader and members.
func (s *Service) CreateWorkGroup(ctx context.Context, p domain.Principal, in domain.GroupInput) (domain.WorkGroup, error) {
	in, err := in.Clean()
	if err != nil {
		return domain.WorkGroup{}, err
	}
	u, err := s.unitFor(ctx, p, domain.ActManage, in.Unit)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	defer s.principals.forget()
	id, err := s.store.CreateWorkGroup(ctx, p, roundID, u, in)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	return s.store.WorkGroup(ctx, id)
}

// RenameWorkGroup renames the group with id.
func (s *Service) RenameWorkGroup(ctx context.Context, p domain.Principal, id int64, name string) (domain.WorkGroup, error) {
	var v domain.Validation
	name = domain.CleanGroupName(&v, name)
	if err := v.Err(); err != nil {
		return domain.WorkGroup{}, err
	}
	return s.changeGroup(ctx, p, id, func(g domain.WorkGroup, unitID int64) error {
		return s.store.RenameWorkGroup(ctx, p, g, unitID, name)
	})
}

// changeGroup runs change on the group with id, which p must manage, and
// returns the group as it is after it.
func (s *Service) changeGroup(ctx context.Context, p domain.Principal, id int64, change func(g domain.WorkGroup, unitID int64) error) (domain.WorkGroup, error) {
	g, err := s.groupFor(ctx, p, id, true)
	if err != nil {
		return g, err
	}
	u, err := s.store.UnitByCode(ctx, g.Unit.Code)
	if err != nil {
		return g, err
	}
	defer s.principals.forget()
	if err := change(g, u.ID); err != nil {
		return g, err
	}
	return s.store.WorkGroup(ctx, id)
}

// usernameOf normalises a username typed in field, refusing one no account can have.
func usernameOf(field, raw string) (string, error) {
	u := domain.NormalizeUsername(raw)
	if !domain.ValidUsername(u) {
		return "", domain.Invalid(field, "Cần tên đăng nhập của một tài khoản", "a username of an account is needed")
	}
	return u, nil
}

// AddWorkGroupMember makes the user with username a member of the group
// with id: its leader when leader is true (the former leader stays a
// member), a member only when false, and, when nil, a member keeping their
// place if they are one (a leader stays the leader).
func (s *Service) AddWorkGroupMember(ctx context.Context, p domain.Principal, id int64, username string, leader *bool) (domain.WorkGroup, error) {
	username, err := usernameOf("username", username)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	return s.changeGroup(ctx, p, id, func(g domain.WorkGroup, unitID int64) error {
		return s.store.AddWorkGroupMember(ctx, p, g, unitID, username, leader)
	})
}

// RemoveWorkGroupMember takes the user with username out of the group
// with id: they no longer read its units, and the congresses not held yet
// they were to attend have no attendee.
func (s *Service) RemoveWorkGroupMember(ctx context.Context, p domain.Principal, id int64, username string) (domain.WorkGroup, error) {
	username, err := usernameOf("username", username)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	return s.changeGroup(ctx, p, id, func(g domain.WorkGroup, unitID int64) error {
		return s.store.RemoveWorkGroupMember(ctx, p, g, unitID, username)
	})
}

// groupUnit loads the unit with code for an assignment to g: a unit below
// the group's own unit (not found when p cannot read it, invalid when it
// is not below).
func (s *Service) groupUnit(ctx context.Context, p domain.Principal, g domain.WorkGroup, code string) (domain.Unit, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return u, err
	}
	if u.Path == g.UnitPath || !domain.IsWithin(u.Path, g.UnitPath) || !u.Active {
		return u, domain.Invalid("unit", "Tổ công tác chỉ theo dõi các đơn vị đang hoạt động trực thuộc "+g.Unit.Name,
			"a working group follows active units below "+g.Unit.Name)
	}
	return u, nil
}

// AssignWorkGroupUnit makes the group with id follow the unit with code:
// its members read the unit's subtree. A unit that another group follows
// moves to this one, in one change.
func (s *Service) AssignWorkGroupUnit(ctx context.Context, p domain.Principal, id int64, code string) (domain.WorkGroup, error) {
	return s.changeGroup(ctx, p, id, func(g domain.WorkGroup, _ int64) error {
		u, err := s.groupUnit(ctx, p, g, code)
		if err != nil {
			return err
		}
		return s.store.AssignWorkGroupUnit(ctx, p, g, u)
	})
}

// UnassignWorkGroupUnit stops the group with id following the unit with code.
func (s *Service) UnassignWorkGroupUnit(ctx context.Context, p domain.Principal, id int64, code string) (domain.WorkGroup, error) {
	return s.changeGroup(ctx, p, id, func(g domain.WorkGroup, _ int64) error {
		u, err := s.unitFor(ctx, p, domain.ActRead, code)
		if err != nil {
			return err
		}
		return s.store.UnassignWorkGroupUnit(ctx, p, g, u)
	})
}

// followingGroup returns the group of round that follows the unit u, or
// an invalid error when none does.
func (s *Service) followingGroup(ctx context.Context, roundID int64, u domain.Unit) (domain.WorkGroup, error) {
	id, err := s.store.FollowingGroup(ctx, roundID, u.Path)
	if err != nil {
		return domain.WorkGroup{}, err
	}
	if id == 0 {
		return domain.WorkGroup{}, domain.Invalid("unit", "Chưa có tổ công tác nào theo dõi "+u.Name,
			"no working group follows "+u.Name)
	}
	return s.store.WorkGroup(ctx, id)
}

// mayNameAttendee reports whether p names who from g attends a congress:
// the group's leader, or the board of the group's unit.
func mayNameAttendee(p domain.Principal, g domain.WorkGroup) bool {
	if p.Can(domain.ActManage, g.UnitPath) {
		return true
	}
	l, ok := g.Leader()
	return ok && p.User.Active && l.Username == p.User.Username
}

// NameAttendee names the member with username of the group that follows
// the unit with code to attend its congress in the current round ("":
// nobody). p is the group's leader or the board of its unit.
func (s *Service) NameAttendee(ctx context.Context, p domain.Principal, code, username string) (domain.CongressAttendee, error) {
	if username != "" {
		var err error
		if username, err = usernameOf("username", username); err != nil {
			return domain.CongressAttendee{}, err
		}
	}
	cg, err := s.Congress(ctx, p, code, 0)
	if err != nil {
		return domain.CongressAttendee{}, err
	}
	u, err := s.store.UnitByCode(ctx, cg.UnitCode)
	if err != nil {
		return domain.CongressAttendee{}, err
	}
	g, err := s.followingGroup(ctx, cg.RoundID, u)
	if err != nil {
		return domain.CongressAttendee{}, err
	}
	if !mayNameAttendee(p, g) {
		return domain.CongressAttendee{}, domain.Forbidden()
	}
	if err := s.store.NameAttendee(ctx, p, cg.RoundID, u, g, username); err != nil {
		return domain.CongressAttendee{}, err
	}
	if username == "" {
		return domain.CongressAttendee{Unit: unitRef(u), GroupID: g.ID, GroupName: g.Name}, nil
	}
	return s.store.Attendee(ctx, cg.RoundID, u.ID)
}

// RecordAttendance records, after the congress of the unit with code in
// the current round, whether its attendee attended and their note. p is
// the attendee, or the board of the group's unit. A congress neither held
// nor planned by today has nothing to record yet.
func (s *Service) RecordAttendance(ctx context.Context, p domain.Principal, code string, in domain.AttendanceInput) (domain.CongressAttendee, error) {
	in, err := in.Clean()
	if err != nil {
		return domain.CongressAttendee{}, err
	}
	cg, err := s.Congress(ctx, p, code, 0)
	if err != nil {
		return domain.CongressAttendee{}, err
	}
	a, err := s.store.Attendee(ctx, cg.RoundID, cg.UnitID)
	if err != nil {
		return a, err
	}
	g, err := s.store.WorkGroup(ctx, a.GroupID)
	if err != nil {
		return a, err
	}
	if !mayRecordAttendance(p, a, g) {
		return a, domain.Forbidden()
	}
	if !tookPlace(cg, domain.TodayDay(s.clock)) {
		return a, domain.Invalid("attended", "Đại hội chưa diễn ra: ghi nhận sau ngày đại hội",
			"the congress has not taken place yet: record attendance after it")
	}
	u := domain.Unit{ID: cg.UnitID, Code: cg.UnitCode, Name: cg.UnitName, Path: cg.UnitPath}
	if err := s.store.RecordAttendance(ctx, p, cg.RoundID, u, in); err != nil {
		return a, err
	}
	return s.store.Attendee(ctx, cg.RoundID, cg.UnitID)
}

// tookPlace reports whether the congress cg is held, or its planned day
// has come by today: its attendance can be recorded.
func tookPlace(cg domain.Congress, today domain.Day) bool {
	return cg.Status.Held() || cg.PlannedDate != nil && !today.Before(*cg.PlannedDate)
}

// mayRecordAttendance reports whether p records the attendance a (of g's
// member): the attendee, or the board of the group's unit.
func mayRecordAttendance(p domain.Principal, a domain.CongressAttendee, g domain.WorkGroup) bool {
	return p.User.Active && p.User.Username == a.Username || p.Can(domain.ActManage, g.UnitPath)
}

// MyAttendances lists the congresses of the current round p is named to
// attend for a working group: those to come first, by planned date.
func (s *Service) MyAttendances(ctx context.Context, p domain.Principal) ([]domain.CongressAttendee, error) {
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil || p.User.ID == 0 || !p.User.Active {
		return []domain.CongressAttendee{}, err
	}
	return s.store.UserAttendances(ctx, roundID, p.User.ID)
}

// MyWorkGroups lists the working groups of the current round p is a member of.
func (s *Service) MyWorkGroups(ctx context.Context, p domain.Principal) ([]domain.WorkGroup, error) {
	roundID, err := s.CurrentRoundID(ctx)
	if err != nil || p.User.ID == 0 || !p.User.Active {
		return []domain.WorkGroup{}, err
	}
	return s.store.UserWorkGroups(ctx, roundID, p.User.ID)
}

// unitAttendee is the working group that follows u and who from it
// attends u's congress cg (nil: nobody named), whether p may record it
// (once it took place), and whether p may name another.
func (s *Service) unitAttendee(ctx context.Context, p domain.Principal, cg domain.Congress, u domain.Unit) (*UnitAttendance, error) {
	roundID := cg.RoundID
	id, err := s.store.FollowingGroup(ctx, roundID, u.Path)
	if err != nil || id == 0 {
		return nil, err
	}
	g, err := s.store.WorkGroup(ctx, id)
	if err != nil {
		return nil, err
	}
	out := &UnitAttendance{Group: domain.WorkGroup{ID: g.ID, Name: g.Name, RoundID: g.RoundID, Unit: g.Unit},
		MayOpenGroup: g.ReadableBy(p), MayName: mayNameAttendee(p, g)}
	if out.MayName {
		out.Members = g.Members
	}
	a, err := s.store.Attendee(ctx, roundID, u.ID)
	switch {
	case err == nil:
		out.Attendee = &a
		out.MayRecord = mayRecordAttendance(p, a, g) && tookPlace(cg, domain.TodayDay(s.clock))
	case !domain.IsCode(err, domain.ENotFound):
		return nil, err
	}
	return out, nil
}

// UnitAttendance is, on a unit's page, the working group that follows the
// unit, who from it attends the congress (nil: nobody named yet) with
// their record, and what the caller may do: name the attendee (then
// Members lists whom), record the attendance.
type UnitAttendance struct {
	Group domain.WorkGroup `json:"group"`
	// MayOpenGroup: p may open the group's page (domain.WorkGroup.ReadableBy).
	MayOpenGroup bool                     `json:"may_open_group"`
	Attendee     *domain.CongressAttendee `json:"attendee"`
	Members      []domain.GroupMember     `json:"members,omitempty"`
	MayName      bool                     `json:"may_name"`
	MayRecord    bool                     `json:"may_record"`
}

// GroupsBoard is the working groups of a unit's board side by side.
type GroupsBoard struct {
	Unit    domain.UnitRef        `json:"unit"`
	RoundID int64                 `json:"round_id"`
	Groups  []domain.GroupSummary `json:"groups"`
	// MayManage: p forms groups and assigns units (the unit's board).
	MayManage bool `json:"may_manage"`
}

// WorkGroups returns the working groups of the current round run by the
// unit with code, which p must read, each with its figures: the share of
// the congresses held in the subtrees it follows, those late and at risk
// (the figures' rules, as the progress of a unit), and how many of the
// held ones someone from the group attended.
func (s *Service) WorkGroups(ctx context.Context, p domain.Principal, code string) (GroupsBoard, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return GroupsBoard{}, err
	}
	out := GroupsBoard{Unit: unitRef(u), Groups: []domain.GroupSummary{}, MayManage: p.Can(domain.ActManage, u.Path)}
	if out.RoundID, err = s.CurrentRoundID(ctx); err != nil {
		return out, err
	}
	gs, err := s.store.WorkGroups(ctx, out.RoundID, u.ID)
	if err != nil || len(gs) == 0 {
		return out, err
	}
	ids := make([]int64, len(gs))
	for i, g := range gs {
		ids[i] = g.ID
	}
	figures, err := s.store.GroupUnitFigures(ctx, out.RoundID, ids, domain.TodayDay(s.clock), s.atRiskDays())
	if err != nil {
		return out, err
	}
	coverage, err := s.store.GroupCoverage(ctx, out.RoundID, ids)
	if err != nil {
		return out, err
	}
	for _, g := range gs {
		sum := domain.GroupSummary{WorkGroup: g, Held: domain.NewShare(0, 0), Coverage: coverage[g.ID]}
		for _, f := range figures[g.ID] {
			c := s.childProgress(f)
			sum.Late += c.Late
			sum.AtRisk += c.AtRisk
			held, total := 0, 1
			if c.Own.Held {
				held = 1
			}
			for _, k := range f.Kinds {
				held, total = held+k.Held, total+k.Total
			}
			sum.Held = sum.Held.Add(domain.NewShare(held, total))
		}
		out.Groups = append(out.Groups, sum)
	}
	return out, nil
}

// GroupPage is the page of a working group: its members, the units it
// follows with their progress (the late ones first), the congresses to
// come in them with who attends, those held without anyone from the group,
// and the notes its members recorded.
type GroupPage struct {
	Group    domain.WorkGroup       `json:"group"`
	Units    []domain.ChildProgress `json:"units"`
	Upcoming []domain.GroupCongress `json:"upcoming"`
	// Unattended are the congresses held that nobody from the group
	// recorded attending.
	Unattended []domain.GroupCongress `json:"unattended"`
	// Notes are the attendances recorded with a note, latest congress first.
	Notes    []domain.GroupCongress `json:"notes"`
	Coverage domain.Share           `json:"coverage"`
	// MayManage: p changes the group (the board of its unit); MayName: p
	// names its attendees (the board, or the group's leader).
	MayManage bool `json:"may_manage"`
	MayName   bool `json:"may_name"`
	// MayListGroups: p reads the group's unit, and so the list of its groups.
	MayListGroups bool `json:"may_list_groups"`
}

// WorkGroupPage returns the page of the group with id for p (who reads the
// group's unit, or is a member).
func (s *Service) WorkGroupPage(ctx context.Context, p domain.Principal, id int64) (GroupPage, error) {
	g, err := s.groupFor(ctx, p, id, false)
	if err != nil {
		return GroupPage{}, err
	}
	out := GroupPage{Group: g, Units: []domain.ChildProgress{}, Upcoming: []domain.GroupCongress{},
		Unattended: []domain.GroupCongress{}, Notes: []domain.GroupCongress{},
		MayManage: p.Can(domain.ActManage, g.UnitPath), MayName: mayNameAttendee(p, g), MayListGroups: p.Can(domain.ActRead, g.UnitPath)}
	today := domain.TodayDay(s.clock)
	figures, err := s.store.GroupUnitFigures(ctx, g.RoundID, []int64{g.ID}, today, s.atRiskDays())
	if err != nil {
		return out, err
	}
	for _, f := range figures[g.ID] {
		out.Units = append(out.Units, s.childProgress(f))
	}
	sort.SliceStable(out.Units, func(i, j int) bool {
		a, b := out.Units[i], out.Units[j]
		if a.Late != b.Late {
			return a.Late > b.Late
		}
		return a.Own.DaysOverdue > b.Own.DaysOverdue
	})
	cs, err := s.store.GroupCongresses(ctx, g.RoundID, g.ID)
	if err != nil {
		return out, err
	}
	held, attended := 0, 0
	for _, c := range cs {
		switch {
		case c.HeldDate == nil:
			if c.PlannedDate != nil {
				c.PlannedPassed = c.PlannedDate.Before(today)
				out.Upcoming = append(out.Upcoming, c)
			}
		default:
			held++
			if c.Attended {
				attended++
			} else {
				out.Unattended = append(out.Unattended, c)
			}
		}
		if c.Note != "" {
			out.Notes = append(out.Notes, c)
		}
	}
	out.Coverage = domain.NewShare(attended, held)
	return out, nil
}
