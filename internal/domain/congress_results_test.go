package domain

import (
	"slices"
	"strings"
	"testing"
)

func TestPercentOf(t *testing.T) {
	cases := []struct {
		part, whole int
		vi, en      string
		value       float64
	}{
		{35, 39, "89,74%", "89.74%", 89.74},
		{39, 39, "100,00%", "100.00%", 100},
		{0, 39, "0,00%", "0.00%", 0},
		{9, 13, "69,23%", "69.23%", 69.23},
		{7, 13, "53,85%", "53.85%", 53.85},
		{1, 8, "12,50%", "12.50%", 12.5},  // 12.5 exactly
		{1, 6, "16,67%", "16.67%", 16.67}, // 16.666… rounds up
		{2, 3, "66,67%", "66.67%", 66.67},
	}
	for _, c := range cases {
		p, ok := PercentOf(c.part, c.whole, BaseDelegatesPresent)
		if !ok || p.VI != c.vi || p.EN != c.en || p.Value != c.value || p.Base != "delegates_present" {
			t.Errorf("%d/%d = %+v, want %s", c.part, c.whole, p, c.vi)
		}
	}
	if _, ok := PercentOf(1, 0, ""); ok {
		t.Error("a share of nothing")
	}
}

func TestResultsValidation(t *testing.T) {
	good := ElectedInput{Position: "secretary", FullName: "Nguyễn Thị Hoa", VotesFor: 35, ValidBallots: 35, DelegatesPresent: 39}
	cases := []struct {
		name   string
		in     ResultsInput
		fields []string
	}{
		{"35/35/39", ResultsInput{CommitteeSize: 13, CommitteeWomen: 7, Elected: []ElectedInput{good}}, nil},
		{"votes above ballots", ResultsInput{CommitteeSize: 13, Elected: []ElectedInput{good, {Position: "committee", FullName: "A", VotesFor: 36, ValidBallots: 35, DelegatesPresent: 39}}},
			[]string{"elected[1].votes_for"}},
		{"ballots above delegates", ResultsInput{CommitteeSize: 9, Elected: []ElectedInput{{Position: "committee", FullName: "A", VotesFor: 30, ValidBallots: 40, DelegatesPresent: 39}}},
			[]string{"elected[0].valid_ballots"}},
		{"two secretaries", ResultsInput{CommitteeSize: 9, Elected: []ElectedInput{good, {Position: "secretary", FullName: "Trần B", VotesFor: 1, ValidBallots: 1, DelegatesPresent: 1}}},
			[]string{"elected[1].position"}},
		{"the secretary named otherwise", ResultsInput{CommitteeSize: 9, SecretaryName: "Lê Văn C", Elected: []ElectedInput{good}},
			[]string{"secretary_name"}},
		{"the secretary named alike", ResultsInput{CommitteeSize: 9, SecretaryName: "nguyễn thị hoa", CommitteeWomen: 0, Elected: []ElectedInput{good}}, nil},
		{"more members entered than the committee", ResultsInput{CommitteeSize: 1, Elected: []ElectedInput{good, {Position: "committee", FullName: "Trần B", VotesFor: 1, ValidBallots: 1, DelegatesPresent: 1}}},
			[]string{"committee_size"}},
		{"fewer women than entered", ResultsInput{CommitteeSize: 9, CommitteeWomen: 0, Elected: []ElectedInput{{Position: "committee", FullName: "Trần B", IsWoman: true, VotesFor: 1, ValidBallots: 1, DelegatesPresent: 1}}},
			[]string{"committee_women"}},
		{"the whole committee entered, women miscounted", ResultsInput{CommitteeSize: 1, CommitteeWomen: 1, Elected: []ElectedInput{good}},
			[]string{"committee_women"}},
		{"delegates are not of the committee", ResultsInput{CommitteeSize: 0, Elected: []ElectedInput{{Position: "delegate", FullName: "Trần B", IsWoman: true, VotesFor: 1, ValidBallots: 1, DelegatesPresent: 1}}}, nil},
		{"negative counts", ResultsInput{CommitteeSize: -1, DelegatesElected: -2}, []string{"committee_size", "delegates_elected"}},
		{"more women than members", ResultsInput{CommitteeSize: 5, CommitteeWomen: 6}, []string{"committee_women"}},
		{"no name, unknown position", ResultsInput{Elected: []ElectedInput{{Position: "king", VotesFor: 1, ValidBallots: 1, DelegatesPresent: 1}}},
			[]string{"elected[0].position", "elected[0].full_name"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var v Validation
			c.in.Validate(&v)
			if got := cgFields(v.Fields); !slices.Equal(got, c.fields) {
				t.Errorf("fields %v, want %v", got, c.fields)
			}
		})
	}
	t.Run("the results carry the percentages", func(t *testing.T) {
		r := Results{CommitteeSize: 13, CommitteeWomen: 7, Elected: []Elected{{VotesFor: 35, ValidBallots: 35, DelegatesPresent: 39}}}
		r.Fill()
		if r.Elected[0].Percent.VI != "89,74%" || r.WomenShare.VI != "53,85%" {
			t.Errorf("%+v %+v", r.Elected[0].Percent, r.WomenShare)
		}
	})
}

func TestCountWomenCountsTheWomenOnTheCommitteeOnce(t *testing.T) {
	in := ResultsInput{Elected: []ElectedInput{
		{Position: "secretary", FullName: "Lê Thị Thu Hà", IsWoman: true},
		{Position: "delegate", FullName: "Lê Thị Thu Hà", IsWoman: true}, // the same woman, also a delegate
		{Position: "committee", FullName: "Nguyễn Văn An"},
		{Position: "committee", FullName: "Trần Thị Mai", IsWoman: true},
		{Position: "delegate", FullName: "Phạm Thị Lan", IsWoman: true}, // a delegate only: not on the committee
		{Position: "", FullName: "Đỗ Thị Hoa", IsWoman: true},           // no position chosen
	}, CommitteeWomen: 9}
	in.CountWomen()
	if in.CommitteeWomen != 2 {
		t.Errorf("CommitteeWomen = %d, want 2", in.CommitteeWomen)
	}
}

func TestARecordedChangeOfResultsHidesThePeoplesPersonalData(t *testing.T) {
	after := `{"committee_size":1,"elected":[{"position":"secretary","full_name":"Nguyễn Thị Hoa","is_woman":true,"birth_year":1985,"ethnic_minority":true,"re_elected":true,"votes_for":35,"valid_ballots":35,"delegates_present":39}],"personal":true}`
	for _, tc := range []struct {
		name          string
		entry         AuditEntry
		before, after string // what must stay, "" when left out
		hidden        []string
	}{
		{"results: no personal field stays", AuditEntry{Entity: ResultsEntity, After: RawJSON(after)}, "", "Nguyễn Thị Hoa",
			[]string{`"is_woman"`, `"birth_year"`, `"ethnic_minority":true`, `"re_elected":true`, `"personal":true`}},
		{"results before and after", AuditEntry{Entity: ResultsEntity, Before: RawJSON(after), After: RawJSON(after)}, "Nguyễn Thị Hoa", "Nguyễn Thị Hoa",
			[]string{`"birth_year"`}},
		{"an unreadable document is left out", AuditEntry{Entity: ResultsEntity, After: RawJSON(`{"elected":7}`)}, "", "", nil},
		{"other changes are kept", AuditEntry{Entity: "congress", After: RawJSON(`{"birth_year":1}`)}, "", "birth_year", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.entry
			e.HidePersonalData()
			for _, doc := range []struct {
				got  RawJSON
				want string
			}{{e.Before, tc.before}, {e.After, tc.after}} {
				s := string(doc.got)
				if (doc.want == "") != (len(doc.got) == 0) || !strings.Contains(s, doc.want) {
					t.Errorf("%s, want it holding %q", s, doc.want)
				}
				for _, h := range tc.hidden {
					if strings.Contains(s, h) {
						t.Errorf("%s still holds %s", s, h)
					}
				}
			}
		})
	}
}

func TestTheSecretaryIsWrittenAsTheSecretaryElected(t *testing.T) {
	in := ResultsInput{SecretaryName: " nguyễn văn a ", Elected: []ElectedInput{{Position: "secretary", FullName: "Nguyễn Văn A"}}}
	in.Normalize()
	if in.SecretaryName != "Nguyễn Văn A" {
		t.Errorf("secretary_name %q, want the elected secretary's spelling", in.SecretaryName)
	}
}
