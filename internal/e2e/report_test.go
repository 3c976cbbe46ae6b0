//go:build e2e

package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/demo"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
	"github.com/daihoi/daihoi/internal/web"
)

// demoSite serves the demo data as `make run` does: seeded on the demo
// date, the clock at 09:00 on it.
func demoSite(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	db := testdb.New(t)
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	svc, err := core.New(ctx, store.New(db), demo.Clock(demo.Date), core.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Seed(ctx, svc); err != nil {
		t.Fatal(err)
	}
	srv, err := web.New(svc, web.Options{}, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL
}

var mediaBox = regexp.MustCompile(`/MediaBox \[0 0 ([0-9.]+) ([0-9.]+)\]`)

// downloads fetches every link the page's selector finds and reports
// each: format is the JavaScript expression naming it (from its anchor a).
func downloads(t *testing.T, ctx context.Context, selector, format string) []download {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Promise.all([...document.querySelectorAll(`+strconv.Quote(selector)+`)].map(async a => {
		const r = await fetch(a.href);
		const b = new Uint8Array(await r.arrayBuffer());
		return {format: `+format+`, status: r.status, type: r.headers.get("Content-Type"),
			name: r.headers.get("Content-Disposition"), size: b.length, head: String.fromCharCode(...b.slice(0, 5))};
	})).then(JSON.stringify)`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	var got []download
	if err := json.Unmarshal([]byte(raw), &got); err != nil {
		t.Fatal(err)
	}
	return got
}

type download struct {
	Format string `json:"format"`
	Status int    `json:"status"`
	Type   string `json:"type"`
	Name   string `json:"name"`
	Size   int    `json:"size"`
	Head   string `json:"head"`
}

// The district board opens the demo district's report of the demo week
// from the dashboard and downloads it in every format, the CSV also with
// semicolons.
func TestTheReportOfTheDemoWeekOpensFromTheDashboardAndDownloadsInEveryFormat(t *testing.T) {
	url := demoSite(t)
	ctx := browser(t, desktopW, desktopH)
	if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`p.downloads a[href="/units/HN.HBT/reports"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-archive`)),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, ctx, "reports-archive-desktop")
	// 15/04/2020 is in 2020-W16: the demo week reported is 2020-W15 (06–12/04).
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#report-archive a[href="/units/HN.HBT/reports/2020-W15"]`)),
		chromedp.WaitVisible(chromedp.CSS(`article.report`)),
	); err != nil {
		t.Fatal(err)
	}
	h1, err := text(ctx, "article.report h1")
	if err != nil || !strings.Contains(h1, "Hai Bà Trưng") {
		t.Fatalf("report heading %q (%v)", h1, err)
	}
	if week, _ := text(ctx, "article.report .report-head p:nth-of-type(2)"); !strings.Contains(week, "Tuần 15/2020 (06/04/2020 – 12/04/2020)") {
		t.Errorf("week line %q", week)
	}
	shot(t, ctx, "report-desktop")

	got := downloads(t, ctx, ".report-tools a.download", "a.dataset.format")
	want := map[string]struct{ ctype, head, name string }{
		"html": {"text/html", "<!doc", "HN.HBT-2020-W15.html"}, "xlsx": {"spreadsheetml", "PK", "HN.HBT-2020-W15.xlsx"},
		"csv": {"text/csv", "\u00ef\u00bb\u00bfM", "HN.HBT-2020-W15.csv"}, "csv-semicolon": {"text/csv", "\u00ef\u00bb\u00bfM", "HN.HBT-2020-W15-cham-phay.csv"},
		"pdf": {"application/pdf", "%PDF-", "HN.HBT-2020-W15.pdf"},
	}
	if len(got) != len(want) {
		t.Fatalf("%d downloads, want %d: %+v", len(got), len(want), got)
	}
	for _, d := range got {
		w, ok := want[d.Format]
		if !ok || d.Status != 200 || !strings.Contains(d.Type, w.ctype) || !strings.HasPrefix(d.Head, w.head) ||
			!strings.Contains(d.Name, w.name) || d.Size < 1000 {
			t.Errorf("download %+v", d)
		}
	}
	labels, err := chromedp.Run(ctx, chromedp.Evaluate[string](`[...document.querySelectorAll(".report-tools a.download")].map(a => a.textContent.trim()).join(" | ")`))
	if err != nil || !strings.Contains(labels, "CSV (dấu ;, Excel tiếng Việt)") || !strings.Contains(labels, "CSV (dấu ,)") {
		t.Errorf("the downloads are labelled %q (%v)", labels, err)
	}

	// On paper: the app's header and the download links are not printed, and
	// the report fits A4 pages (the stylesheet's @page).
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](`["header.top", ".report-tools"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ")`))
	if err != nil || hidden != "none none" {
		t.Errorf("printed, the header and downloads show: %q (%v)", hidden, err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
	if err != nil {
		t.Fatal(err)
	}
	// Every page of the print is A4 (595 × 842 points; chromium rounds).
	boxes := mediaBox.FindAllSubmatch(pdf, -1)
	pages, a4 := len(boxes), 0
	for _, b := range boxes {
		w, _ := strconv.ParseFloat(string(b[1]), 64)
		h, _ := strconv.ParseFloat(string(b[2]), 64)
		if math.Abs(w-595.3) < 1 && math.Abs(h-841.9) < 1 {
			a4++
		}
	}
	if pages < 2 || a4 != pages {
		t.Errorf("printed on %d pages, %d of them A4", pages, a4)
	}
	if err := os.WriteFile(filepath.Join(*shots, "report-print-a4.pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}

	phone := browser(t, phoneW, phoneH)
	if err := signIn(phone, url, "bantochuc", demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(phone,
		chromedp.Navigate(url+"/units/HN.HBT/reports/2020-W15"),
		chromedp.WaitVisible(chromedp.CSS(`article.report`)),
	); err != nil {
		t.Fatal(err)
	}
	shot(t, phone, "report-phone")
}

// fetchBytes fetches url in the page (with its session) and returns the body.
func fetchBytes(t *testing.T, ctx context.Context, url string) []byte {
	t.Helper()
	b64, err := chromedp.Run(ctx, chromedp.Evaluate[string](`fetch(`+strconv.Quote(url)+`).then(r => r.arrayBuffer()).then(b => {
		let s = ""; const a = new Uint8Array(b);
		for (let i = 0; i < a.length; i += 8192) { s += String.fromCharCode(...a.subarray(i, i + 8192)); }
		return btoa(s);
	})`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The report's first PDF page is what the district standing committee
// reads: rendered (pdftoppm) and read (pdftotext), it holds the headline
// figures and their change, the forecast against the deadline and the late
// units by place. On screen, the report's first screen at 360 px and on a
// desktop says the same, its chart's text gives the latest values, its
// data follows as a table; the dashboard's chart keeps its legend above
// the next heading on a phone.
func TestTheReportsFirstPageHoldsTheHeadlineTheForecastAndTheLateUnits(t *testing.T) {
	url := demoSite(t)
	ctx := browser(t, desktopW, desktopH)
	if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Navigate(url+"/units/HN.HBT/reports/2020-W15"),
		chromedp.WaitVisible(chromedp.CSS(`article.report`)),
	); err != nil {
		t.Fatal(err)
	}
	pdf := fetchBytes(t, ctx, url+"/units/HN.HBT/reports/2020-W15/report.pdf")
	if err := os.MkdirAll(*shots, 0o755); err != nil {
		t.Fatal(err)
	}
	pdfPath := filepath.Join(*shots, "report-pdf.pdf")
	if err := os.WriteFile(pdfPath, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdfPath, filepath.Join(*shots, "report-pdf-page1")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm (poppler-utils): %v %s", err, out)
	}
	t.Logf("first PDF page %s", filepath.Join(*shots, "report-pdf-page1.png"))
	out, err := exec.Command("pdftotext", "-layout", "-f", "1", "-l", "1", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (poppler-utils): %v", err)
	}
	page1 := strings.Join(strings.Fields(string(out)), " ")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`Số liệu chính Chi bộ đã đại hội`),
		regexp.MustCompile(`\d+/\d+ \d+/\d+ \d+/\d+ \d+ \d+,\d\d% \d+,\d\d% \d+,\d\d% [+-]?\d+ trong tuần`),
		regexp.MustCompile(`Tuần trước: \d+/\d+ \(\d+,\d\d%\)`),
		regexp.MustCompile(`Dự báo so với thời hạn Với nhịp độ [\d,]+ chi bộ/tuần, dự kiến hoàn thành ngày \d\d/\d\d/\d{4}, (trước|SAU) thời hạn`),
		regexp.MustCompile(`Đơn vị trễ hạn theo nơi \(\d+\) Nơi`),
		regexp.MustCompile(`Đảng bộ phường [^\d]+ \d+ Chi bộ`),
	} {
		if !want.MatchString(page1) {
			t.Errorf("page 1 of the PDF does not match %s:\n%s", want, out)
		}
	}
	if strings.Contains(page1, "Đơn vị trực thuộc Đơn vị") {
		t.Error("the table of the units below starts on page 1")
	}

	// On screen: the first screen, the chart's text and data.
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/units/HN.HBT/reports/2020-W15"), chromedp.WaitVisible(chromedp.CSS(`article.report`))); err != nil {
		t.Fatal(err)
	}
	viewport(t, ctx, "report-first-screen-desktop")
	alt, err := text(ctx, "#r-chart-alt")
	if err != nil || !regexp.MustCompile(`đến tuần 15/2020: cuối tuần 15/2020 đạt \d+,\d\d% \(\d+/\d+ chi bộ\)`).MatchString(alt) {
		t.Errorf("the chart's text %q (%v)", alt, err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(".report-chart-data tbody tr").length`))
	if err != nil || rows < 2 || rows > 30 {
		t.Errorf("%d weeks in the chart's data (%v): want those from a week before the first cell held", rows, err)
	}
	lateRed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector("#r-late-places ~ .table-wrap tbody tr.late td")).color`))
	if err != nil || lateRed != "rgb(164, 22, 26)" {
		t.Errorf("a late row's colour %q (%v), want the red of late", lateRed, err)
	}

	phone := browser(t, phoneW, phoneH)
	if err := signIn(phone, url, "bantochuc", demo.Password); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(phone, chromedp.Navigate(url+"/units/HN.HBT/reports/2020-W15"), chromedp.WaitVisible(chromedp.CSS(`article.report`))); err != nil {
		t.Fatal(err)
	}
	viewport(t, phone, "report-first-screen-phone")

	// The dashboard's chart on a phone: drawn, its legend within its box,
	// above the next heading; its text and its data table.
	if err := chromedp.Do(phone,
		chromedp.Navigate(url+"/"),
		chromedp.ScrollIntoView(chromedp.CSS(`#cells-chart`)),
		chromedp.Poll[chromedp.Void](`window.Chart && window.Chart.getChart(document.getElementById("cells-chart")) !== undefined`),
	); err != nil {
		t.Fatal(err)
	}
	gap, err := chromedp.Run(phone, chromedp.Evaluate[float64](`(() => {
		const box = document.querySelector("section.chart .chart-box").getBoundingClientRect();
		const next = document.querySelector("section.chart").nextElementSibling.querySelector("h2, h3") || document.querySelector("section.chart").nextElementSibling;
		return next.getBoundingClientRect().top - box.bottom;
	})()`))
	if err != nil || gap < 0 {
		t.Errorf("the chart runs %v px over the heading after it (%v)", -gap, err)
	}
	label, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.getElementById("cells-chart").getAttribute("aria-label")`))
	if err != nil || !regexp.MustCompile(`\d+,\d\d% \(\d+/\d+ chi bộ\) ngày \d\d/\d\d/\d{4}`).MatchString(label) {
		t.Errorf("the chart's text %q (%v)", label, err)
	}
	if n, err := chromedp.Run(phone, chromedp.Evaluate[int](`document.querySelectorAll("#cells-table tbody tr").length`)); err != nil || n == 0 {
		t.Errorf("%d rows in the chart's data table (%v)", n, err)
	}
	if err := chromedp.Do(phone, chromedp.ScrollIntoView(chromedp.CSS(`section.chart`))); err != nil {
		t.Fatal(err)
	}
	viewport(t, phone, "dashboard-chart-phone")
	// The demo's congresses missing papers (dozens): the first ten show, the
	// rest fold, so that the phone's page stays short.
	if n, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.querySelectorAll('#missing-papers > .table-wrap tbody tr').length + ' shown, ' +
		document.querySelectorAll('#missing-papers details:not([open]) tbody tr').length + ' folded'`)); err != nil || !strings.HasPrefix(n, "10 shown, ") || strings.HasSuffix(n, " 0 folded") {
		t.Errorf("the dashboard's congresses missing papers: %s (%v), want 10 shown and the rest folded", n, err)
	}
	// The demo has more of them than the page lists: the heading counts
	// them all, and a note says the list is cut.
	if got, err := text(phone, `#missing-papers`); err != nil || !regexp.MustCompile(`văn bản: \d+`).MatchString(got) ||
		!strings.Contains(got, "đại hội chờ lâu nhất trong") {
		t.Errorf("the count of the congresses missing papers, and that the list is cut: %q (%v)", got, err)
	}

	// In English, whose legend is the longer, on the same phone.
	if err := chromedp.Do(phone,
		chromedp.Click(chromedp.CSS(`form.lang button`)),
		chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)),
		chromedp.Navigate(url+"/"),
		chromedp.ScrollIntoView(chromedp.CSS(`#cells-chart`)),
		chromedp.Poll[chromedp.Void](`window.Chart && window.Chart.getChart(document.getElementById("cells-chart")) !== undefined`),
	); err != nil {
		t.Fatal(err)
	}
	gap, err = chromedp.Run(phone, chromedp.Evaluate[float64](`(() => {
		const box = document.querySelector("section.chart .chart-box").getBoundingClientRect();
		const next = document.querySelector("section.chart").nextElementSibling;
		return next.getBoundingClientRect().top - box.bottom;
	})()`))
	if err != nil || gap < 0 {
		t.Errorf("in English, the chart runs %v px over what follows it (%v)", -gap, err)
	}
	if label, err := chromedp.Run(phone, chromedp.Evaluate[string](`document.getElementById("cells-chart").getAttribute("aria-label")`)); err != nil ||
		!regexp.MustCompile(`\d+\.\d\d% \(\d+/\d+ cells\) on \d\d/\d\d/\d{4}`).MatchString(label) {
		t.Errorf("the chart's English text %q (%v)", label, err)
	}
	if err := chromedp.Do(phone, chromedp.ScrollIntoView(chromedp.CSS(`section.chart`))); err != nil {
		t.Fatal(err)
	}
	viewport(t, phone, "dashboard-chart-phone-en")
}

// viewport saves a screenshot of what the window shows.
func viewport(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(*shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}
