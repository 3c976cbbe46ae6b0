package domain

import (
	"encoding/json"
	"testing"
)

func TestAuditEntriesSaySentences(t *testing.T) {
	raw := func(v any) RawJSON { b, _ := json.Marshal(v); return b }
	day := func(s string) *Day { d, _ := ParseDay(s); return &d }
	n := func(i int) *int { return &i }
	names := AuditNames{Milestone: func(code string) Text {
		if code == "congress_plan" {
			return Text{VI: "Phương án tổ chức đại hội được cấp trên phê duyệt", EN: "Congress plan approved by the superior"}
		}
		return Text{}
	}, Kinds: NewKindRules([]UnitKind{{Code: "cell", NameVI: "Chi bộ", NameEN: "Cell"}})}
	for _, c := range []struct {
		name   string
		e      AuditEntry
		vi, en string
	}{
		{"a cell held", AuditEntry{Action: "congress.update",
			Before: raw(CongressSnapshot{Status: StatusPlanApproved}),
			After:  raw(CongressSnapshot{Status: StatusHeld, HeldDate: day("25/03/2020"), DelegatesPresent: n(21)})},
			"Trạng thái: Đã duyệt phương án → Đã đại hội; ngày đại hội 25/03/2020; 21 có mặt",
			"Status: Plan approved → Held; held on 25/03/2020; 21 present"},
		{"a planned date", AuditEntry{Action: "congress.update",
			Before: raw(CongressSnapshot{Status: StatusPreparing}), After: raw(CongressSnapshot{Status: StatusPreparing, PlannedDate: day("20/03/2020")})},
			"Cập nhật đại hội: ngày dự kiến 20/03/2020", "Congress updated: planned for 20/03/2020"},
		{"an approval", AuditEntry{Action: "milestone.done",
			Before: raw(MilestoneSnapshot{Code: "congress_plan"}), After: raw(MilestoneSnapshot{Code: "congress_plan", DoneOn: day("01/02/2020")})},
			"Hoàn thành: Phương án tổ chức đại hội được cấp trên phê duyệt (ngày 01/02/2020)",
			"Done: Congress plan approved by the superior (on 01/02/2020)"},
		{"a pilot", AuditEntry{Action: "congress.pilot", Before: raw(CongressSnapshot{}), After: raw(CongressSnapshot{IsPilot: true})},
			"Chọn làm đại hội điểm", "Made a pilot congress"},
		{"a deadline", AuditEntry{Action: "deadline.unit", Before: raw(DeadlineChange{Deadline: day("31/03/2020")}), After: raw(DeadlineChange{Deadline: day("30/04/2020")})},
			"Đổi hạn của đơn vị: 31/03/2020 → 30/04/2020", "Deadline of the unit changed: 31/03/2020 → 30/04/2020"},
		{"a unit moved between working groups", AuditEntry{Action: "group.assign", Before: raw(GroupChange{Group: "Tổ công tác số 1"}),
			After: raw(GroupChange{Group: "Tổ công tác số 2", Unit: "HN.HBT.BM"})},
			"Chuyển HN.HBT.BM từ Tổ công tác số 1 sang Tổ công tác số 2", "HN.HBT.BM moved from Tổ công tác số 1 to Tổ công tác số 2"},
		{"a unit assigned to a working group", AuditEntry{Action: "group.assign", Before: raw(GroupChange{}),
			After: raw(GroupChange{Group: "Tổ công tác số 2", Unit: "HN.HBT.BM"})},
			"Giao HN.HBT.BM cho Tổ công tác số 2 theo dõi", "HN.HBT.BM assigned to Tổ công tác số 2"},
		{"a member leaves a working group", AuditEntry{Action: "group.member.remove", Before: raw(GroupChange{Group: "Tổ công tác số 1", Username: "tct1.lan"})},
			"tct1.lan rời Tổ công tác số 1", "tct1.lan left Tổ công tác số 1"},
		{"an attendance recorded", AuditEntry{Action: "attendee.record", After: raw(GroupChange{Username: "tct1.lan", Attended: true, Note: "…"})},
			"tct1.lan ghi nhận đã dự đại hội", "tct1.lan recorded attending the congress"},
		{"a deadline rule, its kind and category named", AuditEntry{Action: "deadline.rule", Before: raw(DeadlineChange{Deadline: day("2020-03-31")}),
			After: raw(DeadlineChange{Kind: "cell", Category: "school", ScopeCode: "HN.HBT", Deadline: day("2020-04-30")})},
			"Đổi hạn theo loại đơn vị (Chi bộ, Trường học, trong HN.HBT): 31/03/2020 → 30/04/2020",
			"Deadline of a kind of unit changed (Cell, School, within HN.HBT): 31/03/2020 → 30/04/2020"},
		{"a paper attached", AuditEntry{Action: "paper.attach", After: raw(PaperSnapshot{Kind: PaperMinutes, Version: 1, FileName: "bien-ban.pdf"})},
			"Đính kèm Biên bản đại hội: bien-ban.pdf", "Minutes of the congress attached: bien-ban.pdf"},
		{"a paper replaced", AuditEntry{Action: "paper.replace", After: raw(PaperSnapshot{Kind: PaperMinutes, Version: 2, FileName: "bien-ban-sua.pdf"})},
			"Thay Biên bản đại hội bằng phiên bản 2: bien-ban-sua.pdf", "Minutes of the congress replaced by version 2: bien-ban-sua.pdf"},
		{"a paper deleted", AuditEntry{Action: "paper.delete", After: raw(PaperSnapshot{Kind: PaperResultsReport, Deleted: true})},
			"Xóa Báo cáo kết quả đại hội", "Report of the results deleted"},
		{"a composition planned", AuditEntry{Action: "composition.plan", After: raw(CompositionPlan{Measure: MeasureWomen, Percent: 52.5})},
			"Dự kiến cơ cấu cấp ủy: Nữ 52,5%", "Committee composition planned: Women 52.5%"},
		{"an action it does not know", AuditEntry{Action: "round.create"}, "round.create", "round.create"},
		{"a broken record", AuditEntry{Action: "congress.update", Before: RawJSON("{"), After: RawJSON("null")}, "congress.update", "congress.update"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := c.e.Describe(names)
			if got.VI != c.vi || got.EN != c.en {
				t.Errorf("got\n%q\n%q\nwant\n%q\n%q", got.VI, got.EN, c.vi, c.en)
			}
		})
	}
}
