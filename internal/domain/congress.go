package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Congress is one unit's congress in a round: how far it has got, its
// dates and delegates, whether it is a pilot, and the deadline in force.
type Congress struct {
	RoundID  int64  `json:"round_id" db:"round_id"`
	UnitID   int64  `json:"-" db:"unit_id"`
	UnitCode string `json:"unit_code" db:"unit_code"`
	UnitName string `json:"unit_name" db:"unit_name"`
	// ParentName names the unit above (read where units of several
	// parents are listed together).
	ParentName string `json:"parent_name,omitempty" db:"parent_name"`
	UnitKind   string `json:"unit_kind" db:"unit_kind"`
	Category   string `json:"category,omitempty" db:"category"`
	UnitPath   string `json:"-" db:"unit_path"`
	// Members is the number of party members of the unit.
	Members int `json:"members" db:"unit_members"`

	Status      CongressStatus `json:"status" db:"status"`
	StatusName  Text           `json:"status_name" db:"-"`
	PlannedDate *Day           `json:"planned_date" db:"planned_date"`
	// PlannedTime and Place: when (Asia/Ho_Chi_Minh) and where the planned
	// congress starts.
	PlannedTime       *ClockTime `json:"planned_time" db:"planned_time"`
	Place             string     `json:"place" db:"place"`
	HeldDate          *Day       `json:"held_date" db:"held_date"`
	DelegatesExpected *int       `json:"delegates_expected" db:"delegates_expected"`
	DelegatesPresent  *int       `json:"delegates_present" db:"delegates_present"`
	IsPilot           bool       `json:"pilot" db:"is_pilot"`
	LessonsLearned    string     `json:"lessons_learned" db:"lessons_learned"`

	// Deadline is the deadline in force; DeadlineSource says where it comes
	// from: "override" (set for this unit) or "rule" (a rule of the round).
	Deadline               *Day   `json:"deadline" db:"deadline"`
	DeadlineSource         string `json:"deadline_source" db:"-"`
	DeadlineOverride       *Day   `json:"deadline_override" db:"deadline_override"`
	DeadlineOverrideReason string `json:"deadline_override_reason" db:"deadline_override_reason"`
	// CascadeOverrideReason is set when a board user of an ancestor let the
	// unit hold its congress before every unit below it had held theirs.
	CascadeOverrideReason string `json:"cascade_override_reason" db:"cascade_override_reason"`

	Version   int       `json:"version" db:"version"`
	UpdatedAt time.Time `json:"updated_at" db:"updated_at"`
	// Late: its deadline has passed without it held; DaysOverdue counts the
	// days since the deadline (0 when not late). Both as of today.
	Late        bool             `json:"late" db:"late"`
	DaysOverdue int              `json:"days_overdue" db:"days_overdue"`
	Milestones  MilestoneSummary `json:"milestones" db:"milestones"`
}

// MilestoneSummary counts a congress's milestones: done, in all, overdue
// today, and moot (preparation of a congress already held, never done).
type MilestoneSummary struct {
	Done    int `json:"done" db:"done"`
	Total   int `json:"total" db:"total"`
	Overdue int `json:"overdue" db:"overdue"`
	Moot    int `json:"moot" db:"moot"`
}

// Fill sets the fields derived from the stored ones: the status's names and
// where the deadline in force comes from.
func (c *Congress) Fill() {
	c.StatusName = c.Status.Name()
	switch {
	case c.DeadlineOverride != nil:
		c.DeadlineSource = DeadlineFromOverride
	case c.Deadline != nil:
		c.DeadlineSource = DeadlineFromRule
	default:
		c.DeadlineSource = ""
	}
}

// CongressSnapshot is what the audit log keeps of a congress before and after a change.
type CongressSnapshot struct {
	Status                 CongressStatus `json:"status"`
	PlannedDate            *Day           `json:"planned_date"`
	PlannedTime            *ClockTime     `json:"planned_time,omitempty"`
	Place                  string         `json:"place,omitempty"`
	HeldDate               *Day           `json:"held_date"`
	DelegatesExpected      *int           `json:"delegates_expected"`
	DelegatesPresent       *int           `json:"delegates_present"`
	IsPilot                bool           `json:"pilot"`
	LessonsLearned         string         `json:"lessons_learned,omitempty"`
	DeadlineOverride       *Day           `json:"deadline_override,omitempty"`
	DeadlineOverrideReason string         `json:"deadline_override_reason,omitempty"`
	CascadeOverrideReason  string         `json:"cascade_override_reason,omitempty"`
}

// Snapshot returns the recorded fields of c.
func (c Congress) Snapshot() CongressSnapshot {
	return CongressSnapshot{Status: c.Status, PlannedDate: c.PlannedDate, PlannedTime: c.PlannedTime, Place: c.Place, HeldDate: c.HeldDate,
		DelegatesExpected: c.DelegatesExpected, DelegatesPresent: c.DelegatesPresent, IsPilot: c.IsPilot,
		LessonsLearned: c.LessonsLearned, DeadlineOverride: c.DeadlineOverride,
		DeadlineOverrideReason: c.DeadlineOverrideReason, CascadeOverrideReason: c.CascadeOverrideReason}
}

// Same reports whether two snapshots record the same state.
func (s CongressSnapshot) Same(o CongressSnapshot) bool {
	eqInt := func(a, b *int) bool { return (a == nil && b == nil) || (a != nil && b != nil && *a == *b) }
	return s.Status == o.Status && SameDay(s.PlannedDate, o.PlannedDate) &&
		SameClockTime(s.PlannedTime, o.PlannedTime) && s.Place == o.Place && SameDay(s.HeldDate, o.HeldDate) &&
		eqInt(s.DelegatesExpected, o.DelegatesExpected) && eqInt(s.DelegatesPresent, o.DelegatesPresent) &&
		s.IsPilot == o.IsPilot && s.LessonsLearned == o.LessonsLearned && SameDay(s.DeadlineOverride, o.DeadlineOverride) &&
		s.DeadlineOverrideReason == o.DeadlineOverrideReason && s.CascadeOverrideReason == o.CascadeOverrideReason
}

// CongressPatch is a partial update of a congress; nil (absent) fields stay
// as they are, and an empty date string (or null) clears the date; no other
// field may be null. Version is the version the client read. Reason
// explains a correction (a step back) and goes to the audit log.
type CongressPatch struct {
	Status                *string `json:"status"`
	PlannedDate           *string `json:"planned_date" input:"nullable"`
	PlannedTime           *string `json:"planned_time" input:"nullable"`
	Place                 *string `json:"place" input:"nullable"`
	HeldDate              *string `json:"held_date" input:"nullable"`
	DelegatesExpected     *int    `json:"delegates_expected"`
	DelegatesPresent      *int    `json:"delegates_present"`
	LessonsLearned        *string `json:"lessons_learned"`
	CascadeOverrideReason *string `json:"cascade_override_reason"`
	Reason                string  `json:"reason"`
	Version               int     `json:"version" input:"required"`
}

// Normalize cleans the texts of the patch (CleanText): the reasons and the
// lessons learned as multi-line texts, the status and the dates trimmed. A
// broken text is left as it came, for ApplyCongressPatch to refuse.
func (p *CongressPatch) Normalize() {
	line := func(s *string) {
		if s != nil {
			x, _ := CleanText(*s, OneLine)
			*s = x
		}
	}
	lines := func(s *string) {
		if s != nil {
			x, _ := CleanText(*s, MultiLine)
			*s = x
		}
	}
	line(p.Status)
	line(p.PlannedDate)
	line(p.PlannedTime)
	line(p.Place)
	line(p.HeldDate)
	lines(p.LessonsLearned)
	lines(p.CascadeOverrideReason)
	lines(&p.Reason)
}

// CongressFacts are what the rules of a congress update need to know beyond
// the congress itself, read in the transaction of the update.
type CongressFacts struct {
	RoundStart Day
	// LastDeadline is the latest deadline of the round's rules (nil: none).
	LastDeadline *Day
	Today        Day
	// PlanApproved: the congress_plan milestone has been approved.
	PlanApproved bool
	// ResultsRecorded: the results of the congress have been entered.
	ResultsRecorded bool
	// PapersMissing are the required papers not attached (live) yet, read
	// for a held congress only: they count for its step to results reported.
	PapersMissing []PaperKind
	// BelowTotal and BelowHeld count the active units below the unit and
	// how many of them have held their congress (from the rollups).
	BelowTotal, BelowHeld int
	// MayCorrect: the caller is a board user of an ancestor unit, who may
	// step a status back and override the cascade rule.
	MayCorrect bool
	// IsCell: the unit is a cell (its congress is of all its members).
	IsCell bool
	// ParentHeld is the day the unit above held its congress, when it did
	// without overriding the rule that the units below hold theirs first:
	// a day held is not after it. (The day a plan's approval is recorded
	// may come after the congress, when it is entered late: no bound.)
	ParentHeld *Day
}

// Span is the span of the days that make sense in the round.
func (f CongressFacts) Span() RoundSpan {
	return RoundSpan{Start: f.RoundStart, LastDeadline: f.LastDeadline}
}

// MaxDelegates bounds the delegates of one congress; anything above is a typing mistake.
const MaxDelegates = 100_000

// MaxLessonsLength bounds a lessons-learned note.
const MaxLessonsLength = 20_000

// ApplyCongressPatch applies patch to cur under the rules of a congress:
// status moves one step forward at a time (plan approved needs the approved
// congress plan, held needs a held date and every unit below held unless an
// ancestor's board overrides, results reported needs the results and the
// required papers), or one
// step back as a correction by an ancestor's board with a reason; dates must
// exist, a held date cannot be in the future nor before the round started;
// counts are between 0 and MaxDelegates; only a held pilot carries lessons.
// It returns the new state, or a forbidden or invalid error naming each field.
func ApplyCongressPatch(cur Congress, p CongressPatch, f CongressFacts) (Congress, error) {
	next := cur
	var v Validation
	target := cur.Status
	if p.Status != nil {
		s := CongressStatus(strings.TrimSpace(*p.Status))
		if !s.Valid() {
			v.Add("status", fmt.Sprintf("Trạng thái %q không tồn tại", *p.Status), fmt.Sprintf("unknown status %q", *p.Status))
		} else {
			target = s
		}
	}
	step := target.Step() - cur.Status.Step()
	override := ""
	if p.CascadeOverrideReason != nil {
		override, _ = CleanText(*p.CascadeOverrideReason, MultiLine)
	}
	if override != "" && !f.MayCorrect {
		return cur, Forbidden()
	}
	if step == -1 && !f.MayCorrect {
		return cur, Forbidden()
	}
	CheckReason(&v, "reason", p.Reason, step == -1)
	switch {
	case step == 0, step == -1:
	case step == 1:
		checkForward(target, f, override, &v)
	case step > 1:
		v.Add("status", fmt.Sprintf("Không thể chuyển từ %q sang %q: phải lần lượt từng bước", cur.Status.Name().VI, target.Name().VI),
			fmt.Sprintf("cannot go from %q to %q: the status moves one step at a time", cur.Status.Name().EN, target.Name().EN))
	default:
		v.Add("status", fmt.Sprintf("Chỉ được lùi một bước (từ %q)", cur.Status.Name().VI),
			fmt.Sprintf("the status goes back one step at a time (from %q)", cur.Status.Name().EN))
	}
	next.Status = target
	if override != "" {
		CheckReason(&v, "cascade_override_reason", override, true)
		if !(step == 1 && target == StatusHeld) {
			v.Add("cascade_override_reason", "Chỉ dùng khi chuyển sang trạng thái đã đại hội", "only used when the status becomes held")
		} else if f.BelowHeld < f.BelowTotal {
			next.CascadeOverrideReason = override
		}
	}
	applyDates(&next, cur, p, f, step, &v)
	if checkCount(&v, "delegates_expected", p.DelegatesExpected, &next.DelegatesExpected) && next.DelegatesExpected != nil &&
		next.Members > 0 && *next.DelegatesExpected > next.Members {
		v.Add("delegates_expected", fmt.Sprintf("Nhiều hơn số đảng viên của đơn vị (%d)", next.Members),
			fmt.Sprintf("more than the unit's party members (%d)", next.Members))
	}
	if checkCount(&v, "delegates_present", p.DelegatesPresent, &next.DelegatesPresent) || p.DelegatesExpected != nil {
		next.Attendance(f.IsCell).Check(&v, next.DelegatesPresent)
	}
	if p.LessonsLearned != nil {
		l, _ := CleanText(*p.LessonsLearned, MultiLine)
		switch {
		case textProblem(l) != nil:
			CheckText(&v, 0, "lessons_learned", l, MultiLine)
		case l == "":
		case !target.Held():
			v.Add("lessons_learned", "Chỉ ghi bài học kinh nghiệm sau khi đã đại hội", "lessons learned are recorded once the congress is held")
		case !cur.IsPilot:
			v.Add("lessons_learned", "Chỉ đại hội điểm mới ghi bài học kinh nghiệm", "only a pilot congress carries lessons learned")
		case utf8.RuneCountInString(l) > MaxLessonsLength:
			v.Add("lessons_learned", fmt.Sprintf("Tối đa %d ký tự", MaxLessonsLength), fmt.Sprintf("at most %d characters", MaxLessonsLength))
		}
		next.LessonsLearned = l
	}
	return next, v.Err()
}

// checkForward checks the conditions of moving one step forward to target.
func checkForward(target CongressStatus, f CongressFacts, override string, v *Validation) {
	switch target {
	case StatusPlanApproved:
		if !f.PlanApproved {
			v.Add("status", fmt.Sprintf("Chưa thể chuyển sang %q: phương án tổ chức đại hội chưa được cấp trên phê duyệt", StatusPlanApproved.Name().VI),
				fmt.Sprintf("the status cannot become %q: the congress plan lacks its approval by the superior", StatusPlanApproved.Name().EN))
		}
	case StatusHeld:
		if f.BelowHeld < f.BelowTotal && override == "" {
			n := f.BelowTotal - f.BelowHeld
			v.Add("status", fmt.Sprintf("Còn %d/%d đơn vị trực thuộc chưa tổ chức đại hội; chỉ Ban Tổ chức cấp trên ghi nhận được đại hội trước các đơn vị đó, kèm lý do tổ chức trước (trong API: cascade_override_reason)", n, f.BelowTotal),
				fmt.Sprintf("%s not held %s congress yet; only a board above can record this congress before them, with the reason to hold it first (in the API: cascade_override_reason)",
					countOf(n, f.BelowTotal, "unit below", "units below"), Plural(n, "its", "their")))
		}
	case StatusResultsReported:
		if !f.ResultsRecorded {
			v.Add("status", "Chưa nhập kết quả đại hội", "the results of the congress have not been recorded")
		}
		if len(f.PapersMissing) > 0 {
			t := MissingPapersText(f.PapersMissing)
			v.Add("status", "Chưa gửi đủ văn bản đại hội: còn thiếu "+t.VI, "the papers of the congress are missing: "+t.EN)
		}
	}
}

// applyDates applies the planned and held dates of the patch.
func applyDates(next *Congress, cur Congress, p CongressPatch, f CongressFacts, step int, v *Validation) {
	if p.PlannedDate != nil {
		if d, ok := ReadDay(v, "planned_date", strings.TrimSpace(*p.PlannedDate), false); ok {
			if d != nil {
				f.Span().CheckDay(v, "planned_date", *d)
			}
			next.PlannedDate = d
		}
	}
	if p.PlannedTime != nil {
		if t, ok := ReadClockTime(v, "planned_time", *p.PlannedTime); ok {
			next.PlannedTime = t
		}
	}
	if p.Place != nil {
		next.Place = ReadPlace(v, "place", *p.Place)
	}
	held := cur.HeldDate
	heldOK := true
	if p.HeldDate != nil {
		var d *Day
		d, heldOK = ReadDay(v, "held_date", strings.TrimSpace(*p.HeldDate), false)
		if heldOK && d != nil {
			switch {
			case d.After(f.Today):
				v.Add("held_date", fmt.Sprintf("Ngày đại hội %s ở tương lai (hôm nay là %s): hãy nhập ngày đã tổ chức", d.VI(), f.Today.VI()),
					fmt.Sprintf("the held date %s is in the future (today is %s): type the day it was held", d.VI(), f.Today.VI()))
				heldOK = false
			case !f.Span().CheckDay(v, "held_date", *d):
				heldOK = false
			case f.ParentHeld != nil && d.After(*f.ParentHeld):
				v.Add("held_date", fmt.Sprintf("Đơn vị cấp trên đã đại hội ngày %s: đại hội của đơn vị trực thuộc phải trước hoặc cùng ngày đó", f.ParentHeld.VI()),
					fmt.Sprintf("the unit above held its congress on %s: a unit below holds its own on or before that day", f.ParentHeld.String()))
				heldOK = false
			}
		}
		held = d
	}
	switch {
	case next.Status.Held() && held == nil && heldOK:
		v.Add("held_date", "Cần ngày tổ chức đại hội", "the held date is required once the congress is held")
	case !next.Status.Held() && p.HeldDate != nil && strings.TrimSpace(*p.HeldDate) != "":
		v.Add("held_date", "Chỉ ghi ngày đại hội khi chuyển trạng thái sang đã đại hội", "a held date goes with the status held")
	}
	if next.Status.Held() {
		next.HeldDate = held
	} else {
		next.HeldDate = nil
		if step == -1 {
			next.CascadeOverrideReason = ""
		}
	}
}

// countOf says, in English, n of the total things: "1 of the 11 units
// below has", "3 of the 11 units below have", "the only unit below has".
func countOf(n, total int, one, other string) string {
	switch {
	case total == 1 && n == 1:
		return "the only " + one + " has"
	case n == 1:
		return fmt.Sprintf("1 of the %d %s has", total, other)
	}
	return fmt.Sprintf("%d of the %d %s have", n, total, Plural(total, one, other))
}

// Plural returns one when n is 1, other otherwise: the English plural
// (Vietnamese has a single form).
func Plural(n int, one, other string) string {
	if n == 1 {
		return one
	}
	return other
}

// checkCount applies a count of the patch: between 0 and MaxDelegates. It
// reports whether the patch set it.
func checkCount(v *Validation, field string, n *int, dst **int) bool {
	if n == nil {
		return false
	}
	if *n < 0 || *n > MaxDelegates {
		v.Add(field, fmt.Sprintf("Phải là số nguyên từ 0 đến %d", MaxDelegates), fmt.Sprintf("must be a whole number from 0 to %d", MaxDelegates))
		return false
	}
	x := *n
	*dst = &x
	return true
}

// Attendance is who attends a unit's congress: all its members, or, at a
// congress of delegates, the delegates called to it; and how many are
// expected (0: not known, no bound).
type Attendance struct {
	Delegates bool `json:"delegates"`
	Expected  int  `json:"expected"`
}

// Attendance returns who attends c's congress: a cell's congress is of all
// its members; another unit's is a congress of delegates when delegates are
// expected (a grassroots committee with many members), else of all its
// members.
func (c Congress) Attendance(isCell bool) Attendance {
	if !isCell && c.DelegatesExpected != nil && *c.DelegatesExpected > 0 {
		return Attendance{Delegates: true, Expected: *c.DelegatesExpected}
	}
	return Attendance{Expected: c.Members}
}

// Check refuses (field delegates_present) more present than expected, in
// the words of the congress: members or delegates.
func (a Attendance) Check(v *Validation, present *int) {
	if present == nil || a.Expected <= 0 || *present <= a.Expected {
		return
	}
	if a.Delegates {
		v.Add("delegates_present", fmt.Sprintf("Số đại biểu có mặt (%d) nhiều hơn số đại biểu được triệu tập (%d)", *present, a.Expected),
			fmt.Sprintf("%d delegates present, more than the %d delegates called", *present, a.Expected))
		return
	}
	v.Add("delegates_present", fmt.Sprintf("Số đảng viên có mặt (%d) nhiều hơn số đảng viên của đơn vị (%d)", *present, a.Expected),
		fmt.Sprintf("%d members present, more than the unit's %d members", *present, a.Expected))
}

// AuditEntry is one recorded change of a round: who, when, on which unit,
// what was done, before and after, and why.
type AuditEntry struct {
	ID       int64     `json:"id" db:"id"`
	At       time.Time `json:"at" db:"at"`
	Username string    `json:"user" db:"username"`
	// FullName is the user's name as the account holds it now ("" for the
	// system, or an account gone).
	FullName string  `json:"user_name,omitempty" db:"full_name"`
	Action   string  `json:"action" db:"action"`
	Entity   string  `json:"entity" db:"entity"`
	UnitCode string  `json:"unit_code,omitempty" db:"unit_code"`
	UnitName string  `json:"unit_name,omitempty" db:"unit_name"`
	UnitPath string  `json:"-" db:"unit_path"`
	Before   RawJSON `json:"before" db:"before"`
	After    RawJSON `json:"after" db:"after"`
	Reason   string  `json:"reason,omitempty" db:"reason"`
	// Summary says what was done, as a sentence (Describe).
	Summary Text `json:"summary" db:"-"`
}

// CongressText names congresses in messages.
var CongressText = Text{VI: "đại hội của đơn vị", EN: "congress of unit"}
