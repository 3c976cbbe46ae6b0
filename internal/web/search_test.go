package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// searchAPI calls GET /api/v1/units?query as role and decodes a 200.
func (f *fixture) searchAPI(role, query string) searchResponse {
	f.t.Helper()
	res := f.do("GET", "/api/v1/units?"+query, f.tokens[role], "")
	if res.Code != http.StatusOK {
		f.t.Fatalf("GET /api/v1/units?%s as %s: %d %s", query, role, res.Code, res.Body)
	}
	var out searchResponse
	res.decode(f.t, &out)
	return out
}

func hitCodes(hits []domain.UnitHit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, h.Code)
	}
	return out
}

func TestSearchAPIFindsUnitsWithinTheCallersScopeWithTheirPlace(t *testing.T) {
	f := newFixture(t, Options{})
	for _, tt := range []struct {
		name, role, q string
		want          []string
		place         string // of the first unit, nearest first
	}{
		{"the board finds a ward without diacritics", "board", "bach mai", []string{"HN.HBT.A"}, ""},
		{"the city's admin sees the district in its place", "admin", "BẠCH MAI", []string{"HN.HBT.A"}, "HN.HBT Đảng bộ quận Hai Bà Trưng"},
		{"a cell's place goes up to the caller's top unit", "admin", "HN.HBT.A.1", []string{"HN.HBT.A.1"},
			"HN.HBT.A Đảng bộ phường Bạch Mai › HN.HBT Đảng bộ quận Hai Bà Trưng"},
		{"another district is outside the board's scope", "board", "kham thien", []string{}, ""},
		{"the admin finds it", "admin", "kham thien", []string{"HN.DD.K"}, "HN.DD Đảng bộ quận Đống Đa"},
		{"the second root is outside the admin's scope", "admin", "hai phong", []string{}, ""},
		{"a secretary finds the cells of the ward", "secretary", "chi bo", []string{"HN.HBT.A.1", "HN.HBT.A.2"}, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := f.searchAPI(tt.role, "q="+url.QueryEscape(tt.q))
			if fmt.Sprint(hitCodes(got.Units)) != fmt.Sprint(tt.want) || got.NextOffset != nil {
				t.Fatalf("found %v (next %v), want %v", hitCodes(got.Units), got.NextOffset, tt.want)
			}
			if len(got.Units) == 0 {
				return
			}
			var place []string
			for _, a := range got.Units[0].Place {
				place = append(place, a.Code+" "+a.Name)
			}
			if p := strings.Join(place, " › "); p != tt.place {
				t.Errorf("place %q, want %q", p, tt.place)
			}
		})
	}
}

func TestSearchAPIPagesWithNextOffset(t *testing.T) {
	f := newFixture(t, Options{})
	all := f.searchAPI("admin", "q=chi+bo&limit=100")
	if len(all.Units) != 5 || all.NextOffset != nil {
		t.Fatalf("all: %v next %v", hitCodes(all.Units), all.NextOffset)
	}
	var paged []string
	for offset := 0; ; {
		page := f.searchAPI("admin", fmt.Sprintf("q=chi+bo&limit=2&offset=%d", offset))
		paged = append(paged, hitCodes(page.Units)...)
		if page.NextOffset == nil {
			break
		}
		if *page.NextOffset != offset+2 {
			t.Fatalf("next_offset %d after %d", *page.NextOffset, offset)
		}
		offset = *page.NextOffset
	}
	if fmt.Sprint(paged) != fmt.Sprint(hitCodes(all.Units)) {
		t.Errorf("pages %v, want %v", paged, hitCodes(all.Units))
	}
}

// Bad input is a 422 naming the parameter, in both languages, and never a
// 500: an empty or blank query, NUL, invalid UTF-8, a query too long, a
// page out of bounds.
func TestSearchAPIRefusesBadQueries(t *testing.T) {
	f := newFixture(t, Options{})
	for _, tt := range []struct{ name, query, field string }{
		{"no query", "", "q"},
		{"an empty query", "q=", "q"},
		{"spaces only", "q=+++", "q"},
		{"a NUL character", "q=bach%00mai", "q"},
		{"another control character", "q=bach%1bmai", "q"},
		{"invalid UTF-8", "q=b%FFach", "q"},
		{"a query too long", "q=" + strings.Repeat("a", domain.MaxSearchLength+1), "q"},
		{"a limit of 0", "q=a&limit=0", "limit"},
		{"a limit too large", "q=a&limit=101", "limit"},
		{"a limit not a number", "q=a&limit=ten", "limit"},
		{"a negative offset", "q=a&offset=-1", "offset"},
		{"an offset too far", "q=a&offset=1001", "offset"},
		{"an offset not a number", "q=a&offset=1e3", "offset"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units?"+tt.query, f.tokens["board"], "")
			if res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			e := res.apiError(t)
			if len(e.Fields) == 0 || e.Fields[0].Field != tt.field || e.Fields[0].MessageVI == "" || e.Fields[0].MessageEN == "" {
				t.Errorf("fields %+v, want one on %s", e.Fields, tt.field)
			}
		})
	}
	t.Run("the longest query is fine", func(t *testing.T) {
		f.searchAPI("board", "q="+strings.Repeat("ạ", domain.MaxSearchLength))
	})
	t.Run("without a token", func(t *testing.T) {
		if res := f.do("GET", "/api/v1/units?q=bach", "", ""); res.Code != http.StatusUnauthorized {
			t.Errorf("%d", res.Code)
		}
	})
}

func TestSearchPageListsUnitsWithKindPlaceAndLinkWithoutJavaScript(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("admin", testPassword)
	res := b.send("GET", "/search?q=to+dan+pho+1", nil)
	body := res.Body.String()
	if res.Code != http.StatusOK {
		t.Fatalf("%d", res.Code)
	}
	for _, want := range []string{
		`<form class="search-page" role="search" method="get" action="/search">`,
		`value="to dan pho 1"`,
		`<a href="/units/HN.HBT.A.1" data-code="HN.HBT.A.1">Chi bộ tổ dân phố 1</a>`,
		`<span class="hit-place">Đảng bộ phường Bạch Mai › Đảng bộ quận Hai Bà Trưng</span>`,
		`<span class="hit-meta">Chi bộ · <code>HN.HBT.A.1</code></span>`,
		`<a href="/units/HN.DD.K.1" data-code="HN.DD.K.1">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no %s in\n%s", want, body)
		}
	}
	if strings.Contains(body, `id="top-q"`) {
		t.Error("the search page also has the header's box")
	}

	t.Run("the next page is a link", func(t *testing.T) {
		body := b.send("GET", "/search?q=chi+bo&limit=2", nil).Body.String()
		if !strings.Contains(body, `<a href="/search?q=chi%20bo&amp;offset=2">`) {
			t.Errorf("no link to the next page in %s", body)
		}
	})
	t.Run("nothing found is said", func(t *testing.T) {
		body := b.send("GET", "/search?q=quang+ninh", nil).Body.String()
		if !strings.Contains(body, "Không tìm thấy đơn vị nào khớp với “quang ninh”.") {
			t.Errorf("%s", body)
		}
	})
	t.Run("a refused query is said, with a 422", func(t *testing.T) {
		res := b.send("GET", "/search?q=a%00b", nil)
		if res.Code != http.StatusUnprocessableEntity || !strings.Contains(res.Body.String(), "q: Chứa ký tự NUL không hợp lệ") {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("no query, just the form", func(t *testing.T) {
		res := b.send("GET", "/search", nil)
		if res.Code != http.StatusOK || strings.Contains(res.Body.String(), `class="hits"`) || !strings.Contains(res.Body.String(), "autofocus") {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("signed out, the sign-in page", func(t *testing.T) {
		res := f.browser("").send("GET", "/search?q=bach", nil)
		if res.Code != http.StatusSeeOther || res.Header().Get("Location") != "/login" {
			t.Errorf("%d %s", res.Code, res.Header().Get("Location"))
		}
	})
}

// Every page of a signed-in user has the search box in its header, and the
// link to the search page that stands for it on a phone; the sign-in page
// has neither.
func TestEveryPageHasTheSearchBox(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	if login := b.send("GET", "/login", nil).Body.String(); strings.Contains(login, `id="top-q"`) || strings.Contains(login, `search-link`) {
		t.Error("the sign-in page has the search box")
	}
	b.login("admin", testPassword)
	for _, path := range []string{"/", "/units/HN.HBT", "/my", "/round", "/admin/users", "/password"} {
		body := b.send("GET", path, nil).Body.String()
		if !strings.Contains(body, `<form class="top-search" role="search" method="get" action="/search">`) || !strings.Contains(body, `name="q"`) {
			t.Errorf("%s has no search box", path)
		}
		if !strings.Contains(body, `<a class="search-link icon" href="/search"`) {
			t.Errorf("%s has no link to the search page", path)
		}
	}
}

// The fields that take a unit code ask the search for a list as one types
// (htmx), and still take a code typed in full.
func TestUnitFieldsOfferTheSearchAsOneTypes(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("admin", testPassword)
	for _, tt := range []struct{ page, field, input string }{
		{"/admin/users", "unit", "g-unit-board"},
		{"/round", "scope_code", "scope_code-round"},
		{"/round", "scope_code", "scope_code-target"},
	} {
		body := b.send("GET", tt.page, nil).Body.String()
		for _, want := range []string{
			fmt.Sprintf(`id="%s" name="%s"`, tt.input, tt.field),
			fmt.Sprintf(`hx-get="/search?field=%s" hx-trigger="input changed delay:300ms" hx-target="#%s-found" hx-select="#search-results > *"`, tt.field, tt.input),
			fmt.Sprintf(`<div id="%s-found" class="pick" data-pick-for="%s"`, tt.input, tt.input),
		} {
			if !strings.Contains(body, want) {
				t.Errorf("%s: no %s", tt.page, want)
			}
		}
	}

	t.Run("the list of a field: the units, shorter, without a next page", func(t *testing.T) {
		res := b.send("GET", "/search?field=unit&unit=chi+bo", nil)
		body := res.Body.String()
		if res.Code != http.StatusOK || !strings.Contains(body, `data-code="HN.HBT.A.1"`) || strings.Contains(body, "offset=") {
			t.Errorf("%d %s", res.Code, body)
		}
	})
	t.Run("an emptied field gets an empty list", func(t *testing.T) {
		res := b.send("GET", "/search?field=unit&unit=", nil)
		if res.Code != http.StatusOK || strings.Contains(res.Body.String(), `class="hits"`) {
			t.Errorf("%d %s", res.Code, res.Body)
		}
	})
	t.Run("a code typed in full is still granted", func(t *testing.T) {
		csrf := csrfField.FindStringSubmatch(b.send("GET", "/admin/users", nil).Body.String())[1]
		res := b.send("POST", "/admin/users/viewer/grant", url.Values{"csrf_token": {csrf}, "role": {"viewer"}, "unit": {"hn.dd"}})
		if res.Code != http.StatusSeeOther {
			t.Fatalf("%d", res.Code)
		}
		if body := b.send("GET", "/admin/users", nil).Body.String(); !strings.Contains(body, "Đảng bộ quận Đống Đa (HN.DD)") {
			t.Errorf("not granted: %s", body)
		}
	})
}
