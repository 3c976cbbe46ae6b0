package domain

import (
	"encoding/json"
	"fmt"
	"strings"
)

// AuditNames names what audit entries hold by code: milestones, and unit
// kinds (nil, or a kind not there: said by its code).
type AuditNames struct {
	Milestone func(code string) Text
	Kinds     KindRules
}

// Describe says what the change e recorded, as a sentence in both
// languages, naming states as the glossary does (Statuses), days
// dd/mm/yyyy, and milestones, kinds and categories by their names (n). An
// action it does not know is said by its code.
func (e AuditEntry) Describe(n AuditNames) Text {
	milestone := n.Milestone
	switch e.Action {
	case "congress.update":
		var b, a CongressSnapshot
		if e.decode(&b, &a) {
			return describeCongress(b, a)
		}
	case "congress.pilot":
		var a CongressSnapshot
		if e.decode(nil, &a) {
			if a.IsPilot {
				return Text{VI: "Chọn làm đại hội điểm", EN: "Made a pilot congress"}
			}
			return Text{VI: "Bỏ chọn đại hội điểm", EN: "No longer a pilot congress"}
		}
	case "deadline.unit":
		var b, a DeadlineChange
		if e.decode(&b, &a) {
			return Text{VI: fmt.Sprintf("Đổi hạn của đơn vị: %s → %s", dayOr(b.Deadline, "–"), dayOr(a.Deadline, "–")),
				EN: fmt.Sprintf("Deadline of the unit changed: %s → %s", dayOr(b.Deadline, "–"), dayOr(a.Deadline, "–"))}
		}
	case "deadline.rule":
		var b, a DeadlineChange
		if e.decode(nil, &a) {
			_ = e.decode(&b, nil)
			kind := n.Kinds.Name(a.Kind)
			scope := Text{VI: kind.VI, EN: kind.EN}
			if a.Category != "" {
				c := CategoryName(a.Category)
				scope = Text{VI: scope.VI + ", " + c.VI, EN: scope.EN + ", " + c.EN}
			}
			if a.ScopeCode != "" {
				scope = Text{VI: scope.VI + ", trong " + a.ScopeCode, EN: scope.EN + ", within " + a.ScopeCode}
			}
			return Text{VI: fmt.Sprintf("Đổi hạn theo loại đơn vị (%s): %s → %s", scope.VI, dayOr(b.Deadline, "–"), dayOr(a.Deadline, "–")),
				EN: fmt.Sprintf("Deadline of a kind of unit changed (%s): %s → %s", scope.EN, dayOr(b.Deadline, "–"), dayOr(a.Deadline, "–"))}
		}
	case "milestone.done", "milestone.undone":
		var a MilestoneSnapshot
		if e.decode(nil, &a) {
			name := Text{VI: a.Code, EN: a.Code}
			if milestone != nil {
				if n := milestone(a.Code); n.VI != "" {
					name = n
				}
			}
			if e.Action == "milestone.undone" || a.DoneOn == nil {
				return Text{VI: "Bỏ đánh dấu hoàn thành: " + name.VI, EN: "Marked not done: " + name.EN}
			}
			return Text{VI: fmt.Sprintf("Hoàn thành: %s (ngày %s)", name.VI, a.DoneOn.VI()),
				EN: fmt.Sprintf("Done: %s (on %s)", name.EN, a.DoneOn.VI())}
		}
	case "results.set":
		return Text{VI: "Ghi kết quả đại hội", EN: "Results of the congress recorded"}
	case "paper.attach", "paper.replace", "paper.delete":
		var a PaperSnapshot
		if e.decode(nil, &a) {
			return describePaper(e.Action, a)
		}
	case "composition.plan":
		var a CompositionPlan
		if e.decode(nil, &a) {
			m := a.Measure.Name()
			return Text{VI: fmt.Sprintf("Dự kiến cơ cấu cấp ủy: %s %s", m.VI, PercentText(a.Percent, "vi")),
				EN: fmt.Sprintf("Committee composition planned: %s %s", m.EN, PercentText(a.Percent, "en"))}
		}
	case "unit.create":
		return Text{VI: "Tạo đơn vị", EN: "Unit created"}
	case "unit.update":
		return Text{VI: "Sửa thông tin đơn vị", EN: "Unit details changed"}
	case "unit.move":
		return Text{VI: "Chuyển đơn vị sang đơn vị cấp trên khác", EN: "Unit moved under another parent"}
	case "unit.merge":
		return Text{VI: "Sáp nhập vào đơn vị khác", EN: "Merged into another unit"}
	case "unit.absorb":
		return Text{VI: "Nhận đơn vị sáp nhập", EN: "Took in merged units"}
	case "session.create", "session.update", "session.cancel":
		var a SessionSnapshot
		if e.decode(nil, &a) {
			return describeSession(e.Action, a)
		}
	case "report.weekly":
		return Text{VI: "Lập báo cáo tuần", EN: "Weekly report made"}
	case "group.create", "group.rename", "group.member", "group.member.remove", "group.assign", "group.unassign",
		"attendee.name", "attendee.record":
		var b, a GroupChange
		_ = e.decode(&b, nil)
		if e.decode(nil, &a) || len(e.After) == 0 {
			return describeGroup(e.Action, b, a)
		}
	}
	return Text{VI: e.Action, EN: e.Action}
}

// decode reads the entry's before and after into b and a (nil: skipped);
// false when one does not read.
func (e AuditEntry) decode(b, a any) bool {
	if b != nil && (len(e.Before) == 0 || json.Unmarshal(e.Before, b) != nil) {
		return false
	}
	return a == nil || len(e.After) > 0 && json.Unmarshal(e.After, a) == nil
}

// describeCongress says what changed from b to a: the status, then the
// dates and counts that changed.
func describeCongress(b, a CongressSnapshot) Text {
	var vi, en []string
	add := func(v, e string) { vi, en = append(vi, v), append(en, e) }
	if b.Status != a.Status {
		add(fmt.Sprintf("Trạng thái: %s → %s", b.Status.Name().VI, a.Status.Name().VI),
			fmt.Sprintf("Status: %s → %s", b.Status.Name().EN, a.Status.Name().EN))
	}
	if !SameDay(b.HeldDate, a.HeldDate) && a.HeldDate != nil {
		add("ngày đại hội "+a.HeldDate.VI(), "held on "+a.HeldDate.VI())
	}
	if !SameDay(b.PlannedDate, a.PlannedDate) {
		add("ngày dự kiến "+dayOr(a.PlannedDate, "(bỏ)"), "planned for "+dayOr(a.PlannedDate, "(none)"))
	}
	if !SameClockTime(b.PlannedTime, a.PlannedTime) {
		add("giờ khai mạc "+clockOr(a.PlannedTime, "(bỏ)"), "opening at "+clockOr(a.PlannedTime, "(none)"))
	}
	if b.Place != a.Place {
		add("địa điểm "+textOr(a.Place, "(bỏ)"), "place "+textOr(a.Place, "(none)"))
	}
	if n, ok := changedCount(b.DelegatesExpected, a.DelegatesExpected); ok {
		add(fmt.Sprintf("%s đại biểu được triệu tập", n), fmt.Sprintf("%s delegates called", n))
	}
	if n, ok := changedCount(b.DelegatesPresent, a.DelegatesPresent); ok {
		add(fmt.Sprintf("%s có mặt", n), fmt.Sprintf("%s present", n))
	}
	if b.LessonsLearned != a.LessonsLearned {
		add("bài học kinh nghiệm", "lessons learned")
	}
	if b.CascadeOverrideReason != a.CascadeOverrideReason && a.CascadeOverrideReason != "" {
		add("cho phép đại hội trước các đơn vị trực thuộc", "allowed to hold before the units below")
	}
	if len(vi) == 0 {
		return Text{VI: "Cập nhật đại hội", EN: "Congress updated"}
	}
	if b.Status == a.Status {
		vi[0], en[0] = "Cập nhật đại hội: "+vi[0], "Congress updated: "+en[0]
	}
	return Text{VI: strings.Join(vi, "; "), EN: strings.Join(en, "; ")}
}

// changedCount returns the new count when it changed, "–" when cleared.
func changedCount(b, a *int) (string, bool) {
	switch {
	case b == nil && a == nil, b != nil && a != nil && *b == *a:
		return "", false
	case a == nil:
		return "–", true
	}
	return fmt.Sprint(*a), true
}

// dayOr is d dd/mm/yyyy, or none.
func dayOr(d *Day, none string) string {
	if d == nil {
		return none
	}
	return d.VI()
}

// clockOr is t as HH:MM, or none.
func clockOr(t *ClockTime, none string) string {
	if t == nil {
		return none
	}
	return t.String()
}

// textOr is s, or none when empty.
func textOr(s, none string) string {
	if s == "" {
		return none
	}
	return s
}

// describeSession says what was done to a training session.
func describeSession(action string, a SessionSnapshot) Text {
	when := a.Day.VI()
	if a.Start != nil {
		when = a.Start.String() + " " + when
	}
	switch action {
	case "session.create":
		return Text{VI: fmt.Sprintf("Lên lịch tập huấn %q lúc %s, mời %d đơn vị", a.Title, when, len(a.Invited)),
			EN: fmt.Sprintf("Training session %q planned for %s, %d %s invited", a.Title, when, len(a.Invited), Plural(len(a.Invited), "unit", "units"))}
	case "session.cancel":
		return Text{VI: fmt.Sprintf("Huỷ buổi tập huấn %q (%s)", a.Title, when), EN: fmt.Sprintf("Training session %q (%s) cancelled", a.Title, when)}
	}
	if a.Attended != nil {
		return Text{VI: fmt.Sprintf("Cập nhật buổi tập huấn %q (%s): %d người dự", a.Title, when, *a.Attended),
			EN: fmt.Sprintf("Training session %q (%s) updated: %d attended", a.Title, when, *a.Attended)}
	}
	return Text{VI: fmt.Sprintf("Cập nhật buổi tập huấn %q (%s)", a.Title, when), EN: fmt.Sprintf("Training session %q (%s) updated", a.Title, when)}
}

// describePaper says what was done to a paper of a congress: attached,
// replaced by a new version, or deleted.
func describePaper(action string, a PaperSnapshot) Text {
	k := a.Kind.Name()
	switch action {
	case "paper.replace":
		return Text{VI: fmt.Sprintf("Thay %s bằng phiên bản %d: %s", k.VI, a.Version, a.FileName),
			EN: fmt.Sprintf("%s replaced by version %d: %s", k.EN, a.Version, a.FileName)}
	case "paper.delete":
		return Text{VI: "Xóa " + k.VI, EN: k.EN + " deleted"}
	}
	return Text{VI: fmt.Sprintf("Đính kèm %s: %s", k.VI, a.FileName), EN: fmt.Sprintf("%s attached: %s", k.EN, a.FileName)}
}
