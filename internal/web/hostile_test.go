package web

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/daihoi/daihoi/internal/congressdoc"
	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/mail/mailtest"
)

// hostile is what an attacker types into every text field: a spreadsheet
// formula first, then a script, an attribute break with an event handler,
// a javascript: link and a quote to end a single-quoted attribute.
const hostile = `=cmd|' /C calc'!A0 <script>alert(1)</script> "><img src=x onerror=alert(2)> javascript:alert(3) 'x`

// hostileEmail is the worst an e-mail address may hold: a quote and an
// equals sign are letters of an address.
const hostileEmail = "x'onmouseover=alert`4`'@evil.example.vn"

// hostileTree puts hostile text in every field a user sets: unit names,
// the round's name and documents, lessons learned, the reasons of a
// deadline rule, of a unit's own deadline and of a congress held before
// its cells, a milestone's note, the results (secretary, elected people),
// the full name and e-mail address of users; then makes the weekly reports
// of 2020-W11 and W12 for the district, to which the board subscribed.
func (f *fixture) hostileTree() {
	f.t.Helper()
	ctx := context.Background()
	r, err := f.svc.CreateRound(ctx, system, domain.RoundInput{
		Name: "Đại hội " + hostile, Documents: []string{hostile}, StartDate: "2019-07-08", Current: true,
		Deadlines: []domain.DeadlineRuleInput{
			{Kind: "district", Deadline: "2020-08-31"},
			{Kind: "grassroots_committee", Deadline: "2020-06-30"},
			{Kind: "cell", Deadline: "2020-03-31"},
		},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	ok := func(method, path, role string, body any) {
		f.t.Helper()
		b, _ := json.Marshal(body)
		if res := f.do(method, path, f.tokens[role], string(b)); res.Code >= 300 {
			f.t.Fatalf("%s %s: %d %s", method, path, res.Code, res.Body)
		}
	}
	for code, name := range map[string]string{"HN.HBT": "Quận " + hostile, "HN.HBT.A": "Phường " + hostile,
		"HN.HBT.A.1": hostile, "HN.HBT.A.2": "Chi bộ 2 " + hostile} {
		ok("PATCH", "/api/v1/units/"+code, "admin", map[string]any{"name": name, "version": f.unit(code).Version})
	}
	ok("POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", r.ID), "board",
		map[string]any{"scope_code": "HN.HBT", "kind": "cell", "category": "school", "deadline": "2020-04-30", "reason": hostile})
	ok("PUT", "/api/v1/units/HN.HBT.A.2/deadline", "board",
		map[string]any{"deadline": "2020-05-15", "reason": hostile, "version": f.congressOf("HN.HBT.A.2").Version})
	ok("PUT", "/api/v1/units/HN.HBT.A.1/pilot", "board", map[string]any{"pilot": true})
	ok("POST", "/api/v1/units/HN.HBT.A.1/milestones/congress_plan", "board", map[string]any{"done_on": "2020-01-10", "note": hostile})
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"preparing",`, 200)
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"plan_approved",`, 200)
	lessons, _ := json.Marshal(hostile)
	f.patchStep("secretary", "HN.HBT.A.1", `"status":"held","held_date":"2020-03-10","lessons_learned":`+string(lessons)+`,`, 200)
	ok("PUT", "/api/v1/units/HN.HBT.A.1/results", "secretary", map[string]any{
		"committee_size": 3, "committee_women": 1, "secretary_name": hostile, "delegates_elected": 1, "version": 0,
		"elected": []map[string]any{{"position": "secretary", "full_name": hostile, "is_woman": true,
			"votes_for": 20, "valid_ballots": 20, "delegates_present": 21}}})
	ok("POST", "/api/v1/units/HN.HBT.A/milestones/congress_plan", "board", map[string]any{"done_on": "2020-03-01", "note": hostile})
	f.patchStep("secretary", "HN.HBT.A", `"status":"preparing",`, 200)
	f.patchStep("secretary", "HN.HBT.A", `"status":"plan_approved",`, 200)
	f.patchStep("board", "HN.HBT.A", `"status":"held","held_date":"2020-03-19","cascade_override_reason":`+string(lessons)+`,`, 200)

	if _, err := f.svc.CreateUser(ctx, system, core.UserInput{Username: "hostile", FullName: hostile, Email: hostileEmail,
		Password: testPassword, Lang: "vi"}); err != nil {
		f.t.Fatalf("hostile user: %v", err)
	}
	if err := f.svc.Grant(ctx, system, "hostile", "viewer", "HN.HBT"); err != nil {
		f.t.Fatal(err)
	}
	if _, err := f.db.Exec(`UPDATE users SET full_name = $1 WHERE username = 'board'`, hostile); err != nil {
		f.t.Fatal(err)
	}
	if err := f.svc.SetEmail(ctx, system, "board", hostileEmail); err != nil {
		f.t.Fatalf("board e-mail: %v", err)
	}
	ok("PUT", "/api/v1/units/HN.HBT/reports/subscription", "board", map[string]any{"subscribed": true})
	for _, week := range []string{"2020-W11", "2020-W12"} {
		ok("POST", "/api/v1/units/HN.HBT/reports", "board", map[string]any{"week": week})
	}
}

// TestHostileTextIsInertInEveryPageFileAndEmail: with hostile text in every
// field a user sets, every GET route (walked from Routes(), in both
// languages, as the admin and the district board) answers without a 5xx;
// no HTML page holds a script, an event handler or a javascript: link
// that the data made, and the text shows escaped; JSON escapes it; every
// CSV cell holding it is inert and every XLSX cell holding it is text, not
// a formula; the e-mails are plain text (no HTML part is ever sent).
func TestHostileTextIsInertInEveryPageFileAndEmail(t *testing.T) {
	f := newFixture(t, Options{})
	f.hostileTree()
	roundID := f.currentRoundID()

	// Concrete values of each route parameter; a route with a parameter
	// not listed here fails the test, so that a new page is covered.
	codes := []string{"HN.HBT", "HN.HBT.A", "HN.HBT.A.1", "HN.HBT.A.2"}
	paths := func(route string) []string {
		out := []string{route}
		expand := func(param string, values ...string) {
			var next []string
			for _, p := range out {
				if !strings.Contains(p, param) {
					next = append(next, p)
					continue
				}
				for _, v := range values {
					next = append(next, strings.Replace(p, param, v, 1))
				}
			}
			out = next
		}
		expand(":code", codes...)
		expand("table.:format", "table.csv", "table.xlsx")
		expand("list.:format", "list.csv", "list.xlsx")
		expand("report.:format", "report.html", "report.csv", "report.xlsx", "report.pdf")
		expand(":week", "2020-W12")
		expand(":id", fmt.Sprint(roundID))
		expand(":lang", "en")
		expand(":doc", "invitation", "results_report")
		expand("*", "daihoi.css")
		expand(":file", "not-a-token.ics")
		for i, p := range out {
			switch {
			case strings.HasSuffix(p, "/reports/compare"):
				out[i] += "?a=2020-W11&b=2020-W12"
			case p == "/search" || p == "/api/v1/units":
				out[i] += "?q=script+alert"
			case strings.HasPrefix(p, "/api/v1/units/") && strings.HasSuffix(p, "/reports/2020-W12"):
				out = append(out, p+"?format=html", p+"?format=csv", p+"?format=xlsx")
			}
		}
		return out
	}

	seen := map[string]bool{} // routes whose pages showed the hostile text, escaped
	checked := 0
	for _, who := range []struct{ role, lang string }{{"admin", "vi"}, {"board", "en"}} {
		b := f.browser(who.lang)
		b.login(who.role, testPassword)
		for _, route := range f.srv.Routes() {
			if route.Method != http.MethodGet {
				continue
			}
			for _, path := range paths(route.Path) {
				if strings.ContainsAny(path, ":*") {
					t.Fatalf("route %s has a parameter this test does not fill", route.Path)
				}
				var res response
				if strings.HasPrefix(path, "/api/") {
					res = f.do("GET", path, f.tokens[who.role], "", "Accept-Language: "+who.lang)
				} else {
					res = b.send("GET", path, nil)
				}
				name := who.role + " GET " + path
				if res.Code >= 500 {
					t.Errorf("%s: %d", name, res.Code)
					continue
				}
				checked++
				if checkInert(t, name, res) {
					seen[route.Path] = true
				}
			}
		}
	}
	t.Logf("%d responses checked", checked)
	// The pages and files that show users' text must have shown it.
	for _, route := range []string{"/", "/units/:code", "/units/:code/table.:format", "/admin/users", "/round", "/my", "/search", "/api/v1/units",
		"/units/:code/reports", "/units/:code/reports/compare", "/units/:code/reports/:week", "/units/:code/reports/:week/report.:format",
		"/api/v1/units/:code", "/api/v1/units/:code/children", "/api/v1/units/:code/history", "/api/v1/rounds/:id",
		"/api/v1/rounds/:id/deadlines/history", "/api/v1/units/:code/congress", "/api/v1/units/:code/pilots",
		"/api/v1/units/:code/milestones", "/api/v1/units/:code/results", "/api/v1/units/:code/audit",
		"/api/v1/units/:code/reports/:week", "/api/v1/units/:code/reports/:week/mails",
		"/units/:code/documents/:doc", "/api/v1/units/:code/documents/:doc"} {
		if !seen[route] {
			t.Errorf("GET %s never showed the hostile text: the test did not reach its data", route)
		}
	}

	t.Run("the import page's refusal quotes a hostile header escaped", func(t *testing.T) {
		b := f.browser("")
		b.login("admin", testPassword)
		res := b.upload("units.csv", csvLine(hostile, "name")+"\n")
		if res.Code != http.StatusUnprocessableEntity || !checkInert(t, "import refusal", res) {
			t.Errorf("%d: the refusal does not quote the header", res.Code)
		}
	})

	t.Run("the e-mails are plain text", func(t *testing.T) {
		srv := mailtest.Start(t)
		m, err := mail.New(srv.Config())
		if err != nil {
			t.Fatal(err)
		}
		sender, err := core.New(context.Background(), f.store, domain.SystemClock{},
			core.Options{Reports: core.ReportOptions{Mailer: m, BaseURL: "https://daihoi.example.vn"}}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if run, err := sender.SendReportMails(context.Background()); err != nil || run.Sent == 0 {
			t.Fatalf("sent %+v, %v", run, err)
		}
		for _, msg := range srv.Messages() {
			if msg.HTML != "" || !strings.Contains(msg.Text, hostile) || !strings.Contains(msg.Subject, hostile) {
				t.Errorf("e-mail to %v: subject %q, HTML part %q, text %q; want the text as typed in a plain text body", msg.To, msg.Subject, msg.HTML, msg.Text)
			}
			if bytes.Contains(msg.Raw, []byte("text/html")) {
				t.Errorf("e-mail to %v has an HTML part", msg.To)
			}
			for _, a := range msg.Attachments {
				checkXLSX(t, "e-mail attachment "+a.Name, a.Data)
			}
		}
	})
}

// csvLine is cells as one CSV line.
func csvLine(cells ...string) string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	_ = w.Write(cells)
	w.Flush()
	return strings.TrimSuffix(b.String(), "\n")
}

// currentRoundID is the id of the current round.
func (f *fixture) currentRoundID() int64 {
	f.t.Helper()
	var id int64
	if err := f.db.Get(&id, `SELECT id FROM rounds WHERE is_current`); err != nil {
		f.t.Fatal(err)
	}
	return id
}

// checkInert checks one response for hostile text that could run, by its
// content type, and reports whether the response held the hostile text
// (in its safe form).
func checkInert(t *testing.T, name string, res response) bool {
	t.Helper()
	ctype := res.Header().Get("Content-Type")
	body := res.Body.Bytes()
	switch {
	case strings.HasPrefix(ctype, "text/html"):
		return checkHTML(t, name, body)
	case strings.HasPrefix(ctype, "application/json"):
		if bytes.Contains(body, []byte("<script>")) || bytes.Contains(body, []byte("<img")) {
			t.Errorf("%s: JSON holds raw markup", name)
		}
		return bytes.Contains(body, []byte(`\u003cscript\u003ealert(1)\u003c/script\u003e`)) || bytes.Contains(body, []byte(hostileEmail))
	case strings.HasPrefix(ctype, "text/csv"):
		return checkCSV(t, name, body)
	case strings.Contains(ctype, "spreadsheetml"):
		return checkXLSX(t, name, body)
	case strings.Contains(ctype, "wordprocessingml"):
		return checkDOCX(t, name, body)
	}
	return false
}

// checkDOCX fails on the hostile text's markup raw in the document's XML,
// and reports whether the document reads back with the hostile text.
func checkDOCX(t *testing.T, name string, body []byte) bool {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return false
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		if bytes.Contains(b, []byte("<script>")) || bytes.Contains(b, []byte("<img")) {
			t.Errorf("%s: %s holds raw markup", name, f.Name)
		}
	}
	text, err := congressdoc.Text(body)
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	return strings.Contains(strings.ToLower(text), "<script>alert(1)</script>")
}

// scriptSrc are the scripts the pages load, all from this site.
var scriptSrc = regexp.MustCompile(`^/static/[a-z0-9./-]+\.js$`)

// checkHTML parses a page and fails on any script, event handler or
// javascript: address that is not the page's own, and on the hostile
// text's markup raw in the bytes; it reports whether the page shows the
// hostile text as text.
func checkHTML(t *testing.T, name string, body []byte) bool {
	t.Helper()
	for _, raw := range []string{"<script>alert", "<img src=x", "onerror=alert(2)>", "'onmouseover=alert"} {
		if bytes.Contains(body, []byte(raw)) {
			t.Errorf("%s: the page holds %q raw", name, raw)
		}
	}
	doc, err := html.Parse(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	shown := false
	for n := range doc.Descendants() {
		switch n.Type {
		case html.TextNode:
			if strings.Contains(n.Data, "<script>alert(1)</script>") || strings.Contains(n.Data, hostileEmail) {
				shown = true
			}
		case html.ElementNode:
			checkElement(t, name, n)
			for _, a := range n.Attr {
				if strings.Contains(a.Val, "<script>alert(1)</script>") {
					shown = true // a value="…" of a form, escaped
				}
			}
		}
	}
	return shown
}

func checkElement(t *testing.T, name string, n *html.Node) {
	t.Helper()
	attr := func(key string) string {
		for _, a := range n.Attr {
			if a.Key == key {
				return a.Val
			}
		}
		return ""
	}
	if n.Data == "script" {
		switch {
		case attr("type") == "application/json":
			if n.FirstChild == nil || !json.Valid([]byte(n.FirstChild.Data)) {
				t.Errorf("%s: a JSON script element that is not JSON", name)
			}
		case !scriptSrc.MatchString(attr("src")) || n.FirstChild != nil:
			t.Errorf("%s: a script that is not one of the site's files: src=%q", name, attr("src"))
		}
	}
	if n.Data == "img" {
		t.Errorf("%s: an img element", name)
	}
	for _, a := range n.Attr {
		val := strings.ToLower(strings.TrimSpace(a.Val))
		switch {
		case strings.HasPrefix(a.Key, "on"):
			t.Errorf("%s: <%s %s=%q>", name, n.Data, a.Key, a.Val)
		case slices.Contains([]string{"href", "src", "action", "formaction", "hx-get", "hx-post", "hx-put", "hx-patch", "hx-delete"}, a.Key) &&
			!strings.HasPrefix(val, "/") && !strings.HasPrefix(val, "#") && !strings.HasPrefix(val, "?") && val != "":
			t.Errorf("%s: <%s %s=%q>: not an address of this site", name, n.Data, a.Key, a.Val)
		case strings.HasPrefix(a.Key, "hx-") && strings.Contains(a.Val, "alert"):
			t.Errorf("%s: <%s %s=%q> carries user data", name, n.Data, a.Key, a.Val)
		}
	}
}

// triggers start a CSV cell that a spreadsheet runs.
const triggers = "=+-@\t\r"

// checkCSV fails on a cell holding the hostile text that a spreadsheet
// would run; it reports whether the file held the hostile text.
func checkCSV(t *testing.T, name string, body []byte) bool {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff")))).ReadAll()
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	shown := false
	for _, r := range recs {
		for _, c := range r {
			if !strings.Contains(c, "<script>alert(1)</script>") {
				continue
			}
			shown = true
			if c != "" && strings.ContainsRune(triggers, rune(c[0])) {
				t.Errorf("%s: the cell %q would run as a formula", name, c)
			}
		}
	}
	return shown
}

// checkXLSX fails on a cell holding the hostile text that is not a text
// cell, or on any formula; it reports whether the file held the text.
func checkXLSX(t *testing.T, name string, body []byte) bool {
	t.Helper()
	x, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Errorf("%s: %v", name, err)
		return false
	}
	defer x.Close()
	shown := false
	for _, sheet := range x.GetSheetList() {
		rows, err := x.Rows(sheet)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			return false
		}
		for r := 1; rows.Next(); r++ {
			cells, _ := rows.Columns()
			for c, v := range cells {
				cell, _ := excelize.CoordinatesToCellName(c+1, r)
				if f, _ := x.GetCellFormula(sheet, cell); f != "" && strings.Contains(f, "alert") {
					t.Errorf("%s: %s!%s is the formula %q", name, sheet, cell, f)
				}
				if !strings.Contains(v, "<script>alert(1)</script>") {
					continue
				}
				shown = true
				if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString {
					t.Errorf("%s: %s!%s holds the text as %v, not as text", name, sheet, cell, typ)
				}
			}
		}
		_ = rows.Close()
	}
	return shown
}

// TestNoPageTrustsTextAsMarkup: html/template escapes every value unless
// the code calls it safe (template.HTML, JS, URL, ...). The only such value
// of the pages and of the report's HTML document (package report) is the
// report's own stylesheet; any other use of these types must be looked at
// (and added here) before it ships.
func TestNoPageTrustsTextAsMarkup(t *testing.T) {
	trusted := map[string]bool{"HTML": true, "HTMLAttr": true, "JS": true, "JSStr": true, "URL": true, "Srcset": true, "CSS": true}
	allowed := map[string]bool{"../report/html.go: template.CSS": true}
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	report, err := filepath.Glob("../report/*.go")
	if err != nil || len(report) == 0 {
		t.Fatalf("the report's files: %v", err)
	}
	names = append(names, report...)
	fset := token.NewFileSet()
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		file, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(file, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "template" && trusted[sel.Sel.Name] {
				if use := name + ": template." + sel.Sel.Name; !allowed[use] {
					t.Errorf("%s (%s): a value html/template will not escape", use, fset.Position(sel.Pos()))
				}
			}
			return true
		})
	}
}
