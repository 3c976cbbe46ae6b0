//go:build e2e

package e2e

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/domain"
)

// The district forms a working group; its member thanhvien is named to
// attend two congresses the same morning (Bạch Mai's cell 2 at 08:00, Minh
// Khai's cell 2 at 09:00). On a phone, the attendee finds the first on
// their home page and both in the group's calendar, marked as a conflict;
// the board sees the month of the district on a desktop and adds a
// training session, which the calendar then shows.
func TestTheAttendeeSeesTheCongressesAndTheirConflictInTheCalendar(t *testing.T) {
	s := groupsSite(t)
	ctx := context.Background()
	s.patch(sys, "HN.HBT.BM.2", domain.CongressPatch{PlannedTime: ptr("08:00"), Place: ptr("Nhà văn hoá khu dân cư số 2")})
	s.patch(sys, "HN.HBT.MK.2", domain.CongressPatch{Status: ptr("preparing"), PlannedDate: ptr("2020-04-22"), PlannedTime: ptr("09:00"), Place: ptr("Trụ sở phường Minh Khai")})
	g, err := s.svc.CreateWorkGroup(ctx, sys, domain.GroupInput{Unit: "HN.HBT", Name: "Tổ công tác số 1", Leader: "totruong", Members: []string{"thanhvien"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, code := range []string{"HN.HBT.BM", "HN.HBT.MK"} {
		if _, err := s.svc.AssignWorkGroupUnit(ctx, sys, g.ID, code); err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{"HN.HBT.BM.2", "HN.HBT.MK.2"} {
		if _, err := s.svc.NameAttendee(ctx, sys, code, "thanhvien"); err != nil {
			t.Fatal(err)
		}
	}

	phone := browser(t, phoneW, phoneH)
	if err := signIn(phone, s.url, "thanhvien", password); err != nil {
		t.Fatal(err)
	}
	if got, err := waitText(phone, `.attending`, "Chi bộ khu dân cư số 2"); err != nil || !strings.Contains(got, "22/04/2020") {
		t.Errorf("the attendee's home: %q (%v)", got, err)
	}
	checkPage(t, phone, "calendar-attendee-home-phone")
	if err := chromedp.Do(phone,
		chromedp.Navigate(s.url+"/groups/"+strconv.FormatInt(g.ID, 10)),
		chromedp.Click(chromedp.CSS(`a[href$="/calendar"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.cal-agenda`)),
	); err != nil {
		t.Fatal(err)
	}
	// This month (April 2020) on a phone: the agenda, not the grid.
	agenda, err := text(phone, `.cal-agenda`)
	if err != nil || !strings.Contains(agenda, "Thứ Tư 22/04/2020") || !strings.Contains(agenda, "08:00") || !strings.Contains(agenda, "Trụ sở phường Minh Khai") {
		t.Errorf("the agenda: %q (%v)", agenda, err)
	}
	if conflicts, err := text(phone, `.cal-conflicts`); err != nil || !strings.Contains(conflicts, "Nguyễn Thị Lan") {
		t.Errorf("the conflicts: %q (%v)", conflicts, err)
	}
	if grid, err := chromedp.Run(phone, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.cal-month-view')).display !== 'none'`)); err != nil || grid {
		t.Errorf("the month grid is shown on a phone (%v)", err)
	}
	allWithin(t, phone, `li.cal-item`)
	checkPage(t, phone, "calendar-attendee-agenda-phone")
	if err := chromedp.Do(phone, chromedp.Navigate(s.url+"/groups/"+strconv.FormatInt(g.ID, 10)+"/calendar?view=month"),
		chromedp.WaitVisible(chromedp.CSS(`table.cal-grid`))); err != nil {
		t.Fatal(err)
	}
	// The grid forced on a phone is too narrow to read: the agenda under it
	// says what its bars are, and a day's number leads to that day there.
	if agenda, err := text(phone, `.cal-agenda`); err != nil || !strings.Contains(agenda, "Thứ Tư 22/04/2020") || !strings.Contains(agenda, "Trụ sở phường Minh Khai") {
		t.Errorf("no agenda under the month on a phone: %q (%v)", agenda, err)
	}
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS(`a.cal-daynum[href="#d-2020-04-22"]`))); err != nil {
		t.Errorf("no link from the 22nd to its day in the agenda: %v", err)
	}
	checkPage(t, phone, "calendar-month-phone")

	board := browser(t, desktopW, desktopH)
	if err := signIn(board, s.url, "bantochuc", password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(board,
		chromedp.Navigate(s.url+"/units/HN.HBT/sessions"),
		chromedp.WaitVisible(chromedp.CSS(`#title-s0`)),
		chromedp.SendKeys(chromedp.CSS(`#title-s0`), "Tập huấn nghiệp vụ tổ chức đại hội"),
		chromedp.SendKeys(chromedp.CSS(`#day-s0`), "24042020"),
		chromedp.SendKeys(chromedp.CSS(`#start_time-s0`), "14:00"),
		chromedp.SendKeys(chromedp.CSS(`#place-s0`), "Hội trường Quận ủy"),
		chromedp.SendKeys(chromedp.CSS(`#invited-s0`), "HN.HBT.BM, HN.HBT.MK, HN.HBT.NTN"),
		chromedp.Click(chromedp.CSS(`form[action$="/sessions"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash .flash`)),
	); err != nil {
		t.Fatal(err)
	}
	if got, err := text(board, `#sessions`); err != nil || !strings.Contains(got, "24/04/2020 · 14:00 · Hội trường Quận ủy") {
		t.Errorf("the sessions: %q (%v)", got, err)
	}
	checkPage(t, board, "calendar-sessions-desktop")
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/units/HN.HBT/calendar"), chromedp.WaitVisible(chromedp.CSS(`table.cal-grid`))); err != nil {
		t.Fatal(err)
	}
	if grid, err := text(board, `table.cal-grid`); err != nil || !strings.Contains(grid, "14:00 Tập huấn nghiệp vụ") || !strings.Contains(grid, "09:00 Chi bộ khu dân cư số 2") {
		t.Errorf("the month: %q (%v)", grid, err)
	}
	checkPage(t, board, "calendar-month-desktop")
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/units/HN.HBT/calendar?view=month"), chromedp.WaitVisible(chromedp.CSS(`table.cal-grid`))); err != nil {
		t.Fatal(err)
	}
	if shown, err := chromedp.Run(board, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('.cal-agenda')).display !== 'none'`)); err != nil || shown {
		t.Errorf("the month chosen on a desktop also shows the agenda (%v)", err)
	}

	boardPhone := browser(t, phoneW, phoneH)
	if err := signIn(boardPhone, s.url, "bantochuc", password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(boardPhone, chromedp.Navigate(s.url+"/units/HN.HBT/calendar"), chromedp.WaitVisible(chromedp.CSS(`.cal-agenda`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, boardPhone, "calendar-district-phone")
	if err := chromedp.Do(boardPhone, chromedp.Navigate(s.url+"/profile"), chromedp.WaitVisible(chromedp.CSS(`#feed`))); err != nil {
		t.Fatal(err)
	}
	checkPage(t, boardPhone, "calendar-profile-phone")
}
