package domain

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

func cgDay(s string) Day {
	t, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return DayOf(t)
}

func TestDeadlineRuleInputValidation(t *testing.T) {
	rules := testRules()
	cases := []struct {
		name   string
		in     DeadlineRuleInput
		reason bool
		fields []string
	}{
		{"a good rule", DeadlineRuleInput{Kind: "cell", Category: "residential", Deadline: "2020-03-31", Reason: "Kế hoạch"}, true, nil},
		{"no reason for a change", DeadlineRuleInput{Kind: "cell", Deadline: "2020-03-31"}, true, []string{"reason"}},
		{"no reason needed when a round is created", DeadlineRuleInput{Kind: "cell", Deadline: "2020-03-31"}, false, nil},
		{"a day that does not exist", DeadlineRuleInput{Kind: "cell", Deadline: "2020-02-30", Reason: "x"}, true, []string{"deadline"}},
		{"no day", DeadlineRuleInput{Kind: "cell", Reason: "x"}, true, []string{"deadline"}},
		{"an unknown kind", DeadlineRuleInput{Kind: "ship", Deadline: "2020-03-31", Reason: "x"}, true, []string{"kind"}},
		{"a category for wards", DeadlineRuleInput{Kind: "grassroots_committee", Category: "school", Deadline: "2020-03-31", Reason: "x"}, true, []string{"category"}},
		{"an unknown category", DeadlineRuleInput{Kind: "cell", Category: "moon", Deadline: "2020-03-31", Reason: "x"}, true, []string{"category"}},
		{"a reason with control characters", DeadlineRuleInput{Kind: "cell", Deadline: "2020-03-31", Reason: "a\x1bb"}, true, []string{"reason"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v Validation
			c.in.Validate(rules, c.reason, "", &v)
			if got := cgFields(v.Fields); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
}

func cgFields(fs []FieldError) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Field)
		if f.Message.VI == "" || f.Message.EN == "" {
			panic("a message is missing a language: " + f.Field)
		}
	}
	return out
}

func TestDayReadsAndWritesCalendarDays(t *testing.T) {
	var d Day
	if err := json.Unmarshal([]byte(`"2020-03-19"`), &d); err != nil || d.String() != "2020-03-19" || d.VI() != "19/03/2020" {
		t.Errorf("day %v (%v)", d, err)
	}
	if err := json.Unmarshal([]byte(`"2020-02-30"`), &d); err == nil {
		t.Error("2020-02-30 accepted")
	}
	b, _ := json.Marshal(struct{ D *Day }{DayPtr(time.Date(2020, 3, 19, 23, 30, 0, 0, Location))})
	if string(b) != `{"D":"2020-03-19"}` {
		t.Errorf("json %s", b)
	}
	if err := d.Scan(time.Date(2020, 2, 29, 0, 0, 0, 0, time.FixedZone("", 7*3600))); err != nil || d.String() != "2020-02-29" {
		t.Errorf("scan %v (%v)", d, err)
	}
	if got := DaysBetween(cgDay("2020-03-19").Time, cgDay("2020-04-05").Time); got != 17 {
		t.Errorf("days between = %d", got)
	}
}
