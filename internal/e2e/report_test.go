//go:build e2e

package e2e

import (
	"context"
	"encoding/json"
	"log/slog"
	"math"
	"net/http/httptest"
	"os"
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
// from the dashboard and downloads it in the four formats.
func TestTheBoardOpensTheDemoWeekReportAndDownloadsItInFourFormats(t *testing.T) {
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
	if week, _ := text(ctx, "article.report .report-head p:nth-of-type(2)"); !strings.Contains(week, "2020-W15 (06/04/2020 – 12/04/2020)") {
		t.Errorf("week line %q", week)
	}
	shot(t, ctx, "report-desktop")

	got := downloads(t, ctx, ".report-tools a.download", "a.textContent.trim()")
	want := map[string]struct{ ctype, head string }{
		"html": {"text/html", "<!doc"}, "xlsx": {"spreadsheetml", "PK"}, "csv": {"text/csv", "\u00ef\u00bb\u00bf"}, "pdf": {"application/pdf", "%PDF-"},
	}
	if len(got) != 4 {
		t.Fatalf("%d downloads, want 4: %+v", len(got), got)
	}
	for _, d := range got {
		w, ok := want[d.Format]
		if !ok || d.Status != 200 || !strings.Contains(d.Type, w.ctype) || !strings.HasPrefix(d.Head, w.head) ||
			!strings.Contains(d.Name, "HN.HBT-2020-W15."+d.Format) || d.Size < 1000 {
			t.Errorf("download %+v", d)
		}
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
