package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Percent is a share shown the way people quote it: 35 of 39 is 89.74,
// "89,74%" in Vietnamese and "89.74%" in English, computed on Base.
type Percent struct {
	Value float64 `json:"value"`
	VI    string  `json:"vi"`
	EN    string  `json:"en"`
	Base  string  `json:"base,omitempty"`
}

// PercentOf returns part of whole as a percentage with two decimals, the
// way a Share counts it (rounded half up with integers, no float drift),
// and false when whole is not positive.
func PercentOf(part, whole int, base string) (Percent, bool) {
	if whole <= 0 || part < 0 {
		return Percent{}, false
	}
	s := NewShare(part, whole)
	return Percent{Value: s.Percent, VI: s.In("vi"), EN: s.In("en"), Base: base}, true
}

// Positions of the people a congress elects.
var Positions = []struct {
	Code string
	Name Text
}{
	{"secretary", Text{"Bí thư", "Secretary"}},
	{"deputy_secretary", Text{"Phó Bí thư", "Deputy secretary"}},
	{"standing", Text{"Ủy viên Ban Thường vụ", "Standing committee member"}},
	{"committee", Text{"Ủy viên Ban Chấp hành", "Committee member"}},
	{"delegate", Text{"Đại biểu dự đại hội cấp trên", "Delegate to the higher congress"}},
}

// ValidPosition reports whether p is a known position.
func ValidPosition(p string) bool {
	for _, k := range Positions {
		if k.Code == p {
			return true
		}
	}
	return false
}

// ElectedInput is one person elected, with the votes: votes for / valid
// ballots / delegates present; and who they are, for the composition of
// the committee: gender, year of birth (0: not known), from an ethnic
// minority, re-elected.
type ElectedInput struct {
	Position         string `json:"position" input:"required"`
	FullName         string `json:"full_name" input:"required"`
	IsWoman          bool   `json:"is_woman"`
	VotesFor         int    `json:"votes_for" input:"required"`
	ValidBallots     int    `json:"valid_ballots" input:"required"`
	DelegatesPresent int    `json:"delegates_present" input:"required"`
	BirthYear        int    `json:"birth_year"`
	EthnicMinority   bool   `json:"ethnic_minority"`
	Reelected        bool   `json:"re_elected"`
}

// MinElectedAge and MaxElectedAge bound the age of a person elected at the
// congress (from the year of birth): anything outside is a typing mistake.
const (
	MinElectedAge = 18
	MaxElectedAge = 100
)

// CheckBirthYears refuses a year of birth that makes a person elected at a
// congress held on held younger than MinElectedAge or older than
// MaxElectedAge (the field is named elected[i].birth_year).
func (in ResultsInput) CheckBirthYears(held Day, v *Validation) {
	for i, e := range in.Elected {
		if e.BirthYear == 0 {
			continue
		}
		if age := held.Time.Year() - e.BirthYear; age < MinElectedAge || age > MaxElectedAge {
			v.Add(fmt.Sprintf("elected[%d].birth_year", i),
				fmt.Sprintf("Năm sinh %d không hợp lý: %d tuổi khi đại hội", e.BirthYear, age),
				fmt.Sprintf("year of birth %d is not plausible: %d years old at the congress", e.BirthYear, age))
		}
	}
}

// ResultsInput records the results of a congress. Version is the version of
// the results the client read (0 when there were none yet).
type ResultsInput struct {
	CommitteeSize    int            `json:"committee_size" input:"required"`
	CommitteeWomen   int            `json:"committee_women" input:"required"`
	SecretaryName    string         `json:"secretary_name"`
	DelegatesElected int            `json:"delegates_elected"`
	Elected          []ElectedInput `json:"elected"`
	Version          int            `json:"version" input:"required"`
}

// OnCommittee reports whether a person elected to position sits on the
// committee: every position but the delegates to the higher congress.
func OnCommittee(position string) bool { return ValidPosition(position) && position != "delegate" }

// CountWomen sets CommitteeWomen to the women among the people entered on
// the committee (OnCommittee), each name once: the results form counts them
// from the people entered rather than asking for the number.
func (in *ResultsInput) CountWomen() {
	seen := map[string]bool{}
	in.CommitteeWomen = 0
	for _, e := range in.Elected {
		name := strings.ToLower(strings.TrimSpace(e.FullName))
		if e.IsWoman && OnCommittee(e.Position) && name != "" && !seen[name] {
			seen[name] = true
			in.CommitteeWomen++
		}
	}
}

// MaxElected bounds the people of one result sheet.
const MaxElected = 2000

// Normalize trims the names and positions.
func (in *ResultsInput) Normalize() {
	in.SecretaryName, _ = CleanText(in.SecretaryName, OneLine)
	for i := range in.Elected {
		e := &in.Elected[i]
		e.FullName, _ = CleanText(e.FullName, OneLine)
		e.Position = strings.TrimSpace(e.Position)
		// The secretary named as the person elected is written as there.
		if e.Position == "secretary" && strings.EqualFold(in.SecretaryName, e.FullName) {
			in.SecretaryName = e.FullName
		}
	}
}

// Validate checks the results: counts between 0 and MaxDelegates, women
// within the committee, names present, and for each person votes for ≤
// valid ballots ≤ delegates present; fields of a person are named with its
// index, e.g. "elected[2].votes_for".
func (in ResultsInput) Validate(v *Validation) {
	count := func(field string, n int) bool {
		if n < 0 || n > MaxDelegates {
			v.Add(field, fmt.Sprintf("Phải là số nguyên từ 0 đến %d", MaxDelegates), fmt.Sprintf("must be a whole number from 0 to %d", MaxDelegates))
			return false
		}
		return true
	}
	if count("committee_size", in.CommitteeSize) && count("committee_women", in.CommitteeWomen) && in.CommitteeWomen > in.CommitteeSize {
		v.Add("committee_women", "Số nữ vượt quá số ủy viên ban chấp hành", "more women than members of the committee")
	}
	count("delegates_elected", in.DelegatesElected)
	checkName(v, "secretary_name", in.SecretaryName, false)
	if in.Version < 0 {
		v.Add("version", "Phiên bản không hợp lệ", "invalid version")
	}
	if len(in.Elected) > MaxElected {
		v.Add("elected", fmt.Sprintf("Tối đa %d người", MaxElected), fmt.Sprintf("at most %d people", MaxElected))
		return
	}
	for i, e := range in.Elected {
		f := func(name string) string { return fmt.Sprintf("elected[%d].%s", i, name) }
		switch {
		case e.Position == "":
			v.Add(f("position"), "Chọn chức danh của người trúng cử", "choose the position of the person elected")
		case !ValidPosition(e.Position):
			v.Add(f("position"), fmt.Sprintf("Chức danh %q không tồn tại", e.Position), fmt.Sprintf("unknown position %q", e.Position))
		}
		checkName(v, f("full_name"), e.FullName, true)
		if e.BirthYear != 0 && (e.BirthYear < 1900 || e.BirthYear > 2100) {
			v.Add(f("birth_year"), "Năm sinh phải có bốn chữ số (bỏ trống nếu không rõ)", "the year of birth has four digits (0 or absent when not known)")
		}
		ok := count(f("votes_for"), e.VotesFor)
		ok = count(f("valid_ballots"), e.ValidBallots) && ok
		ok = count(f("delegates_present"), e.DelegatesPresent) && ok
		if !ok {
			continue
		}
		if e.VotesFor > e.ValidBallots {
			v.Add(f("votes_for"), fmt.Sprintf("Số phiếu đồng ý (%d) vượt quá số phiếu hợp lệ (%d)", e.VotesFor, e.ValidBallots),
				fmt.Sprintf("votes for (%d) exceed the valid ballots (%d)", e.VotesFor, e.ValidBallots))
		}
		if e.ValidBallots > e.DelegatesPresent {
			v.Add(f("valid_ballots"), fmt.Sprintf("Số phiếu hợp lệ (%d) vượt quá số đại biểu có mặt (%d)", e.ValidBallots, e.DelegatesPresent),
				fmt.Sprintf("valid ballots (%d) exceed the delegates present (%d)", e.ValidBallots, e.DelegatesPresent))
		}
	}
	in.checkCommittee(v)
}

// checkCommittee checks that the people entered agree with the figures
// typed: one secretary at most, the one secretary_name names; no more
// members of the committee than its size; and its women counted from the
// people entered: at least those entered, exactly those when every member
// is entered. A report's composition and its results then tell the same.
func (in ResultsInput) checkCommittee(v *Validation) {
	seen := map[string]bool{}
	members, women, secretary := 0, 0, -1
	for i, e := range in.Elected {
		if e.Position == "secretary" {
			if secretary >= 0 {
				v.Add(fmt.Sprintf("elected[%d].position", i), fmt.Sprintf("Đã có bí thư: %s", in.Elected[secretary].FullName),
					fmt.Sprintf("a secretary is entered already: %s", in.Elected[secretary].FullName))
			} else {
				secretary = i
			}
		}
		name := strings.ToLower(e.FullName)
		if !OnCommittee(e.Position) || name == "" || seen[name] {
			continue
		}
		seen[name] = true
		members++
		if e.IsWoman {
			women++
		}
	}
	if secretary >= 0 && in.SecretaryName != "" && !strings.EqualFold(in.SecretaryName, in.Elected[secretary].FullName) {
		v.Add("secretary_name", fmt.Sprintf("Bí thư ghi là %s, nhưng người trúng cử bí thư là %s", in.SecretaryName, in.Elected[secretary].FullName),
			fmt.Sprintf("the secretary is written %s, but the person elected secretary is %s", in.SecretaryName, in.Elected[secretary].FullName))
	}
	switch {
	case in.CommitteeSize < 0 || in.CommitteeWomen < 0:
	case members > in.CommitteeSize:
		v.Add("committee_size", fmt.Sprintf("Đã nhập %d ủy viên ban chấp hành, nhiều hơn số ủy viên (%d)", members, in.CommitteeSize),
			fmt.Sprintf("%d committee members are entered, more than its size (%d)", members, in.CommitteeSize))
	case in.CommitteeWomen < women:
		v.Add("committee_women", fmt.Sprintf("Ít hơn số nữ trong danh sách đã nhập (%d)", women),
			fmt.Sprintf("fewer than the women among the people entered (%d)", women))
	case members == in.CommitteeSize && members > 0 && in.CommitteeWomen != women:
		v.Add("committee_women", fmt.Sprintf("Danh sách đủ %d ủy viên, trong đó %d nữ", members, women),
			fmt.Sprintf("all %d members are entered, %d of them women", members, women))
	}
}

// CheckPresent checks each person's delegates present against the
// congress's own, when it was recorded.
func (in ResultsInput) CheckPresent(c Congress, v *Validation) {
	if c.DelegatesPresent == nil || *c.DelegatesPresent <= 0 {
		return
	}
	for i, e := range in.Elected {
		if e.DelegatesPresent > *c.DelegatesPresent {
			v.Add(fmt.Sprintf("elected[%d].delegates_present", i),
				fmt.Sprintf("Vượt quá số có mặt tại đại hội (%d)", *c.DelegatesPresent),
				fmt.Sprintf("more than were present at the congress (%d)", *c.DelegatesPresent))
		}
	}
}

// checkName refuses a person's name that is missing (when required), too
// long or holds control characters.
func checkName(v *Validation, field, name string, required bool) {
	switch {
	case textProblem(name) != nil:
		CheckText(v, 0, field, name, OneLine)
	case name == "" && required:
		v.Add(field, "Thiếu họ tên", "the name is required")
	case utf8.RuneCountInString(name) > 200:
		v.Add(field, "Họ tên dài quá 200 ký tự", "the name is longer than 200 characters")
	}
}

// Same reports whether in records the results r as they stand: the same
// committee, secretary and delegates, and the same people in the same order.
func (in ResultsInput) Same(r Results) bool {
	if in.CommitteeSize != r.CommitteeSize || in.CommitteeWomen != r.CommitteeWomen ||
		in.SecretaryName != r.SecretaryName || in.DelegatesElected != r.DelegatesElected || len(in.Elected) != len(r.Elected) {
		return false
	}
	for i, e := range in.Elected {
		o := r.Elected[i]
		if e != o.Input() {
			return false
		}
	}
	return true
}

// Elected is one person elected with the votes and their share of the
// delegates present, and their personal data (gender, year of birth,
// ethnic minority, re-elected): left out (zero, omitted in JSON) for those
// who may not see them (Principal.MaySeePersonalData; Results.Personal
// says which).
type Elected struct {
	Position         string   `json:"position" db:"position"`
	FullName         string   `json:"full_name" db:"full_name"`
	IsWoman          bool     `json:"is_woman,omitempty" db:"is_woman"`
	VotesFor         int      `json:"votes_for" db:"votes_for"`
	ValidBallots     int      `json:"valid_ballots" db:"valid_ballots"`
	DelegatesPresent int      `json:"delegates_present" db:"delegates_present"`
	Percent          *Percent `json:"percent" db:"-"`
	BirthYear        *int     `json:"birth_year,omitempty" db:"birth_year"`
	EthnicMinority   bool     `json:"ethnic_minority,omitempty" db:"ethnic_minority"`
	Reelected        bool     `json:"re_elected,omitempty" db:"re_elected"`
}

// Input is the person as entered.
func (e Elected) Input() ElectedInput {
	in := ElectedInput{Position: e.Position, FullName: e.FullName, IsWoman: e.IsWoman, VotesFor: e.VotesFor,
		ValidBallots: e.ValidBallots, DelegatesPresent: e.DelegatesPresent, EthnicMinority: e.EthnicMinority, Reelected: e.Reelected}
	if e.BirthYear != nil {
		in.BirthYear = *e.BirthYear
	}
	return in
}

// Results are the results of a congress: the committee elected, the
// secretary, the delegates to the higher congress, and the votes.
type Results struct {
	RoundID          int64     `json:"round_id" db:"round_id"`
	UnitCode         string    `json:"unit_code" db:"unit_code"`
	CommitteeSize    int       `json:"committee_size" db:"committee_size"`
	CommitteeWomen   int       `json:"committee_women" db:"committee_women"`
	WomenShare       *Percent  `json:"women_share" db:"-"`
	SecretaryName    string    `json:"secretary_name" db:"secretary_name"`
	DelegatesElected int       `json:"delegates_elected" db:"delegates_elected"`
	Version          int       `json:"version" db:"version"`
	UpdatedAt        time.Time `json:"updated_at" db:"updated_at"`
	Elected          []Elected `json:"elected" db:"-"`
	// Composition is the committee's, from the people entered.
	Composition Composition `json:"composition" db:"-"`
	// Personal says whether the people's personal data are shown.
	Personal bool `json:"personal" db:"-"`
}

// HidePersonalData leaves out the personal data of the people elected.
func (r *Results) HidePersonalData() {
	r.Personal = false
	for i := range r.Elected {
		e := &r.Elected[i]
		e.IsWoman, e.BirthYear, e.EthnicMinority, e.Reelected = false, nil, false, false
	}
}

// ResultsEntity names the results of a congress in the audit log.
const ResultsEntity = "results"

// HidePersonalData leaves out of a recorded change of results the personal
// data of the people elected (Results.HidePersonalData, before and after);
// a document it cannot read is left out whole. Other changes are kept.
func (a *AuditEntry) HidePersonalData() {
	if a.Entity != ResultsEntity {
		return
	}
	for _, doc := range []*RawJSON{&a.Before, &a.After} {
		if len(*doc) == 0 || string(*doc) == "null" {
			continue
		}
		var r Results
		if err := json.Unmarshal(*doc, &r); err != nil {
			*doc = nil
			continue
		}
		r.HidePersonalData()
		b, err := json.Marshal(r)
		if err != nil {
			*doc = nil
			continue
		}
		*doc = b
	}
}

// BaseDelegatesPresent names the base of a vote's percentage: the
// delegates present, as in "35/35/39 = 89,74%".
const BaseDelegatesPresent = "delegates_present"

// Fill computes the percentages: each person's votes for over the delegates
// present, and the women's share of the committee.
func (r *Results) Fill() {
	if p, ok := PercentOf(r.CommitteeWomen, r.CommitteeSize, "committee_size"); ok {
		r.WomenShare = &p
	}
	for i := range r.Elected {
		e := &r.Elected[i]
		if p, ok := PercentOf(e.VotesFor, e.DelegatesPresent, BaseDelegatesPresent); ok {
			e.Percent = &p
		}
	}
}

// ResultsText names results in messages.
var ResultsText = Text{VI: "kết quả đại hội của đơn vị", EN: "results of unit"}

// NotHeldYet is the error when results are recorded for a congress not held.
func NotHeldYet() error {
	return Invalid("status", "Chỉ nhập kết quả khi đại hội đã được tổ chức", "results are recorded only once the congress is held")
}
