package web

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/auth"
)

// scopedRoute is an API route aimed at one grassroots committee U: build
// returns the request to send (preparing, as the system, what it needs).
type scopedRoute struct {
	name  string
	build func(f *fixture, u string) (method, path, body string)
}

var scopedRoutes = []scopedRoute{
	{"GET me", func(f *fixture, u string) (string, string, string) { return "GET", "/api/v1/me", "" }},
	{"GET unit-kinds", func(f *fixture, u string) (string, string, string) { return "GET", "/api/v1/unit-kinds", "" }},
	{"GET unit", func(f *fixture, u string) (string, string, string) { return "GET", "/api/v1/units/" + u, "" }},
	{"GET children", func(f *fixture, u string) (string, string, string) {
		return "GET", "/api/v1/units/" + u + "/children", ""
	}},
	{"GET subtree", func(f *fixture, u string) (string, string, string) {
		return "GET", "/api/v1/units/" + u + "/subtree?limit=2", ""
	}},
	{"GET history", func(f *fixture, u string) (string, string, string) {
		return "GET", "/api/v1/units/" + u + "/history", ""
	}},
	{"POST units", func(f *fixture, u string) (string, string, string) {
		f.seq++
		return "POST", "/api/v1/units", fmt.Sprintf(`{"code":"%s.N%d","name":"Chi bộ mới","kind":"cell","parent_code":%q,"category":"residential","members":12}`, u, f.seq, u)
	}},
	{"PATCH unit", func(f *fixture, u string) (string, string, string) {
		cur := f.unit(u)
		return "PATCH", "/api/v1/units/" + u, fmt.Sprintf(`{"members":%d,"version":%d}`, cur.Members+1, cur.Version)
	}},
	{"POST move", func(f *fixture, u string) (string, string, string) {
		// A fresh cell of U moved under U again: authorization and checks run,
		// nothing changes when allowed.
		return "POST", "/api/v1/units/" + f.newCell(u) + "/move", fmt.Sprintf(`{"parent_code":%q,"reason":"thử"}`, u)
	}},
	{"POST merge", func(f *fixture, u string) (string, string, string) {
		survivor, merged := f.newCell(u), f.newCell(u)
		return "POST", "/api/v1/units/" + survivor + "/merge", fmt.Sprintf(`{"units":[%q],"reason":"sáp nhập"}`, merged)
	}},
}

// manager and readOnly give the expected status of each route inside and
// outside the caller's scope.
var (
	manager = map[string][2]int{
		"GET me": {200, 200}, "GET unit-kinds": {200, 200},
		"GET unit": {200, 404}, "GET children": {200, 404}, "GET subtree": {200, 404}, "GET history": {200, 404},
		// Creating under a parent outside the scope: the parent "does not exist" (422 on parent_code).
		"POST units": {201, 422}, "PATCH unit": {200, 404}, "POST move": {200, 404}, "POST merge": {200, 404},
	}
	readOnly = map[string][2]int{
		"GET me": {200, 200}, "GET unit-kinds": {200, 200},
		"GET unit": {200, 404}, "GET children": {200, 404}, "GET subtree": {200, 404}, "GET history": {200, 404},
		"POST units": {403, 422}, "PATCH unit": {403, 404}, "POST move": {403, 404}, "POST merge": {403, 404},
	}
)

func TestScopeOfEveryRoleOnEveryRoute(t *testing.T) {
	f := newFixture(t, Options{})
	table := []struct {
		role    string
		in, out string // grassroots committees inside and outside the role's scope
		want    map[string][2]int
	}{
		{"admin", "HN.DD.K", "HP.X", manager},
		{"board", "HN.HBT.A", "HN.DD.K", manager},
		{"supervisor", "HN.HBT.A", "HN.HBT.B", readOnly},
		{"secretary", "HN.HBT.A", "HN.HBT.B", readOnly}, // updates congresses, never the tree
		{"viewer", "HN.HBT.B", "HN.DD.K", readOnly},
	}
	for _, row := range table {
		for _, r := range scopedRoutes {
			want, ok := row.want[r.name]
			if !ok {
				t.Fatalf("no expectation for %s %s", row.role, r.name)
			}
			for i, scope := range []string{"inside", "outside"} {
				u := []string{row.in, row.out}[i]
				t.Run(fmt.Sprintf("%s %s %s %s", row.role, r.name, scope, u), func(t *testing.T) {
					method, path, body := r.build(f, u)
					prepared, preparedAudits := f.counts()
					res := f.do(method, path, f.tokens[row.role], body)
					if got := res.Code; got != want[i] {
						t.Fatalf("%s %s = %d, want %d: %s", method, path, got, want[i], res.Body)
					}
					if res.Code >= 400 {
						res.apiError(t)
						if units, a := f.counts(); units != prepared || a != preparedAudits {
							t.Errorf("refused request wrote: units %d→%d, audit %d→%d", prepared, units, preparedAudits, a)
						}
					}
				})
			}
		}
	}
}

func TestBreadcrumbShowsOnlyReadableAncestors(t *testing.T) {
	f := newFixture(t, Options{})
	cases := []struct {
		role, code string
		want       []string
	}{
		{"admin", "HN.HBT.A.1", []string{"HN", "HN.HBT", "HN.HBT.A"}},
		{"board", "HN.HBT.A.1", []string{"HN.HBT", "HN.HBT.A"}},
		{"secretary", "HN.HBT.A.1", []string{"HN.HBT.A"}},
		{"secretary", "HN.HBT.A", []string{}},
	}
	for _, c := range cases {
		t.Run(c.role+" reads "+c.code, func(t *testing.T) {
			res := f.do("GET", "/api/v1/units/"+c.code, f.tokens[c.role], "")
			if res.Code != http.StatusOK {
				t.Fatalf("status %d: %s", res.Code, res.Body)
			}
			var got unitResponse
			res.decode(t, &got)
			codes := []string{}
			for _, a := range got.Ancestors {
				codes = append(codes, a.Code)
			}
			if fmt.Sprint(codes) != fmt.Sprint(c.want) {
				t.Errorf("ancestors = %v, want %v", codes, c.want)
			}
			if got.Code != c.code {
				t.Errorf("code = %q, want %q", got.Code, c.code)
			}
		})
	}
	t.Run("board cannot read the city above its district", func(t *testing.T) {
		if res := f.do("GET", "/api/v1/units/HN", f.tokens["board"], ""); res.Code != http.StatusNotFound {
			t.Errorf("status %d, want 404", res.Code)
		}
	})
}

func TestBoardChangesTheTreeWithinItsDistrictOnly(t *testing.T) {
	f := newFixture(t, Options{})
	board := f.tokens["board"]
	t.Run("creates a cell and says where it is", func(t *testing.T) {
		res := f.do("POST", "/api/v1/units", board, `{"code":"hn.hbt.a.3","name":"Chi bộ  tổ dân phố 3","kind":"cell","parent_code":"HN.HBT.A","category":"residential","members":17}`)
		if res.Code != http.StatusCreated {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if got := res.Header().Get("Location"); got != "/api/v1/units/HN.HBT.A.3" {
			t.Errorf("Location = %q", got)
		}
		if u := f.unit("HN.HBT.A.3"); u.Name != "Chi bộ tổ dân phố 3" || u.Members != 17 || u.ParentCode != "HN.HBT.A" {
			t.Errorf("created %+v", u)
		}
	})
	t.Run("moves a cell between wards of the district", func(t *testing.T) {
		res := f.do("POST", "/api/v1/units/HN.HBT.A.1/move", board, `{"parent_code":"hn.hbt.b","reason":"sáp xếp tổ dân phố"}`)
		if res.Code != http.StatusOK {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if got := f.unit("HN.HBT.A.1").ParentCode; got != "HN.HBT.B" {
			t.Errorf("parent = %s, want HN.HBT.B", got)
		}
	})
	t.Run("cannot move a cell into another district", func(t *testing.T) {
		res := f.do("POST", "/api/v1/units/HN.HBT.B.2/move", board, `{"parent_code":"HN.DD.K"}`)
		if res.Code != http.StatusUnprocessableEntity {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if got := f.unit("HN.HBT.B.2").ParentCode; got != "HN.HBT.B" {
			t.Errorf("parent = %s, want HN.HBT.B", got)
		}
	})
	t.Run("merges two wards and the survivor keeps the cells", func(t *testing.T) {
		res := f.do("POST", "/api/v1/units/HN.HBT.A/merge", board, `{"units":["HN.HBT.B"],"reason":"sáp nhập phường"}`)
		if res.Code != http.StatusOK {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if b := f.unit("HN.HBT.B"); b.Active || b.MergedInto != "HN.HBT.A" {
			t.Errorf("merged unit = active %v, merged into %q", b.Active, b.MergedInto)
		}
		res = f.do("GET", "/api/v1/units/HN.HBT.B/history", board, "")
		var h struct {
			Changes []struct{ Action string } `json:"changes"`
		}
		res.decode(t, &h)
		if len(h.Changes) == 0 || h.Changes[0].Action != "unit.merge" {
			t.Errorf("history of the merged unit = %s", res.Body)
		}
	})
	t.Run("secretary cannot move a cell of its own ward", func(t *testing.T) {
		res := f.do("POST", "/api/v1/units/HN.HBT.A.2/move", f.tokens["secretary"], `{"parent_code":"HN.HBT.A"}`)
		if res.Code != http.StatusForbidden {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
	})
}

func TestChildrenOfDistrictForBoard(t *testing.T) {
	f := newFixture(t, Options{})
	res := f.do("GET", "/api/v1/units/HN.HBT/children", f.tokens["board"], "")
	if res.Code != http.StatusOK {
		t.Fatalf("status %d: %s", res.Code, res.Body)
	}
	var got unitsResponse
	res.decode(t, &got)
	var codes []string
	for _, u := range got.Units {
		codes = append(codes, u.Code)
	}
	sort.Strings(codes) // the order by name depends on the database's collation
	if want := []string{"HN.HBT.A", "HN.HBT.B"}; fmt.Sprint(codes) != fmt.Sprint(want) {
		t.Fatalf("children = %v, want %v", codes, want)
	}
	for _, u := range got.Units {
		if u.Children != 2 || u.Kind != "grassroots_committee" || u.ParentCode != "HN.HBT" {
			t.Errorf("child %s = %+v", u.Code, u)
		}
	}
}

func TestEveryAuthenticatedRouteRefusesMissingOrBadCredentials(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	expired, hash, err := auth.NewToken()
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.CreateToken(ctx, f.users["admin"], hash, time.Now().Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	revoked := f.login("admin")
	if res := f.do("POST", "/api/v1/logout", revoked, ""); res.Code != http.StatusNoContent {
		t.Fatalf("logout: %d %s", res.Code, res.Body)
	}
	creds := []struct{ name, header string }{
		{"no token", ""},
		{"garbage token", "Bearer not-a-token"},
		{"expired token", "Bearer " + expired},
		{"revoked token", "Bearer " + revoked},
		{"empty bearer", "Bearer "},
		{"basic auth", "Basic YWRtaW46bWF0LWtoYXUtMTIz"},
	}
	routes := append([]scopedRoute{{"POST logout", func(f *fixture, u string) (string, string, string) {
		return "POST", "/api/v1/logout", ""
	}}}, scopedRoutes...)
	for _, c := range creds {
		for _, r := range routes {
			t.Run(c.name+" "+r.name, func(t *testing.T) {
				method, path, body := r.build(f, "HN.HBT.A")
				var hdr []string
				if c.header != "" {
					hdr = append(hdr, "Authorization: "+c.header)
				}
				res := f.do(method, path, "", body, hdr...)
				if res.Code != http.StatusUnauthorized {
					t.Fatalf("status %d, want 401: %s", res.Code, res.Body)
				}
				if e := res.apiError(t); e.Code != "unauthorized" {
					t.Errorf("code %q", e.Code)
				}
			})
		}
	}
}
