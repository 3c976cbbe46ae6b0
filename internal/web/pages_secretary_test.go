package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// userWith creates username (language vi) with roles on units as the system.
func (f *fixture) userWith(username string, roles ...string) {
	f.t.Helper()
	if _, err := f.svc.CreateUser(context.Background(), system, core.UserInput{Username: username, FullName: username,
		Password: testPassword, Lang: "vi"}); err != nil {
		f.t.Fatal(err)
	}
	for i := 0; i+1 < len(roles); i += 2 {
		if err := f.svc.Grant(context.Background(), system, username, roles[i], roles[i+1]); err != nil {
			f.t.Fatal(err)
		}
	}
}

func TestEachUserLandsWhereTheirDayStarts(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.userWith("bithu-ban", "secretary", "HN.HBT.A", "board", "HN.HBT.B")
	for _, c := range []struct{ user, want string }{
		{"secretary", "/my"}, {"board", "/"}, {"admin", "/"}, {"supervisor", "/"}, {"viewer", "/"},
		{"bithu-ban", "/"}, // a secretary who is also a board user reads the dashboard first
	} {
		if res := f.browser("").login(c.user, testPassword); res.Header().Get("Location") != c.want {
			t.Errorf("%s lands on %q, want %q", c.user, res.Header().Get("Location"), c.want)
		}
	}
}

// A cell has no units below: its dashboard would read 0/0 and "on track"
// even when its own congress is late. Its secretary is sent to its record.
func TestTheOverviewOfACellIsItsOwnRecord(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.userWith("bithu-chibo", "secretary", "HN.HBT.A.1")
	b := f.browser("")
	b.login("bithu-chibo", testPassword)
	if res := b.send("GET", "/", nil); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/my" {
		t.Fatalf("the overview of a cell: %d %q, want a way to /my", res.Code, res.Header().Get("Location"))
	}
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, `id="u-HN-HBT-A-1"`) {
		t.Error("/my lacks the cell's own card")
	}
	// A ward's secretary keeps the ward's overview.
	ward := f.browser("")
	ward.login("secretary", testPassword)
	if res := ward.send("GET", "/", nil); res.Code != http.StatusOK || !strings.Contains(res.Body.String(), `class="tiles"`) {
		t.Errorf("the ward's overview: %d", res.Code)
	}
}

func TestTheLanguageSwitchSavesTheUsersLanguage(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("vi")
	b.login("secretary", testPassword)
	page := b.send("GET", "/my", nil).Body.String()
	if !strings.Contains(page, `<html lang="vi">`) || !strings.Contains(page, `action="/lang/en"`) {
		t.Fatalf("no switch to English on a Vietnamese page")
	}
	if res := b.send("GET", "/lang/en", nil); res.Code != http.StatusSeeOther {
		t.Fatalf("the link: %d", res.Code)
	}
	if strings.Contains(b.send("GET", "/my", nil).Body.String(), `<html lang="en">`) {
		t.Fatal("a GET switched a signed-in user's language (a link from another site could)")
	}
	res := b.send("POST", "/lang/en", url.Values{"csrf_token": {b.csrf()}, "back": {"/my"}})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/my" {
		t.Fatalf("switch: %d %q", res.Code, res.Header().Get("Location"))
	}
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, `<html lang="en">`) || !strings.Contains(page, "Language saved: English.") {
		t.Errorf("after the switch: %s", page)
	}
	if u, _, err := f.store.UserByUsername(context.Background(), "secretary"); err != nil || u.Lang != "en" {
		t.Errorf("saved language %q (%v)", u.Lang, err)
	}
	// Another device of the same user opens in English too.
	if page := f.browser("vi").signedInPage(t, "secretary", "/my"); !strings.Contains(page, `<html lang="en">`) {
		t.Error("the saved language is not the user's on another device")
	}
	t.Run("a back that leaves the site is not followed", func(t *testing.T) {
		res := b.send("POST", "/lang/vi", url.Values{"csrf_token": {b.csrf()}, "back": {"//evil.example/x"}})
		if loc := res.Header().Get("Location"); loc != "/" {
			t.Errorf("went back to %q", loc)
		}
	})
	t.Run("without the form's token nothing is saved", func(t *testing.T) {
		if res := b.send("POST", "/lang/vi", url.Values{}); res.Code != http.StatusForbidden {
			t.Errorf("%d", res.Code)
		}
	})
}

// signedInPage signs username in on b and returns the page at path.
func (b *browser) signedInPage(t *testing.T, username, path string) string {
	t.Helper()
	b.login(username, testPassword)
	return b.send("GET", path, nil).Body.String()
}

func TestTheProfilePageSetsTheEmailAddress(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("viewer", testPassword)
	page := b.send("GET", "/profile", nil).Body.String()
	for _, want := range []string{`action="/lang/en"`, `action="/profile/email"`, `action="/password"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the profile page lacks %s", want)
		}
	}
	res := b.send("POST", "/profile/email", url.Values{"csrf_token": {b.csrf()}, "email": {"not an address"}})
	if body := res.Body.String(); res.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="email-error" role="alert"`) ||
		!strings.Contains(body, `value="not an address"`) {
		t.Errorf("a bad address: %d %s", res.Code, body)
	}
	if res := b.send("POST", "/profile/email", url.Values{"csrf_token": {b.csrf()}, "email": {"xem@hbt.hanoi.vn"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("%d", res.Code)
	}
	if u, _, _ := f.store.UserByUsername(context.Background(), "viewer"); u.Email != "xem@hbt.hanoi.vn" {
		t.Errorf("e-mail %q", u.Email)
	}
}

func TestAWorkingGroupsHomeAndMyUnitsShowWhatItFollowsReadOnly(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.holdAPI("HN.HBT.A.1", "2020-03-20")
	f.userWith("totacong1", "supervisor", "HN.HBT.A", "supervisor", "HN.HBT.B")
	b := f.browser("")
	b.login("totacong1", testPassword)
	home := b.send("GET", "/", nil).Body.String()
	for _, want := range []string{"Các đơn vị đồng chí theo dõi", `<a href="/units/HN.HBT.A">Đảng bộ phường Bạch Mai</a>`,
		`<a href="/units/HN.HBT.B">Đảng bộ phường Bách Khoa</a>`, "50,00% (1/2)"} {
		if !strings.Contains(home, want) {
			t.Errorf("the home lacks %q", want)
		}
	}
	if strings.Contains(home, "Khâm Thiên") || strings.Contains(home, "cells-chart") {
		t.Error("the home shows what the group does not follow")
	}
	my := b.send("GET", "/my", nil).Body.String()
	for _, want := range []string{`id="u-HN-HBT-A"`, `id="u-HN-HBT-B-1"`, "Đồng chí chỉ được xem đơn vị này."} {
		if !strings.Contains(my, want) {
			t.Errorf("My units lack %q", want)
		}
	}
	if strings.Contains(my, `method="post" action="/my/`) || strings.Contains(my, `/milestones/`) {
		t.Error("My units offer a read-only user a form")
	}
}

func TestAWardSecretaryApprovesHerCellsInPlace(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"preparing",`, http.StatusOK)
	f.patchStep("board", "HN.HBT.A", `"status":"preparing",`, http.StatusOK)
	b := f.browser("")
	b.login("secretary", testPassword)
	my := b.send("GET", "/my", nil).Body.String()
	for _, want := range []string{"2 việc chờ đồng chí phê duyệt", `href="#u-HN-HBT-A-1"`, "Duyệt phương án tổ chức đại hội",
		// the ward's own plans wait for the district, which she may not open
		"Chờ Bí thư hoặc Ban Tổ chức của Đảng bộ quận Hai Bà Trưng phê duyệt"} {
		if !strings.Contains(my, want) {
			t.Errorf("My units lack %q", want)
		}
	}
	if strings.Contains(my, `action="/units/HN.HBT.A/milestones/`) || strings.Contains(my, `<a href="/units/HN.HBT">`) {
		t.Error("the ward's secretary is offered her own ward's approval, or a link she may not open")
	}
	ward := b.send("GET", "/units/HN.HBT.A", nil).Body.String()
	if !strings.Contains(ward, `id="waiting"`) || !strings.Contains(ward, `action="/units/HN.HBT.A.1/milestones/congress_plan"`) {
		t.Fatalf("the ward's page does not list what waits for her: %s", ward)
	}
	res := b.send("POST", "/units/HN.HBT.A.1/milestones/congress_plan", url.Values{"csrf_token": {b.csrf()}, "back": {"/units/HN.HBT.A"}, "done_on": {"01/02/2020"}})
	if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/units/HN.HBT.A" || f.congressOf("HN.HBT.A.1").Milestones.Done != 1 {
		t.Fatalf("approve in place: %d %q", res.Code, res.Header().Get("Location"))
	}
	if my := b.send("GET", "/my", nil).Body.String(); !strings.Contains(my, `name="planned_date"`) {
		t.Error("after her approval the cell's next step is not offered")
	}
	t.Run("the board sees who gives the ward's approvals: itself", func(t *testing.T) {
		board := f.browser("")
		board.login("board", testPassword)
		if page := board.send("GET", "/units/HN.HBT", nil).Body.String(); !strings.Contains(page, `action="/units/HN.HBT.A/milestones/congress_plan"`) {
			t.Error("the district's page does not list the ward's approval for the board")
		}
	})
}

func TestTheBulkFormHoldsTheCellsTickedAllOrNone(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	f.planApproved("board", "HN.HBT.A.1", "HN.HBT.A.2") // 30 and 25 members
	b := f.browser("")
	b.login("secretary", testPassword)
	page := b.send("GET", "/my/hold", nil).Body.String()
	if !strings.Contains(page, `id="pick-u-HN-HBT-A-1"`) || !strings.Contains(page, `id="pick-u-HN-HBT-A-2"`) || strings.Contains(page, `id="pick-u-HN-HBT-A"`) {
		t.Fatalf("the bulk form's rows: %s", page)
	}
	form := func(present2 string) url.Values {
		return url.Values{"csrf_token": {b.csrf()}, "held_date": {"10/03/2020"}, "pick": {"HN.HBT.A.1", "HN.HBT.A.2"},
			"version:HN.HBT.A.1": {itoaInt(f.congressOf("HN.HBT.A.1").Version)}, "present:HN.HBT.A.1": {"28"},
			"version:HN.HBT.A.2": {itoaInt(f.congressOf("HN.HBT.A.2").Version)}, "present:HN.HBT.A.2": {present2}}
	}
	before := f.roundDigest()
	res := b.send("POST", "/my/hold", form("26"))
	body := res.Body.String()
	if res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before {
		t.Fatalf("a bad row: %d, wrote %v", res.Code, f.roundDigest() != before)
	}
	for _, want := range []string{`id="present-u-HN-HBT-A-2-error" role="alert"`, "(26)", "(25)", `value="28"`, `value="10/03/2020"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the refused form lacks %q", want)
		}
	}
	if strings.Contains(body, `id="present-u-HN-HBT-A-1-error"`) {
		t.Error("the good row is refused")
	}
	// A figure typed on a row left unticked is not dropped without a word.
	unticked := form("25")
	unticked["pick"] = []string{"HN.HBT.A.1"}
	res = b.send("POST", "/my/hold", unticked)
	if body := res.Body.String(); res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before ||
		!strings.Contains(body, `id="present-u-HN-HBT-A-2-error" role="alert">Đã nhập số có mặt nhưng chưa đánh dấu`) || !strings.Contains(body, `value="25"`) {
		t.Fatalf("a figure on an unticked row: %d, wrote %v:\n%s", res.Code, f.roundDigest() != before, body)
	}
	if res := b.send("POST", "/my/hold", form("25")); res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/my" {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, "Đã ghi nhận 2 chi bộ đại hội ngày 10/03/2020.") {
		t.Error("no flash")
	}
	for _, code := range []string{"HN.HBT.A.1", "HN.HBT.A.2"} {
		if c := f.congressOf(code); c.Status != "held" || c.HeldDate.VI() != "10/03/2020" {
			t.Errorf("%s: %s %v", code, c.Status, c.HeldDate)
		}
	}
}

func itoaInt(n int) string { return strconv.Itoa(n) }

func TestTheAPIReturnsWhatThePagesShowWithTheCallersPermissions(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"preparing",`, http.StatusOK)
	type overview struct {
		May        core.Permissions `json:"may"`
		Milestones []struct {
			Code    string `json:"code"`
			MayTick bool   `json:"may_tick"`
		} `json:"milestones"`
		Waiting []struct {
			Unit struct{ Code string } `json:"unit"`
		} `json:"waiting"`
		Approver *core.Approver `json:"approver"`
	}
	for _, c := range []struct {
		role, code string
		want       core.Permissions
		tick       map[string]bool
		waiting    int
	}{
		{"secretary", "HN.HBT.A.1", core.Permissions{Update: true, Approve: true}, map[string]bool{"congress_plan": true, "draft_report": true, "held": false}, 0},
		{"secretary", "HN.HBT.A", core.Permissions{Update: true}, map[string]bool{"congress_plan": false, "draft_report": true}, 2},
		{"board", "HN.HBT.A", core.Permissions{Update: true, Approve: true, Manage: true, Override: true, Plan: true}, map[string]bool{"congress_plan": true}, 2},
		{"supervisor", "HN.HBT.A.1", core.Permissions{}, map[string]bool{"congress_plan": false, "draft_report": false}, 0},
	} {
		t.Run(c.role+" on "+c.code, func(t *testing.T) {
			var o overview
			res := f.do("GET", "/api/v1/units/"+c.code+"/overview", f.tokens[c.role], "")
			if res.Code != http.StatusOK {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			res.decode(t, &o)
			if o.May != c.want {
				t.Errorf("may %+v, want %+v", o.May, c.want)
			}
			for _, m := range o.Milestones {
				if want, ok := c.tick[m.Code]; ok && m.MayTick != want {
					t.Errorf("may tick %s: %v, want %v", m.Code, m.MayTick, want)
				}
			}
			if len(o.Waiting) != c.waiting {
				t.Errorf("%d approvals waiting, want %d", len(o.Waiting), c.waiting)
			}
			if o.Approver == nil || o.Approver.Unit.Code == "" {
				t.Errorf("no approver named")
			}
		})
	}
	var mine core.MyUnitsList
	f.do("GET", "/api/v1/me/units", f.tokens["secretary"], "").decode(t, &mine)
	if mine.Summary.Total != 3 || mine.Summary.WaitingForMe != 2 || mine.Summary.WaitingForPlan != 1 {
		t.Errorf("my units' summary %+v", mine.Summary)
	}
}

// An approval given in place and refused says why where it was asked for.
func TestARefusedApprovalInPlaceSaysWhyWhereItWasAsked(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"preparing",`, http.StatusOK)
	b := f.browser("")
	b.login("secretary", testPassword)
	for _, c := range []struct{ back, where string }{
		{"/my#u-HN-HBT-A-1", `id="u-HN-HBT-A-1"`},
		{"/units/HN.HBT.A", `id="waiting"`},
	} {
		res := b.send("POST", "/units/HN.HBT.A.1/milestones/congress_plan", url.Values{"csrf_token": {b.csrf()}, "back": {c.back}, "done_on": {"31/12/2999"}})
		body := res.Body.String()
		i := strings.Index(body, c.where)
		if res.Code != http.StatusUnprocessableEntity || i < 0 || !strings.Contains(body[i:], `class="error" role="alert"`) {
			t.Errorf("back %s: %d, the refusal is not in %s", c.back, res.Code, c.where)
		}
	}
}

// A secretary who typed the wrong day corrects it on "My units": the card
// of a congress held offers its day and attendance, of an approved plan its
// day, time and place; a refused correction comes back open, as typed.
func TestASecretaryCorrectsWhatWasRecordedOnMyUnits(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	f.planApprovedAPI("HN.HBT.A.2")
	b := f.browser("")
	b.login("secretary", testPassword)
	page := b.send("GET", "/my", nil).Body.String()
	for _, want := range []string{`id="held_date-HN-HBT-A-1-fix"`, `value="10/03/2020"`, `id="planned_date-HN-HBT-A-2-fix"`} {
		if !strings.Contains(page, want) {
			t.Errorf("/my lacks %q", want)
		}
	}
	correct := func(code string, fields url.Values) response {
		fields.Set("csrf_token", b.csrf())
		fields.Set("form", "correct")
		fields.Set("version", itoaInt(f.congressOf(code).Version))
		return b.send("POST", "/my/"+code, fields)
	}
	before := f.roundDigest()
	res := correct("HN.HBT.A.1", url.Values{"held_date": {"20/04/2030"}})
	if body := res.Body.String(); res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before ||
		!strings.Contains(body, `<details class="correct" open>`) || !strings.Contains(body, `value="20/04/2030"`) {
		t.Fatalf("a day after today: %d, wrote %v", res.Code, f.roundDigest() != before)
	}
	if res := correct("HN.HBT.A.1", url.Values{"held_date": {""}}); res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before {
		t.Errorf("an emptied day: %d", res.Code)
	}
	if res := correct("HN.HBT.A.1", url.Values{"held_date": {"09/03/2020"}, "delegates_present": {"27"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("correct the day held: %d %s", res.Code, res.Body)
	}
	if c := f.congressOf("HN.HBT.A.1"); c.HeldDate.String() != "2020-03-09" || c.DelegatesPresent == nil || *c.DelegatesPresent != 27 || c.Status != domain.StatusHeld {
		t.Errorf("after the correction: %s held %v present %v", c.Status, c.HeldDate, c.DelegatesPresent)
	}
	if res := correct("HN.HBT.A.2", url.Values{"planned_date": {"25/04/2020"}, "planned_time": {"08:30"}, "place": {"Nhà văn hoá"}}); res.Code != http.StatusSeeOther {
		t.Fatalf("correct the plan: %d %s", res.Code, res.Body)
	}
	if c := f.congressOf("HN.HBT.A.2"); c.PlannedDate.String() != "2020-04-25" || c.Place != "Nhà văn hoá" || c.Status != domain.StatusPlanApproved {
		t.Errorf("after the plan's correction: %s planned %v at %q", c.Status, c.PlannedDate, c.Place)
	}
	// The held card's next step is to report the results; before they are
	// recorded the card says what is missing.
	if page := b.send("GET", "/my", nil).Body.String(); !strings.Contains(page, "Ghi nhận: Đã báo cáo kết quả") {
		t.Error("the held card offers no report of the results")
	}
	before = f.roundDigest()
	res = b.send("POST", "/my/HN.HBT.A.1", url.Values{"csrf_token": {b.csrf()}, "status": {"results_reported"},
		"version": {itoaInt(f.congressOf("HN.HBT.A.1").Version)}})
	if body := res.Body.String(); res.Code != http.StatusUnprocessableEntity || f.roundDigest() != before || !strings.Contains(body, "Chưa nhập kết quả đại hội") {
		t.Errorf("results reported before they are recorded: %d, wrote %v", res.Code, f.roundDigest() != before)
	}
}
