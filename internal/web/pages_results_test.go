package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestResultsAreEnteredFromTheUnitPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	f.holdAPI(cell, "2020-03-20")
	b := f.browser("")
	b.login("secretary", testPassword)
	submit := func(form url.Values) string {
		t.Helper()
		page := b.send("GET", "/units/"+cell, nil).Body.String()
		m := csrfField.FindStringSubmatch(page)
		if m == nil || !strings.Contains(page, `action="/units/`+cell+`/results"`) {
			t.Fatalf("no results form: %s", page)
		}
		form.Set("csrf_token", m[1])
		if res := b.send("POST", "/units/"+cell+"/results", form); res.Code != http.StatusSeeOther {
			t.Fatalf("%d %s", res.Code, res.Body)
		}
		return b.send("GET", "/units/"+cell, nil).Body.String()
	}
	sheet := func(votes, version string) url.Values {
		return url.Values{"version": {version}, "committee_size": {"3"}, "committee_women": {"1"}, "secretary_name": {"Nguyễn Văn An"},
			"delegates_elected": {"2"}, "position": {"secretary", "committee", "committee"}, "full_name": {"Nguyễn Văn An", "", ""},
			"votes_for": {votes, "", ""}, "valid_ballots": {"35", "", ""}, "delegates_present": {"39", "", ""}}
	}
	t.Run("votes above the valid ballots are refused, in the user's words, and nothing is written", func(t *testing.T) {
		before := f.roundDigest()
		page := submit(sheet("36", "0"))
		if !strings.Contains(page, `class="flash"`) || f.roundDigest() != before {
			t.Errorf("refusal not shown or written")
		}
	})
	t.Run("a good sheet is saved and shown with its percentage", func(t *testing.T) {
		page := submit(sheet("35", "0"))
		for _, want := range []string{"Đã lưu kết quả đại hội.", "Nguyễn Văn An", "35/35/39 = 89,74%", "Ban chấp hành: 3 đồng chí, trong đó 1 nữ"} {
			if !strings.Contains(page, want) {
				t.Errorf("lacks %q", want)
			}
		}
	})
	t.Run("a sheet from a stale page is refused", func(t *testing.T) {
		before := f.roundDigest()
		page := submit(sheet("34", "0")) // read before the save above
		if !strings.Contains(page, `class="flash"`) || f.roundDigest() != before || !strings.Contains(page, "35/35/39") {
			t.Errorf("a stale sheet wrote or said nothing")
		}
	})
}
