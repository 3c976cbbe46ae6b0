package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// RoundInput creates a round: its name, the documents it follows, its start
// date, whether it becomes the current round, and its first deadline rules.
type RoundInput struct {
	Name      string              `json:"name"`
	Documents []string            `json:"documents"`
	StartDate string              `json:"start_date"`
	Current   bool                `json:"current"`
	Deadlines []DeadlineRuleInput `json:"deadlines"`
}

// Normalize trims the fields.
func (in *RoundInput) Normalize() {
	in.Name, _ = CleanText(in.Name, OneLine)
	docs := in.Documents[:0:0]
	for _, d := range in.Documents {
		if d, _ = CleanText(d, OneLine); d != "" {
			docs = append(docs, d)
		}
	}
	in.Documents = docs
	in.StartDate = strings.TrimSpace(in.StartDate)
	for i := range in.Deadlines {
		in.Deadlines[i].Normalize()
	}
}

// MaxRoundDocuments bounds the documents of a round.
const MaxRoundDocuments = 50

// Validate checks the round and its rules (without their scope units, which
// the caller looks up), returning the start date and each rule's deadline.
func (in RoundInput) Validate(rules KindRules, v *Validation) (Day, []Day) {
	switch {
	case textProblem(in.Name) != nil:
		CheckText(v, 0, "name", in.Name, OneLine)
	case in.Name == "":
		v.Add("name", "Thiếu tên đợt đại hội", "name is required")
	case utf8.RuneCountInString(in.Name) > 200:
		v.Add("name", "Tên dài quá 200 ký tự", "name is longer than 200 characters")
	}
	if len(in.Documents) > MaxRoundDocuments {
		v.Add("documents", fmt.Sprintf("Tối đa %d văn bản", MaxRoundDocuments), fmt.Sprintf("at most %d documents", MaxRoundDocuments))
	}
	for i, d := range in.Documents {
		if textProblem(d) != nil || utf8.RuneCountInString(d) > 200 {
			v.Add(fmt.Sprintf("documents[%d]", i), "Tên văn bản không hợp lệ (tối đa 200 ký tự)", "invalid document reference (at most 200 characters)")
		}
	}
	start, _ := ReadDay(v, "start_date", in.StartDate, true)
	days := make([]Day, len(in.Deadlines))
	seen := map[string]int{}
	for i, r := range in.Deadlines {
		prefix := fmt.Sprintf("deadlines[%d].", i)
		days[i] = r.Validate(rules, false, prefix, v)
		key := r.ScopeCode + "|" + r.Kind + "|" + r.Category
		if j, dup := seen[key]; dup {
			v.Add(prefix+"kind", fmt.Sprintf("Trùng với quy định số %d", j), fmt.Sprintf("same rule as deadlines[%d]", j))
		}
		seen[key] = i
	}
	if start == nil {
		return Day{}, days
	}
	span := RoundSpan{Start: *start}
	for i, r := range in.Deadlines {
		if r.Deadline != "" && !days[i].Time.IsZero() {
			span.CheckDay(v, fmt.Sprintf("deadlines[%d].deadline", i), days[i])
		}
	}
	return *start, days
}

// RoundDetail is a round with its deadline rules.
type RoundDetail struct {
	ID        int64          `json:"id"`
	Name      string         `json:"name"`
	Documents []string       `json:"documents"`
	StartDate Day            `json:"start_date"`
	IsCurrent bool           `json:"is_current"`
	CreatedAt time.Time      `json:"created_at"`
	Deadlines []DeadlineRule `json:"deadlines,omitempty"`
}

// RoundText names rounds in messages.
var RoundText = Text{VI: "đợt đại hội", EN: "round"}

// NoCurrentRound is the error when a request names no round and none is current.
func NoCurrentRound() *Error {
	return &Error{Code: ENotFound, Message: Text{
		VI: "Chưa có đợt đại hội hiện hành",
		EN: "There is no current round",
	}}
}
