package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// A ward's secretary can neither see nor change another ward's units from
// any page: the pages answer 404 (or say the unit is not found) and nothing
// is written.
func TestASecretaryCannotReachAnotherWardFromAnyPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("secretary", testPassword) // of HN.HBT.A
	const other = "HN.HBT.B.1"
	for _, path := range []string{"/units/" + other, "/units/HN.HBT.B", "/units/" + other + "/table.csv", "/units/HN.HBT.B/table.xlsx"} {
		if res := b.send("GET", path, nil); res.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d", path, res.Code)
		}
	}
	csrf := csrfField.FindStringSubmatch(b.send("GET", "/my", nil).Body.String())[1]
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{"/my/" + other, url.Values{"status": {"preparing"}, "version": {"1"}}},
		{"/units/" + other + "/milestones/subcommittees", url.Values{"done_on": {"2020-02-01"}}},
		{"/units/" + other + "/results", url.Values{"committee_size": {"3"}, "committee_women": {"1"}, "version": {"0"}}},
		{"/units/" + other + "/pilot", url.Values{"pilot": {"true"}}},
		{"/units/" + other + "/deadline", url.Values{"deadline": {"2020-05-01"}, "reason": {"x"}}},
		{"/round/rules", url.Values{"kind": {"cell"}, "scope_code": {"HN.HBT.B"}, "deadline": {"2020-05-01"}, "reason": {"x"}}},
	} {
		before := f.roundDigest()
		post.form.Set("csrf_token", csrf)
		res := b.send("POST", post.path, post.form)
		refused := res.Code == http.StatusNotFound || res.Code == http.StatusForbidden ||
			(res.Code == http.StatusSeeOther && strings.Contains(b.send("GET", res.Header().Get("Location"), nil).Body.String(), `class="flash flash-error"`))
		if !refused || f.roundDigest() != before {
			t.Errorf("POST %s: %d, wrote %v", post.path, res.Code, f.roundDigest() != before)
		}
	}
}

// The refusals of the forms come in the user's language, Vietnamese or English.
func TestFormRefusalsInBothLanguages(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.englishUser("lan", "board", "HN.HBT")
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	for _, tt := range []struct {
		user, lang string
		want       []string
	}{
		{"board", "vi", []string{"Hai lần nhập mật khẩu mới không khớp.", "lý do", "vượt quá"}},
		{"lan", "en", []string{"The two new passwords differ.", "reason", "exceed"}},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			b := f.browser("")
			b.login(tt.user, testPassword)
			csrf := csrfField.FindStringSubmatch(b.send("GET", "/password", nil).Body.String())[1]
			got := []string{
				b.send("POST", "/password", url.Values{"csrf_token": {csrf}, "current": {testPassword}, "new": {"mat-khau-moi-1"}, "confirm": {"mat-khau-moi-2"}}).Body.String(),
				fieldErrors(b.send("POST", "/units/HN.HBT.A.1/deadline", url.Values{"csrf_token": {csrf}, "deadline": {"01/05/2020"}, "reason": {""}})),
				fieldErrors(b.send("POST", "/units/HN.HBT.A.1/results", url.Values{"csrf_token": {csrf}, "version": {"0"}, "committee_size": {"3"},
					personField(0, "position"): {"secretary"}, personField(0, "full_name"): {"An"}, personField(0, "votes_for"): {"40"},
					personField(0, "valid_ballots"): {"35"}, personField(0, "delegates_present"): {"39"}})),
			}
			for i, want := range tt.want {
				if !strings.Contains(strings.ToLower(got[i]), strings.ToLower(want)) {
					t.Errorf("form %d lacks %q: %s", i, want, got[i])
				}
			}
		})
	}
}

// fieldErrors returns the refusals shown beside the fields of a refused
// form (422, the page again), or the whole answer when there is none.
func fieldErrors(res response) string {
	body := res.Body.String()
	var out []string
	for rest := body; ; {
		i := strings.Index(rest, `class="field-error"`)
		if i < 0 {
			break
		}
		rest = rest[i:]
		out = append(out, rest[:min(len(rest), 300)])
		rest = rest[1:]
	}
	if res.Code != http.StatusUnprocessableEntity || len(out) == 0 {
		return fmt.Sprint(res.Code, body)
	}
	return strings.Join(out, "\n")
}
