package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Milestone is one step of a unit's preparation in a round, instantiated
// from the template of its kind: due on an absolute date or a number of days
// from the planned congress date, done on a day by someone.
type Milestone struct {
	TemplateID int64  `json:"-" db:"template_id"`
	Seq        int    `json:"seq" db:"seq"`
	Code       string `json:"code" db:"code"`
	NameVI     string `json:"name_vi" db:"name_vi"`
	NameEN     string `json:"name_en" db:"name_en"`
	// DueDate is the absolute due date, else the planned date plus
	// DueOffsetDays; null when it depends on a planned date not yet set.
	DueDate       *Day `json:"due_date" db:"due_date"`
	DueOffsetDays *int `json:"due_offset_days" db:"due_offset_days"`
	// RequiresApproval: an approval, recorded only by a board user of an ancestor.
	RequiresApproval bool `json:"requires_approval" db:"requires_approval"`
	// Auto names the event that ticks the milestone ('held', ...); "" when a person does.
	Auto   string     `json:"auto" db:"auto"`
	DoneOn *Day       `json:"done_on" db:"done_on"`
	DoneBy string     `json:"done_by" db:"done_by"`
	DoneAt *time.Time `json:"done_at" db:"done_at"`
	Note   string     `json:"note" db:"note"`
	// Overdue: due before today, not done, and not moot.
	Overdue bool `json:"overdue" db:"overdue"`
	// Moot: not done, and it prepared a congress that has been held.
	Moot bool `json:"moot" db:"moot"`
}

// MilestoneSnapshot is what the audit log keeps of a milestone.
type MilestoneSnapshot struct {
	Code   string `json:"code"`
	DoneOn *Day   `json:"done_on"`
	DoneBy string `json:"done_by,omitempty"`
	Note   string `json:"note,omitempty"`
}

// Snapshot returns the recorded fields of m.
func (m Milestone) Snapshot() MilestoneSnapshot {
	return MilestoneSnapshot{Code: m.Code, DoneOn: m.DoneOn, DoneBy: m.DoneBy, Note: m.Note}
}

// MilestoneInput ticks a milestone: the day it was done (today when empty) and a note.
type MilestoneInput struct {
	DoneOn string `json:"done_on"`
	Note   string `json:"note"`
}

// Validate checks the day (a day that exists, not in the future) and the
// note, and returns the day done.
func (in MilestoneInput) Validate(today Day, v *Validation) Day {
	CheckReason(v, "note", in.Note, false)
	s := strings.TrimSpace(in.DoneOn)
	if s == "" {
		return today
	}
	d, ok := ReadDay(v, "done_on", s, true)
	if !ok {
		return today
	}
	if d.After(today) {
		v.Add("done_on", fmt.Sprintf("Ngày %s ở tương lai (hôm nay là %s)", d.VI(), today.VI()), fmt.Sprintf("the day %s is in the future (today is %s)", d.VI(), today.VI()))
	}
	return *d
}

// CheckTick refuses to tick or untick an auto milestone by hand, and to
// untick the congress plan's approval of a congress whose status rests on it.
func CheckTick(m Milestone, c Congress, tick bool) error {
	if m.Auto != "" {
		return Invalid("milestone", fmt.Sprintf("Mốc %q được hệ thống tự đánh dấu", m.NameVI),
			fmt.Sprintf("milestone %s is marked by the system, not by hand", m.Code))
	}
	if !tick && m.Code == CongressPlanMilestone && c.Status.Step() >= StatusPlanApproved.Step() {
		return Invalid("milestone", fmt.Sprintf("Không thể bỏ phê duyệt phương án khi đại hội đã ở trạng thái %q trở đi; hãy lùi trạng thái trước", StatusPlanApproved.Name().VI),
			"the congress plan's approval cannot be withdrawn while the status rests on it; step the status back first")
	}
	return nil
}

// CheckTickDay refuses a step of preparation (one a person ticks) done on
// a day after the congress it prepared was held.
func CheckTickDay(m Milestone, c Congress, day *Day) error {
	if day == nil || m.Auto != "" || c.HeldDate == nil || !day.After(*c.HeldDate) {
		return nil
	}
	return Invalid("done_on", fmt.Sprintf("Đại hội đã tổ chức ngày %s: bước chuẩn bị không thể hoàn thành sau ngày đó", c.HeldDate.VI()),
		fmt.Sprintf("the congress was held on %s: a step of its preparation cannot be done after that day", c.HeldDate.String()))
}

// CongressPlanMilestone is the code of the congress plan's approval, on
// which the status "plan approved" rests.
const CongressPlanMilestone = "congress_plan"

// MilestoneText names milestones in messages.
var MilestoneText = Text{VI: "mốc", EN: "milestone"}

// ValidMilestoneCode reports whether code could name a milestone template.
func ValidMilestoneCode(code string) bool {
	if code == "" || len(code) > 64 || !utf8.ValidString(code) {
		return false
	}
	for _, r := range code {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return true
}
