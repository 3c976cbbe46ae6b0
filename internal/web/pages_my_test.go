package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// form posts the next step of code from the "my units" page as b.
func (b *browser) step(code string, version int, fields url.Values) response {
	b.f.t.Helper()
	page := b.send("GET", "/my", nil)
	m := csrfField.FindStringSubmatch(page.Body.String())
	if m == nil {
		b.f.t.Fatalf("no form on /my: %s", page.Body)
	}
	fields.Set("csrf_token", m[1])
	fields.Set("version", strconv.Itoa(version))
	return b.send("POST", "/my/"+code, fields)
}

func TestSecretaryMovesACellThroughItsStepsFromMyUnits(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("secretary", testPassword)

	page := b.send("GET", "/my", nil).Body.String()
	for _, want := range []string{"Đảng bộ phường Bạch Mai", "Chi bộ tổ dân phố 1", "Chi bộ tổ dân phố 2", "trễ", "Ghi nhận: Đang chuẩn bị"} {
		if !strings.Contains(page, want) {
			t.Errorf("my units lack %q", want)
		}
	}
	if strings.Contains(page, "Bách Khoa") || strings.Contains(page, "Khâm Thiên") {
		t.Error("my units show another ward's units")
	}

	code := "HN.HBT.A.2"
	post := func(fields url.Values, want int) response {
		t.Helper()
		res := b.step(code, f.congressOf(code).Version, fields)
		if res.Code != want {
			t.Fatalf("%v: %d, want %d: %s", fields, res.Code, want, res.Body)
		}
		return res
	}
	post(url.Values{"status": {"preparing"}}, http.StatusSeeOther)
	t.Run("the plan cannot be approved before the board approves it, in the user's words", func(t *testing.T) {
		res := post(url.Values{"status": {"plan_approved"}, "planned_date": {"2020-03-25"}}, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body.String(), `class="error"`) || f.congressOf(code).Status != "preparing" {
			t.Errorf("refusal not shown or written: %s", res.Body)
		}
	})
	if res := f.do("POST", "/api/v1/units/"+code+"/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
		t.Fatalf("approve: %d", res.Code)
	}
	t.Run("an approved plan without the day it plans is refused beside the day, as the form asks", func(t *testing.T) {
		for _, blank := range []url.Values{{"status": {"plan_approved"}}, {"status": {"plan_approved"}, "planned_date": {"  "}}} {
			res := post(blank, http.StatusUnprocessableEntity)
			if !strings.Contains(res.Body.String(), "Cần nhập ngày (dd/mm/yyyy)") || f.congressOf(code).Status != "preparing" {
				t.Errorf("%v: refusal not shown, or written", blank)
			}
		}
	})
	post(url.Values{"status": {"plan_approved"}, "planned_date": {"2020-03-25"}}, http.StatusSeeOther)
	res := post(url.Values{"status": {"held"}, "held_date": {"2020-03-25"}, "delegates_present": {"18"}}, http.StatusSeeOther)
	if loc := res.Header().Get("Location"); loc != "/my#"+domID(code) {
		t.Errorf("redirect to %q", loc)
	}
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, "Đã cập nhật Chi bộ tổ dân phố 2.") || !strings.Contains(page, "Đại hội ngày 25/03/2020") {
		t.Errorf("after holding: %s", page)
	}
	if c := f.congressOf(code); c.Status != "held" || c.DelegatesPresent == nil || *c.DelegatesPresent != 18 {
		t.Errorf("congress %+v", c)
	}
}

func TestAStaleFormSaysSoShowsTheCurrentValuesAndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	code := "HN.HBT.A.1"
	b := f.browser("en") // the user's own language (vi) comes first
	b.login("secretary", testPassword)
	read := f.congressOf(code).Version
	// Someone else moves the cell on meanwhile.
	f.patchStep("board", code, `"status":"preparing",`, http.StatusOK)
	before := f.roundDigest()
	res := b.step(code, read, url.Values{"status": {"preparing"}})
	body := res.Body.String()
	// The current state shown is the board's: preparing, its plan to approve.
	if res.Code != http.StatusConflict || !strings.Contains(body, "Bản ghi của Chi bộ tổ dân phố 1 đã thay đổi từ khi trang này được mở") ||
		!strings.Contains(body, "Đang chuẩn bị") || !strings.Contains(body, `action="/units/`+code+`/milestones/congress_plan"`) {
		t.Errorf("%d %s", res.Code, body)
	}
	if f.roundDigest() != before {
		t.Error("a stale form wrote")
	}
}

func TestMyUnitFormsStayWithinScopeAndNeedTheirCSRFToken(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("secretary", testPassword)
	before := f.roundDigest()
	if res := b.step("HN.HBT.B.1", f.congressOf("HN.HBT.B.1").Version, url.Values{"status": {"preparing"}}); res.Code != http.StatusNotFound {
		t.Errorf("another ward's cell: %d", res.Code)
	}
	if res := b.send("POST", "/my/HN.HBT.A.1", url.Values{"status": {"preparing"}, "version": {"1"}}); res.Code != http.StatusForbidden {
		t.Errorf("no CSRF token: %d", res.Code)
	}
	if f.roundDigest() != before {
		t.Error("wrote")
	}
	if res := f.browser("").send("GET", "/my", nil); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/login" {
		t.Errorf("signed out: %d %q", res.Code, res.Header().Get("Location"))
	}
}

func TestTheBoardHoldsAWardBeforeItsCellsWithAReason(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	const ward = "HN.HBT.A"
	if res := f.do("POST", "/api/v1/units/"+ward+"/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
		t.Fatalf("approve: %d", res.Code)
	}
	f.patchStep("board", ward, `"status":"preparing",`, http.StatusOK)
	f.patchStep("board", ward, `"status":"plan_approved","planned_date":"2020-03-19",`, http.StatusOK)
	b := f.browser("")
	b.login("board", testPassword)
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, `name="cascade_override_reason"`) {
		t.Fatalf("no override field for the board: %s", page)
	}
	res := b.step(ward, f.congressOf(ward).Version, url.Values{"status": {"held"}, "held_date": {"2020-03-19"}})
	if res.Code != http.StatusUnprocessableEntity || f.congressOf(ward).Status != "plan_approved" {
		t.Fatalf("without a reason: %d %s", res.Code, f.congressOf(ward).Status)
	}
	res = b.step(ward, f.congressOf(ward).Version, url.Values{"status": {"held"}, "held_date": {"2020-03-19"},
		"cascade_override_reason": {"Đại hội điểm của quận"}})
	if c := f.congressOf(ward); res.Code != http.StatusSeeOther || c.Status != "held" || c.CascadeOverrideReason != "Đại hội điểm của quận" {
		t.Fatalf("with a reason: %d %+v", res.Code, c)
	}
	t.Run("the ward's own secretary gets no such field", func(t *testing.T) {
		s := f.browser("")
		s.login("secretary", testPassword)
		if strings.Contains(s.send("GET", "/my", nil).Body.String(), `name="cascade_override_reason"`) {
			t.Error("the secretary may override")
		}
	})
}

// A secretary of two wards has a "Chi bộ tổ dân phố 1" in each: the cards,
// and the list of what waits for her, name the ward beside each; a name
// that no other card has stands alone.
func TestTheCardsOfTwoWardsTellApartTheirCellsOfTheSameName(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	if err := f.svc.Grant(context.Background(), system, "secretary", "secretary", "HN.HBT.B"); err != nil {
		t.Fatal(err)
	}
	b := f.browser("")
	b.login("secretary", testPassword)
	page := b.send("GET", "/my", nil).Body.String()
	for _, want := range []string{
		`Chi bộ tổ dân phố 1</a> <small class="muted">· Đảng bộ phường Bạch Mai</small>`,
		`Chi bộ tổ dân phố 1</a> <small class="muted">· Đảng bộ phường Bách Khoa</small>`,
		`Chi bộ trường học</a></h2>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("/my lacks %q", want)
		}
	}
}
