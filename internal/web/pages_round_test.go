package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestRoundPageSetsADeadlineRuleWithAReason(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("board", testPassword)
	page := b.send("GET", "/round", nil).Body.String()
	if !strings.Contains(page, "<h1>Đại hội 2020–2025</h1>") || !strings.Contains(page, "31/03/2020") || !strings.Contains(page, `action="/round/rules"`) {
		t.Fatalf("%s", page)
	}
	csrf := csrfField.FindStringSubmatch(page)[1]
	rule := url.Values{"csrf_token": {csrf}, "kind": {"cell"}, "category": {"school"}, "scope_code": {"HN.HBT"}, "deadline": {"30/04/2020"}}
	t.Run("without a reason: refused beside the field in the user's words, as typed, nothing written", func(t *testing.T) {
		before := f.roundDigest()
		res := b.send("POST", "/round/rules", rule)
		if res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before {
			t.Fatalf("%d, wrote %v", res.Code, f.roundDigest() != before)
		}
		body := res.Body.String()
		for _, want := range []string{`id="reason-round-error" role="alert"`, `value="30/04/2020"`, `value="HN.HBT"`, `<option value="school" selected>`} {
			if !strings.Contains(body, want) {
				t.Errorf("lacks %q", want)
			}
		}
	})
	t.Run("a scope left empty (the whole tree) or beyond the board's: refused beside the field, saying what to write, as typed", func(t *testing.T) {
		for _, tc := range []struct{ scope, want string }{
			{"", "Để trống là cả cây đơn vị, mà đồng chí chỉ quản lý HN.HBT"},
			{"HN.DD", "Không tìm thấy đơn vị HN.DD"},
		} {
			form := url.Values{"csrf_token": {csrf}, "kind": {"cell"}, "scope_code": {tc.scope}, "deadline": {"30/04/2020"}, "reason": {"Dịch COVID-19"}}
			before := f.roundDigest()
			res := b.send("POST", "/round/rules", form)
			body := res.Body.String()
			if res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before {
				t.Fatalf("scope %q: %d, wrote %v", tc.scope, res.Code, f.roundDigest() != before)
			}
			for _, want := range []string{`id="scope_code-round-error" role="alert"`, tc.want, `value="30/04/2020"`, "Dịch COVID-19"} {
				if !strings.Contains(body, want) {
					t.Errorf("scope %q: lacks %q", tc.scope, want)
				}
			}
		}
	})
	t.Run("with a reason: the rule, its scope and the history show, and the school's cell follows it", func(t *testing.T) {
		rule.Set("reason", "Dịch COVID-19: trường học nghỉ")
		if res := b.send("POST", "/round/rules", rule); res.Code != http.StatusSeeOther {
			t.Fatalf("%d", res.Code)
		}
		page := b.send("GET", "/round", nil).Body.String()
		for _, want := range []string{"30/04/2020", "Trường học", "Đảng bộ quận Hai Bà Trưng", "Dịch COVID-19: trường học nghỉ"} {
			if !strings.Contains(page, want) {
				t.Errorf("lacks %q", want)
			}
		}
		if c := f.congressOf("HN.HBT.B.2"); c.Deadline == nil || c.Deadline.String() != "2020-04-30" {
			t.Errorf("the school's cell is due %v", c.Deadline)
		}
	})
	t.Run("a secretary sees the rules but no form, and may not post one", func(t *testing.T) {
		s := f.browser("")
		s.login("secretary", testPassword)
		page := s.send("GET", "/round", nil).Body.String()
		if strings.Contains(page, `action="/round/rules"`) {
			t.Error("the secretary has the form")
		}
		rule.Set("csrf_token", csrfField.FindStringSubmatch(page)[1])
		rule.Set("deadline", "2020-05-15")
		before := f.roundDigest()
		s.send("POST", "/round/rules", rule) // refused: a unit they cannot see, or forbidden
		if f.roundDigest() != before {
			t.Error("a secretary changed a deadline rule")
		}
	})
}
