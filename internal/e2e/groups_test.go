//go:build e2e

package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// groupsSite is the secretary's site with two accounts without any role of
// their own, totruong and thanhvien, for the working group the board forms,
// and the congress of Bạch Mai's second cell planned for 22/04/2020.
func groupsSite(t *testing.T) *site {
	t.Helper()
	s := newSecretarySite(t)
	for _, u := range []struct{ name, full string }{{"totruong", "Phạm Quốc Hưng"}, {"thanhvien", "Nguyễn Thị Lan"}} {
		if _, err := s.svc.CreateUser(context.Background(), sys, core.UserInput{Username: u.name, FullName: u.full, Password: password, Lang: "vi"}); err != nil {
			t.Fatal(err)
		}
	}
	s.patch(sys, "HN.HBT.BM.2", domain.CongressPatch{Status: ptr("preparing"), PlannedDate: ptr("2020-04-22")})
	return s
}

// assignByName types name in the group page's unit field, picks code from
// the list the search offers, and assigns the unit to the group.
func assignByName(t *testing.T, ctx context.Context, name, code string) {
	t.Helper()
	pick := `#unit-assign-found a[data-code="` + code + `"]`
	if err := chromedp.Do(ctx,
		chromedp.WaitVisible(chromedp.CSS(`#unit-assign`)),
		chromedp.SendKeys(chromedp.CSS(`#unit-assign`), name),
		chromedp.WaitVisible(chromedp.CSS(pick)),
		chromedp.Click(chromedp.CSS(pick)),
		chromedp.WaitNotPresent(chromedp.CSS(pick)),
	); err != nil {
		t.Fatalf("pick %s: %v", name, err)
	}
	if v, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#unit-assign`))); err != nil || v != code {
		t.Fatalf("the unit field holds %q (%v), want %s", v, err, code)
	}
	// The page before the answer may have a flash already: wait for the
	// page the answer leads to.
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(`form[action$="/units"] button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#flash .flash`))); err != nil {
		t.Fatal(err)
	}
}

// The board forms a working group, assigns it two wards by searching their
// names and names a member to attend a planned congress; the attendee, on a
// phone, finds the congress on their home page and its unit page shows the
// group. (The calendar extends this: the attendee sees it there too.)
func TestABoardFormsAWorkingGroupAndTheAttendeeSeesTheCongress(t *testing.T) {
	s := groupsSite(t)
	board := browser(t, desktopW, desktopH)
	if err := signIn(board, s.url, "bantochuc", password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(board,
		chromedp.Navigate(s.url+"/groups"),
		chromedp.WaitVisible(chromedp.CSS(`#g-name`)),
		chromedp.SendKeys(chromedp.CSS(`#g-name`), "Tổ công tác số 1"),
		chromedp.SendKeys(chromedp.CSS(`#g-leader`), "totruong"),
		chromedp.SendKeys(chromedp.CSS(`#g-members`), "thanhvien"),
		chromedp.Click(chromedp.CSS(`form[action="/groups"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#unit-assign`)),
	); err != nil {
		t.Fatal(err)
	}
	groupURL := location(board)
	if !strings.HasPrefix(groupURL, "/groups/") {
		t.Fatalf("after forming the group: %s", groupURL)
	}
	assignByName(t, board, "bach mai", "HN.HBT.BM")
	// The unit field from the keyboard: its list opens (aria-expanded),
	// Down goes into it, Escape closes it and comes back to the field.
	if err := chromedp.Do(board,
		chromedp.SendKeys(chromedp.CSS(`#unit-assign`), "minh"),
		chromedp.WaitVisible(chromedp.CSS(`#unit-assign-found a[data-code]`)),
	); err != nil {
		t.Fatal(err)
	}
	state := func() string {
		t.Helper()
		s, err := chromedp.Run(board, chromedp.Evaluate[string](`document.getElementById('unit-assign').getAttribute('aria-expanded') + ' ' +
			(document.activeElement.id || document.activeElement.getAttribute('data-code') || document.activeElement.tagName) + ' ' +
			document.querySelectorAll('#unit-assign-found a[data-code]').length`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if err := chromedp.Do(board, chromedp.KeyEvent(kb.ArrowDown)); err != nil {
		t.Fatal(err)
	}
	if s := state(); !strings.HasPrefix(s, "true HN.") {
		t.Errorf("after Down: %q, want the list open and a unit focused", s)
	}
	if err := chromedp.Do(board, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if s := state(); s != "false unit-assign 0" {
		t.Errorf("after Escape: %q, want the list closed and the field focused", s)
	}
	if _, err := chromedp.Run(board, chromedp.Evaluate[string](`document.getElementById('unit-assign').value = ''`)); err != nil {
		t.Fatal(err)
	}
	assignByName(t, board, "minh khai", "HN.HBT.MK")
	if got, err := waitText(board, `#units table`, "Minh Khai"); err != nil || !strings.Contains(got, "Bạch Mai") {
		t.Fatalf("the group's units: %q (%v)", got, err)
	}
	checkPage(t, board, "groups-group-desktop")

	// The planned congress of Bạch Mai's second cell: the board names thanhvien.
	sel := `#attendee-u-HN-HBT-BM-2`
	if err := chromedp.Do(board, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.SetValue(chromedp.CSS(sel), "thanhvien")); err != nil {
		t.Fatal(err)
	}
	// The page before the answer has a flash and the member's name too:
	// wait for the page the answer leads to.
	if _, err := chromedp.RunResponse(board, chromedp.Click(chromedp.CSS(`form[action$="/attendee"]:has(`+sel+`) button[type=submit]`))); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(board,
		chromedp.WaitVisible(chromedp.CSS(`#flash .flash`)),
	); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(board, `#upcoming`, "Nguyễn Thị Lan"); err != nil {
		t.Errorf("the upcoming congresses: %q (%v)", got, err)
	}
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/groups"), chromedp.WaitVisible(chromedp.CSS(`main table`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, board, "groups-board-desktop")

	phone := browser(t, phoneW, phoneH)
	if err := signIn(phone, s.url, "thanhvien", password); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(phone, `.attending`, "Chi bộ khu dân cư số 2"); err != nil || !strings.Contains(got, "22/04/2020") {
		t.Errorf("the attendee's home: %q (%v)", got, err)
	}
	checkPage(t, phone, "groups-attendee-home-phone")
	if err := chromedp.Do(phone,
		chromedp.Click(chromedp.CSS(`.attending a[href^="/units/HN.HBT.BM.2"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#working-group`)),
	); err != nil {
		t.Fatal(err)
	}
	if got, _ := text(phone, `#working-group`); !strings.Contains(got, "Tổ công tác số 1") || !strings.Contains(got, "Nguyễn Thị Lan") {
		t.Errorf("the unit page's working group: %q", got)
	}
	checkPage(t, phone, "groups-unit-phone")
	if err := chromedp.Do(phone, chromedp.Navigate(s.url+groupURL), chromedp.WaitVisible(chromedp.CSS(`#upcoming`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, phone, "groups-group-phone")
	if err := chromedp.Do(phone, chromedp.Navigate(s.url+"/groups"), chromedp.WaitVisible(chromedp.CSS(`main h1`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, phone, "groups-mine-phone")
	// The board's side by side at 360 px.
	boardPhone := browser(t, phoneW, phoneH)
	if err := signIn(boardPhone, s.url, "bantochuc", password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(boardPhone, chromedp.Navigate(s.url+"/groups"), chromedp.WaitVisible(chromedp.CSS(`main table`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, boardPhone, "groups-board-phone")
}
