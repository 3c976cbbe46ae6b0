//go:build e2e

package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/demo"
)

// fetchFile fetches the address of the link sel finds, from the page (with
// its session), and returns its status and body.
func fetchFile(t *testing.T, ctx context.Context, sel string) (int, []byte) {
	t.Helper()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(async () => {
		const r = await fetch(document.querySelector(`+strconv.Quote(sel)+`).href);
		const b = new Uint8Array(await r.arrayBuffer());
		let s = ""; for (const x of b) { s += String.fromCharCode(x); }
		return [String(r.status), btoa(s)];
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	body, err := base64.StdEncoding.DecodeString(raw[1])
	if err != nil {
		t.Fatal(err)
	}
	status, _ := strconv.Atoi(raw[0])
	return status, body
}

// tilesOnFirstScreen reports the headline tiles not wholly within the
// window when the page is at its top.
func tilesOnFirstScreen(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { window.scrollTo(0, 0);
		const tiles = [...document.querySelectorAll("ul.tiles a.tile")];
		if (tiles.length !== 5) { return ["there are " + tiles.length + " tiles"]; }
		return tiles.filter(a => { const r = a.getBoundingClientRect(); return r.bottom > window.innerHeight || r.right > document.documentElement.clientWidth; })
			.map(a => a.textContent.replace(/\s+/g, " ").trim() + " ends at " + Math.round(a.getBoundingClientRect().bottom));
	})()`))
	if err != nil || len(out) > 0 {
		t.Errorf("%s: tiles off the first screen: %q (%v)", name, out, err)
	}
}

// The district board, on the demo (15/04/2020), sees the headline tiles on
// the first screen of a phone, goes from the late count to the full late
// list, narrows it to one ward with the unit picker, and downloads it as
// CSV (comma and semicolon) and XLSX, each with the place column; the list
// prints on A4.
func TestTheBoardGoesFromTheLateCountToTheWholeLateListOfOneWardAndDownloadsIt(t *testing.T) {
	url := demoSite(t)
	for _, size := range []struct {
		w, h int
		name string
	}{{desktopW, desktopH, "desktop"}, {phoneW, phoneH, "phone"}} {
		ctx := browser(t, size.w, size.h)
		if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`ul.tiles`))); err != nil {
			t.Fatal(err)
		}
		tilesOnFirstScreen(t, ctx, size.name)
		viewShot(t, ctx, "dashboard-first-screen-"+size.name)
		checkPage(t, ctx, "dashboard-"+size.name)

		late, err := text(ctx, `#tile-late .tile-figure`)
		if err != nil || late == "" || late == "0" {
			t.Fatalf("%s: the late tile says %q (%v)", size.name, late, err)
		}
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`#tile-late`)),
			chromedp.WaitVisible(chromedp.CSS(`table.unit-list`)),
		); err != nil {
			t.Fatal(err)
		}
		if h1, _ := text(ctx, "main h1"); h1 != "Đơn vị trễ hạn: "+late {
			t.Errorf("%s: the list's title %q, want the count %s", size.name, h1, late)
		}
		viewShot(t, ctx, "late-list-first-screen-"+size.name)
		checkPage(t, ctx, "late-list-"+size.name)
		allWithin(t, ctx, "table.unit-list td")

		// The ward of the first late unit, chosen with the picker by name.
		ward, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`(() => { const a = document.querySelector("table.unit-list .place a");
			return [a.getAttribute("href").replace("/units/", ""), a.textContent]; })()`))
		if err != nil {
			t.Fatal(err)
		}
		code, name := ward[0], ward[1]
		if err := chromedp.Do(ctx,
			chromedp.Click(chromedp.CSS(`details.filter-box > summary`)),
			chromedp.WaitVisible(chromedp.CSS(`#l-place`)),
			chromedp.SendKeys(chromedp.CSS(`#l-place`), strings.TrimPrefix(name, "Đảng bộ ")),
			chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#l-place-found a[data-code=%q]`, code))),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`#l-place-found a[data-code=%q]`, code))),
			chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		); err != nil {
			t.Fatal(err)
		}
		if _, err := waitText(ctx, "main h1 + p.muted", "thuộc "+name); err != nil {
			t.Fatalf("%s: %v", size.name, err)
		}
		if loc := location(ctx); !strings.Contains(loc, "place="+code) {
			t.Fatalf("%s: filtered to %s", size.name, loc)
		}
		places, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("table.unit-list tbody tr")].map(r => { const p = r.querySelector(".place"); return p ? p.textContent : ""; })`))
		if err != nil || len(places) == 0 {
			t.Fatalf("%s: no row in the ward's list (%v)", size.name, err)
		}
		for _, p := range places {
			if p != "" && !strings.HasPrefix(p, name) {
				t.Errorf("%s: a unit of %q in the list of %s", size.name, p, name)
			}
		}
		viewShot(t, ctx, "late-list-ward-first-screen-"+size.name)
		shot(t, ctx, "late-list-ward-"+size.name)
		if size.name != "desktop" {
			continue
		}

		// The downloads: every row of the ward's list, with its place.
		for _, f := range []struct {
			sel string
			sep rune
		}{{`p.downloads a[href*=".csv"]:not([href*="semicolon"])`, ','}, {`p.downloads a[href*="semicolon"]`, ';'}} {
			status, body := fetchFile(t, ctx, f.sel)
			if status != 200 || !bytes.HasPrefix(body, []byte("\ufeff")) {
				t.Fatalf("%s: %d, %q", f.sel, status, body[:min(len(body), 20)])
			}
			r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
			r.Comma = f.sep
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			checkPlaces(t, f.sel, recs, len(places), name, code)
		}
		status, body := fetchFile(t, ctx, `p.downloads a[href*=".xlsx"]`)
		x, err := excelize.OpenReader(bytes.NewReader(body))
		if status != 200 || err != nil {
			t.Fatalf("xlsx: %d %v", status, err)
		}
		recs, err := x.GetRows(x.GetSheetName(0))
		if err != nil {
			t.Fatal(err)
		}
		checkPlaces(t, "xlsx", recs, len(places), name, code)

		// On paper: the list alone, on A4.
		if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		hidden, err := chromedp.Run(ctx, chromedp.Evaluate[string](`["header.top", "details.filter-box", "p.downloads"].map(s => getComputedStyle(document.querySelector(s)).display).join(" ")`))
		if err != nil || hidden != "none none none" {
			t.Errorf("printed, the header, filters and downloads show: %q (%v)", hidden, err)
		}
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range mediaBox.FindAllSubmatch(pdf, -1) {
			w, _ := strconv.ParseFloat(string(b[1]), 64)
			h, _ := strconv.ParseFloat(string(b[2]), 64)
			if math.Abs(w-595.3) > 1 || math.Abs(h-841.9) > 1 {
				t.Errorf("a printed page of %.1f × %.1f points, not A4", w, h)
			}
		}
		if err := os.WriteFile(filepath.Join(*shots, "late-list-print-a4.pdf"), pdf, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// checkPlaces checks a downloaded list of one ward: a heading with the
// place columns, and rows rows of units of the ward.
func checkPlaces(t *testing.T, what string, recs [][]string, rows int, ward, code string) {
	t.Helper()
	if len(recs) != rows+1 || len(recs[0]) < 4 || recs[0][2] != "Trực thuộc" || recs[0][3] != "Mã đơn vị trực thuộc" {
		t.Fatalf("%s: %d rows, heading %q; want %d rows", what, len(recs)-1, recs[0], rows)
	}
	for _, r := range recs[1:] {
		if len(r) < 4 || (r[0] != code && (!strings.HasPrefix(r[2], ward) || r[3] != code)) {
			t.Errorf("%s: row %q is not of %s", what, r, ward)
		}
	}
}
