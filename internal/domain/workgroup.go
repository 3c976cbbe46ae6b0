package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// WorkGroupText names working groups in messages.
var WorkGroupText = Text{VI: "tổ công tác", EN: "working group"}

// AttendeeText names the attendee of a congress in messages.
var AttendeeText = Text{VI: "người dự đại hội của tổ công tác", EN: "working group's attendee of the congress"}

// WorkGroup is a working group (tổ công tác) of a round: formed by the board
// of a unit (the district), with members (one of them its leader), and
// the units it follows. Its members read the subtrees of those units while
// the round is the current one.
type WorkGroup struct {
	ID       int64   `json:"id" db:"id"`
	RoundID  int64   `json:"round_id" db:"round_id"`
	Name     string  `json:"name" db:"name"`
	Unit     UnitRef `json:"unit" db:"unit"`
	UnitPath string  `json:"-" db:"unit_path"`
	// Members are the group's members, the leader first, then by name.
	Members []GroupMember `json:"members" db:"-"`
	// Units are the units it follows, by name.
	Units []UnitRef `json:"units" db:"-"`
}

// GroupMember is a member of a working group.
type GroupMember struct {
	Username string `json:"username" db:"username"`
	FullName string `json:"full_name" db:"full_name"`
	Leader   bool   `json:"leader" db:"leader"`
}

// Member returns the member with username, and whether there is one.
func (g WorkGroup) Member(username string) (GroupMember, bool) {
	for _, m := range g.Members {
		if m.Username == username {
			return m, true
		}
	}
	return GroupMember{}, false
}

// ReadableBy reports whether p may open the group: a reader of its unit,
// or an active member.
func (g WorkGroup) ReadableBy(p Principal) bool {
	_, member := g.Member(p.User.Username)
	return p.Can(ActRead, g.UnitPath) || member && p.User.Active
}

// Leader returns the group's leader, and whether it has one.
func (g WorkGroup) Leader() (GroupMember, bool) {
	for _, m := range g.Members {
		if m.Leader {
			return m, true
		}
	}
	return GroupMember{}, false
}

// MaxGroupName bounds the name of a working group, in characters.
const MaxGroupName = 200

// MaxAttendanceNote bounds an attendee's note, in characters.
const MaxAttendanceNote = 4000

// GroupInput creates a working group: the unit whose board runs it, its
// name, its leader and its other members (usernames).
type GroupInput struct {
	Unit    string   `json:"unit"`
	Name    string   `json:"name"`
	Leader  string   `json:"leader"`
	Members []string `json:"members"`
}

// CleanGroupName checks and cleans the name of a group (one line, not
// empty, at most MaxGroupName characters).
func CleanGroupName(v *Validation, name string) string {
	name = CheckText(v, 0, "name", name, OneLine)
	switch {
	case name == "":
		v.Add("name", "Cần nhập tên tổ công tác", "the working group needs a name")
	case utf8.RuneCountInString(name) > MaxGroupName:
		v.Add("name", fmt.Sprintf("Tên tổ công tác dài tối đa %d ký tự", MaxGroupName),
			fmt.Sprintf("a working group's name has at most %d characters", MaxGroupName))
	}
	return name
}

// Clean checks the input and returns it cleaned: the name, the usernames
// normalised, the leader among the members once, no member twice.
func (in GroupInput) Clean() (GroupInput, error) {
	var v Validation
	out := GroupInput{Unit: strings.TrimSpace(in.Unit)}
	out.Name = CleanGroupName(&v, in.Name)
	out.Leader = NormalizeUsername(in.Leader)
	if out.Leader != "" && !ValidUsername(out.Leader) {
		v.Add("leader", fmt.Sprintf("Tên đăng nhập %q không hợp lệ", ShowText(in.Leader, 64)),
			fmt.Sprintf("%q is not a username", ShowText(in.Leader, 64)))
	}
	seen := map[string]bool{out.Leader: true}
	for _, m := range in.Members {
		u := NormalizeUsername(m)
		if u == "" || seen[u] {
			continue
		}
		if !ValidUsername(u) {
			v.Add("members", fmt.Sprintf("Tên đăng nhập %q không hợp lệ", ShowText(m, 64)),
				fmt.Sprintf("%q is not a username", ShowText(m, 64)))
			continue
		}
		seen[u] = true
		out.Members = append(out.Members, u)
	}
	return out, v.Err()
}

// GroupSummary is one working group as the board compares them: the units
// it follows, the share of the congresses in their subtrees held, those
// late, and how many held congresses someone from the group attended.
type GroupSummary struct {
	WorkGroup
	Held     Share `json:"held"`
	Late     int   `json:"late"`
	AtRisk   int   `json:"at_risk"`
	Coverage Share `json:"coverage"`
}

// CongressAttendee is who from a working group attends a congress, with
// the congress as recorded now: named by the group before it, recorded by
// the member after it (attended, a note for the board above).
type CongressAttendee struct {
	Unit UnitRef `json:"unit" db:"unit"`
	// Parent names the unit directly above (a cell's ward).
	Parent      string         `json:"parent_name" db:"parent_name"`
	UnitPath    string         `json:"-" db:"unit_path"`
	GroupID     int64          `json:"group_id" db:"group_id"`
	GroupName   string         `json:"group_name" db:"group_name"`
	Username    string         `json:"username" db:"username"`
	FullName    string         `json:"full_name" db:"full_name"`
	Attended    bool           `json:"attended" db:"attended"`
	Note        string         `json:"note" db:"note"`
	RecordedAt  *time.Time     `json:"recorded_at" db:"recorded_at"`
	Status      CongressStatus `json:"status" db:"status"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	HeldDate    *Day           `json:"held_date" db:"held_date"`
}

// GroupCongress is a congress in the subtrees a group follows, with who
// from the group attends it ("" when nobody is named).
type GroupCongress struct {
	Unit UnitRef `json:"unit" db:"unit"`
	// Parent names the unit directly above (a cell's ward).
	Parent      string         `json:"parent_name" db:"parent_name"`
	UnitPath    string         `json:"-" db:"unit_path"`
	Status      CongressStatus `json:"status" db:"status"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	HeldDate    *Day           `json:"held_date" db:"held_date"`
	Deadline    *Day           `json:"deadline" db:"deadline"`
	Username    string         `json:"attendee,omitempty" db:"username"`
	FullName    string         `json:"attendee_name,omitempty" db:"full_name"`
	Attended    bool           `json:"attended" db:"attended"`
	Note        string         `json:"note,omitempty" db:"note"`
	// PlannedPassed: not held, and its planned day is before today: the
	// congress took place without being recorded, or was put off.
	PlannedPassed bool `json:"planned_passed,omitempty" db:"-"`
}

// AttendanceInput is what an attendee records after a congress: whether
// they attended, and a note (observations, problems to follow up).
type AttendanceInput struct {
	Attended bool   `json:"attended"`
	Note     string `json:"note"`
}

// Clean checks the note (multi-line, at most MaxAttendanceNote characters).
func (in AttendanceInput) Clean() (AttendanceInput, error) {
	var v Validation
	in.Note = CheckText(&v, 0, "note", in.Note, MultiLine)
	if utf8.RuneCountInString(in.Note) > MaxAttendanceNote {
		v.Add("note", fmt.Sprintf("Ghi chú dài tối đa %d ký tự", MaxAttendanceNote),
			fmt.Sprintf("a note has at most %d characters", MaxAttendanceNote))
	}
	return in, v.Err()
}

// GroupChange is the audit record of a change to a working group: the
// group, and the member or unit concerned.
type GroupChange struct {
	Group    string `json:"group,omitempty"`
	Username string `json:"username,omitempty"`
	Leader   bool   `json:"leader,omitempty"`
	Unit     string `json:"unit,omitempty"`
	Attended bool   `json:"attended,omitempty"`
	Note     string `json:"note,omitempty"`
}

// describeGroup says what a change to a working group did.
func describeGroup(action string, b, a GroupChange) Text {
	switch action {
	case "group.create":
		return Text{VI: "Lập tổ công tác " + a.Group, EN: "Working group " + a.Group + " formed"}
	case "group.rename":
		return Text{VI: fmt.Sprintf("Đổi tên tổ công tác: %s → %s", b.Group, a.Group),
			EN: fmt.Sprintf("Working group renamed: %s → %s", b.Group, a.Group)}
	case "group.member":
		if a.Leader {
			return Text{VI: fmt.Sprintf("%s làm tổ trưởng %s", a.Username, a.Group),
				EN: fmt.Sprintf("%s leads %s", a.Username, a.Group)}
		}
		return Text{VI: fmt.Sprintf("%s vào %s", a.Username, a.Group), EN: fmt.Sprintf("%s joined %s", a.Username, a.Group)}
	case "group.member.remove":
		return Text{VI: fmt.Sprintf("%s rời %s", b.Username, b.Group), EN: fmt.Sprintf("%s left %s", b.Username, b.Group)}
	case "group.assign":
		if b.Group != "" {
			return Text{VI: fmt.Sprintf("Chuyển %s từ %s sang %s", a.Unit, b.Group, a.Group),
				EN: fmt.Sprintf("%s moved from %s to %s", a.Unit, b.Group, a.Group)}
		}
		return Text{VI: fmt.Sprintf("Giao %s cho %s theo dõi", a.Unit, a.Group), EN: fmt.Sprintf("%s assigned to %s", a.Unit, a.Group)}
	case "group.unassign":
		return Text{VI: fmt.Sprintf("%s thôi theo dõi %s", b.Group, b.Unit), EN: fmt.Sprintf("%s no longer follows %s", b.Group, b.Unit)}
	case "attendee.name":
		if a.Username == "" {
			return Text{VI: "Bỏ phân công người dự đại hội (" + b.Username + ")", EN: "Attendee of the congress withdrawn (" + b.Username + ")"}
		}
		return Text{VI: fmt.Sprintf("Phân công %s (%s) dự đại hội", a.Username, a.Group),
			EN: fmt.Sprintf("%s (%s) named to attend the congress", a.Username, a.Group)}
	case "attendee.record":
		if !a.Attended {
			return Text{VI: a.Username + " ghi nhận không dự được đại hội", EN: a.Username + " recorded not attending the congress"}
		}
		return Text{VI: a.Username + " ghi nhận đã dự đại hội", EN: a.Username + " recorded attending the congress"}
	}
	return Text{VI: action, EN: action}
}
