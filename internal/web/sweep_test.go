package web

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// A probe is one malformed request of the sweep.
type probe struct {
	method, path, contentType, body string
	// page: sent in the admin's web session (with its CSRF token on a
	// POST), else with the admin's API token.
	page bool
}

// Bad values of path parameters: none names anything.
var badSegments = []string{"%00", "HN%00", "%FF%FE", "%ED%A0%80", "%C0%AF", "HN.HBT%0A", "%1B%5B31m", strings.Repeat("A", 300),
	"..%2F..%2Fetc", "%E2%80%AEHN"}

// Bad values of query parameters that no route may take: the query check
// refuses them before any handler.
var badQueries = []string{"%00", "x%00y", "%FF", "%ED%A0%80", "%1B", "%zz", "%", "a%0Ab%00"}

// Bad values of query parameters that each route refuses on its own.
var badQueryValues = map[string][]string{
	"round": {"abc", "-1", "0", "99999999999999999999", "1e3"}, "as_of": {"0000-01-01", "2020-02-30", "tomorrow", "9999-12-31"},
	"limit": {"-1", "0", "abc", "99999999999999999999"}, "cursor": {"!!", "MTsgRFJPUA"}, "subtree": {"maybe"},
	"state": {"burning"}, "offset": {"-5", "x"}, "format": {"exe", "../x"}, "a": {"2020-W99", "0000-W01"}, "b": {"x"},
}

// Wrong JSON values for a property of each type: each is refused whatever
// the property.
var wrongJSON = map[string][]string{
	"string":  {`null`, `123`, `true`, `[]`, `{}`, `"a\u0000b"`, `"x\ud800"`, `"\udfff"`, "\"\xff\xfe\"", `"a\u001bb"`},
	"integer": {`null`, `"1"`, `1.5`, `1e400`, `99999999999999999999`, `true`, `[]`, `"\u0000"`},
	"number":  {`null`, `"1"`, `1e400`, `-1`, `true`, `[]`, `"\u0000"`},
	"boolean": {`null`, `"true"`, `1`, `[]`, `"\u0000"`},
	"array":   {`null`, `"x"`, `1`, `{}`, `[null]`, `["a\u0000"]`, `[1]`, `[{}]`},
	"object":  {`null`, `"x"`, `1`, `[]`},
}

// Malformed JSON bodies, refused by every route that reads one.
var badBodies = []string{"", " ", "{", `{"a":`, "[]", "null", `"x"`, "42", "{}{}", `{"colour":"red"}`, "\xff\xfe{}",
	`{"a\u0000":1}`, `{` + strings.Repeat(`"a":[`, 50) + `}`, strings.Repeat("[", 20000)}

// Malformed page form bodies: each does not parse, or holds a field that
// is not a sound text; refused before any handler.
var badForms = []struct{ contentType, body string }{
	{"application/x-www-form-urlencoded", "%%%"},
	{"application/x-www-form-urlencoded", "done_on=2020-01-10&x=%zz"},
	{"application/x-www-form-urlencoded", "version=%00&status=held&done_on=2020-01-10&pilot=true&active=false"},
	{"application/x-www-form-urlencoded", "reason=%FF&deadline=2020-03-20&version=1&pilot=true"},
	{"application/x-www-form-urlencoded", "%00=1&pilot=true&active=false"},
	{"application/x-www-form-urlencoded", "full_name=a%1Bb&committee_size=1&committee_women=0&version=0"},
	{"application/x-www-form-urlencoded", "scope_code=%00&kind=cell&deadline=2020-03-20&reason=x"},
	{"application/x-www-form-urlencoded", "username=x%00&password=%ED%A0%80"},
	{"multipart/form-data; boundary=xyz", "--xyz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nb"},
	{"multipart/form-data", "--xyz--\r\n"},
	{"text/plain", "pilot=true&active=false&done_on=2020-01-10"},
	{"application/json", `{"pilot":true}`},
	{"", "pilot=true&active=false"},
}

// schemaProps lists the properties of an operation's JSON request body
// with their types, following a $ref to the components.
func schemaProps(doc openAPIDoc, op map[string]any) map[string]string {
	rb, _ := op["requestBody"].(map[string]any)
	content, _ := rb["content"].(map[string]any)
	media, _ := content["application/json"].(map[string]any)
	schema, _ := media["schema"].(map[string]any)
	if ref, ok := schema["$ref"].(string); ok {
		schema, _ = doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
	}
	if schema == nil {
		return nil
	}
	out := map[string]string{}
	props, _ := schema["properties"].(map[string]any)
	for name, p := range props {
		p, _ := p.(map[string]any)
		typ, _ := p["type"].(string)
		if typ == "" {
			typ = "object"
		}
		out[name] = typ
	}
	return out
}

// fill puts values in the {params} of a documented path: good ones, but for
// param, which gets bad.
func fill(path, param, bad string, round int64) string {
	good := map[string]string{"code": "HN.HBT.A.1", "id": fmt.Sprint(round), "milestone": "draft_report",
		"week": "2020-W10", "name": "nope", "doc": "invitation"}
	for p, v := range good {
		if p == param {
			v = bad
		}
		path = strings.ReplaceAll(path, "{"+p+"}", v)
	}
	return path
}

// apiProbes are malformed requests to every route of the OpenAPI document.
func apiProbes(t *testing.T, round int64, rng *rand.Rand) []probe {
	var doc openAPIDoc
	if err := yaml.Unmarshal(openAPI, &doc); err != nil {
		t.Fatal(err)
	}
	var out []probe
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		methods := make([]string, 0, len(doc.Paths[path]))
		for m := range doc.Paths[path] {
			if m != "parameters" {
				methods = append(methods, m)
			}
		}
		sort.Strings(methods)
		for _, m := range methods {
			method := strings.ToUpper(m)
			op, _ := doc.Paths[path][m].(map[string]any)
			props := schemaProps(doc, op)
			hasBody := props != nil
			full := "/api/v1" + path
			if path == "/healthz" || path == "/readyz" {
				full = path
			}
			// Bad path parameters, in both sessions.
			for _, param := range echoParam.FindAllStringSubmatch(strings.NewReplacer("{", ":", "}", "").Replace(path), -1) {
				for _, bad := range append(badSegments, randomSegment(rng)) {
					for _, page := range []bool{false, true} {
						out = append(out, probe{method: method, path: fill(full, param[1], bad, round), body: "{}", contentType: "application/json", page: page})
					}
				}
			}
			target := fill(full, "", "", round)
			// Bad queries.
			for _, name := range []string{"round", "as_of", "limit", "cursor", "subtree", "state", "kind", "offset", "job", "format", "lang", randomKey(rng)} {
				for _, bad := range badQueries {
					out = append(out, probe{method: method, path: target + "?" + name + "=" + bad})
				}
				if method == http.MethodGet {
					for _, bad := range badQueryValues[name] {
						out = append(out, probe{method: method, path: target + "?" + name + "=" + url.QueryEscape(bad)})
					}
				}
			}
			out = append(out, probe{method: method, path: target + "?%00=1"}, probe{method: method, path: target + "?a=1&%FF"})
			if !hasBody {
				continue
			}
			// Malformed bodies, and wrong content types.
			for _, body := range badBodies {
				out = append(out, probe{method: method, path: target, body: body, contentType: "application/json"})
				out = append(out, probe{method: method, path: target, body: body, contentType: "text/plain"})
			}
			out = append(out, probe{method: method, path: target, body: `{}`, contentType: "application/x-www-form-urlencoded"},
				probe{method: method, path: target, body: `{}`, contentType: "multipart/form-data; boundary=x"})
			// A wrong value in each property, alone and beside the others.
			names := make([]string, 0, len(props))
			for n := range props {
				names = append(names, n)
			}
			sort.Strings(names)
			for _, n := range names {
				for _, v := range wrongJSON[props[n]] {
					out = append(out, probe{method: method, path: target, body: `{"` + n + `":` + v + `}`, contentType: "application/json"})
				}
				v := wrongJSON[props[n]][rng.IntN(len(wrongJSON[props[n]]))]
				out = append(out, probe{method: method, path: target, body: `{"` + strings.ToUpper(n) + `":` + v + `,"` + n + `":` + v + `}`, contentType: "application/json"})
			}
			// A session without X-Requested-With may not write.
			out = append(out, probe{method: method, path: target, body: `{}`, contentType: "application/json", page: true})
		}
	}
	return out
}

// pageProbes are malformed requests to every page route.
func pageProbes(routes []Route, rng *rand.Rand) []probe {
	params := map[string]string{"code": "HN.HBT.A.1", "milestone": "draft_report", "what": "pilot", "username": "viewer",
		"action": "active", "week": "2020-W10", "format": "csv", "lang": "en"}
	var out []probe
	for _, r := range routes {
		if strings.HasPrefix(r.Path, "/api/") || r.Path == "/healthz" || r.Path == "/readyz" || strings.HasPrefix(r.Path, "/static") {
			continue
		}
		good := func(skip string) string {
			p := r.Path
			for name, v := range params {
				if name != skip {
					p = strings.ReplaceAll(p, ":"+name, v)
				}
			}
			return p
		}
		for _, m := range echoParam.FindAllStringSubmatch(r.Path, -1) {
			for _, bad := range append(badSegments, randomSegment(rng)) {
				out = append(out, probe{method: r.Method, path: strings.ReplaceAll(good(m[1]), ":"+m[1], bad), contentType: "application/x-www-form-urlencoded",
					body: "pilot=true&active=true&done_on=2020-01-10", page: true})
			}
		}
		target := good("")
		for _, name := range []string{"status", "kind", "category", "sort", "late", "a", "b", "format", randomKey(rng)} {
			for _, bad := range badQueries {
				out = append(out, probe{method: r.Method, path: target + "?" + name + "=" + bad, contentType: "application/x-www-form-urlencoded", body: "", page: true})
			}
		}
		if r.Method != http.MethodPost {
			continue
		}
		for _, f := range badForms {
			// Repeated: a refused post refused again writes nothing either.
			for range 2 {
				out = append(out, probe{method: r.Method, path: target, contentType: f.contentType, body: f.body, page: true})
			}
		}
		out = append(out, probe{method: http.MethodPut, path: target, contentType: "application/x-www-form-urlencoded", body: "pilot=true", page: true},
			probe{method: http.MethodDelete, path: target, page: true},
			// An API token is no web session: no page form is taken from it.
			probe{method: r.Method, path: target, contentType: "application/x-www-form-urlencoded", body: "pilot=true&active=false"})
	}
	return out
}

// randomSegment is a random path segment of bytes, escaped.
func randomSegment(rng *rand.Rand) string {
	b := make([]byte, 1+rng.IntN(24))
	for i := range b {
		b[i] = byte(rng.IntN(256))
	}
	return url.PathEscape(string(b))
}

// randomKey is a random query key holding a control character.
func randomKey(rng *rand.Rand) string {
	return fmt.Sprintf("k%%%02X%d", rng.IntN(32), rng.IntN(1000))
}

// tableCounts counts the rows of every table but the sessions, and sums up
// the rows the writes touch.
func (f *fixture) tableCounts(t *testing.T) map[string]string {
	t.Helper()
	var tables []string
	if err := f.db.Select(&tables, `SELECT table_name FROM information_schema.tables
		WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'sessions' ORDER BY 1`); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{"digest": f.roundDigest()}
	for _, tb := range tables {
		var d string
		if err := f.db.Get(&d, `SELECT count(*)::text || ' ' || coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM `+tb+` x`); err != nil {
			t.Fatal(err)
		}
		out[tb] = d
	}
	return out
}

// Thousands of malformed requests, to every route of the OpenAPI document
// and every page (each form with a valid CSRF token), from an API token and
// from a web session of an admin: none is a 5xx, and nothing is written.
func TestMalformedRequestsOnEveryRouteNeverFailAndWriteNothing(t *testing.T) {
	f := newFixture(t, Options{})
	round := f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-03-10")
	if res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", f.tokens["admin"], fmt.Sprintf(resultsBody, 0)); res.Code != http.StatusOK {
		t.Fatalf("results: %d %s", res.Code, res.Body)
	}
	b := f.browser("")
	b.login("admin", testPassword)
	tok := b.csrf()
	rng := rand.New(rand.NewPCG(2020, 415))
	probes := append(apiProbes(t, round, rng), pageProbes(f.srv.Routes(), rng)...)
	if len(probes) < 2000 {
		t.Fatalf("only %d malformed requests", len(probes))
	}
	before := f.tableCounts(t)
	failures := 0
	byStatus := map[int]int{}
	for _, p := range probes {
		var res response
		if p.page {
			headers := []string{}
			if p.method != http.MethodGet {
				headers = append(headers, "X-CSRF-Token: "+tok)
			}
			res = b.raw(p.method, p.path, p.contentType, p.body, headers...)
		} else {
			var headers []string
			if p.contentType != "" {
				headers = append(headers, "Content-Type: "+p.contentType)
			}
			res = f.do(p.method, p.path, f.tokens["admin"], p.body, headers...)
		}
		byStatus[res.Code]++
		if res.Code >= 500 || res.Code < 300 && p.method != http.MethodGet {
			if failures++; failures <= 20 {
				t.Errorf("%s %s (%s) %.80q: %d %.300s", p.method, p.path, p.contentType, p.body, res.Code, res.Body)
			}
		}
	}
	after := f.tableCounts(t)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s changed: %s → %s", k, v, after[k])
		}
	}
	t.Logf("%d malformed requests, by status: %v", len(probes), byStatus)
}
