package web

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"

	"github.com/daihoi/daihoi/internal/domain"
)

// raw sends a body as it is, with a content type and extra headers, in the
// browser's session.
func (b *browser) raw(method, path, contentType, body string, headers ...string) response {
	b.f.t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	for _, c := range b.cookies {
		req.AddCookie(c)
	}
	return b.f.serve(req)
}

// fieldsOf lists the fields an error response names.
func fieldsOf(t *testing.T, res response) []string {
	t.Helper()
	var out []string
	for _, fd := range res.apiError(t).Fields {
		out = append(out, fd.Field)
	}
	return out
}

// unchanged fails the test when anything the writes touch changed.
func (f *fixture) unchanged(t *testing.T, digest string, units int) {
	t.Helper()
	if u, _ := f.counts(); f.roundDigest() != digest || u != units {
		t.Error("wrote")
	}
}

// resultsBody is a full results sheet of one person.
const resultsBody = `{"committee_size":5,"committee_women":2,"secretary_name":"Lê Thị Hà","delegates_elected":3,
	"elected":[{"position":"secretary","full_name":"Lê Thị Hà","is_woman":true,"votes_for":20,"valid_ballots":21,"delegates_present":22}],"version":%d}`

func TestNullWhereAValueIsRequiredIsRefusedAndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	round := f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	admin := f.tokens["admin"]
	if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", admin, fmt.Sprintf(resultsBody, 0)); res.Code != http.StatusOK {
		t.Fatalf("results: %d %s", res.Code, res.Body)
	}
	cv := f.congressOf("HN.HBT.A.2").Version
	person := `{"position":"secretary","full_name":"X","votes_for":1,"valid_ballots":1,"delegates_present":1}`
	cases := []struct{ name, method, path, body, field string }{
		{"results: committee_size null wipes nothing", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":null,"committee_women":0,"version":1}`, "committee_size"},
		{"results: the version left out", "PUT", "/api/v1/units/HN.HBT.A.1/results", `{"committee_size":5,"committee_women":2}`, "version"},
		{"results: a person null", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":5,"committee_women":2,"elected":[null],"version":1}`, "elected[0]"},
		{"results: a person's votes null", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":5,"committee_women":2,"elected":[` + strings.Replace(person, `"votes_for":1`, `"votes_for":null`, 1) + `],"version":1}`, "elected[0].votes_for"},
		{"results: a person's votes left out", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":5,"committee_women":2,"elected":[` + strings.Replace(person, `"votes_for":1,`, ``, 1) + `],"version":1}`, "elected[0].votes_for"},
		{"results: null in any case of the name", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":5,"Committee_Size":null,"committee_women":2,"version":1}`, "Committee_Size"},
		{"congress: status null", "PATCH", "/api/v1/units/HN.HBT.A.2/congress", fmt.Sprintf(`{"status":null,"version":%d}`, cv), "status"},
		{"congress: delegates null", "PATCH", "/api/v1/units/HN.HBT.A.2/congress", fmt.Sprintf(`{"delegates_expected":null,"version":%d}`, cv), "delegates_expected"},
		{"congress: version null", "PATCH", "/api/v1/units/HN.HBT.A.2/congress", `{"delegates_expected":3,"version":null}`, "version"},
		{"unit: members null", "PATCH", "/api/v1/units/HN.HBT.A", `{"members":null,"version":1}`, "members"},
		{"unit: name null", "PATCH", "/api/v1/units/HN.HBT.A", `{"name":null,"version":1}`, "name"},
		{"new unit: members null", "POST", "/api/v1/units",
			`{"code":"HN.HBT.A.9","name":"Chi bộ 9","kind":"cell","parent_code":"HN.HBT.A","members":null}`, "members"},
		{"new unit: the name left out", "POST", "/api/v1/units", `{"code":"HN.HBT.A.9","kind":"cell","parent_code":"HN.HBT.A"}`, "name"},
		{"pilot null", "PUT", "/api/v1/units/HN.HBT.A.2/pilot", `{"pilot":null}`, "pilot"},
		{"deadline rule: reason null", "POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", round),
			`{"kind":"cell","deadline":"2020-03-20","reason":null}`, "reason"},
		{"unit deadline: reason null", "PUT", "/api/v1/units/HN.HBT.A.2/deadline", fmt.Sprintf(`{"deadline":"2020-03-20","reason":null,"version":%d}`, cv), "reason"},
		{"milestone: note null", "POST", "/api/v1/units/HN.HBT.A.2/milestones/subcommittees", `{"note":null}`, "note"},
		{"merge: a unit null", "POST", "/api/v1/units/HN.HBT.A/merge", `{"units":[null]}`, "units[0]"},
		{"subscription null", "PUT", "/api/v1/units/HN.HBT/reports/subscription", `{"subscribed":null}`, "subscribed"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			digest := f.roundDigest()
			units, _ := f.counts()
			res := f.do(c.method, c.path, admin, c.body)
			if res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("status %d, want 422: %s", res.Code, res.Body)
			}
			if got := fieldsOf(t, res); !contains(got, c.field) {
				t.Errorf("fields %v, want %s named", got, c.field)
			}
			f.unchanged(t, digest, units)
		})
	}
	t.Run("the results are still there", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT.A.1/results", admin, "")
		var r domain.Results
		res.decode(t, &r)
		if r.CommitteeSize != 5 || r.SecretaryName != "Lê Thị Hà" || len(r.Elected) != 1 || r.Version != 1 {
			t.Errorf("results %+v", r)
		}
	})
	t.Run("in a PATCH an absent field stays as it is, and null clears a date", func(t *testing.T) {
		f.patchStep("admin", "HN.HBT.A.2", `"planned_date":"2020-03-01",`, http.StatusOK)
		f.patchStep("admin", "HN.HBT.A.2", `"delegates_expected":20,`, http.StatusOK)
		if c := f.congressOf("HN.HBT.A.2"); c.PlannedDate == nil || c.PlannedDate.String() != "2020-03-01" || *c.DelegatesExpected != 20 {
			t.Fatalf("congress %+v", c)
		}
		f.patchStep("admin", "HN.HBT.A.2", `"planned_date":null,`, http.StatusOK)
		if c := f.congressOf("HN.HBT.A.2"); c.PlannedDate != nil || *c.DelegatesExpected != 20 {
			t.Errorf("planned %v delegates %v, want cleared and 20", c.PlannedDate, *c.DelegatesExpected)
		}
	})
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// pageParams fills the parameters of the page routes.
var pageParams = strings.NewReplacer(":code", "HN.HBT.A.1", ":milestone", "congress_plan", ":what", "pilot",
	":username", "viewer", ":action", "active", ":week", "2020-W10", ":format", "csv", ":lang", "en", "*", "app.css")

func TestAFormBodyThatDoesNotParseIsRefusedAndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("en")
	b.login("admin", testPassword)
	tok := b.csrf()
	bodies := []struct {
		name, contentType, body string
		want                    int
	}{
		{"a bad escape", "application/x-www-form-urlencoded", "%%%", http.StatusBadRequest},
		{"a bad escape after good fields", "application/x-www-form-urlencoded", "done_on=2020-01-10&pilot=true&active=false&x=%zz", http.StatusBadRequest},
		{"a broken multipart body", "multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"done_on\"\r\n\r\n2020", http.StatusBadRequest},
		{"a multipart body without its boundary", "multipart/form-data", "--xyz\r\n", http.StatusBadRequest},
		{"plain text", "text/plain", "done_on=2020-01-10&pilot=true", http.StatusUnsupportedMediaType},
		{"JSON", "application/json", `{"done_on":"2020-01-10","pilot":true}`, http.StatusUnsupportedMediaType},
		{"no content type", "", "pilot=true&active=false", http.StatusUnsupportedMediaType},
		{"a NUL in a field", "application/x-www-form-urlencoded", "done_on=2020-01-10%00&reason=x&pilot=true&active=false", http.StatusUnprocessableEntity},
		{"invalid UTF-8 in a field", "application/x-www-form-urlencoded", "done_on=%ff&pilot=true&active=false", http.StatusUnprocessableEntity},
		{"a control character in a field name", "application/x-www-form-urlencoded", "a%1bb=1&pilot=true&active=false", http.StatusUnprocessableEntity},
	}
	n := 0
	for _, r := range f.srv.Routes() {
		if r.Method != http.MethodPost || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		n++
		path := pageParams.Replace(r.Path)
		for _, c := range bodies {
			t.Run(path+" "+c.name, func(t *testing.T) {
				digest := f.roundDigest()
				units, _ := f.counts()
				res := b.raw("POST", path, c.contentType, c.body, "X-CSRF-Token: "+tok)
				if res.Code != c.want {
					t.Errorf("status %d, want %d: %s", res.Code, c.want, res.Body)
				}
				f.unchanged(t, digest, units)
			})
		}
	}
	if n < 10 {
		t.Errorf("only %d page forms found", n)
	}
	if c := f.congressOf("HN.HBT.A.1"); c.Milestones.Done != 0 {
		t.Errorf("%d milestones ticked", c.Milestones.Done)
	}
	if res := b.send("GET", "/my", nil); res.Code != http.StatusOK {
		t.Errorf("signed out by a refused logout: %d", res.Code)
	}
}

func TestBrokenTextIsRefusedBeforeItReachesTheDatabase(t *testing.T) {
	f := newFixture(t, Options{})
	round := f.withRound()
	b := f.browser("en")
	b.login("admin", testPassword)
	tok := b.csrf()
	form := "application/x-www-form-urlencoded"
	pages := []struct {
		name, method, path, body string
		want                     int
	}{
		{"a NUL as the unit code", "GET", "/units/%00", "", 404},
		{"a NUL in the unit code of a table", "GET", "/units/HN%00/table.csv", "", 404},
		{"invalid UTF-8 as the unit code", "GET", "/units/%FF%FE", "", 404},
		{"an overlong code", "GET", "/units/" + strings.Repeat("A", 3000), "", 404},
		{"a NUL in the code of my unit", "POST", "/my/HN%00", "version=1&status=preparing", 404},
		{"invalid UTF-8 in the code of my unit", "POST", "/my/HN%FF", "version=1&status=preparing", 404},
		{"a NUL in a milestone", "POST", "/units/HN.HBT.A.1/milestones/a%00", "", 404},
		{"a NUL as the scope of a rule", "POST", "/round/rules", "scope_code=%00&kind=cell&deadline=2020-03-20&reason=x", 422},
		{"invalid UTF-8 as the scope of a rule", "POST", "/round/rules", "scope_code=%C3%28&kind=cell&deadline=2020-03-20&reason=x", 422},
		{"a NUL as a username", "POST", "/admin/users/%00/revoke", "role=viewer&unit=HN", 404},
		{"a NUL in the unit of a grant", "POST", "/admin/users/viewer/grant", "role=viewer&unit=HN%00", 422},
		{"a NUL in the reason of a deadline", "POST", "/units/HN.HBT.A.1/deadline", "deadline=2020-03-20&reason=a%00b&version=1", 422},
		{"a NUL in a query", "GET", "/units/HN.HBT?status=%00", "", 422},
		{"a query that does not parse", "GET", "/units/HN.HBT?status=%zz", "", 400},
		{"a parameter given twice", "GET", "/units/HN.HBT/list?which=late&which=held", "", 422},
		{"a NUL in the week", "GET", "/units/HN.HBT/reports/2020-W1%00", "", 404},
		{"a NUL in a compared week", "GET", "/units/HN.HBT/reports/compare?a=%00&b=2020-W02", "", 422},
	}
	for _, c := range pages {
		t.Run(c.name, func(t *testing.T) {
			digest := f.roundDigest()
			units, _ := f.counts()
			var res response
			if c.method == "GET" {
				res = b.send("GET", c.path, nil)
			} else {
				res = b.raw(c.method, c.path, form, c.body, "X-CSRF-Token: "+tok)
			}
			if res.Code != c.want {
				t.Errorf("status %d, want %d: %s", res.Code, c.want, res.Body)
			}
			if !strings.Contains(res.Body.String(), `<html lang="vi">`) { // the admin reads Vietnamese
				t.Errorf("not a page in the user's language: %s", res.Body)
			}
			if c.want == http.StatusUnprocessableEntity && !strings.Contains(res.Body.String(), "Dữ liệu không hợp lệ — ") {
				t.Errorf("the refusal does not name the field: %s", res.Body)
			}
			f.unchanged(t, digest, units)
		})
	}
	admin := f.tokens["admin"]
	api := []struct {
		name, method, path, body, field string
		want                            int
	}{
		{"a lone surrogate in a name", "PATCH", "/api/v1/units/HN.HBT.A", `{"name":"x\ud800","version":1}`, "name", 422},
		{"a lone low surrogate in a name", "PATCH", "/api/v1/units/HN.HBT.A", `{"name":"\udc00x","version":1}`, "name", 422},
		{"a reversed surrogate pair", "PATCH", "/api/v1/units/HN.HBT.A", `{"name":"\udc00\ud800","version":1}`, "name", 422},
		{"invalid UTF-8 in a note", "POST", "/api/v1/units/HN.HBT.A.1/milestones/subcommittees", "{\"note\":\"a\xffb\"}", "note", 422},
		{"a control character in a reason", "POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", round), `{"kind":"cell","deadline":"2020-03-20","reason":"a\u001bb"}`, "reason", 422},
		{"a NUL in a person's name", "PUT", "/api/v1/units/HN.HBT.A.1/results",
			`{"committee_size":1,"committee_women":0,"elected":[{"position":"secretary","full_name":"a\u0000","votes_for":1,"valid_ballots":1,"delegates_present":1}],"version":0}`,
			"elected[0].full_name", 422},
		{"a NUL in the week of a report", "POST", "/api/v1/units/HN.HBT/reports", `{"week":"2020-W1\u0000"}`, "week", 422},
		{"a NUL in a query", "GET", "/api/v1/units/HN.HBT/progress?as_of=%00", "", "as_of", 422},
		{"invalid UTF-8 in a query", "GET", "/api/v1/units/HN.HBT/flags?kind=%FF", "", "kind", 422},
	}
	for _, c := range api {
		t.Run(c.name, func(t *testing.T) {
			digest := f.roundDigest()
			units, _ := f.counts()
			res := f.do(c.method, c.path, admin, c.body)
			if res.Code != c.want {
				t.Fatalf("status %d, want %d: %s", res.Code, c.want, res.Body)
			}
			if got := fieldsOf(t, res); !contains(got, c.field) {
				t.Errorf("fields %v, want %s named", got, c.field)
			}
			f.unchanged(t, digest, units)
		})
	}
	if u := f.unit("HN.HBT.A"); strings.ContainsRune(u.Name, '\uFFFD') {
		t.Errorf("stored %q", u.Name)
	}
}

func TestAWriteThatChangesNothingWritesNoAuditRow(t *testing.T) {
	f := newFixture(t, Options{})
	round := f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	admin := f.tokens["admin"]
	b := f.browser("en")
	b.login("admin", testPassword)
	api := func(method, path, body string) func() response {
		return func() response { return f.do(method, path, admin, body) }
	}
	page := func(path string, form url.Values) func() response {
		return func() response {
			form := url.Values(form)
			form.Set("csrf_token", b.csrf())
			return b.send("POST", path, form)
		}
	}
	cv := func(code string) string { return fmt.Sprint(f.congressOf(code).Version) }
	cases := []struct {
		name  string
		write func() response
	}{
		{"a milestone ticked again on the same day", api("POST", "/api/v1/units/HN.HBT.A.2/milestones/draft_report", `{"done_on":"2020-01-20"}`)},
		{"a milestone ticked again on the same day, from its page", page("/units/HN.HBT.A.2/milestones/personnel_plan", url.Values{"done_on": {"2020-01-21"}})},
		{"a milestone not done unticked", api("DELETE", "/api/v1/units/HN.HBT.A.2/milestones/congress_plan", "")},
		{"the same results again", func() response {
			v := 0
			var r domain.Results
			if res := f.do("GET", "/api/v1/units/HN.HBT.A.1/results", admin, ""); res.Code == http.StatusOK {
				res.decode(t, &r)
				v = r.Version
			}
			return f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", admin, fmt.Sprintf(resultsBody, v))
		}},
		{"an account deactivated again", page("/admin/users/viewer/active", url.Values{"active": {"false"}})},
		{"a pilot marked again", api("PUT", "/api/v1/units/HN.HBT.A.2/pilot", `{"pilot":true}`)},
		{"a deadline rule set again", api("POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", round), `{"scope_code":"HN.HBT","kind":"cell","deadline":"2020-03-25","reason":"lùi"}`)},
		{"a unit's deadline set again", func() response {
			return f.do("PUT", "/api/v1/units/HN.HBT.A.2/deadline", admin, `{"deadline":"2020-04-10","reason":"lùi","version":`+cv("HN.HBT.A.2")+`}`)
		}},
		{"a congress patched to what it is", func() response {
			return f.do("PATCH", "/api/v1/units/HN.HBT.A.2/congress", admin, `{"delegates_expected":12,"version":`+cv("HN.HBT.A.2")+`}`)
		}},
		{"a unit renamed to its name", func() response {
			return f.do("PATCH", "/api/v1/units/HN.HBT.B", admin, fmt.Sprintf(`{"name":"Đảng bộ phường Bách Khoa","version":%d}`, f.unit("HN.HBT.B").Version))
		}},
		{"a unit moved under its parent", api("POST", "/api/v1/units/HN.HBT.B.2/move", `{"parent_code":"HN.HBT.B"}`)},
		{"a role granted again", page("/admin/users/viewer/grant", url.Values{"role": {"viewer"}, "unit": {"HN.DD"}})},
		{"a subscription made again", func() response {
			return f.do("PUT", "/api/v1/units/HN.HBT/reports/subscription", f.tokens["board"], `{"subscribed":true}`)
		}},
		{"an e-mail address set again", page("/units/HN.HBT/reports/email", url.Values{"email": {"admin@hbt.hanoi.gov.vn"}})},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if res := c.write(); res.Code >= 400 {
				t.Fatalf("first write: %d %s", res.Code, res.Body)
			}
			digest := f.roundDigest()
			units, audits := f.counts()
			if res := c.write(); res.Code >= 400 {
				t.Fatalf("second write: %d %s", res.Code, res.Body)
			}
			if _, a := f.counts(); a != audits {
				t.Errorf("%d audit rows added", a-audits)
			}
			f.unchanged(t, digest, units)
		})
	}
	var actives int
	if err := f.db.Get(&actives, `SELECT count(*) FROM audit_log WHERE action = 'user.active'`); err != nil || actives != 1 {
		t.Errorf("user.active rows: %d %v", actives, err)
	}
}

func TestDaysOutsideTheRoundAreRefused(t *testing.T) {
	f := newFixture(t, Options{})
	round := f.withRound2020()
	admin := f.tokens["admin"]
	cv := fmt.Sprint(f.congressOf("HN.HBT.A.2").Version)
	for _, day := range []string{"1969-12-31", "2019-07-07", "2099-01-01", "2023-01-01"} {
		cases := []struct{ name, method, path, body, field string }{
			{"a deadline rule", "POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", round), `{"scope_code":"HN.HBT","kind":"cell","deadline":"` + day + `","reason":"lùi"}`, "deadline"},
			{"a unit's deadline", "PUT", "/api/v1/units/HN.HBT.A.2/deadline", `{"deadline":"` + day + `","reason":"lùi","version":` + cv + `}`, "deadline"},
			{"a milestone done", "POST", "/api/v1/units/HN.HBT.A.2/milestones/draft_report", `{"done_on":"` + day + `"}`, "done_on"},
			{"a planned congress", "PATCH", "/api/v1/units/HN.HBT.A.2/congress", `{"planned_date":"` + day + `","version":` + cv + `}`, "planned_date"},
		}
		for _, c := range cases {
			t.Run(c.name+" on "+day, func(t *testing.T) {
				digest := f.roundDigest()
				units, _ := f.counts()
				res := f.do(c.method, c.path, admin, c.body, "Accept-Language: en")
				if res.Code != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.Code, res.Body)
				}
				e := res.apiError(t)
				outside := len(e.Fields) == 1 && strings.Contains(e.Fields[0].MessageEN, "outside the round") &&
					strings.Contains(e.Fields[0].MessageVI, "ngoài thời gian của đợt đại hội")
				future := len(e.Fields) == 1 && c.field == "done_on" && strings.Contains(e.Fields[0].MessageEN, "in the future")
				if len(e.Fields) != 1 || e.Fields[0].Field != c.field || !outside && !future {
					t.Errorf("fields %+v", e.Fields)
				}
				f.unchanged(t, digest, units)
			})
		}
	}
	for _, c := range []struct{ name, path string }{
		{"a year 0 as of", "/api/v1/units/HN.HBT/progress?as_of=0000-01-01"},
		{"a week of the year 0", "/api/v1/units/HN.HBT/reports/0000-W01/mails"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if res := f.do("GET", c.path, admin, ""); res.Code != http.StatusUnprocessableEntity {
				t.Errorf("status %d, want 422: %s", res.Code, res.Body)
			}
		})
	}
	t.Run("days within the round are taken", func(t *testing.T) {
		for _, c := range []struct{ method, path, body string }{
			{"POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", round), `{"scope_code":"HN.HBT","kind":"cell","deadline":"2020-04-30","reason":"lùi"}`},
			{"POST", "/api/v1/units/HN.HBT.A.2/milestones/draft_report", `{"done_on":"2019-07-08"}`},
			{"PATCH", "/api/v1/units/HN.HBT.A.2/congress", `{"planned_date":"2021-06-30","version":` + cv + `}`},
		} {
			if res := f.do(c.method, c.path, admin, c.body); res.Code != http.StatusOK {
				t.Errorf("%s %s: %d %s", c.method, c.path, res.Code, res.Body)
			}
		}
	})
}

// Every GET route answers HEAD alike, without a body.
func TestHeadWorksWhereverGetDoes(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	b := f.browser("")
	b.login("admin", testPassword)
	api := strings.NewReplacer(":code", "HN.HBT", ":id", "1", ":week", "2020-W10", ":name", "late-flags", ":lang", "en", "*", "app.css", ":format", "csv")
	n := 0
	for _, r := range f.srv.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		n++
		path := api.Replace(r.Path)
		t.Run(path, func(t *testing.T) {
			send := func(method string) response {
				if strings.HasPrefix(path, "/api/") {
					return f.do(method, path, f.tokens["admin"], "")
				}
				return b.send(method, path, nil)
			}
			get, head := send("GET"), send("HEAD")
			if head.Code != get.Code || head.Code == http.StatusMethodNotAllowed {
				t.Errorf("HEAD %d, GET %d", head.Code, get.Code)
			}
			if h, g := head.Header().Get("Content-Type"), get.Header().Get("Content-Type"); h != g && get.Code < 400 {
				t.Errorf("HEAD Content-Type %q, GET %q", h, g)
			}
		})
	}
	if n < 30 {
		t.Errorf("only %d GET routes", n)
	}
	t.Run("through a real server, HEAD has no body", func(t *testing.T) {
		srv := httptest.NewServer(f.srv.Handler())
		defer srv.Close()
		req, _ := http.NewRequest(http.MethodHead, srv.URL+"/login", nil)
		res, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK || res.ContentLength > 0 && res.Header.Get("Content-Length") == "" {
			t.Errorf("status %d", res.StatusCode)
		}
	})
}

// NFD is Vietnamese as macOS and some keyboards send it: "ệ" as e, U+0323, U+0302.
func nfd(s string) string { return norm.NFD.String(s) }

func TestVietnameseIsStoredComposedFromTheAPIAndTheForms(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	admin := f.tokens["admin"]
	name := "Chi bộ Tổ dân phố số 7 – Nguyễn Thị Hiền"
	if nfd(name) == name {
		t.Fatal("the test name has nothing to decompose")
	}
	res := f.do("POST", "/api/v1/units", admin, fmt.Sprintf(`{"code":"HN.HBT.A.7","name":%q,"kind":"cell","parent_code":"HN.HBT.A"}`, nfd(name)))
	if res.Code != http.StatusCreated {
		t.Fatalf("create: %d %s", res.Code, res.Body)
	}
	if got := f.unit("HN.HBT.A.7").Name; got != name {
		t.Errorf("API: stored %q (%d bytes), want NFC %q (%d bytes)", got, len(got), name, len(name))
	}
	b := f.browser("")
	b.login("admin", testPassword)
	person := "Đặng Thị Thuỷ"
	res = b.send("POST", "/units/HN.HBT.A.1/results", url.Values{"csrf_token": {b.csrf()}, "version": {"0"},
		"committee_size": {"1"}, "secretary_name": {nfd(person)}, personField(0, "is_woman"): {"1"},
		personField(0, "full_name"): {nfd(person)}, personField(0, "position"): {"secretary"}, personField(0, "votes_for"): {"9"},
		personField(0, "valid_ballots"): {"9"}, personField(0, "delegates_present"): {"9"}})
	if res.Code != http.StatusSeeOther {
		t.Fatalf("results form: %d %s", res.Code, res.Body)
	}
	var got []string
	if err := f.db.Select(&got, `SELECT secretary_name FROM congress_results UNION ALL SELECT full_name FROM elected_people`); err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0] != person || got[1] != person {
		t.Errorf("form: stored %q, want NFC %q", got, person)
	}
	var n int
	if err := f.db.Get(&n, `SELECT count(*) FROM units WHERE name = $1`, name); err != nil || n != 1 {
		t.Errorf("found %d units by the composed name (%v)", n, err)
	}
}

func TestVietnameseIsStoredComposedFromTheImportPage(t *testing.T) {
	f := newFixture(t, Options{})
	b := f.browser("")
	b.login("admin", testPassword)
	ward, cell := "Đảng bộ phường Quỳnh Lôi", "Chi bộ Tổ dân phố số 8 – Lê Thị Hồng Gấm"
	file := "code,name,kind,parent_code,category,members\n" +
		"HN.HBT.Q," + nfd(ward) + ",grassroots_committee,HN.HBT,,\n" +
		"HN.HBT.Q.8," + nfd(cell) + ",cell,HN.HBT.Q,residential,10\n"
	if res := b.upload("units.csv", file); res.Code != http.StatusOK {
		t.Fatalf("%d %s", res.Code, res.Body)
	}
	for code, want := range map[string]string{"HN.HBT.Q": ward, "HN.HBT.Q.8": cell} {
		if got := f.unit(code).Name; got != want {
			t.Errorf("%s: stored %q, want NFC %q", code, got, want)
		}
	}
}
