package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
)

// writeRoutes are the API routes that take a JSON body, aimed at valid targets.
var writeRoutes = []struct{ name, method, path string }{
	{"login", "POST", "/api/v1/login"},
	{"create", "POST", "/api/v1/units"},
	{"update", "PATCH", "/api/v1/units/HN.HBT.A"},
	{"move", "POST", "/api/v1/units/HN.HBT.A/move"},
	{"merge", "POST", "/api/v1/units/HN.HBT.A/merge"},
}

// nasty is a bad body and the status it must get.
type nasty struct {
	name, body string
	want       int
}

// nastyEverywhere are bodies every write route must refuse alike.
var nastyEverywhere = []nasty{
	{"empty body", "", 400},
	{"blank body", "  \n ", 400},
	{"truncated object", `{"code":`, 400},
	{"not json", `code=HN&name=x`, 400},
	{"two objects", `{}{}`, 400},
	{"array", `[]`, 400},
	{"string", `"HN"`, 400},
	{"number", `42`, 400},
	{"null", `null`, 400},
	{"deeply nested", `{"name":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, 400},
	{"unknown field", `{"colour":"red"}`, 422},
}

// nastyByRoute are bodies aimed at each route's own fields.
var nastyByRoute = map[string][]nasty{
	"login": {
		{"empty object", `{}`, 422},
		{"nul in username", `{"username":"admin\u0000","password":"x"}`, 422},
		{"invalid utf-8 username", "{\"username\":\"\xff\xfe\",\"password\":\"\xff\"}", 422},
		{"username as a number", `{"username":1,"password":"x"}`, 422},
		{"huge password", `{"username":"admin","password":"` + strings.Repeat("x", 100000) + `"}`, 401},
		{"huge username", `{"username":"` + strings.Repeat("x", 100000) + `","password":"x"}`, 401},
	},
	"create": {
		{"empty object", `{}`, 422},
		{"nothing but a parent", `{"parent_code":"HN.HBT.A"}`, 422},
		{"members as a string", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":"abc"}`, 422},
		{"members huge", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":99999999999999999999999}`, 422},
		{"members exponent", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":1e400}`, 422},
		{"members fraction", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":1.5}`, 422},
		{"members negative", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":-1}`, 422},
		{"members above the limit", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","members":10000001}`, 422},
		{"nul in name", `{"code":"HN.HBT.A.X","name":"a\u0000b","kind":"cell","parent_code":"HN.HBT.A"}`, 422},
		{"nul in codes", `{"code":"HN.HBT.A.\u0000","name":"x","kind":"cell","parent_code":"HN.HBT.A\u0000"}`, 422},
		{"invalid utf-8", "{\"code\":\"\xff\xfe\",\"name\":\"\xc3\x28\",\"kind\":\"cell\",\"parent_code\":\"HN.HBT.A\"}", 422},
		{"unknown parent", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"NOPE"}`, 422},
		{"unknown kind", `{"code":"HN.HBT.A.X","name":"x","kind":"spaceship","parent_code":"HN.HBT.A"}`, 422},
		{"kind not allowed under parent", `{"code":"HN.HBT.A.X","name":"x","kind":"district","parent_code":"HN.HBT.A"}`, 422},
		{"parent is a cell", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A.1"}`, 422},
		{"category on a ward", `{"code":"HN.HBT.X","name":"x","kind":"grassroots_committee","parent_code":"HN.HBT","category":"school"}`, 422},
		{"unknown category", `{"code":"HN.HBT.A.X","name":"x","kind":"cell","parent_code":"HN.HBT.A","category":"spaceport"}`, 422},
		{"name too long", `{"code":"HN.HBT.A.X","name":"` + strings.Repeat("Đ", 5000) + `","kind":"cell","parent_code":"HN.HBT.A"}`, 422},
		{"code too long", `{"code":"` + strings.Repeat("A", 65) + `","name":"x","kind":"cell","parent_code":"HN.HBT.A"}`, 422},
		{"code with spaces inside", `{"code":"HN HBT","name":"x","kind":"cell","parent_code":"HN.HBT.A"}`, 422},
		{"duplicate code", `{"code":"hn.hbt.a.1","name":"x","kind":"cell","parent_code":"HN.HBT.A"}`, 409},
		// An empty parent_code asks for a root, which only the command line may create.
		{"root by the api", `{"code":"HCM","name":"TP HCM","kind":"city","parent_code":""}`, 403},
		{"no parent_code", `{"code":"HCM","name":"TP HCM","kind":"city"}`, 422},
	},
	"update": {
		{"empty object", `{}`, 422},
		{"members as a string", `{"members":"abc","version":1}`, 422},
		{"members huge", `{"members":99999999999999999999999,"version":1}`, 422},
		{"members above the limit", `{"members":10000001,"version":1}`, 422},
		{"version as a string", `{"version":"1"}`, 422},
		{"version negative", `{"name":"x","version":-5}`, 422},
		{"version fraction", `{"name":"x","version":1.5}`, 422},
		{"nul in name", `{"name":"a\u0000","version":1}`, 422},
		{"empty name", `{"name":"   ","version":1}`, 422},
		{"category on a ward", `{"category":"school","version":1}`, 422},
		{"read-only field", `{"code":"HN.X","version":1}`, 422},
	},
	"move": {
		{"empty object", `{}`, 422},
		{"nul in parent", `{"parent_code":"HN\u0000"}`, 422},
		{"nul in reason", `{"parent_code":"HN.HBT","reason":"\u0000"}`, 422},
		{"invalid utf-8 parent", "{\"parent_code\":\"\xff\"}", 422},
		{"unknown parent", `{"parent_code":"NOPE"}`, 422},
		{"parent is itself", `{"parent_code":"HN.HBT.A"}`, 422},
		{"parent is its own cell", `{"parent_code":"HN.HBT.A.1"}`, 422},
		{"parent of a wrong kind", `{"parent_code":"HN.HBT.B"}`, 422},
		{"parent as a number", `{"parent_code":7}`, 422},
	},
	"merge": {
		{"empty object", `{}`, 422},
		{"empty list", `{"units":[]}`, 422},
		{"units as a string", `{"units":"HN.HBT.B"}`, 422},
		{"units as numbers", `{"units":[1,2]}`, 422},
		{"too many units", `{"units":[` + strings.TrimSuffix(strings.Repeat(`"HN.HBT.B",`, 101), ",") + `]}`, 422},
		{"units twice", `{"units":["HN.HBT.B","hn.hbt.b"]}`, 422},
		{"itself", `{"units":["HN.HBT.A"]}`, 422},
		{"unknown unit", `{"units":["NOPE"]}`, 422},
		{"nul in units", `{"units":["HN.HBT.B\u0000"]}`, 422},
		{"invalid utf-8 unit", "{\"units\":[\"\xff\"]}", 422},
		{"a unit of another kind", `{"units":["HN.HBT.A.1"]}`, 422},
		{"a unit above", `{"units":["HN.HBT"]}`, 422},
	},
}

func TestNastyInputIsRefusedWithoutWritingAndNever500(t *testing.T) {
	f := newFixture(t, Options{})
	admin := f.tokens["admin"]
	for _, r := range writeRoutes {
		for _, c := range append(append([]nasty{}, nastyEverywhere...), nastyByRoute[r.name]...) {
			t.Run(r.name+" "+c.name, func(t *testing.T) {
				units, audits := f.counts()
				res := f.do(r.method, r.path, admin, c.body)
				if res.Code >= 500 {
					t.Fatalf("status %d: %s", res.Code, res.Body)
				}
				if res.Code != c.want {
					t.Errorf("status %d, want %d: %s", res.Code, c.want, res.Body)
				}
				res.apiError(t)
				if u, a := f.counts(); u != units || a != audits {
					t.Errorf("wrote: units %d→%d, audit rows %d→%d", units, u, audits, a)
				}
			})
		}
	}
}

func TestNastyPathsAndQueries(t *testing.T) {
	f := newFixture(t, Options{})
	admin := f.tokens["admin"]
	cases := []struct {
		method, target string
		want           int
	}{
		{"GET", "/api/v1/units/%00", 404},
		{"GET", "/api/v1/units/%FF%FE", 404},
		{"GET", "/api/v1/units/" + strings.Repeat("A", 5000), 404},
		{"GET", "/api/v1/units/NOPE/children", 404},
		{"PATCH", "/api/v1/units/%00", 404},
		{"GET", "/api/v1/units/hn.hbt.a", 200},
		{"GET", "/api/v1/units/HN/subtree?limit=abc", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=-1", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=0", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=1001", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=99999999999999999999999", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=1.5", 422},
		{"GET", "/api/v1/units/HN/subtree?cursor=garbage!!", 422},
		{"GET", "/api/v1/units/HN/subtree?cursor=" + encodeCursor("1; DROP TABLE units"), 422},
		{"GET", "/api/v1/units/HN/subtree?cursor=" + encodeCursor("999999.1"), 422}, // outside the subtree
		{"GET", "/api/v1/units/HN/subtree?cursor=%00", 422},
		{"GET", "/api/v1/units/HN/subtree?limit=1000", 200},
		{"DELETE", "/api/v1/units/HN", 405},
		{"GET", "/api/v1/nothing-here", 404},
		{"POST", "/api/v1/units/HN/explode", 404},
	}
	for _, c := range cases {
		t.Run(c.method+" "+c.target[:min(len(c.target), 60)], func(t *testing.T) {
			res := f.do(c.method, c.target, admin, "")
			if res.Code != c.want {
				t.Fatalf("status %d, want %d: %s", res.Code, c.want, res.Body)
			}
			if res.Code >= 400 {
				res.apiError(t)
			}
		})
	}
}

func TestSubtreePagesFollowTheCursor(t *testing.T) {
	f := newFixture(t, Options{})
	var codes []string
	next, pages, total := "", 0, 0
	for {
		res := f.do("GET", "/api/v1/units/HN/subtree?limit=3&cursor="+next, f.tokens["admin"], "")
		if res.Code != http.StatusOK {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		var page pageResponse
		res.decode(t, &page)
		for _, u := range page.Units {
			codes = append(codes, u.Code)
		}
		total, next = page.Total, page.Next
		if pages++; next == "" || pages > 10 {
			break
		}
	}
	if total != 11 || len(codes) != total || pages != 4 {
		t.Errorf("total %d, got %d units in %d pages: %v", total, len(codes), pages, codes)
	}
	if codes[0] != "HN" {
		t.Errorf("first unit %s, want the root HN", codes[0])
	}
	for _, c := range codes {
		if strings.HasPrefix(c, "HP") {
			t.Errorf("unit %s of another tree listed", c)
		}
	}
}

func TestInvalidInputSpeaksTheCallersLanguage(t *testing.T) {
	f := newFixture(t, Options{})
	body := `{"code":"","name":"","kind":"cell","parent_code":"HN.HBT.A"}`
	cases := []struct {
		lang, message, codeMessage string
	}{
		{"", "Dữ liệu không hợp lệ", "Thiếu mã đơn vị"},
		{"vi-VN,vi;q=0.9", "Dữ liệu không hợp lệ", "Thiếu mã đơn vị"},
		{"fr-FR", "Dữ liệu không hợp lệ", "Thiếu mã đơn vị"},
		{"en-US,en;q=0.9", "Invalid input", "code is required"},
		{"en", "Invalid input", "code is required"},
	}
	for _, c := range cases {
		t.Run("Accept-Language "+c.lang, func(t *testing.T) {
			units, audits := f.counts()
			var hdr []string
			if c.lang != "" {
				hdr = append(hdr, "Accept-Language: "+c.lang)
			}
			res := f.do("POST", "/api/v1/units", f.tokens["admin"], body, hdr...)
			if res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d: %s", res.Code, res.Body)
			}
			e := res.apiError(t)
			if e.Code != "invalid" || e.Message != c.message {
				t.Errorf("code %q message %q, want invalid %q", e.Code, e.Message, c.message)
			}
			fields := map[string]fieldDetail{}
			for _, fd := range e.Fields {
				fields[fd.Field] = fd
			}
			code, name := fields["code"], fields["name"]
			if code.Message != c.codeMessage || code.MessageVI != "Thiếu mã đơn vị" || code.MessageEN != "code is required" {
				t.Errorf("code field = %+v", code)
			}
			if name.MessageVI == "" || name.MessageEN == "" || name.Row != 0 {
				t.Errorf("name field = %+v", name)
			}
			if u, a := f.counts(); u != units || a != audits {
				t.Errorf("wrote: units %d→%d, audit rows %d→%d", units, u, audits, a)
			}
		})
	}
	t.Run("wrong type names the field", func(t *testing.T) {
		res := f.do("PATCH", "/api/v1/units/HN.HBT.A", f.tokens["admin"], `{"members":"abc","version":1}`, "Accept-Language: en")
		e := res.apiError(t)
		if res.Code != http.StatusUnprocessableEntity || len(e.Fields) != 1 || e.Fields[0].Field != "members" {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
	})
}

func TestStaleVersionIsAConflictAndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	admin := f.tokens["admin"]
	v1 := f.unit("HN.HBT.A")
	res := f.do("PATCH", "/api/v1/units/HN.HBT.A", admin, fmt.Sprintf(`{"name":"Đảng bộ phường Bạch Mai (mới)","version":%d}`, v1.Version))
	if res.Code != http.StatusOK {
		t.Fatalf("first update: %d %s", res.Code, res.Body)
	}
	v2 := f.unit("HN.HBT.A")
	if v2.Version != v1.Version+1 {
		t.Fatalf("version %d after update, want %d", v2.Version, v1.Version+1)
	}
	for _, stale := range []int{v1.Version, v2.Version + 1, 1 << 40} {
		t.Run(fmt.Sprint("version ", stale), func(t *testing.T) {
			units, audits := f.counts()
			res := f.do("PATCH", "/api/v1/units/HN.HBT.A", admin, fmt.Sprintf(`{"members":1,"version":%d}`, stale))
			if res.Code != http.StatusConflict {
				t.Fatalf("status %d, want 409: %s", res.Code, res.Body)
			}
			if e := res.apiError(t); e.Code != "conflict" {
				t.Errorf("code %q", e.Code)
			}
			if u := f.unit("HN.HBT.A"); u.Version != v2.Version || u.Members != v2.Members {
				t.Errorf("unit changed: version %d members %d", u.Version, u.Members)
			}
			if u, a := f.counts(); u != units || a != audits {
				t.Errorf("wrote: units %d→%d, audit rows %d→%d", units, u, audits, a)
			}
		})
	}
}

func TestACheckboxIsTickedByWhatBrowsersSendAndRefusesAnythingElse(t *testing.T) {
	for _, tc := range []struct {
		value   string
		want    bool
		refused bool
	}{
		{"", false, false}, {"1", true, false}, {"on", true, false}, {"true", true, false},
		{"0", false, false}, {"off", false, false}, {"false", false, false}, {" 1 ", true, false},
		{"yes", false, true}, {"2", false, true}, {"On", false, true}, {"\x00", false, true},
	} {
		got, err := checkbox("leader", tc.value)
		if got != tc.want || (err != nil) != tc.refused {
			t.Errorf("%q: %v, %v; want %v, refused %v", tc.value, got, err, tc.want, tc.refused)
		}
		if err != nil && !domain.IsCode(err, domain.EInvalid) {
			t.Errorf("%q: %v is not an invalid-input error", tc.value, err)
		}
	}
}

// A database server that stops answering (frozen, not refusing) blocks the
// readiness check in a read no context ends: the probe still answers in
// time, and the probes that follow share that one blocked check.
func TestReadinessAnswersInTimeWhenTheDatabaseHangs(t *testing.T) {
	s := &Server{}
	release := make(chan struct{})
	var checks atomic.Int32
	s.readyCheck = func(context.Context) error {
		checks.Add(1)
		<-release // a read that never returns, until the test ends
		return nil
	}
	defer close(release)
	for range 3 {
		start := time.Now()
		if err := s.readyWithin(context.Background(), 50*time.Millisecond); !errors.Is(err, errNotAnswering) {
			t.Errorf("err %v, want no answer in time", err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("the probe took %v", took)
		}
	}
	if n := checks.Load(); n != 1 {
		t.Errorf("%d checks left blocked, want the one shared", n)
	}
}
