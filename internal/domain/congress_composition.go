package domain

import (
	"fmt"
	"math"
	"strings"
)

// The composition of the committees elected: the share of women, of people
// under 40 (youth), from an ethnic minority, re-elected, against the
// round's targets per unit kind and each unit's plan. The people counted
// are the committee's: every position but the delegates to the higher
// congress (SQL function committee_member).

// Measure is one figure of a committee's composition.
type Measure string

// The measures of a composition.
const (
	MeasureWomen          Measure = "women"
	MeasureYouth          Measure = "youth"
	MeasureEthnicMinority Measure = "ethnic_minority"
	MeasureReelected      Measure = "re_elected"
)

// Measures lists the measures with their names.
var Measures = []struct {
	Code Measure
	Name Text
}{
	{MeasureWomen, Text{"Nữ", "Women"}},
	{MeasureYouth, Text{"Dưới 40 tuổi", "Under 40"}},
	{MeasureEthnicMinority, Text{"Dân tộc thiểu số", "Ethnic minority"}},
	{MeasureReelected, Text{"Tái cử", "Re-elected"}},
}

// Valid reports whether m is a known measure.
func (m Measure) Valid() bool {
	for _, x := range Measures {
		if x.Code == m {
			return true
		}
	}
	return false
}

// Name returns the measure's names in both languages.
func (m Measure) Name() Text {
	for _, x := range Measures {
		if x.Code == m {
			return x.Name
		}
	}
	return Text{string(m), string(m)}
}

// YouthAge is the age from which a person elected no longer counts as
// young. The rule (SQL function elected_youth): the congress's year minus
// the year of birth (only the year is recorded) is below YouthAge.
const YouthAge = 40

// Composition counts the people of the committees elected: how many
// committees, members, and of them women, under 40, from an ethnic
// minority, re-elected; BirthYearUnknown counts the members without a year
// of birth (never counted young). Shares are of the members.
type Composition struct {
	Committees       int                 `json:"committees" db:"committees"`
	Members          int                 `json:"members" db:"members"`
	Women            int                 `json:"women" db:"women"`
	Youth            int                 `json:"youth" db:"youth"`
	EthnicMinority   int                 `json:"ethnic_minority" db:"ethnic_minority"`
	Reelected        int                 `json:"re_elected" db:"re_elected"`
	BirthYearUnknown int                 `json:"birth_year_unknown" db:"birth_year_unknown"`
	Shares           map[Measure]Percent `json:"shares" db:"-"`
}

// Count returns the members counted by m.
func (c Composition) Count(m Measure) int {
	switch m {
	case MeasureWomen:
		return c.Women
	case MeasureYouth:
		return c.Youth
	case MeasureEthnicMinority:
		return c.EthnicMinority
	case MeasureReelected:
		return c.Reelected
	}
	return 0
}

// Fill computes the shares of the members.
func (c *Composition) Fill() {
	c.Shares = map[Measure]Percent{}
	for _, m := range Measures {
		if p, ok := PercentOf(c.Count(m.Code), c.Members, "members"); ok {
			c.Shares[m.Code] = p
		}
	}
}

// Comparison says how a target compares a share: at least, about (within
// AboutPoints percentage points either way), at most.
type Comparison string

// The comparisons of a target.
const (
	AtLeast Comparison = "at_least"
	About   Comparison = "about"
	AtMost  Comparison = "at_most"
)

// AboutPoints is how far, in percentage points, a share may be from a
// target "about" it and still meet it.
const AboutPoints = 2

// Comparisons lists the comparisons with their names.
var Comparisons = []struct {
	Code Comparison
	Name Text
}{
	{AtLeast, Text{"ít nhất", "at least"}},
	{About, Text{"khoảng", "about"}},
	{AtMost, Text{"nhiều nhất", "at most"}},
}

// Name returns the comparison's names.
func (c Comparison) Name() Text {
	for _, x := range Comparisons {
		if x.Code == c {
			return x.Name
		}
	}
	return Text{string(c), string(c)}
}

// Valid reports whether c is a known comparison.
func (c Comparison) Valid() bool { return c.Name().VI != string(c) }

// hundredths is a percentage in hundredths of a point, rounded.
func hundredths(p float64) int { return int(math.Round(p * 100)) }

// Meets reports whether count of members meets the comparison with percent.
func (c Comparison) Meets(count, members int, percent float64) bool {
	if members <= 0 {
		return false
	}
	got, want := shareBP(count, members), hundredths(percent)
	switch c {
	case AtLeast:
		return got >= want
	case AtMost:
		return got <= want
	case About:
		return got >= want-AboutPoints*100 && got <= want+AboutPoints*100
	}
	return false
}

// PercentText writes a percentage as typed in a target or plan: "15%",
// "52,5%" in Vietnamese.
func PercentText(p float64, lang string) string {
	s := strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", p), "0"), ".")
	if Lang(lang) == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

// CompositionTarget is a target of a round for the committees of a unit
// kind within the subtree of a scope unit ("" for the whole tree).
type CompositionTarget struct {
	ID         int64      `json:"id" db:"id"`
	RoundID    int64      `json:"round_id" db:"round_id"`
	ScopeCode  string     `json:"scope_code,omitempty" db:"scope_code"`
	ScopeName  string     `json:"scope_name,omitempty" db:"scope_name"`
	ScopePath  string     `json:"-" db:"scope_path"`
	Kind       string     `json:"kind" db:"kind"`
	Measure    Measure    `json:"measure" db:"measure"`
	Comparison Comparison `json:"comparison" db:"comparison"`
	Percent    float64    `json:"percent" db:"percent"`
	Version    int        `json:"version" db:"version"`
}

// Text says the target as the boards write it: "Nữ ít nhất 15%".
func (t CompositionTarget) Text() Text {
	return Text{
		VI: t.Measure.Name().VI + " " + t.Comparison.Name().VI + " " + PercentText(t.Percent, "vi"),
		EN: t.Measure.Name().EN + " " + t.Comparison.Name().EN + " " + PercentText(t.Percent, "en"),
	}
}

// CompositionTargetInput sets a target with a reason.
type CompositionTargetInput struct {
	ScopeCode  string  `json:"scope_code"`
	Kind       string  `json:"kind" input:"required"`
	Measure    string  `json:"measure" input:"required"`
	Comparison string  `json:"comparison" input:"required"`
	Percent    float64 `json:"percent" input:"required"`
	Reason     string  `json:"reason" input:"required"`
}

// checkPercent refuses a percentage outside 0–100 or with more than two decimals.
func checkPercent(v *Validation, field string, p float64) {
	if math.IsNaN(p) || p < 0 || p > 100 || math.Abs(p*100-math.Round(p*100)) > 1e-6 {
		v.Add(field, "Tỷ lệ phải từ 0 đến 100, tối đa hai chữ số thập phân", "the percentage must be from 0 to 100, with at most two decimals")
	}
}

// checkMeasure refuses an unknown measure.
func checkMeasure(v *Validation, field, m string) {
	if !Measure(m).Valid() {
		v.Add(field, fmt.Sprintf("Chỉ tiêu %q không tồn tại", ShowText(m, 40)), fmt.Sprintf("unknown measure %q", ShowText(m, 40)))
	}
}

// Validate checks the target's kind, measure, comparison, percentage and reason.
func (in *CompositionTargetInput) Validate(rules KindRules, v *Validation) {
	in.ScopeCode = NormalizeCode(in.ScopeCode)
	in.Kind, in.Measure, in.Comparison = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Measure), strings.TrimSpace(in.Comparison)
	if !rules.Known(in.Kind) {
		v.Add("kind", fmt.Sprintf("Loại đơn vị %q không tồn tại", ShowText(in.Kind, 40)), fmt.Sprintf("unknown unit kind %q", ShowText(in.Kind, 40)))
	}
	checkMeasure(v, "measure", in.Measure)
	if !Comparison(in.Comparison).Valid() {
		v.Add("comparison", "So sánh phải là at_least, about hoặc at_most", "the comparison is at_least, about or at_most")
	}
	checkPercent(v, "percent", in.Percent)
	in.Reason = CheckReason(v, "reason", in.Reason, true)
}

// CompositionPlan is the planned share of a measure in a unit's committee.
type CompositionPlan struct {
	UnitCode string  `json:"unit_code" db:"unit_code"`
	UnitName string  `json:"unit_name" db:"unit_name"`
	Measure  Measure `json:"measure" db:"measure"`
	Percent  float64 `json:"percent" db:"percent"`
	Version  int     `json:"version" db:"version"`
}

// CompositionPlanInput sets a unit's planned share of a measure, with a reason.
type CompositionPlanInput struct {
	Measure string  `json:"measure" input:"required"`
	Percent float64 `json:"percent" input:"required"`
	Reason  string  `json:"reason" input:"required"`
}

// Validate checks the plan's measure, percentage and reason.
func (in *CompositionPlanInput) Validate(v *Validation) {
	in.Measure = strings.TrimSpace(in.Measure)
	checkMeasure(v, "measure", in.Measure)
	checkPercent(v, "percent", in.Percent)
	in.Reason = CheckReason(v, "reason", in.Reason, true)
}

// TargetCheck is a target against the composition it applies to: the
// share reached and whether it meets the target (nil: no member yet).
type TargetCheck struct {
	CompositionTarget
	Text   Text     `json:"text"`
	Actual *Percent `json:"actual"`
	Met    *bool    `json:"met"`
}

// PlanCheck is a unit's plan against its committee, once elected.
type PlanCheck struct {
	CompositionPlan
	Members int      `json:"members" db:"members"`
	Count   int      `json:"count" db:"count"`
	Actual  *Percent `json:"actual" db:"-"`
	Met     *bool    `json:"met" db:"-"`
}

// Fill computes the share reached and whether it meets the plan (at least
// the planned share, less AboutPoints: a plan is "about").
func (p *PlanCheck) Fill() {
	if pc, ok := PercentOf(p.Count, p.Members, "members"); ok {
		p.Actual = &pc
		met := About.Meets(p.Count, p.Members, p.Percent) || AtLeast.Meets(p.Count, p.Members, p.Percent)
		p.Met = &met
	}
}

// KindComposition is the composition of the committees of one unit kind
// in a subtree, with the targets in force for them there.
type KindComposition struct {
	Kind     string `json:"kind" db:"kind"`
	KindName Text   `json:"kind_name" db:"-"`
	Composition
	Targets []TargetCheck `json:"targets" db:"-"`
}

// CompositionReport is the composition of the committees elected so far in
// the subtree of a unit, per unit kind against the targets, and the plans
// of the units there against their committees.
type CompositionReport struct {
	RoundID  int64             `json:"round_id"`
	UnitCode string            `json:"unit_code"`
	Kinds    []KindComposition `json:"kinds"`
	Plans    []PlanCheck       `json:"plans"`
}

// Check sets each kind's shares and its targets' checks from targets (the
// targets in force at the unit, one per kind and measure).
func (r *CompositionReport) Check(targets []CompositionTarget, names func(kind string) Text) {
	for i := range r.Kinds {
		k := &r.Kinds[i]
		k.Fill()
		k.KindName = names(k.Kind)
		k.Targets = []TargetCheck{}
		for _, t := range targets {
			if t.Kind != k.Kind {
				continue
			}
			tc := TargetCheck{CompositionTarget: t, Text: t.Text()}
			if p, ok := k.Shares[t.Measure]; ok {
				tc.Actual = &p
				met := t.Comparison.Meets(k.Count(t.Measure), k.Members, t.Percent)
				tc.Met = &met
			}
			k.Targets = append(k.Targets, tc)
		}
	}
	for i := range r.Plans {
		r.Plans[i].Fill()
	}
}

// MaySeePersonalData reports whether p sees the personal data of the people
// elected at the unit at path (gender, year of birth, ethnic minority,
// re-elected): those who may update the unit (its secretary, a secretary
// or board user above, an admin). Viewers and supervisors see the
// aggregated figures only.
func (p Principal) MaySeePersonalData(path string) bool { return p.Can(ActUpdate, path) }

// In returns the percentage as written in lang: "89,74%" (vi), "89.74%" (en).
func (p Percent) In(lang string) string {
	if Lang(lang) == "en" {
		return p.EN
	}
	return p.VI
}
