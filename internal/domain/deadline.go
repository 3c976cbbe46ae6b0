package domain

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// DeadlineRule says by when the units of a kind (optionally only the cells
// of one category) within the subtree of a scope unit hold their congress in
// a round. A rule without scope covers the whole tree.
type DeadlineRule struct {
	ID        int64  `json:"id" db:"id"`
	RoundID   int64  `json:"round_id" db:"round_id"`
	ScopeCode string `json:"scope_code,omitempty" db:"scope_code"`
	ScopeName string `json:"scope_name,omitempty" db:"scope_name"`
	// ScopePath is the ltree path of the scope unit, "" for the whole tree.
	ScopePath string `json:"-" db:"scope_path"`
	Kind      string `json:"kind" db:"kind"`
	Category  string `json:"category,omitempty" db:"category"`
	Deadline  Day    `json:"deadline" db:"deadline"`
	Version   int    `json:"version" db:"version"`
}

// Deadline sources: where the deadline in force of a unit comes from.
const (
	DeadlineFromOverride = "override"
	DeadlineFromRule     = "rule"
)

// DeadlineRuleInput creates or changes the rule of a round for a kind (and
// category) within the subtree of a scope unit ("" for the whole tree). A
// change needs a reason; the old deadline stays in the history.
type DeadlineRuleInput struct {
	ScopeCode string `json:"scope_code"`
	Kind      string `json:"kind" input:"required"`
	Category  string `json:"category"`
	Deadline  string `json:"deadline" input:"required"`
	Reason    string `json:"reason" input:"required"`
}

// Normalize trims the fields and normalises the scope code.
func (in *DeadlineRuleInput) Normalize() {
	in.ScopeCode = NormalizeCode(in.ScopeCode)
	in.Kind = strings.TrimSpace(in.Kind)
	in.Category = strings.TrimSpace(in.Category)
	in.Deadline = strings.TrimSpace(in.Deadline)
	in.Reason, _ = CleanText(in.Reason, MultiLine)
}

// Validate checks the rule's kind, category and date; needReason says
// whether a reason is required (every change made through the API).
// prefix names the fields of a rule inside a list ("deadlines[2].").
func (in DeadlineRuleInput) Validate(rules KindRules, needReason bool, prefix string, v *Validation) Day {
	if !rules.Known(in.Kind) {
		v.Add(prefix+"kind", fmt.Sprintf("Loại đơn vị %q không tồn tại", in.Kind), fmt.Sprintf("unknown unit kind %q", in.Kind))
	} else if in.Category != "" && !rules.IsCell(in.Kind) {
		v.Add(prefix+"category", "Chỉ chi bộ mới có loại hình", "only cells have a category")
	}
	if in.Category != "" && !ValidCategory(in.Category) {
		v.Add(prefix+"category", fmt.Sprintf("Loại hình %q không hợp lệ", in.Category), fmt.Sprintf("unknown category %q", in.Category))
	}
	d, ok := ReadDay(v, prefix+"deadline", in.Deadline, true)
	if needReason {
		CheckReason(v, prefix+"reason", in.Reason, true)
	}
	if !ok {
		return Day{}
	}
	return *d
}

// MaxReasonLength bounds a reason or a note.
const MaxReasonLength = 2000

// CheckReason refuses a reason that is missing (when required), too long or
// broken (CheckText: NUL, invalid UTF-8, control characters other than line
// breaks and tabs), and returns it cleaned (CleanText).
func CheckReason(v *Validation, field, reason string, required bool) string {
	switch {
	case textProblem(reason) != nil:
		return CheckText(v, 0, field, reason, MultiLine)
	}
	reason, _ = CleanText(reason, MultiLine)
	switch {
	case reason == "" && required:
		v.Add(field, "Cần nêu lý do", "a reason is required")
	case utf8.RuneCountInString(reason) > MaxReasonLength:
		v.Add(field, fmt.Sprintf("Dài quá %d ký tự", MaxReasonLength), fmt.Sprintf("longer than %d characters", MaxReasonLength))
	}
	return reason
}

// ReadDay reads the day of field (ParseDay: dd/mm/yyyy, or YYYY-MM-DD);
// an empty string is absent (refused when required). It returns nil when
// absent or wrong.
func ReadDay(v *Validation, field, s string, required bool) (*Day, bool) {
	if s == "" {
		if required {
			v.Add(field, "Cần nhập ngày (dd/mm/yyyy)", "a day (dd/mm/yyyy) is required")
			return nil, false
		}
		return nil, true
	}
	d, err := ParseDay(s)
	if errors.Is(err, ErrYearOutOfRange) {
		shown := ShowText(s, 40)
		v.Add(field, fmt.Sprintf("%q: năm phải từ %d đến %d", shown, MinYear, MaxYear),
			fmt.Sprintf("%q: the year must be from %d to %d", shown, MinYear, MaxYear))
		return nil, false
	}
	if err != nil {
		shown := ShowText(s, 40)
		v.Add(field, fmt.Sprintf("%q không phải là một ngày có thật; hãy nhập theo dạng dd/mm/yyyy, ví dụ 19/03/2020", shown),
			fmt.Sprintf("%q is not a day that exists; type it as dd/mm/yyyy, e.g. 19/03/2020", shown))
		return nil, false
	}
	return &d, true
}

// DeadlineChange is what the history keeps of a deadline before and after a change.
type DeadlineChange struct {
	ScopeCode string `json:"scope_code,omitempty"`
	UnitCode  string `json:"unit_code,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Category  string `json:"category,omitempty"`
	Deadline  *Day   `json:"deadline"`
}
