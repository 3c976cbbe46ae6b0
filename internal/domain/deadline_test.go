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

func TestBestDeadlineRulePrecedence(t *testing.T) {
	// The tree: 1 city, 1.2 district, 1.2.3 ward, 1.2.3.4 cell.
	rules := []DeadlineRule{
		{ID: 1, Kind: "cell", Deadline: cgDay("2020-03-31")},
		{ID: 2, Kind: "cell", Category: "residential", Deadline: cgDay("2020-03-25")},
		{ID: 3, ScopePath: "1.2", Kind: "cell", Deadline: cgDay("2020-03-20")},
		{ID: 4, ScopePath: "1.2", Kind: "cell", Category: "residential", Deadline: cgDay("2020-03-15")},
		{ID: 5, ScopePath: "1.2.3", Kind: "cell", Category: "school", Deadline: cgDay("2020-03-10")},
		{ID: 6, Kind: "grassroots_committee", Deadline: cgDay("2020-06-30")},
		{ID: 7, ScopePath: "1.9", Kind: "cell", Deadline: cgDay("2020-02-01")},
	}
	cases := []struct {
		name, kind, category, path string
		want                       int64
	}{
		{"a cell elsewhere takes the whole-tree rule", "cell", "agency", "5.6.7", 1},
		{"a residential cell elsewhere takes the category rule", "cell", "residential", "5.6.7", 2},
		{"the district's general rule beats a whole-tree category rule", "cell", "agency", "1.2.8.9", 3},
		{"the district's category rule beats its general rule", "cell", "residential", "1.2.8.9", 4},
		{"the ward's category rule beats the district's", "cell", "school", "1.2.3.4", 5},
		{"a category rule of another category does not apply", "cell", "residential", "1.2.3.4", 4},
		{"a rule of another subtree does not apply", "cell", "hospital", "1.2.3.4", 3},
		{"a prefix of a label is not an ancestor", "cell", "", "1.22.3", 1},
		{"a ward takes the rule of its kind", "grassroots_committee", "", "1.2.3", 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := BestDeadlineRule(rules, c.kind, c.category, c.path)
			if !ok || got.ID != c.want {
				t.Errorf("rule %d (%v), want %d", got.ID, ok, c.want)
			}
		})
	}
	t.Run("no rule for a kind", func(t *testing.T) {
		if _, ok := BestDeadlineRule(rules, "district", "", "1.2"); ok {
			t.Error("found a rule")
		}
		if d, src := EffectiveDeadline(nil, rules, "district", "", "1.2"); d != nil || src != "" {
			t.Errorf("deadline %v from %q", d, src)
		}
	})
	t.Run("an override beats every rule", func(t *testing.T) {
		o := cgDay("2020-05-01")
		d, src := EffectiveDeadline(&o, rules, "cell", "school", "1.2.3.4")
		if d.String() != "2020-05-01" || src != DeadlineFromOverride {
			t.Errorf("deadline %v from %q", d, src)
		}
		d, src = EffectiveDeadline(nil, rules, "cell", "school", "1.2.3.4")
		if d.String() != "2020-03-10" || src != DeadlineFromRule {
			t.Errorf("deadline %v from %q", d, src)
		}
	})
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
