package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

func TestBoardMarksPilotsAndChangesDeadlinesFromTheUnitPage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const cell = "HN.HBT.A.1"
	board := f.browser("")
	board.login("board", testPassword)
	post := func(b *browser, what string, form url.Values) response {
		t.Helper()
		page := b.send("GET", "/units/"+cell, nil)
		m := csrfField.FindStringSubmatch(page.Body.String())
		if m == nil {
			t.Fatalf("no form: %s", page.Body)
		}
		form.Set("csrf_token", m[1])
		return b.send("POST", "/units/"+cell+"/"+what, form)
	}
	if body := board.send("GET", "/units/"+cell, nil).Body.String(); !strings.Contains(body, "Chọn làm đại hội điểm") {
		t.Fatalf("no management section for the board: %s", body)
	}
	if res := post(board, "pilot", url.Values{"pilot": {"true"}}); res.Code != http.StatusSeeOther || !f.congressOf(cell).IsPilot {
		t.Fatalf("pilot: %d %+v", res.Code, f.congressOf(cell).IsPilot)
	}
	t.Run("a deadline change needs a reason, says so beside the field, keeps the day typed and writes nothing", func(t *testing.T) {
		before := f.roundDigest()
		res := post(board, "deadline", url.Values{"deadline": {"30/04/2020"}, "reason": {""}, "version": {strconv.Itoa(f.congressOf(cell).Version)}})
		body := res.Body.String()
		if res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before {
			t.Errorf("%d, wrote %v", res.Code, f.roundDigest() != before)
		}
		for _, want := range []string{`id="reason-HN-HBT-A-1-error" role="alert"`, "Cần nêu lý do", `value="30/04/2020"`, `aria-invalid="true"`} {
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
		}
		if strings.Contains(body, `class="flash`) {
			t.Error("the refusal is in the flash")
		}
	})
	t.Run("with a reason, the deadline moves", func(t *testing.T) {
		v := f.congressOf(cell).Version
		res := post(board, "deadline", url.Values{"deadline": {"30/04/2020"}, "reason": {"Dịch COVID-19"}, "version": {strconv.Itoa(v)}})
		if c := f.congressOf(cell); res.Code != http.StatusSeeOther || c.Deadline == nil || c.Deadline.String() != "2020-04-30" {
			t.Fatalf("%d %+v", res.Code, c.Deadline)
		}
		if body := board.send("GET", "/units/"+cell, nil).Body.String(); !strings.Contains(body, "Dịch COVID-19") || !strings.Contains(body, "30/04/2020") {
			t.Errorf("the reason or the new deadline is not on the page")
		}
	})
	t.Run("the ward's secretary has no such section and is refused", func(t *testing.T) {
		s := f.browser("")
		s.login("secretary", testPassword)
		if body := s.send("GET", "/units/"+cell, nil).Body.String(); strings.Contains(body, `action="/units/`+cell+`/pilot"`) || strings.Contains(body, `action="/units/`+cell+`/deadline"`) {
			t.Error("the secretary sees the management section")
		}
		if res := post(s, "pilot", url.Values{"pilot": {"false"}}); res.Code != http.StatusForbidden || !f.congressOf(cell).IsPilot {
			t.Errorf("%d", res.Code)
		}
	})
}
