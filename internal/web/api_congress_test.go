package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// auditOut reads a list of audit entries back.
type auditOut struct {
	Changes []struct {
		UnitCode string          `json:"unit_code"`
		Entity   string          `json:"entity"`
		Reason   string          `json:"reason"`
		Before   json.RawMessage `json:"before"`
		After    json.RawMessage `json:"after"`
	} `json:"changes"`
}

// withRound creates the 2020–2025 round, current, and returns its id.
func (f *fixture) withRound2020() int64 {
	f.t.Helper()
	r, err := f.svc.CreateRound(context.Background(), system, domain.RoundInput{
		Name: "Đại hội đảng bộ các cấp nhiệm kỳ 2020–2025", Documents: []string{"Chỉ thị 35-CT/TW"},
		StartDate: "2019-07-08", Current: true,
		Deadlines: []domain.DeadlineRuleInput{
			{Kind: "district", Deadline: "2020-08-31"},
			{Kind: "grassroots_committee", Deadline: "2020-06-30"},
			{Kind: "cell", Deadline: "2020-03-31"},
			{ScopeCode: "HN.HBT", Kind: "cell", Category: "residential", Deadline: "2020-03-15"},
		},
	})
	if err != nil {
		f.t.Fatalf("create round: %v", err)
	}
	return r.ID
}

// digest sums up every row the round's writes touch, to check that a
// refused request wrote nothing.
func (f *fixture) roundDigest() string {
	f.t.Helper()
	var out []string
	for _, table := range []string{"congresses", "milestones", "rollups", "rollup_deltas", "audit_log", "congress_results", "elected_people",
		"deadline_rules", "papers", "paper_versions", "paper_chunks"} {
		var d string
		if err := f.db.Get(&d, `SELECT coalesce(md5(string_agg(x::text, ',' ORDER BY x::text)), '') FROM `+table+` x`); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, d)
	}
	return strings.Join(out, " ")
}

// congressOf reads a congress through the API as admin.
func (f *fixture) congressOf(code string) domain.Congress {
	f.t.Helper()
	res := f.do("GET", "/api/v1/units/"+code+"/congress", f.tokens["admin"], "")
	if res.Code != http.StatusOK {
		f.t.Fatalf("GET congress %s: %d %s", code, res.Code, res.Body)
	}
	var c domain.Congress
	res.decode(f.t, &c)
	return c
}

// step sends a PATCH with the current version and fails unless it gets want.
func (f *fixture) patchStep(role, code, fields string, want int) response {
	f.t.Helper()
	body := fmt.Sprintf(`{%s"version":%d}`, fields, f.congressOf(code).Version)
	res := f.do("PATCH", "/api/v1/units/"+code+"/congress", f.tokens[role], body)
	if res.Code != want {
		f.t.Fatalf("PATCH %s %s = %d, want %d: %s", code, body, res.Code, want, res.Body)
	}
	return res
}

// holdAPI walks a unit's congress to held on day through the API, and
// returns the response to the last step.
func (f *fixture) holdAPI(code, day string) response {
	f.t.Helper()
	f.planApprovedAPI(code)
	return f.patchStep("secretary", code, `"status":"held","held_date":"`+day+`",`, 200)
}

// planApprovedAPI has the board approve the plan of code's congress and
// its secretary take it to plan_approved, through the API.
func (f *fixture) planApprovedAPI(code string) {
	f.t.Helper()
	if res := f.do("POST", "/api/v1/units/"+code+"/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-01-10"}`); res.Code != http.StatusOK {
		f.t.Fatalf("approve %s: %d %s", code, res.Code, res.Body)
	}
	f.patchStep("secretary", code, `"status":"preparing",`, 200)
	f.patchStep("secretary", code, `"status":"plan_approved",`, 200)
}

func TestRoundParamDefaultsToTheCurrentRound(t *testing.T) {
	f := newFixture(t, Options{})
	admin := f.tokens["admin"]
	if res := f.do("GET", "/api/v1/units/HN.HBT.A/congress", admin, ""); res.Code != http.StatusNotFound {
		t.Fatalf("no round yet: %d %s", res.Code, res.Body)
	}
	id := f.withRound2020()
	cases := []struct {
		target string
		want   int
	}{
		{"/api/v1/units/HN.HBT.A/congress", 200},
		{fmt.Sprintf("/api/v1/units/HN.HBT.A/congress?round=%d", id), 200},
		{"/api/v1/units/HN.HBT.A/congress?round=abc", 422},
		{"/api/v1/units/HN.HBT.A/congress?round=-1", 422},
		{"/api/v1/units/HN.HBT.A/congress?round=1.5", 422},
		{"/api/v1/units/HN.HBT.A/congress?round=99999999999999999999", 422},
		{"/api/v1/units/HN.HBT.A/congress?round=999", 404},
		{"/api/v1/units/NOPE/congress", 404},
		{"/api/v1/units/HN.HBT.A/milestones?round=abc", 422},
		{"/api/v1/units/HN.HBT.A/milestones?round=999", 404},
		{"/api/v1/units/HN.HBT.A/pilots?round=x", 422},
		{"/api/v1/units/HN.HBT.A/results", 404}, // none recorded yet
		{"/api/v1/units/HN.HBT.A/audit?subtree=maybe", 422},
		{"/api/v1/units/HN.HBT.A/audit?limit=0", 422},
		{"/api/v1/units/HN.HBT.A/audit?subtree=true&limit=10", 200},
		{"/api/v1/rounds", 200},
		{fmt.Sprintf("/api/v1/rounds/%d", id), 200},
		{"/api/v1/rounds/999", 404},
		{"/api/v1/rounds/abc", 404},
		{fmt.Sprintf("/api/v1/rounds/%d/deadlines/history", id), 200},
	}
	for _, c := range cases {
		t.Run(c.target, func(t *testing.T) {
			res := f.do("GET", c.target, admin, "")
			if res.Code != c.want {
				t.Fatalf("status %d, want %d: %s", res.Code, c.want, res.Body)
			}
			if res.Code >= 400 {
				res.apiError(t)
			}
		})
	}
	c := f.congressOf("HN.HBT.A.1")
	if c.Status != "not_started" || c.Deadline == nil || c.Deadline.String() != "2020-03-15" || c.DeadlineSource != "rule" || c.Milestones.Total != 5 {
		t.Errorf("congress %+v", c)
	}
	if !strings.Contains(f.do("GET", "/api/v1/units/HN.HBT.A.1/congress", admin, "").Body.String(), `"deadline":"2020-03-15"`) {
		t.Error("days are not written YYYY-MM-DD")
	}
}

func TestCongressUpdatesThroughTheAPI(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound2020()
	t.Run("a stale version is a 409 and writes nothing", func(t *testing.T) {
		f.patchStep("secretary", "HN.HBT.A.1", `"planned_date":"2020-02-20",`, 200)
		before := f.roundDigest()
		res := f.do("PATCH", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"], `{"status":"preparing","version":1}`)
		if res.Code != http.StatusConflict || res.apiError(t).Code != "conflict" {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	t.Run("bad input is a 422 in both languages and writes nothing", func(t *testing.T) {
		v := f.congressOf("HN.HBT.A.1").Version
		for _, c := range []struct{ body, field string }{
			{`"planned_date":"2020-02-30"`, "planned_date"},
			{`"held_date":"2999-01-01","status":"held"`, "held_date"},
			{`"delegates_present":-1`, "delegates_present"},
			{`"status":"held","held_date":"2020-02-21"`, "status"},
			{`"status":"plan_approved"`, "status"},
			{`"status":"party"`, "status"},
			{`"delegates_expected":"many"`, "delegates_expected"},
			{`"colour":"red"`, "colour"},
		} {
			before := f.roundDigest()
			res := f.do("PATCH", "/api/v1/units/HN.HBT.A.1/congress", f.tokens["secretary"], fmt.Sprintf(`{%s,"version":%d}`, c.body, v), "Accept-Language: en")
			if res.Code != http.StatusUnprocessableEntity {
				t.Fatalf("%s: status %d %s", c.body, res.Code, res.Body)
			}
			e := res.apiError(t)
			found := false
			for _, fd := range e.Fields {
				found = found || (fd.Field == c.field && fd.MessageVI != "" && fd.MessageEN != "" && fd.Message == fd.MessageEN)
			}
			if !found {
				t.Errorf("%s: fields %+v, want %s in both languages", c.body, e.Fields, c.field)
			}
			if f.roundDigest() != before {
				t.Errorf("%s wrote", c.body)
			}
		}
	})
	t.Run("a viewer and a supervisor may not update", func(t *testing.T) {
		for _, role := range []string{"viewer", "supervisor"} {
			f.patchStep(role, "HN.HBT.A.1", `"planned_date":"2020-02-21",`, 403)
		}
		f.patchStep("board", "HN.DD.K.1", `"planned_date":"2020-02-21",`, 404)
	})
	t.Run("a ward cannot hold before its cells without the district board's override", func(t *testing.T) {
		f.holdAPI("HN.HBT.A.1", "2020-02-20")
		if res := f.do("POST", "/api/v1/units/HN.HBT.A/milestones/congress_plan", f.tokens["secretary"], `{}`); res.Code != http.StatusForbidden {
			t.Fatalf("the ward's secretary approved its own plan: %d %s", res.Code, res.Body)
		}
		if res := f.do("POST", "/api/v1/units/HN.HBT.A/milestones/congress_plan", f.tokens["board"], `{"done_on":"2020-03-01","note":"QĐ 12"}`); res.Code != http.StatusOK {
			t.Fatalf("approve: %d %s", res.Code, res.Body)
		}
		f.patchStep("secretary", "HN.HBT.A", `"status":"preparing",`, 200)
		f.patchStep("secretary", "HN.HBT.A", `"status":"plan_approved",`, 200)
		before := f.roundDigest()
		f.patchStep("secretary", "HN.HBT.A", `"status":"held","held_date":"2020-03-19",`, 422)
		f.patchStep("secretary", "HN.HBT.A", `"status":"held","held_date":"2020-03-19","cascade_override_reason":"Đại hội điểm",`, 403)
		if f.roundDigest() != before {
			t.Error("wrote")
		}
		res := f.patchStep("board", "HN.HBT.A", `"status":"held","held_date":"2020-03-19","cascade_override_reason":"Đại hội điểm",`, 200)
		var c domain.Congress
		res.decode(t, &c)
		if c.Status != "held" || c.CascadeOverrideReason != "Đại hội điểm" {
			t.Errorf("congress %+v", c)
		}
	})
	t.Run("the audit of the ward's subtree lists every change, newest first", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT.A/audit?subtree=true", f.tokens["viewer"], "")
		var a auditOut
		res.decode(t, &a)
		if res.Code != 200 || len(a.Changes) < 8 || a.Changes[0].UnitCode != "HN.HBT.A" || !strings.Contains(a.Changes[0].Reason, "Đại hội điểm") {
			t.Fatalf("audit %d: %s", res.Code, res.Body)
		}
		res = f.do("GET", "/api/v1/units/HN.HBT.A.1/audit", f.tokens["viewer"], "")
		res.decode(t, &a)
		for _, e := range a.Changes {
			if e.UnitCode != "HN.HBT.A.1" {
				t.Errorf("entry of %s in the cell's audit", e.UnitCode)
			}
		}
	})
}

func TestResultsPilotsAndDeadlinesThroughTheAPI(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.withRound2020()
	f.holdAPI("HN.HBT.A.1", "2020-02-20")
	results := `{"committee_size":5,"committee_women":2,"secretary_name":"Nguyễn Thị Hoa","delegates_elected":3,"version":0,
		"elected":[{"position":"secretary","full_name":"Nguyễn Thị Hoa","is_woman":true,"votes_for":35,"valid_ballots":35,"delegates_present":39}%s]}`
	t.Run("votes above ballots is a 422 naming the person", func(t *testing.T) {
		before := f.roundDigest()
		res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", f.tokens["secretary"],
			fmt.Sprintf(results, `,{"position":"committee","full_name":"Lê C","votes_for":36,"valid_ballots":35,"delegates_present":39}`))
		if res.Code != 422 || res.apiError(t).Fields[0].Field != "elected[1].votes_for" {
			t.Fatalf("status %d: %s", res.Code, res.Body)
		}
		if f.roundDigest() != before {
			t.Error("wrote")
		}
	})
	res := f.do("PUT", "/api/v1/units/HN.HBT.A.1/results", f.tokens["secretary"], fmt.Sprintf(results, ""))
	if res.Code != 200 || !strings.Contains(res.Body.String(), `"vi":"89,74%"`) || !strings.Contains(res.Body.String(), `"value":89.74`) ||
		!strings.Contains(res.Body.String(), `"base":"delegates_present"`) {
		t.Fatalf("results %d: %s", res.Code, res.Body)
	}
	if res := f.do("GET", "/api/v1/units/HN.HBT.A.1/results", f.tokens["viewer"], ""); res.Code != 200 || !strings.Contains(res.Body.String(), `"40,00%"`) {
		t.Errorf("GET results %d: %s", res.Code, res.Body)
	}

	t.Run("pilots are marked by an ancestor's board only", func(t *testing.T) {
		for role, want := range map[string]int{"secretary": 403, "viewer": 403, "board": 200} {
			if res := f.do("PUT", "/api/v1/units/HN.HBT.A/pilot", f.tokens[role], `{"pilot":true}`); res.Code != want {
				t.Errorf("%s: %d %s", role, res.Code, res.Body)
			}
		}
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A/pilot", f.tokens["board"], `{}`); res.Code != 422 {
			t.Errorf("no pilot field: %d", res.Code)
		}
		res := f.do("GET", "/api/v1/units/HN.HBT/pilots", f.tokens["viewer"], "")
		var r domain.PilotReport
		res.decode(t, &r)
		if res.Code != 200 || len(r.Pilots) != 1 || r.Pilots[0].UnitCode != "HN.HBT.A" || len(r.Comparison) != 1 || r.Comparison[0].Others != 1 {
			t.Errorf("pilots %d: %s", res.Code, res.Body)
		}
	})
	t.Run("deadline rules: a reason, the scope's board, and the history", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/rounds/%d/deadlines", id)
		rule := `{"scope_code":"HN.HBT","kind":"cell","category":"residential","deadline":"2020-04-30"%s}`
		before := f.roundDigest()
		if res := f.do("POST", path, f.tokens["board"], fmt.Sprintf(rule, "")); res.Code != 422 {
			t.Errorf("without a reason: %d %s", res.Code, res.Body)
		}
		if res := f.do("POST", path, f.tokens["secretary"], `{"scope_code":"HN.HBT.A","kind":"cell","deadline":"2020-04-30","reason":"x"}`); res.Code != 403 {
			t.Errorf("by a secretary: %d %s", res.Code, res.Body)
		}
		if res := f.do("POST", path, f.tokens["admin"], `{"kind":"cell","deadline":"2020-04-30","reason":"x"}`); res.Code != 403 {
			t.Errorf("a whole-tree rule by the admin of one root: %d %s", res.Code, res.Body)
		}
		if f.roundDigest() != before {
			t.Error("wrote")
		}
		if res := f.do("POST", path, f.tokens["board"], fmt.Sprintf(rule, `,"reason":"COVID-19"`)); res.Code != 200 {
			t.Fatalf("by the board: %d %s", res.Code, res.Body)
		}
		if c := f.congressOf("HN.HBT.A.2"); c.Deadline.String() != "2020-04-30" {
			t.Errorf("deadline %s", c.Deadline)
		}
		res := f.do("GET", path+"/history", f.tokens["viewer"], "")
		var h auditOut
		res.decode(t, &h)
		if len(h.Changes) != 1 || !strings.Contains(string(h.Changes[0].Before), "2020-03-15") || h.Changes[0].Reason != "COVID-19" {
			t.Errorf("history %s", res.Body)
		}
	})
	t.Run("a unit's own deadline is moved by the board above it", func(t *testing.T) {
		v := f.congressOf("HN.HBT.A.2").Version
		body := fmt.Sprintf(`{"deadline":"2020-05-15","reason":"Tổ dân phố sáp nhập","version":%d}`, v)
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A.2/deadline", f.tokens["secretary"], body); res.Code != 403 {
			t.Errorf("secretary: %d %s", res.Code, res.Body)
		}
		if res := f.do("PUT", "/api/v1/units/HN.HBT.A.2/deadline", f.tokens["board"], fmt.Sprintf(`{"deadline":"2020-05-15","version":%d}`, v)); res.Code != 422 {
			t.Errorf("no reason: %d %s", res.Code, res.Body)
		}
		res := f.do("PUT", "/api/v1/units/HN.HBT.A.2/deadline", f.tokens["board"], body)
		var c domain.Congress
		res.decode(t, &c)
		if res.Code != 200 || c.Deadline.String() != "2020-05-15" || c.DeadlineSource != "override" {
			t.Errorf("override %d: %s", res.Code, res.Body)
		}
	})
	t.Run("milestones list due dates and who did them", func(t *testing.T) {
		res := f.do("GET", "/api/v1/units/HN.HBT.A.1/milestones", f.tokens["viewer"], "")
		var ms milestonesResponse
		res.decode(t, &ms)
		if res.Code != 200 || len(ms.Milestones) != 5 || ms.Milestones[2].Code != "congress_plan" || ms.Milestones[2].DoneBy != "board" {
			t.Fatalf("milestones %d: %s", res.Code, res.Body)
		}
		if res := f.do("POST", "/api/v1/units/HN.HBT.A.1/milestones/held", f.tokens["board"], `{}`); res.Code != 422 {
			t.Errorf("auto milestone ticked: %d", res.Code)
		}
		if res := f.do("DELETE", "/api/v1/units/HN.HBT.A.2/milestones/draft_report", f.tokens["secretary"], ""); res.Code != 200 {
			t.Errorf("untick: %d %s", res.Code, res.Body)
		}
	})
}

// congressNasty are bad bodies for the round's write routes; none may be a
// 500 or write anything.
func TestNastyCongressInputNever500AndWritesNothing(t *testing.T) {
	f := newFixture(t, Options{})
	id := f.withRound2020()
	admin := f.tokens["admin"]
	routes := []struct{ method, path string }{
		{"PATCH", "/api/v1/units/HN.HBT.A/congress"},
		{"PUT", "/api/v1/units/HN.HBT.A/deadline"},
		{"PUT", "/api/v1/units/HN.HBT.A/pilot"},
		{"POST", "/api/v1/units/HN.HBT.A/milestones/draft_report"},
		{"PUT", "/api/v1/units/HN.HBT.A/results"},
		{"POST", fmt.Sprintf("/api/v1/rounds/%d/deadlines", id)},
	}
	bodies := []struct {
		name, body string
		want       []int
	}{
		{"empty", "", []int{400}},
		{"not json", "status=held", []int{400}},
		{"array", `[]`, []int{400}},
		{"two objects", `{}{}`, []int{400}},
		{"unknown field", `{"colour":"red"}`, []int{422}},
		{"nul in strings", `{"reason":"a\u0000","note":"\u0000"}`, []int{422}},
		{"huge numbers", `{"version":99999999999999999999,"committee_size":1e400}`, []int{422}},
		{"wrong types", `{"version":"1","pilot":"yes","done_on":5,"deadline":true}`, []int{422}},
		{"dates that do not exist", `{"deadline":"2020-02-30","done_on":"2020-13-01","version":1,"kind":"cell","reason":"x"}`, []int{422}},
		{"invalid utf-8", "{\"reason\":\"\xff\xfe\",\"note\":\"\xc3\x28\",\"version\":1}", []int{422}},
	}
	for _, r := range routes {
		for _, b := range bodies {
			t.Run(r.method+" "+r.path+" "+b.name, func(t *testing.T) {
				before := f.roundDigest()
				res := f.do(r.method, r.path, admin, b.body)
				if res.Code >= 500 {
					t.Fatalf("status %d: %s", res.Code, res.Body)
				}
				ok := false
				for _, w := range b.want {
					ok = ok || res.Code == w
				}
				if !ok {
					t.Errorf("status %d, want %v: %s", res.Code, b.want, res.Body)
				}
				res.apiError(t)
				if f.roundDigest() != before {
					t.Error("wrote")
				}
			})
		}
	}
}
