//go:build e2e

package e2e

import (
	"context"
	"flag"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
	"github.com/daihoi/daihoi/internal/web"
)

var shots = flag.String("screenshots", "e2e-screenshots", "folder the screenshots are written to")

func TestMain(m *testing.M) { testdb.Main(m, store.Migrate) }

const password = "mat-khau-e2e-2020"

var sys = domain.SystemPrincipal()

// site is a daihoi server with a district, two wards of cells, a round
// in progress and four users: the ward's secretary, the district board, an
// English-speaking board user, and the secretary's cells ready to hold.
type site struct {
	t   *testing.T
	svc *core.Service
	url string
}

func newSite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := core.New(ctx, store.New(db), domain.SystemClock{}, core.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.BM.1", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential"},
		{Code: "HN.HBT.BM.2", Name: "Chi bộ Tổ dân phố số 2", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential"},
		{Code: "HN.HBT.VT", Name: "Đảng bộ phường Vĩnh Tuy", Kind: "grassroots_committee", ParentCode: "HN.HBT"},
		{Code: "HN.HBT.VT.1", Name: "Chi bộ khu dân cư số 1", Kind: "cell", ParentCode: "HN.HBT.VT", Category: "residential"},
		{Code: "HN.HBT.VT.2", Name: "Chi bộ Trường Tiểu học Vĩnh Tuy", Kind: "cell", ParentCode: "HN.HBT.VT", Category: "school"},
	} {
		if _, err := svc.CreateUnit(ctx, sys, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateRound(ctx, sys, domain.RoundInput{Name: "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025",
		StartDate: "2019-07-08", Current: true, Deadlines: []domain.DeadlineRuleInput{
			{Kind: "cell", Deadline: "2020-03-31"}, {Kind: "grassroots_committee", Deadline: "2020-06-30"}}}); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct{ name, full, lang, role, unit string }{
		{"bachmai", "Nguyễn Thị Hồng", "vi", "secretary", "HN.HBT.BM"},
		{"bantochuc", "Trần Văn Minh", "vi", "board", "HN.HBT"},
		{"lan", "Lan Pham", "en", "board", "HN.HBT"},
	} {
		if _, err := svc.CreateUser(ctx, sys, core.UserInput{Username: u.name, FullName: u.full, Password: password, Lang: u.lang}); err != nil {
			t.Fatal(err)
		}
		if err := svc.Grant(ctx, sys, u.name, u.role, u.unit); err != nil {
			t.Fatal(err)
		}
	}
	s := &site{t: t, svc: svc}
	// Both cells of Bạch Mai have their plan approved; one of Vĩnh Tuy has held.
	for _, code := range []string{"HN.HBT.BM.1", "HN.HBT.BM.2", "HN.HBT.VT.1"} {
		s.toPlanApproved(code)
	}
	s.patch(sys, "HN.HBT.VT.1", domain.CongressPatch{Status: ptr("held"), HeldDate: ptr("2020-03-12")})
	srv, err := web.New(svc, web.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s.url = hs.URL
	return s
}

func ptr(s string) *string { return &s }

func (s *site) patch(p domain.Principal, code string, pt domain.CongressPatch) {
	s.t.Helper()
	c, err := s.svc.Congress(context.Background(), p, code, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	pt.Version = c.Version
	if _, err := s.svc.UpdateCongress(context.Background(), p, code, 0, pt); err != nil {
		s.t.Fatalf("%s: %v", code, err)
	}
}

// toPlanApproved walks code to plan approved as the system, its congress
// plan approved (and the other milestones named).
func (s *site) toPlanApproved(code string, milestones ...string) {
	s.t.Helper()
	for _, m := range append(milestones, "congress_plan") {
		if _, err := s.svc.TickMilestone(context.Background(), sys, code, 0, m, domain.MilestoneInput{DoneOn: "2020-02-01"}); err != nil {
			s.t.Fatal(err)
		}
	}
	s.patch(sys, code, domain.CongressPatch{Status: ptr("preparing")})
	s.patch(sys, code, domain.CongressPatch{Status: ptr("plan_approved"), PlannedDate: ptr("2020-03-20")})
}

func (s *site) congress(code string) domain.Congress {
	s.t.Helper()
	c, err := s.svc.Congress(context.Background(), sys, code, 0)
	if err != nil {
		s.t.Fatal(err)
	}
	return c
}

// chromium finds Debian's chromium.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium is not installed (apt-get install -y chromium); `make e2e` needs it")
	return ""
}

// browser starts a headless chromium window of width × height, speaking
// Vietnamese.
func browser(t *testing.T, width, height int) context.Context {
	t.Helper()
	return browserIn(t, width, height, "vi-VN")
}

// browserIn starts a headless chromium window of width × height whose
// language (of the browser, the phone) is lang.
func browserIn(t *testing.T, width, height int, lang string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("lang", lang),
		chromedp.Flag("accept-lang", lang),
		chromedp.WindowSize(width, height),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	ctx, cancel3 := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(cancel3)
	// The viewport, emulated: headless chromium's windows are at least 500 px wide.
	var emulate []chromedp.EmulateViewportOption
	if width < 600 {
		emulate = append(emulate, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), int64(height), emulate...)); err != nil {
		t.Fatal(err)
	}
	return ctx
}

const (
	phoneW, phoneH     = 360, 740
	desktopW, desktopH = 1280, 900
)

func (s *site) signIn(ctx context.Context, user string) error {
	return signIn(ctx, s.url, user, password)
}

// signIn signs user in with pw on the server at url.
func signIn(ctx context.Context, url, user, pw string) error {
	return chromedp.Do(ctx,
		chromedp.Navigate(url+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#username`)),
		chromedp.SendKeys(chromedp.CSS(`#username`), user),
		chromedp.SendKeys(chromedp.CSS(`#password`), pw),
		chromedp.Click(chromedp.CSS(`form.stack button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.logout`)),
	)
}

func text(ctx context.Context, sel string) (string, error) {
	return chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
}

// shot saves a screenshot of the whole page, which must be no wider than
// the window (notWider).
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	notWider(t, ctx, name)
	if err := os.MkdirAll(*shots, 0o755); err != nil {
		t.Fatal(err)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(*shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}

// A secretary on a phone marks a cell held; the board's dashboard then shows the new share.
func TestSecretaryMarksACellHeldOnAPhoneAndTheBoardSeesIt(t *testing.T) {
	s := newSite(t)
	board := browser(t, desktopW, desktopH)
	if err := s.signIn(board, "bantochuc"); err != nil {
		t.Fatal(err)
	}
	if h, err := text(board, ".headline"); err != nil || !strings.Contains(h, "25,00% chi bộ đã tổ chức đại hội (1/4)") {
		t.Fatalf("board's headline before: %q (%v)", h, err)
	}
	shot(t, board, "dashboard-desktop")

	phone := browser(t, phoneW, phoneH)
	if err := s.signIn(phone, "bachmai"); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "dashboard-phone")
	card := `#u-HN-HBT-BM-1`
	if err := chromedp.Do(phone,
		chromedp.Navigate(s.url+"/my"),
		chromedp.WaitVisible(chromedp.CSS(card+` form.stack`)),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "my-units-phone")
	if err := chromedp.Do(phone,
		chromedp.SetValue(chromedp.CSS(card+` input[name=held_date]`), "2020-03-25"),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=delegates_present]`), "21"),
		chromedp.Click(chromedp.CSS(card+` form.stack button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`.flash`)),
	); err != nil {
		t.Fatal(err)
	}
	if flash, _ := text(phone, ".flash"); !strings.Contains(flash, "Đã cập nhật Chi bộ Tổ dân phố số 1") {
		t.Errorf("flash %q", flash)
	}
	// htmx swapped the card in place: no full page load (which would have
	// followed the redirect to /my#u-HN-HBT-BM-1).
	if loc, err := chromedp.Run(phone, chromedp.Location()); err != nil || strings.Contains(loc, "#") {
		t.Errorf("the page was reloaded: %q (%v)", loc, err)
	}
	if held, _ := text(phone, card+` .muted`); !strings.Contains(held, "25/03/2020") {
		t.Errorf("the card was not updated: %q", held)
	}
	if err := chromedp.Do(board, chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS(`.headline`))); err != nil {
		t.Fatal(err)
	}
	if h, _ := text(board, ".headline"); !strings.Contains(h, "50,00% chi bộ đã tổ chức đại hội (2/4)") {
		t.Errorf("board's headline after: %q", h)
	}
	if err := chromedp.Do(board, chromedp.Navigate(s.url+"/my")); err != nil {
		t.Fatal(err)
	}
	shot(t, board, "my-units-desktop")
	for _, v := range []struct {
		ctx  context.Context
		code string
		name string
	}{{board, "HN.HBT.BM", "unit-desktop"}, {phone, "HN.HBT.BM.1", "unit-phone"}} {
		if err := chromedp.Do(v.ctx, chromedp.Navigate(s.url+"/units/"+v.code), chromedp.WaitVisible(chromedp.CSS(`nav.breadcrumb`))); err != nil {
			t.Fatal(err)
		}
		shot(t, v.ctx, v.name)
	}
}

func TestAnEnglishSpeakingUserSeesEnglish(t *testing.T) {
	s := newSite(t)
	ctx := browser(t, phoneW, phoneH)
	if err := s.signIn(ctx, "lan"); err != nil {
		t.Fatal(err)
	}
	attr, err := chromedp.Run(ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang"))
	if err != nil {
		t.Fatal(err)
	}
	lang := attr.Value
	h, _ := text(ctx, ".headline")
	if lang != "en" || !strings.Contains(h, "25.00% of cells have held their congress (1/4)") {
		t.Errorf("lang %q, headline %q", lang, h)
	}
	shot(t, ctx, "dashboard-english-phone")
}

func TestAStaleFormShowsTheConflict(t *testing.T) {
	s := newSite(t)
	ctx := browser(t, phoneW, phoneH)
	if err := s.signIn(ctx, "bachmai"); err != nil {
		t.Fatal(err)
	}
	card := `#u-HN-HBT-BM-2`
	if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/my"), chromedp.WaitVisible(chromedp.CSS(card+` form.stack`))); err != nil {
		t.Fatal(err)
	}
	// Meanwhile the district board changes the planned date.
	s.patch(sys, "HN.HBT.BM.2", domain.CongressPatch{PlannedDate: ptr("2020-03-28")})
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(card+` form.stack button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(card+` .error`)),
	); err != nil {
		t.Fatal(err)
	}
	msg, _ := text(ctx, card+` .error`)
	planned, _ := text(ctx, card+` .muted`)
	if !strings.Contains(msg, "đã thay đổi từ khi trang này được mở") || !strings.Contains(planned, "28/03/2020") {
		t.Errorf("message %q, values %q", msg, planned)
	}
	c, err := s.svc.Congress(context.Background(), sys, "HN.HBT.BM.2", 0)
	if err != nil || c.Status != domain.StatusPlanApproved {
		t.Errorf("the stale form wrote: %+v (%v)", c.Status, err)
	}
	shot(t, ctx, "stale-form-phone")
}
