//go:build e2e

package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
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

// The secretary's and the working group's day, on a phone: a ward's new
// secretary takes a cell from "not started" to "held" (her own approval of
// its plan on the way), records three cells at once, is refused with her
// values kept; a working group finds its wards on its home page.

// axeSource is axe-core (MPL-2.0, testdata/axe-LICENSE.txt), run in the
// pages to find what stands in the way of assistive technologies.
//
//go:embed testdata/axe-4.14.1.min.js
var axeSource string

// newSecretarySite is a server whose clock reads 15/04/2020 09:00 (the demo
// date) with a district of three wards: Ngô Thì Nhậm's cells not started
// (TDP1) or with their plans approved (TDP2–TDP5), Bạch Mai's and Minh
// Khai's half held. Its users: ngothinham, the new secretary of Ngô Thì
// Nhậm; bantochuc, the district board; totacong, the working group of the
// three wards.
// demoDay is the day the site's clock starts at 09:00.
var demoDay = time.Date(2020, 4, 15, 9, 0, 0, 0, domain.Location)

func newSecretarySite(t *testing.T) *site {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := core.New(ctx, store.New(db), domain.NewOffsetClock(demoDay), core.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	units := []domain.UnitInput{
		{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"},
		{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"},
		{Code: "HN.HBT.NTN", Name: "Đảng bộ phường Ngô Thì Nhậm", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 210},
		{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 60},
		{Code: "HN.HBT.MK", Name: "Đảng bộ phường Minh Khai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 60},
	}
	for i, m := range []int{45, 38, 30, 52, 45} {
		units = append(units, domain.UnitInput{Code: fmt.Sprintf("HN.HBT.NTN.%d", i+1), Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d", i+1),
			Kind: "cell", ParentCode: "HN.HBT.NTN", Category: "residential", Members: m})
	}
	for _, w := range []string{"BM", "MK"} {
		for i := 1; i <= 2; i++ {
			units = append(units, domain.UnitInput{Code: fmt.Sprintf("HN.HBT.%s.%d", w, i), Name: fmt.Sprintf("Chi bộ khu dân cư số %d", i),
				Kind: "cell", ParentCode: "HN.HBT." + w, Category: "residential", Members: 30})
		}
	}
	for _, u := range units {
		if _, err := svc.CreateUnit(ctx, sys, u); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := svc.CreateRound(ctx, sys, domain.RoundInput{Name: "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025",
		StartDate: "2019-07-08", Current: true, Deadlines: []domain.DeadlineRuleInput{
			{Kind: "cell", Deadline: "2020-04-30"}, {Kind: "grassroots_committee", Deadline: "2020-06-30"}}}); err != nil {
		t.Fatal(err)
	}
	s := &site{t: t, svc: svc}
	for _, u := range []struct{ name, full, role string }{
		{"ngothinham", "Nguyễn Thị Nga", "secretary"},
		{"bantochuc", "Trần Văn Minh", "board"},
		{"totacong", "Phạm Quốc Hưng", "supervisor"},
	} {
		if _, err := svc.CreateUser(ctx, sys, core.UserInput{Username: u.name, FullName: u.full, Password: password, Lang: "vi"}); err != nil {
			t.Fatal(err)
		}
	}
	for _, g := range []struct{ user, role, unit string }{
		{"ngothinham", "secretary", "HN.HBT.NTN"}, {"bantochuc", "board", "HN.HBT"},
		{"totacong", "supervisor", "HN.HBT.NTN"}, {"totacong", "supervisor", "HN.HBT.BM"}, {"totacong", "supervisor", "HN.HBT.MK"},
	} {
		if err := svc.Grant(ctx, sys, g.user, g.role, g.unit); err != nil {
			t.Fatal(err)
		}
	}
	for _, code := range []string{"HN.HBT.NTN.2", "HN.HBT.NTN.3", "HN.HBT.NTN.4", "HN.HBT.NTN.5", "HN.HBT.BM.1", "HN.HBT.MK.1"} {
		s.toPlanApproved(code, "personnel_plan")
	}
	for _, code := range []string{"HN.HBT.BM.1", "HN.HBT.MK.1"} {
		s.patch(sys, code, domain.CongressPatch{Status: ptr("held"), HeldDate: ptr("2020-03-12")})
	}
	srv, err := web.New(svc, web.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	s.url = hs.URL
	return s
}

// waitText waits until the text of sel contains want, and returns it.
func waitText(ctx context.Context, sel, want string) (string, error) {
	var got string
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		txt, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.AtLeast(0)))
		if err == nil && strings.Contains(txt, want) {
			return txt, nil
		}
		got = txt
	}
	return got, fmt.Errorf("%s says %q, not %q", sel, got, want)
}

// clear empties the input sel, as a user selecting its text and deleting it.
func clear(sel string) chromedp.Action[chromedp.Void] {
	eval := chromedp.Evaluate[any](fmt.Sprintf(`document.querySelector(%q).value = ""`, sel))
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := eval(ctx, t)
		return err
	})
}

// location is the page's path and query.
func location(ctx context.Context) string {
	loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	return loc
}

// axeViolation is one rule axe-core finds broken, with the nodes breaking it.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axe runs axe-core on the page and returns its violations.
func axe(ctx context.Context) ([]axeViolation, error) {
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](axeSource+";true")); err != nil {
		return nil, fmt.Errorf("load axe-core: %w", err)
	}
	return chromedp.Run(ctx, chromedp.Evaluate[[]axeViolation](`axe.run(document, {resultTypes: ["violations"]}).then(r =>
		r.violations.map(v => ({id: v.id, impact: v.impact || "", help: v.help,
			nodes: v.nodes.map(n => n.target.join(" ") + " — " + (n.failureSummary || "").replace(/\s+/g, " "))})))`,
		chromedp.EvalAwaitPromise))
}

// checkPage takes the screenshot of the page as name (no wider than the
// window) and runs axe-core on it.
func checkPage(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	shot(t, ctx, name)
	vs, err := axe(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Errorf("%s: axe: %s (%s): %s\n  %s", name, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
	}
}

// notWider reports a page wider than the window. It compares the layout's
// width (clientWidth), not the window's: a phone zooms out to show a page
// wider than itself, and innerWidth grows with it.
func notWider(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	if w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth - document.documentElement.clientWidth`)); err != nil || w > 0 {
		t.Errorf("%s: the page is %d px wider than the window (%v)", name, w, err)
	}
}

// allWithin reports the elements of sel whose right edge is past the
// layout's: what a phone would not show without scrolling sideways.
func allWithin(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll(%q)]
		.filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).map(e => e.textContent.trim())`, sel)))
	if err != nil {
		t.Fatal(err)
	}
	n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if n == 0 || len(out) > 0 {
		t.Errorf("of the %d %s, off the screen: %q", n, sel, out)
	}
}

// headline is the board's headline on its dashboard.
func headline(t *testing.T, ctx context.Context, url string) string {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/"), chromedp.WaitVisible(chromedp.CSS(`.headline`))); err != nil {
		t.Fatal(err)
	}
	h, _ := text(ctx, ".headline")
	return h
}

// A new secretary of a ward, on a phone whose language is English, takes a
// cell from not started to held through its preparation and her own
// approval of its plan, typing the days dd/mm/yyyy; the board's dashboard
// then counts it.
func TestANewSecretaryTakesACellToHeldOnAPhone(t *testing.T) {
	s := newSecretarySite(t)
	board := browser(t, desktopW, desktopH)
	if err := signIn(board, s.url, "bantochuc", password); err != nil {
		t.Fatal(err)
	}
	// 2 of the 9 cells are held (Bạch Mai's and Minh Khai's first).
	if h := headline(t, board, s.url); !strings.Contains(h, "(2/9)") {
		t.Fatalf("board's headline before: %q", h)
	}

	phone := browserIn(t, phoneW, phoneH, "en-US")
	if err := signIn(phone, s.url, "ngothinham", password); err != nil {
		t.Fatal(err)
	}
	if loc := location(phone); loc != "/my" {
		t.Errorf("a secretary lands on %q, want /my", loc)
	}
	card := `#u-HN-HBT-NTN-1`
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(phone, actions...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	step("start preparing", chromedp.WaitVisible(chromedp.CSS(card+` form.stack button`)),
		chromedp.Click(chromedp.CSS(card+` form.stack button`)),
		chromedp.WaitVisible(chromedp.CSS(card+` form[action$="/milestones/congress_plan"] button`)))
	if txt, _ := text(phone, card); !strings.Contains(txt, "Đang chuẩn bị") {
		t.Errorf("after starting: %q", txt)
	}
	// The card replaced keeps the focus: on its title, not back at the top
	// (htmx moves it once the new card has settled: wait for it).
	focusCtx, cancelFocus := context.WithTimeout(phone, 5*time.Second)
	if err := chromedp.Do(focusCtx, chromedp.Poll[chromedp.Void](`document.activeElement && document.activeElement.closest('`+card+`') && document.activeElement.tagName === 'H2'`)); err != nil {
		in, _ := chromedp.Run(phone, chromedp.Evaluate[string](`document.activeElement.tagName`))
		t.Errorf("the focus after the card was replaced is on %q (%v), want its title", in, err)
	}
	cancelFocus()
	shot(t, phone, "secretary-approves-in-place-phone")
	// The list of what waits for her approval names the cell's plans, and
	// no longer the one she approves in place.
	waiting := func() string {
		t.Helper()
		s, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelector('#waiting').offsetHeight > 0 ? Array.from(document.querySelectorAll('#waiting li')).map(li => li.querySelector('a').getAttribute('href') + ' ' + li.textContent).join(' | ') : 'hidden'`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if w := waiting(); !strings.Contains(w, card+" Chi bộ Tổ dân phố số 1: phương án nhân sự, phương án tổ chức đại hội") {
		t.Errorf("waiting for her before: %q, want the cell's two plans", w)
	}
	step("approve its plan", chromedp.Click(chromedp.CSS(card+` form[action$="/milestones/congress_plan"] button`)),
		chromedp.WaitVisible(chromedp.CSS(card+` input[name=planned_date]`)))
	if w := waiting(); !strings.Contains(w, card+" Chi bộ Tổ dân phố số 1: phương án nhân sự") || strings.Contains(w, "phương án tổ chức đại hội") {
		t.Errorf("waiting for her after approving the congress plan: %q", w)
	}
	step("plan approved", chromedp.SendKeys(chromedp.CSS(card+` input[name=planned_date]`), "20/04/2020"),
		chromedp.Click(chromedp.CSS(card+` form.stack button`)),
		chromedp.WaitVisible(chromedp.CSS(card+` input[name=held_date]`)))
	if v, _ := chromedp.Run(phone, chromedp.Value(chromedp.CSS(card+` input[name=held_date]`))); v != "" {
		t.Errorf("the held date is filled for the secretary: %q", v)
	}
	shot(t, phone, "secretary-held-form-phone")
	step("held", chromedp.SendKeys(chromedp.CSS(card+` input[name=held_date]`), "12/04/2020"),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=delegates_present]`), "41"),
		chromedp.Click(chromedp.CSS(card+` form.stack button`)))
	if txt, err := waitText(phone, card, "Đại hội ngày 12/04/2020"); err != nil {
		t.Fatal(err)
	} else if !strings.Contains(txt, "Đã đại hội") {
		t.Errorf("the card after holding: %q", txt)
	}
	if loc := location(phone); loc != "/my" {
		t.Errorf("the page was left for %q", loc)
	}
	c := s.congress("HN.HBT.NTN.1")
	if c.Status != domain.StatusHeld || c.HeldDate.String() != "2020-04-12" || c.DelegatesPresent == nil || *c.DelegatesPresent != 41 {
		t.Errorf("the cell: %s held %v present %v", c.Status, c.HeldDate, c.DelegatesPresent)
	}
	if h := headline(t, board, s.url); !strings.Contains(h, "(3/9)") {
		t.Errorf("board's headline after: %q", h)
	}
}

// A refused "held" form keeps what was typed and says why beside each field.
func TestARefusedHeldFormKeepsWhatWasTyped(t *testing.T) {
	s := newSecretarySite(t)
	phone := browserIn(t, phoneW, phoneH, "en-US")
	if err := signIn(phone, s.url, "ngothinham", password); err != nil {
		t.Fatal(err)
	}
	card := `#u-HN-HBT-NTN-5` // 45 members
	before := s.congress("HN.HBT.NTN.5").Version
	if err := chromedp.Do(phone,
		chromedp.WaitVisible(chromedp.CSS(card+` input[name=held_date]`)),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=held_date]`), "20/04/2020"),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=delegates_present]`), "999"),
		chromedp.Click(chromedp.CSS(card+` form.stack button`)),
		chromedp.WaitVisible(chromedp.CSS(card+` .field-error`)),
	); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ input, value, err string }{
		{"held_date", "20/04/2020", "ở tương lai (hôm nay là 15/04/2020)"},
		{"delegates_present", "999", "Số đảng viên có mặt (999) nhiều hơn số đảng viên của đơn vị (45)"},
	} {
		sel := card + ` input[name=` + c.input + `]`
		if v, _ := chromedp.Run(phone, chromedp.Value(chromedp.CSS(sel))); v != c.value {
			t.Errorf("%s: %q after the refusal, want %q as typed", c.input, v, c.value)
		}
		described, _ := chromedp.Run(phone, chromedp.AttributeValue(chromedp.CSS(sel), "aria-describedby"))
		id := strings.Fields(described.Value)
		if len(id) == 0 {
			t.Errorf("%s: not tied to its refusal", c.input)
			continue
		}
		msg, _ := text(phone, "#"+id[len(id)-1])
		role, _ := chromedp.Run(phone, chromedp.AttributeValue(chromedp.CSS("#"+id[len(id)-1]), "role"))
		if !strings.Contains(msg, c.err) || role.Value != "alert" {
			t.Errorf("%s: refusal %q (role %q), want %q", c.input, msg, role.Value, c.err)
		}
	}
	if n, _ := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll("#flash .flash").length`)); n != 0 {
		t.Error("the refusal is in the flash")
	}
	if s.congress("HN.HBT.NTN.5").Version != before {
		t.Error("the refused form wrote")
	}
	shot(t, phone, "refused-held-form-phone")
	// Corrected, it goes through.
	if err := chromedp.Do(phone,
		clear(card+` input[name=held_date]`),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=held_date]`), "05/04/2020"),
		clear(card+` input[name=delegates_present]`),
		chromedp.SendKeys(chromedp.CSS(card+` input[name=delegates_present]`), "40"),
		chromedp.Click(chromedp.CSS(card+` form.stack button`)),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(phone, card, "Đại hội ngày 05/04/2020"); err != nil {
		t.Error(err)
	}
}

// Three cells held on the same day are recorded in one form; a form with
// one bad row records none of them.
func TestSeveralCellsAreHeldAtOnceAllOrNone(t *testing.T) {
	s := newSecretarySite(t)
	phone := browser(t, phoneW, phoneH)
	if err := signIn(phone, s.url, "ngothinham", password); err != nil {
		t.Fatal(err)
	}
	cells := []string{"HN.HBT.NTN.2", "HN.HBT.NTN.3", "HN.HBT.NTN.4"}
	fill := func(present ...string) {
		t.Helper()
		actions := []chromedp.Action[chromedp.Void]{chromedp.Navigate(s.url + "/my/hold"), chromedp.WaitVisible(chromedp.CSS(`form.bulk`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=held_date]`), "05/04/2020")}
		for i, code := range cells {
			id := "u-" + strings.ReplaceAll(code, ".", "-")
			if i < len(cells)-1 { // the last one is ticked by typing its attendance
				actions = append(actions, chromedp.Click(chromedp.CSS(`#pick-`+id)))
			}
			actions = append(actions, chromedp.SendKeys(chromedp.CSS(`#present-`+id), present[i]))
		}
		if err := chromedp.Do(phone, actions...); err != nil {
			t.Fatal(err)
		}
	}
	versions := func() (out []int) {
		for _, code := range cells {
			out = append(out, s.congress(code).Version)
		}
		return out
	}
	before := versions()
	fill("30", "31", "25") // the second cell has 30 members
	if ticked, err := chromedp.Run(phone, chromedp.Evaluate[bool](`document.getElementById("pick-u-HN-HBT-NTN-4").checked`)); err != nil || !ticked {
		t.Errorf("typing a cell's attendance left it unticked (%v)", err)
	}
	shot(t, phone, "bulk-form-filled-phone")
	if err := chromedp.Do(phone, chromedp.Click(chromedp.CSS(`form.bulk > button`)), chromedp.WaitVisible(chromedp.CSS(`.hold-row .field-error`))); err != nil {
		t.Fatal(err)
	}
	if msg, _ := text(phone, `#row-u-HN-HBT-NTN-3 .field-error`); !strings.Contains(msg, "(31)") || !strings.Contains(msg, "(30)") {
		t.Errorf("the bad row says %q", msg)
	}
	if n, _ := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll(".hold-row .field-error").length`)); n != 1 {
		t.Errorf("%d rows refused, want 1", n)
	}
	if v, _ := chromedp.Run(phone, chromedp.Value(chromedp.CSS(`#present-u-HN-HBT-NTN-4`))); v != "25" {
		t.Errorf("a good row lost what was typed: %q", v)
	}
	if fmt.Sprint(versions()) != fmt.Sprint(before) {
		t.Fatal("a bulk hold with a bad row wrote")
	}
	shot(t, phone, "bulk-form-refused-phone")
	if err := chromedp.Do(phone,
		clear(`#present-u-HN-HBT-NTN-3`),
		chromedp.SendKeys(chromedp.CSS(`#present-u-HN-HBT-NTN-3`), "29"),
		chromedp.Click(chromedp.CSS(`form.bulk > button`)),
	); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(phone, `#flash`, "Đã ghi nhận 3 chi bộ đại hội ngày 05/04/2020"); err != nil {
		t.Fatal(err)
	}
	for _, code := range cells {
		if c := s.congress(code); c.Status != domain.StatusHeld || c.HeldDate.String() != "2020-04-05" {
			t.Errorf("%s: %s %v", code, c.Status, c.HeldDate)
		}
	}
}

// A working group's home lists its wards, each a link, the late first.
func TestAWorkingGroupsHomeListsItsWards(t *testing.T) {
	s := newSecretarySite(t)
	for _, size := range [][2]int{{phoneW, phoneH}, {desktopW, desktopH}} {
		ctx := browser(t, size[0], size[1])
		if err := signIn(ctx, s.url, "totacong", password); err != nil {
			t.Fatal(err)
		}
		links, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("main table th a")].map(a => a.textContent + " " + a.getAttribute("href"))`))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"Đảng bộ phường Ngô Thì Nhậm /units/HN.HBT.NTN", "Đảng bộ phường Bạch Mai /units/HN.HBT.BM", "Đảng bộ phường Minh Khai /units/HN.HBT.MK"}
		if len(links) != 3 || !strings.Contains(strings.Join(links, "|"), want[0]) || !strings.Contains(strings.Join(links, "|"), want[1]) ||
			!strings.Contains(strings.Join(links, "|"), want[2]) {
			t.Errorf("%d px: the home links %q, want %q", size[0], links, want)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/my"), chromedp.WaitVisible(chromedp.CSS(`#u-HN-HBT-NTN`))); err != nil {
			t.Fatal(err)
		}
		if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("main form").length`)); n != 0 {
			t.Errorf("%d px: a working group gets %d forms in My units, want none (it reads)", size[0], n)
		}
	}
}

// The pages of the secretary's and the working group's day, at both sizes:
// screenshots, no page wider than the window, and axe-core finds nothing.
func TestTheSecretarysPagesAreAccessibleAtBothSizes(t *testing.T) {
	s := newSecretarySite(t)
	s.patch(sys, "HN.HBT.NTN.2", domain.CongressPatch{Status: ptr("held"), HeldDate: ptr("2020-04-05")})
	s.patch(sys, "HN.HBT.NTN.1", domain.CongressPatch{Status: ptr("preparing")}) // its plans wait for the ward's approval
	if _, err := s.svc.MakeWeeklyReport(context.Background(), sys, "HN.HBT", "2020-W15", false); err != nil {
		t.Fatal(err)
	}
	for _, size := range []struct {
		w, h int
		name string
	}{{phoneW, phoneH, "phone"}, {desktopW, desktopH, "desktop"}} {
		secretary := browser(t, size.w, size.h)
		if err := signIn(secretary, s.url, "ngothinham", password); err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct{ path, wait, name string }{
			{"/my", "ul.cards", "my-units"},
			{"/my/hold", "form.bulk", "bulk-form"},
			{"/units/HN.HBT.NTN.2", "form.results", "results-form"},
			{"/units/HN.HBT.NTN", "#waiting", "ward-page"},
			{"/profile", "#password", "profile"},
		} {
			if err := chromedp.Do(secretary, chromedp.Navigate(s.url+p.path), chromedp.WaitVisible(chromedp.CSS(p.wait))); err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			checkPage(t, secretary, p.name+"-"+size.name)
		}
		supervisor := browser(t, size.w, size.h)
		if err := signIn(supervisor, s.url, "totacong", password); err != nil {
			t.Fatal(err)
		}
		checkPage(t, supervisor, "supervisor-home-"+size.name)
		board := browser(t, size.w, size.h)
		if err := signIn(board, s.url, "bantochuc", password); err != nil {
			t.Fatal(err)
		}
		checkPage(t, board, "board-dashboard-"+size.name)
		allWithin(t, board, "#units-table td")
		if err := chromedp.Do(board, chromedp.Navigate(s.url+"/units/HN.HBT/reports/2020-W15"), chromedp.WaitVisible(chromedp.CSS(`.report-table`))); err != nil {
			t.Fatal(err)
		}
		checkPage(t, board, "weekly-report-"+size.name)
		allWithin(t, board, ".report-table td")
	}
	t.Run("axe-core finds what it should", func(t *testing.T) {
		ctx := browser(t, phoneW, phoneH)
		if err := chromedp.Do(ctx, chromedp.Navigate(s.url+"/login"), chromedp.WaitVisible(chromedp.CSS(`#username`))); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](`document.querySelector("main").insertAdjacentHTML("beforeend", '<img src="/x.png">')`)); err != nil {
			t.Fatal(err)
		}
		vs, err := axe(ctx)
		if err != nil || len(vs) == 0 || vs[0].ID != "image-alt" {
			t.Errorf("an image without its text: %+v (%v)", vs, err)
		}
	})
}

// A day typed on a phone comes out as the secretary meant it: slashes come
// by themselves, a "." or "-" typed between stands for one, and a year
// typed first is left as typed.
func TestADayFieldTakesTheSeparatorsPeopleType(t *testing.T) {
	s := newSecretarySite(t)
	phone := browserIn(t, phoneW, phoneH, "vi-VN")
	if err := signIn(phone, s.url, "ngothinham", password); err != nil {
		t.Fatal(err)
	}
	field := `#u-HN-HBT-NTN-5 input[name=held_date]`
	if err := chromedp.Do(phone, chromedp.WaitVisible(chromedp.CSS(field))); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ typed, want string }{
		{"08042020", "08/04/2020"},
		{"08/04/2020", "08/04/2020"},
		{"08.04.2020", "08/04/2020"},
		{"8-4-2020", "8/4/2020"},
		{"2020-04-08", "2020-04-08"},
	} {
		if _, err := chromedp.Run(phone, chromedp.Evaluate[bool](`(() => { const el = document.querySelector('`+field+`'); el.value = ''; delete el.dataset.yearFirst; return true })()`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(phone, chromedp.SendKeys(chromedp.CSS(field), tc.typed)); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(phone, chromedp.Value(chromedp.CSS(field)))
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("typed %q: the field reads %q, want %q", tc.typed, got, tc.want)
		}
	}
}
