package core_test

import (
	"strings"
	"sync"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// groupFixture is the fixture with the 2020 round and two working groups
// of the district HN.HBT formed by its board: "Tổ công tác số 1" led by
// totruong1 with member thanhvien1, following HN.HBT.BM and HN.HBT.QL; "Tổ
// công tác số 2" led by totruong2, following HN.HBT.VT. None of the four
// has a role of their own.
func groupFixture(t *testing.T) (*fixture, domain.WorkGroup, domain.WorkGroup) {
	t.Helper()
	f := newFixture(t)
	f.createRound2020()
	for _, u := range []string{"totruong1", "thanhvien1", "totruong2", "thanhvien2"} {
		f.user(u)
	}
	board := f.as("bantochuc")
	g1, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1", Leader: "totruong1", Members: []string{"thanhvien1"}})
	if err != nil {
		t.Fatalf("create group 1: %v", err)
	}
	g2, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 2", Leader: "totruong2", Members: []string{"thanhvien2"}})
	if err != nil {
		t.Fatalf("create group 2: %v", err)
	}
	for _, a := range []struct {
		g    int64
		code string
	}{{g1.ID, "HN.HBT.BM"}, {g1.ID, "HN.HBT.QL"}, {g2.ID, "HN.HBT.VT"}} {
		if _, err := f.svc.AssignWorkGroupUnit(f.ctx, board, a.g, a.code); err != nil {
			t.Fatalf("assign %s: %v", a.code, err)
		}
	}
	page, err := f.svc.WorkGroupPage(f.ctx, board, g1.ID)
	if err != nil {
		t.Fatal(err)
	}
	return f, page.Group, g2
}

func TestMembershipGivesReadOfExactlyTheAssignedSubtrees(t *testing.T) {
	f, _, _ := groupFixture(t)
	for _, tc := range []struct {
		user, code string
		want       domain.ErrorCode
	}{
		{"thanhvien1", "HN.HBT.BM", ""},
		{"thanhvien1", "HN.HBT.BM.C2", ""},
		{"thanhvien1", "HN.HBT.QL", ""},
		{"thanhvien1", "HN.HBT.VT", domain.ENotFound},
		{"thanhvien1", "HN.HBT", domain.ENotFound},
		{"thanhvien1", "HN.HBT.DK", domain.ENotFound},
		{"totruong1", "HN.HBT.BM.C1", ""}, // the leader is a member
		{"totruong1", "HN.HBT.VT.S.C1", domain.ENotFound},
		{"totruong2", "HN.HBT.VT.S.C1", ""},
		{"totruong2", "HN.HBT.BM", domain.ENotFound},
	} {
		t.Run(tc.user+" reads "+tc.code, func(t *testing.T) {
			_, err := f.svc.UnitPage(f.ctx, f.as(tc.user), tc.code)
			wantCode(t, err, tc.want)
		})
	}
	t.Run("membership reads, never updates", func(t *testing.T) {
		_, err := f.patchCongress(f.as("thanhvien1"), "HN.HBT.BM.C1", domain.CongressPatch{Status: strp("preparing")})
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("the grants name the group, and accounts show no role of the member's own", func(t *testing.T) {
		p := f.as("thanhvien1")
		if len(p.Grants) != 2 || p.Grants[0].Group != "Tổ công tác số 1" || p.Grants[0].Role != domain.RoleSupervisor {
			t.Errorf("grants = %+v, want the two wards of Tổ công tác số 1", p.Grants)
		}
		if n := f.count("role_assignments r JOIN users u ON u.id = r.user_id WHERE u.username = 'thanhvien1'"); n != 0 {
			t.Errorf("roles of thanhvien1 = %d, want 0", n)
		}
	})
}

func TestMovingAUnitBetweenGroupsMovesTheAccess(t *testing.T) {
	f, g1, g2 := groupFixture(t)
	board := f.as("bantochuc")
	if _, err := f.svc.AssignWorkGroupUnit(f.ctx, board, g2.ID, "HN.HBT.BM"); err != nil {
		t.Fatalf("move: %v", err)
	}
	_, err := f.svc.UnitPage(f.ctx, f.as("thanhvien1"), "HN.HBT.BM.C1")
	wantCode(t, err, domain.ENotFound)
	_, err = f.svc.UnitPage(f.ctx, f.as("thanhvien1"), "HN.HBT.QL")
	wantCode(t, err, "")
	_, err = f.svc.UnitPage(f.ctx, f.as("thanhvien2"), "HN.HBT.BM.C1")
	wantCode(t, err, "")
	if n := f.count("work_group_units a JOIN units u ON u.id = a.unit_id WHERE u.code = 'HN.HBT.BM'"); n != 1 {
		t.Errorf("assignments of HN.HBT.BM = %d, want 1", n)
	}
	audit, err := f.svc.RoundAudit(f.ctx, board, "HN.HBT.BM", 0, false, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := "Chuyển HN.HBT.BM từ " + g1.Name + " sang " + g2.Name
	if len(audit) == 0 || audit[0].Summary.VI != want {
		t.Errorf("latest change of HN.HBT.BM = %+v, want %q", audit, want)
	}
	t.Run("unassigned, the unit is nobody's", func(t *testing.T) {
		if _, err := f.svc.UnassignWorkGroupUnit(f.ctx, board, g2.ID, "HN.HBT.BM"); err != nil {
			t.Fatal(err)
		}
		_, err := f.svc.UnitPage(f.ctx, f.as("thanhvien2"), "HN.HBT.BM")
		wantCode(t, err, domain.ENotFound)
	})
}

func TestAMemberWithoutRoleSeesTheFollowedUnitsOnTheirLists(t *testing.T) {
	f, _, _ := groupFixture(t)
	p := f.as("totruong1")
	followed, err := f.svc.FollowedUnits(f.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range followed {
		got = append(got, u.Code)
	}
	if strings.Join(got, " ") != "HN.HBT.BM HN.HBT.QL" {
		t.Errorf("followed = %v, want HN.HBT.BM HN.HBT.QL", got)
	}
	mine, err := f.svc.MyUnits(f.ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	// The two wards and the three cells of Bạch Mai, read only.
	if mine.Summary.Total != 5 {
		t.Errorf("my units = %d, want 5", mine.Summary.Total)
	}
	for _, m := range mine.Units {
		if m.May.Update {
			t.Errorf("%s: may update, want read only", m.UnitCode)
		}
	}
}

func TestGroupChangesAreTheBoardsAndRefuseBadInput(t *testing.T) {
	f, g1, _ := groupFixture(t)
	board := f.as("bantochuc")
	for _, tc := range []struct {
		name string
		do   func() error
		want domain.ErrorCode
	}{
		{"a supervisor cannot form a group", func() error {
			_, err := f.svc.CreateWorkGroup(f.ctx, f.as("totacong"), domain.GroupInput{Unit: "HN.HBT", Name: "Tổ 9"})
			return err
		}, domain.EForbidden},
		{"a ward's secretary cannot see the district", func() error {
			_, err := f.svc.CreateWorkGroup(f.ctx, f.as("bithu"), domain.GroupInput{Unit: "HN.HBT", Name: "Tổ 9"})
			return err
		}, domain.ENotFound},
		{"the group's leader cannot assign units", func() error {
			_, err := f.svc.AssignWorkGroupUnit(f.ctx, f.as("totruong1"), g1.ID, "HN.HBT.DK")
			return err
		}, domain.EForbidden},
		{"a group needs a name", func() error {
			_, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: "  "})
			return err
		}, domain.EInvalid},
		{"a member needs an account", func() error {
			_, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ 9", Members: []string{"khongco"}})
			return err
		}, domain.EInvalid},
		{"two groups cannot share a name", func() error {
			_, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: g1.Name})
			return err
		}, domain.EConflict},
		{"a group follows units below its own", func() error {
			_, err := f.svc.AssignWorkGroupUnit(f.ctx, board, g1.ID, "HN.HBT")
			return err
		}, domain.EInvalid},
		{"a unit outside the board's scope is not found", func() error {
			_, err := f.svc.AssignWorkGroupUnit(f.ctx, board, g1.ID, "HN.DD.X")
			return err
		}, domain.ENotFound},
		{"a unit within a followed one is refused", func() error {
			_, err := f.svc.AssignWorkGroupUnit(f.ctx, board, g1.ID, "HN.HBT.VT.C1")
			return err
		}, domain.EConflict},
		{"an unknown group is not found", func() error {
			_, err := f.svc.RenameWorkGroup(f.ctx, board, 999999, "Tổ mới")
			return err
		}, domain.ENotFound},
		{"a group of another district is not found", func() error {
			_, err := f.svc.RenameWorkGroup(f.ctx, f.as("bithu"), g1.ID, "Tổ mới")
			return err
		}, domain.ENotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := f.count("audit_log")
			wantCode(t, tc.do(), tc.want)
			if got := f.count("audit_log"); got != before {
				t.Errorf("audit rows %d → %d: a refusal wrote", before, got)
			}
		})
	}
	t.Run("rename, members and leader are audited", func(t *testing.T) {
		g, err := f.svc.RenameWorkGroup(f.ctx, board, g1.ID, "Tổ công tác số 1 (phường)")
		if err != nil {
			t.Fatal(err)
		}
		if g, err = f.svc.AddWorkGroupMember(f.ctx, board, g.ID, "thanhvien1", boolp(true)); err != nil {
			t.Fatal(err)
		}
		if l, _ := g.Leader(); l.Username != "thanhvien1" || len(g.Members) != 2 {
			t.Errorf("members = %+v, want thanhvien1 leading, totruong1 still a member", g.Members)
		}
		if g, err = f.svc.RemoveWorkGroupMember(f.ctx, board, g.ID, "totruong1"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.UnitPage(f.ctx, f.as("totruong1"), "HN.HBT.BM")
		wantCode(t, err, domain.ENotFound)
	})
}

func TestAttendanceIsNamedByTheGroupAndRecordedByTheAttendee(t *testing.T) {
	f, g1, _ := groupFixture(t)
	leader, member := f.as("totruong1"), f.as("thanhvien1")
	sys := domain.SystemPrincipal()
	if _, err := f.patchCongress(sys, "HN.HBT.BM.C1", domain.CongressPatch{Status: strp("preparing"), PlannedDate: strp("2020-04-20")}); err != nil {
		t.Fatal(err)
	}
	t.Run("a member who does not lead cannot name", func(t *testing.T) {
		_, err := f.svc.NameAttendee(f.ctx, member, "HN.HBT.BM.C1", "thanhvien1")
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("only a member of the group is named", func(t *testing.T) {
		_, err := f.svc.NameAttendee(f.ctx, leader, "HN.HBT.BM.C1", "thanhvien2")
		wantCode(t, err, domain.EInvalid)
	})
	t.Run("a unit no group follows has nobody to name", func(t *testing.T) {
		_, err := f.svc.NameAttendee(f.ctx, f.as("bantochuc"), "HN.HBT.DK", "thanhvien1")
		wantCode(t, err, domain.EInvalid)
	})
	a, err := f.svc.NameAttendee(f.ctx, leader, "HN.HBT.BM.C1", "thanhvien1")
	if err != nil {
		t.Fatalf("name: %v", err)
	}
	if a.Username != "thanhvien1" || a.GroupName != g1.Name {
		t.Errorf("attendee = %+v", a)
	}
	mine, err := f.svc.MyAttendances(f.ctx, member)
	if err != nil || len(mine) != 1 || mine[0].Unit.Code != "HN.HBT.BM.C1" {
		t.Errorf("my attendances = %+v (%v), want HN.HBT.BM.C1", mine, err)
	}
	page, err := f.svc.WorkGroupPage(f.ctx, leader, g1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Upcoming) != 1 || page.Upcoming[0].Username != "thanhvien1" || page.Upcoming[0].PlannedPassed {
		t.Errorf("upcoming = %+v, want HN.HBT.BM.C1 with thanhvien1, its day to come", page.Upcoming)
	}
	t.Run("a planned day gone by without the congress recorded is said so", func(t *testing.T) {
		if _, err := f.patchCongress(sys, "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("2020-04-10")}); err != nil {
			t.Fatal(err)
		}
		defer f.patchCongress(sys, "HN.HBT.BM.C1", domain.CongressPatch{PlannedDate: strp("2020-04-20")})
		page, err := f.svc.WorkGroupPage(f.ctx, leader, g1.ID)
		if err != nil || len(page.Upcoming) != 1 || !page.Upcoming[0].PlannedPassed {
			t.Errorf("upcoming = %+v (%v), want its planned day passed", page.Upcoming, err)
		}
	})
	t.Run("nothing to record before the congress", func(t *testing.T) {
		_, err := f.svc.RecordAttendance(f.ctx, member, "HN.HBT.BM.C1", domain.AttendanceInput{Attended: true})
		wantCode(t, err, domain.EInvalid)
		up, err := f.svc.UnitPage(f.ctx, member, "HN.HBT.BM.C1")
		if err != nil || up.WorkingGroup == nil || up.WorkingGroup.MayRecord || up.WorkingGroup.MayName {
			t.Errorf("the attendee's unit page before the congress: %+v (%v), want neither recording nor naming", up.WorkingGroup, err)
		}
	})
	f.holdAsSystem("HN.HBT.BM.C1", "2020-04-10")
	f.holdAsSystem("HN.HBT.BM.C2", "2020-04-11")
	t.Run("another member cannot record it", func(t *testing.T) {
		_, err := f.svc.RecordAttendance(f.ctx, leader, "HN.HBT.BM.C1", domain.AttendanceInput{Attended: true})
		wantCode(t, err, domain.EForbidden)
	})
	t.Run("a broken note is refused", func(t *testing.T) {
		_, err := f.svc.RecordAttendance(f.ctx, member, "HN.HBT.BM.C1", domain.AttendanceInput{Attended: true, Note: "a\x00b"})
		wantField(t, err, "note")
	})
	if up, err := f.svc.UnitPage(f.ctx, member, "HN.HBT.BM.C1"); err != nil || !up.WorkingGroup.MayRecord {
		t.Errorf("the attendee may not record after the congress (%v)", err)
	}
	note := "Đại hội đúng quy trình; cần theo dõi việc kiện toàn chi ủy."
	if _, err := f.svc.RecordAttendance(f.ctx, member, "HN.HBT.BM.C1", domain.AttendanceInput{Attended: true, Note: note}); err != nil {
		t.Fatalf("record: %v", err)
	}
	up, err := f.svc.UnitPage(f.ctx, f.as("bantochuc"), "HN.HBT.BM.C1")
	if err != nil {
		t.Fatal(err)
	}
	if w := up.WorkingGroup; w == nil || w.Attendee == nil || !w.Attendee.Attended || w.Attendee.Note != note || w.Group.Name != g1.Name {
		t.Errorf("unit page's working group = %+v, want thanhvien1 attended with the note", w)
	}
	page, err = f.svc.WorkGroupPage(f.ctx, leader, g1.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Unattended) != 1 || page.Unattended[0].Unit.Code != "HN.HBT.BM.C2" {
		t.Errorf("held without the group = %+v, want HN.HBT.BM.C2", page.Unattended)
	}
	if len(page.Notes) != 1 || page.Notes[0].Note != note {
		t.Errorf("notes = %+v", page.Notes)
	}
	if page.Coverage.Held != 1 || page.Coverage.Total != 2 {
		t.Errorf("coverage = %+v, want 1 of 2", page.Coverage)
	}
	board, err := f.svc.WorkGroups(f.ctx, f.as("bantochuc"), "HN.HBT")
	if err != nil {
		t.Fatal(err)
	}
	if len(board.Groups) != 2 || !board.MayManage {
		t.Fatalf("groups = %+v", board)
	}
	s := board.Groups[0]
	// Bạch Mai (itself and 3 cells) and Quỳnh Lôi: 2 of 5 congresses held.
	if s.Held.Held != 2 || s.Held.Total != 5 || s.Coverage.Held != 1 || s.Coverage.Total != 2 || len(s.Units) != 2 {
		t.Errorf("group 1 = held %+v, coverage %+v, units %d", s.Held, s.Coverage, len(s.Units))
	}
	audit, err := f.svc.RoundAudit(f.ctx, f.as("bantochuc"), "HN.HBT.BM.C1", 0, false, 20)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for _, e := range audit {
		said = append(said, e.Summary.VI)
	}
	for _, want := range []string{"thanhvien1 ghi nhận đã dự đại hội", "Phân công thanhvien1 (" + g1.Name + ") dự đại hội"} {
		if !strings.Contains(strings.Join(said, "\n"), want) {
			t.Errorf("audit of HN.HBT.BM.C1 = %q, want %q", said, want)
		}
	}
}

func TestMembershipReadsOnlyWhileItsRoundIsCurrent(t *testing.T) {
	f, _, _ := groupFixture(t)
	next := round2020
	next.Name, next.StartDate, next.Deadlines = "Đại hội đảng bộ các cấp nhiệm kỳ 2025–2030", "2024-06-01", nil
	r, err := f.svc.CreateRound(f.ctx, domain.SystemPrincipal(), next)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.UnitPage(f.ctx, f.as("thanhvien1"), "HN.HBT.BM")
	wantCode(t, err, domain.ENotFound)
	old, err := f.svc.Rounds(f.ctx, domain.SystemPrincipal())
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range old {
		if o.ID != r.ID {
			if err := f.svc.SetCurrentRound(f.ctx, domain.SystemPrincipal(), o.ID); err != nil {
				t.Fatal(err)
			}
		}
	}
	_, err = f.svc.UnitPage(f.ctx, f.as("thanhvien1"), "HN.HBT.BM")
	wantCode(t, err, "")
}

// A board enlists in its working groups the people of its own units (and
// new accounts with no place yet), no one else's: an account with a role
// or a group beyond the board's unit is refused in the same words as one
// that does not exist, and nothing is written.
func TestABoardEnlistsOnlyThePeopleOfItsOwnUnits(t *testing.T) {
	f, g1, _ := groupFixture(t)
	sys := domain.SystemPrincipal()
	board := f.as("bantochuc")
	for _, u := range []struct{ name, role, unit string }{
		{"bithu.bm", "secretary", "HN.HBT.BM"}, {"bithu.dd", "secretary", "HN.DD.X"}, {"quantri.hn", "admin", "HN"}, {"moi", "", ""},
		{"tv.dd", "", ""},
	} {
		f.user(u.name)
		if u.role != "" {
			if err := f.svc.Grant(f.ctx, sys, u.name, u.role, u.unit); err != nil {
				t.Fatal(err)
			}
		}
	}
	if _, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.DD", Name: "Tổ Đống Đa", Leader: "tv.dd"}); err != nil {
		t.Fatal(err)
	}
	refusal := func(t *testing.T, err error) string {
		t.Helper()
		de := domain.AsError(err)
		if de == nil || len(de.Fields) != 1 || de.Fields[0].Field != "username" {
			t.Fatalf("err = %v, want the username refused", err)
		}
		return strings.ReplaceAll(de.Fields[0].Message.VI, "\"", "")
	}
	tests := []struct {
		name, username string
		ok             bool
	}{
		{"a secretary of a ward of the district", "bithu.bm", true},
		{"a new account with no role or group", "moi", true},
		{"a secretary of another district", "bithu.dd", false},
		{"the admin of the city", "quantri.hn", false},
		{"a member of another district's group", "tv.dd", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.count("work_group_members")
			_, err := f.svc.AddWorkGroupMember(f.ctx, board, g1.ID, tt.username, nil)
			if tt.ok {
				wantCode(t, err, "")
				return
			}
			_, missing := f.svc.AddWorkGroupMember(f.ctx, board, g1.ID, "khongco", nil)
			if got, want := refusal(t, err), strings.ReplaceAll(refusal(t, missing), "khongco", tt.username); got != want {
				t.Errorf("refused as %q; a missing account as %q", got, want)
			}
			if f.count("work_group_members") != before {
				t.Error("a refused member was written")
			}
		})
	}
	t.Run("a group is not formed with someone else's people", func(t *testing.T) {
		_, err := f.svc.CreateWorkGroup(f.ctx, board, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ 9", Leader: "bithu.dd"})
		wantField(t, err, "members")
	})
	t.Run("the city's admin enlists anyone of the city", func(t *testing.T) {
		_, err := f.svc.AddWorkGroupMember(f.ctx, f.rootAdmin(), g1.ID, "bithu.dd", nil)
		wantCode(t, err, "")
	})
}

// Adding a member who is one already keeps their place unless told: the
// leader added again without saying stays the leader; told false, they
// become a member only; told true, another member becomes the leader.
func TestAddingAMemberAgainKeepsTheirPlaceUnlessTold(t *testing.T) {
	f, g1, _ := groupFixture(t) // totruong1 leads, thanhvien1 is a member
	board := f.as("bantochuc")
	leader := func() string {
		t.Helper()
		g, err := f.svc.WorkGroupPage(f.ctx, board, g1.ID)
		if err != nil {
			t.Fatal(err)
		}
		l, _ := g.Group.Leader()
		return l.Username
	}
	for _, tc := range []struct {
		name, username string
		leader         *bool
		want           string
	}{
		{"the leader added again, saying nothing", "totruong1", nil, "totruong1"},
		{"a member added again, saying nothing", "thanhvien1", nil, "totruong1"},
		{"a member made the leader", "thanhvien1", boolp(true), "thanhvien1"},
		{"the leader made a member only", "thanhvien1", boolp(false), ""},
	} {
		if _, err := f.svc.AddWorkGroupMember(f.ctx, board, g1.ID, tc.username, tc.leader); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := leader(); got != tc.want {
			t.Errorf("%s: the leader is %q, want %q", tc.name, got, tc.want)
		}
	}
}

// The calendar names who a working group sends to each congress: what a
// group's leader plans with.
func TestTheCalendarNamesWhoTheGroupSends(t *testing.T) {
	f, g1, _ := groupFixture(t) // g1 follows Bạch Mai and Quỳnh Lôi
	f.planAt("HN.HBT.BM.C1", "2020-04-20", "08:00", "")
	f.planAt("HN.HBT.BM.C2", "2020-04-21", "08:00", "")
	if _, err := f.svc.NameAttendee(f.ctx, f.as("totruong1"), "HN.HBT.BM.C1", "thanhvien1"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		cal  func() (core.Calendar, error)
	}{
		{"the group's calendar", func() (core.Calendar, error) {
			return f.svc.GroupCalendar(f.ctx, f.as("totruong1"), g1.ID, core.CalendarInput{From: "2020-04-01", To: "2020-04-30"})
		}},
		{"the district's calendar", func() (core.Calendar, error) {
			return f.svc.Calendar(f.ctx, f.as("bantochuc"), "HN.HBT", core.CalendarInput{From: "2020-04-01", To: "2020-04-30"})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cal, err := tc.cal()
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]string{}
			for _, e := range cal.Events {
				got[e.UnitCode] = strings.Join(e.Attendees, ", ")
			}
			if got["HN.HBT.BM.C1"] != "Nguyễn Văn thanhvien1" || got["HN.HBT.BM.C2"] != "" {
				t.Errorf("attendees %v", got)
			}
		})
	}
}

// Two groups of one unit are not named alike but for case; a group may
// change the case of its own name.
func TestGroupNamesDifferMoreThanByCase(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	sys := domain.SystemPrincipal()
	one, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "tổ công tác SỐ 1"})
	wantCode(t, err, domain.EConflict)
	two, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 2"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.svc.RenameWorkGroup(f.ctx, sys, two.ID, "TỔ CÔNG TÁC SỐ 1")
	wantCode(t, err, domain.EConflict)
	_, err = f.svc.RenameWorkGroup(f.ctx, sys, one.ID, "TỔ CÔNG TÁC SỐ 1")
	wantCode(t, err, "")
	// Another unit may name its group alike.
	if _, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.DD", Name: "Tổ công tác số 1"}); err != nil {
		t.Errorf("another unit's group: %v", err)
	}
}

// Groups of one name created at once, by more clients than connections,
// in cases that differ: one is made, the others are told the name is taken.
func TestGroupsOfOneNameCreatedAtOnceMakeOne(t *testing.T) {
	f := newFixture(t)
	f.createRound2020()
	f.db.SetMaxOpenConns(3)
	sys := domain.SystemPrincipal()
	names := []string{"Tổ công tác số 7", "tổ công tác số 7", "TỔ CÔNG TÁC SỐ 7", "Tổ Công Tác Số 7"}
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.svc.CreateWorkGroup(f.ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: names[i%len(names)]})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	made := 0
	for err := range errs {
		switch {
		case err == nil:
			made++
		case domain.ErrorCodeOf(err) != domain.EConflict:
			t.Errorf("unexpected: %v", err)
		}
	}
	if n := f.count("work_groups WHERE lower(name) = lower('Tổ công tác số 7')"); made != 1 || n != 1 {
		t.Errorf("%d made, %d stored; want one", made, n)
	}
}
