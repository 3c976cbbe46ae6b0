package web

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

func TestMilestonesAreTickedFromTheUnitPageByWhoMay(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	forms := regexp.MustCompile(`action="/units/` + regexp.QuoteMeta(cell) + `/milestones/([a-z_]+)"`)
	tickable := func(b *browser) (codes []string, csrf string) {
		t.Helper()
		body := b.send("GET", "/units/"+cell, nil).Body.String()
		for _, m := range forms.FindAllStringSubmatch(body, -1) {
			codes = append(codes, m[1])
		}
		if m := csrfField.FindStringSubmatch(body); m != nil {
			csrf = m[1]
		}
		return codes, csrf
	}
	done := func(code string) bool {
		t.Helper()
		ms, err := f.svc.Milestones(context.Background(), system, cell, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if m.Code == code {
				return m.DoneOn != nil
			}
		}
		t.Fatalf("no milestone %s", code)
		return false
	}

	secretary := f.browser("")
	secretary.login("secretary", testPassword)
	codes, csrf := tickable(secretary)
	if len(codes) < 2 || !strings.Contains(strings.Join(codes, " "), "congress_plan") || strings.Contains(strings.Join(codes, " "), "held") {
		t.Fatalf("the ward's secretary may tick %v on her cell: want the steps and the approvals, not the automatic ones", codes)
	}
	t.Run("a day in the future is refused, in the user's words, and nothing is written", func(t *testing.T) {
		res := secretary.send("POST", "/units/"+cell+"/milestones/"+codes[0], url.Values{"csrf_token": {csrf}, "done_on": {"01/01/2999"}})
		if res.Code != http.StatusUnprocessableEntity || done(codes[0]) {
			t.Fatalf("%d, done %v", res.Code, done(codes[0]))
		}
		if body := res.Body.String(); !strings.Contains(body, `class="field-error"`) || !strings.Contains(body, `value="01/01/2999"`) {
			t.Errorf("no refusal beside the field, or the day typed is lost: %s", body)
		}
	})
	t.Run("the secretary ticks a step", func(t *testing.T) {
		res := secretary.send("POST", "/units/"+cell+"/milestones/"+codes[0], url.Values{"csrf_token": {csrf}, "done_on": {"01/02/2020"}})
		if res.Code != http.StatusSeeOther || !done(codes[0]) {
			t.Fatalf("%d, done %v", res.Code, done(codes[0]))
		}
		if body := secretary.send("GET", "/units/"+cell, nil).Body.String(); !strings.Contains(body, "Đã ghi nhận") || !strings.Contains(body, "01/02/2020") {
			t.Errorf("after the tick: %s", body)
		}
	})
	t.Run("a step ticked by mistake is unticked, after a question", func(t *testing.T) {
		body := secretary.send("GET", "/units/"+cell, nil).Body.String()
		if !strings.Contains(body, `<input type="hidden" name="action" value="untick">`) || !strings.Contains(body, `data-confirm="Bỏ đánh dấu «`) {
			t.Fatalf("the ticked step offers no untick, or asks nothing: %s", body[strings.Index(body, "class=\"steps\""):])
		}
		res := secretary.send("POST", "/units/"+cell+"/milestones/"+codes[0], url.Values{"csrf_token": {csrf}, "action": {"untick"}})
		if res.Code != http.StatusSeeOther || done(codes[0]) {
			t.Fatalf("untick: %d, done %v", res.Code, done(codes[0]))
		}
		if body := secretary.send("GET", "/units/"+cell, nil).Body.String(); !strings.Contains(body, "Đã bỏ đánh dấu") {
			t.Error("no word of the untick")
		}
		if res := secretary.send("POST", "/units/"+cell+"/milestones/"+codes[0], url.Values{"csrf_token": {csrf}, "done_on": {"01/02/2020"}}); res.Code != http.StatusSeeOther || !done(codes[0]) {
			t.Fatalf("tick again: %d", res.Code)
		}
		// The re-date form shows the day recorded, not an empty field that
		// would mean today.
		if body := secretary.send("GET", "/units/"+cell, nil).Body.String(); !strings.Contains(body, `value="01/02/2020"`) {
			t.Error("the re-date form does not show the day recorded")
		}
		if res := secretary.send("POST", "/units/"+cell+"/milestones/"+codes[0], url.Values{"csrf_token": {csrf}, "action": {"zzz"}}); res.Code != http.StatusBadRequest {
			t.Errorf("an unknown action: %d, want 400", res.Code)
		}
	})
	t.Run("the ward's secretary cannot approve her own ward, even by posting the form", func(t *testing.T) {
		res := secretary.send("POST", "/units/HN.HBT.A/milestones/congress_plan", url.Values{"csrf_token": {csrf}, "done_on": {"2020-02-01"}})
		if res.Code != http.StatusForbidden {
			t.Errorf("%d", res.Code)
		}
	})
	t.Run("the ward's secretary approves her cell's plan", func(t *testing.T) {
		if res := secretary.send("POST", "/units/"+cell+"/milestones/congress_plan", url.Values{"csrf_token": {csrf}, "done_on": {"2020-02-05"}}); res.Code != http.StatusSeeOther || !done("congress_plan") {
			t.Errorf("%d, done %v", res.Code, done("congress_plan"))
		}
	})
	t.Run("the district board approves from above", func(t *testing.T) {
		board := f.browser("")
		board.login("board", testPassword)
		codes, csrf := tickable(board)
		if !strings.Contains(strings.Join(codes, " "), "personnel_plan") {
			t.Fatalf("the board may tick %v", codes)
		}
		if res := board.send("POST", "/units/"+cell+"/milestones/personnel_plan", url.Values{"csrf_token": {csrf}, "done_on": {"2020-02-05"}}); res.Code != http.StatusSeeOther || !done("personnel_plan") {
			t.Errorf("%d", res.Code)
		}
	})
}

// An untick refused (from a page that still offered it) says why at the
// top of the page: the step no longer offers the form that would.
func TestARefusedUntickSaysWhy(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.planApprovedAPI("HN.HBT.A.2")
	b := f.browser("")
	b.login("secretary", testPassword)
	res := b.send("POST", "/units/HN.HBT.A.2/milestones/congress_plan", url.Values{"csrf_token": {b.csrf()}, "action": {"untick"}})
	if body := res.Body.String(); res.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `class="flash flash-error"`) ||
		!strings.Contains(body, "Không thể bỏ phê duyệt phương án") {
		t.Errorf("%d: the refusal is not said", res.Code)
	}
}
