//go:build e2e

package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/daihoi/daihoi/internal/demo"
)

// The district board, on the demo district, types "bach mai" without
// diacritics in the header's search box (on a phone, in the box of the
// search page the header links to), on a phone and on a desktop, and
// opens Đảng bộ phường Bạch Mai from the results; the list follows the
// typing (htmx) without a page load; the round's scope field offers the
// same search and fills in the code of the unit picked.
func TestTheBoardSearchesBachMaiWithoutDiacriticsAndOpensTheWard(t *testing.T) {
	url := demoSite(t)
	for _, size := range []struct {
		name string
		w, h int
	}{{"phone", phoneW, phoneH}, {"desktop", desktopW, desktopH}} {
		t.Run(size.name, func(t *testing.T) {
			ctx := browser(t, size.w, size.h)
			if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
				t.Fatal(err)
			}
			notWider(t, ctx, "search-box-"+size.name)
			viewShot(t, ctx, "search-box-"+size.name)
			first := `#search-results ol.hits li:first-child a`
			// On a phone the header keeps one bar: its search is a link to
			// the search page, whose box is at the top.
			box := `#top-q`
			if size.name == "phone" {
				if visible, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector("form.top-search")).display !== "none"`)); visible {
					t.Error("the header's search box takes room on a phone")
				}
				if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`a.search-link`)), chromedp.WaitVisible(chromedp.CSS(`#search-q`))); err != nil {
					t.Fatal(err)
				}
				box = `#search-q`
			}
			if err := chromedp.Do(ctx,
				chromedp.SendKeys(chromedp.CSS(box), "bach mai"),
				chromedp.Submit(chromedp.CSS(box)),
				chromedp.WaitVisible(chromedp.CSS(first)),
			); err != nil {
				t.Fatal(err)
			}
			if name, _ := text(ctx, first); name != "Đảng bộ phường Bạch Mai" {
				t.Errorf("first result %q", name)
			}
			if place, _ := text(ctx, `#search-results ol.hits li:nth-child(2) .hit-place`); place != "Đảng bộ phường Bạch Mai" {
				t.Errorf("the place of the second result: %q", place)
			}
			notWider(t, ctx, "search-"+size.name)
			viewShot(t, ctx, "search-"+size.name)
			if err := chromedp.Do(ctx,
				chromedp.Click(chromedp.CSS(first)),
				chromedp.WaitVisible(chromedp.CSS(`nav.breadcrumb`)),
			); err != nil {
				t.Fatal(err)
			}
			if h1, _ := text(ctx, "h1"); h1 != "Đảng bộ phường Bạch Mai" {
				t.Errorf("opened %q", h1)
			}
			if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/units/"+demo.BachMaiCode) {
				t.Errorf("at %s", loc)
			}
		})
	}

	t.Run("the list follows the typing", func(t *testing.T) {
		ctx := browser(t, phoneW, phoneH)
		if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(url+"/search"), chromedp.WaitVisible(chromedp.CSS(`#search-q`))); err != nil {
			t.Fatal(err)
		}
		// A mark on the page: a full page load would drop it.
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.stay = "1"`)); err != nil {
			t.Fatal(err)
		}
		if err := chromedp.Do(ctx,
			chromedp.SendKeys(chromedp.CSS(`#search-q`), "BẠCH ĐẰNG"),
			chromedp.WaitVisible(chromedp.CSS(`#search-results ol.hits`)),
		); err != nil {
			t.Fatal(err)
		}
		if name, _ := text(ctx, `#search-results ol.hits li:first-child a`); name != "Đảng bộ phường Bạch Đằng" {
			t.Errorf("first result %q", name)
		}
		if stay, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body.dataset.stay || ""`)); err != nil || stay != "1" {
			t.Errorf("the page was reloaded (%v)", err)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.Contains(loc, "/search?q=B") {
			t.Errorf("the address does not keep the query: %s", loc)
		}
	})

	t.Run("the round's scope field fills in the code of the unit picked", func(t *testing.T) {
		ctx := browser(t, desktopW, desktopH)
		if err := signIn(ctx, url, "bantochuc", demo.Password); err != nil {
			t.Fatal(err)
		}
		pick := `#scope_code-round-found a[data-code="` + demo.BachMaiCode + `"]`
		if err := chromedp.Do(ctx,
			chromedp.Navigate(url+"/round"),
			chromedp.WaitVisible(chromedp.CSS(`#scope_code-round`)),
			chromedp.SendKeys(chromedp.CSS(`#scope_code-round`), "bach mai"),
			chromedp.WaitVisible(chromedp.CSS(pick)),
			chromedp.ScrollIntoView(chromedp.CSS(`#scope_code-round`)),
		); err != nil {
			t.Fatal(err)
		}
		viewShot(t, ctx, "search-unit-field-desktop")
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(pick)), chromedp.WaitNotPresent(chromedp.CSS(pick))); err != nil {
			t.Fatal(err)
		}
		if value, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(`#scope_code-round`))); err != nil || value != demo.BachMaiCode {
			t.Errorf("the field holds %q (%v)", value, err)
		}
		if loc, _ := chromedp.Run(ctx, chromedp.Location()); !strings.HasSuffix(loc, "/round") {
			t.Errorf("left the form for %s", loc)
		}
	})
}

// viewShot saves what the window shows (shot saves the whole page) to the
// screenshot folder as name.png.
func viewShot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(*shots, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(*shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
}
