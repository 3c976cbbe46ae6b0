package web

import (
	"context"
	"net/http"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// withRound creates the current round of the fixture's tree (cells due
// 31/03/2020, everything else later) and returns its id.
func (f *fixture) withRound() int64 {
	f.t.Helper()
	r, err := f.svc.CreateRound(context.Background(), system, domain.RoundInput{
		Name: "Đại hội 2020–2025", StartDate: "2019-07-08", Current: true,
		Deadlines: []domain.DeadlineRuleInput{{Kind: "cell", Deadline: "2020-03-31"}, {Kind: "grassroots_committee", Deadline: "2020-06-30"}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return r.ID
}

func TestProgressAPI(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	type progressBody struct {
		Source   string `json:"source"`
		Headline string `json:"headline"`
		Cells    struct {
			Held        int    `json:"held"`
			Total       int    `json:"total"`
			PercentText string `json:"percent_text"`
		} `json:"cells"`
		Late struct {
			Count int `json:"count"`
		} `json:"late"`
	}
	t.Run("in Vietnamese by default, in English on request", func(t *testing.T) {
		for _, tc := range []struct{ header, text, headline string }{
			{"", "0,00%", "0,00% chi bộ đã tổ chức đại hội (0/2)"},
			{"Accept-Language: en-GB", "0.00%", "0.00% of cells have held their congress (0/2)"},
		} {
			res := f.do("GET", "/api/v1/units/HN.HBT.A/progress", f.tokens["secretary"], "", tc.header)
			if res.Code != http.StatusOK {
				t.Fatalf("%d %s", res.Code, res.Body)
			}
			var p progressBody
			res.decode(t, &p)
			if p.Cells.Total != 2 || p.Cells.PercentText != tc.text || p.Headline != tc.headline || p.Source != "live" {
				t.Errorf("%q: %+v", tc.header, p)
			}
			if p.Late.Count != 2 { // cells due 31/03/2020, long past
				t.Errorf("late = %d, want 2", p.Late.Count)
			}
		}
	})
	cases := []struct {
		name, token, path string
		want              int
		field             string
	}{
		{"the board reads its district's breakdown", "board", "/api/v1/units/HN.HBT/progress/children", 200, ""},
		{"a past day", "board", "/api/v1/units/HN.HBT/progress?as_of=2020-04-01", 200, ""},
		{"a day that does not exist", "board", "/api/v1/units/HN.HBT/progress?as_of=2020-02-30", 422, "as_of"},
		{"a day in the future", "board", "/api/v1/units/HN.HBT/progress?as_of=2999-01-01", 422, "as_of"},
		{"a bad day on the breakdown", "board", "/api/v1/units/HN.HBT/progress/children?as_of=hôm-qua", 422, "as_of"},
		{"a round that is not a number", "board", "/api/v1/units/HN.HBT/progress?round=abc", 422, "round"},
		{"a round that does not exist", "board", "/api/v1/units/HN.HBT/progress?round=999", 404, ""},
		{"a unit outside the scope", "secretary", "/api/v1/units/HN.HBT.B/progress", 404, ""},
		{"a unit outside the scope, breakdown", "board", "/api/v1/units/HN.DD/progress/children", 404, ""},
		{"a unit of another root", "admin", "/api/v1/units/HP.X/progress", 404, ""},
		{"flags of the subtree", "viewer", "/api/v1/units/HN.HBT/flags", 200, ""},
		{"resolved flags of the unit alone", "viewer", "/api/v1/units/HN.HBT.A/flags?state=resolved&subtree=false", 200, ""},
		{"flags in a bad state", "viewer", "/api/v1/units/HN.HBT/flags?state=closed", 422, "state"},
		{"flags of a bad kind", "viewer", "/api/v1/units/HN.HBT/flags?kind=slow", 422, "kind"},
		{"flags outside the scope", "secretary", "/api/v1/units/HN.DD.K/flags", 404, ""},
		{"without credentials", "", "/api/v1/units/HN.HBT/progress", 401, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("GET", tc.path, f.tokens[tc.token], "")
			if res.Code != tc.want {
				t.Fatalf("%d %s, want %d", res.Code, res.Body, tc.want)
			}
			if tc.want >= 400 {
				e := res.apiError(t)
				if tc.field != "" && (len(e.Fields) == 0 || e.Fields[0].Field != tc.field || e.Fields[0].MessageVI == "" || e.Fields[0].MessageEN == "") {
					t.Errorf("error %+v, want a message in both languages on %s", e, tc.field)
				}
			}
		})
	}
	t.Run("flags opened by a run are listed with their days overdue", func(t *testing.T) {
		if res := f.do("POST", "/api/v1/jobs/late-flags/run?as_of=2020-04-01", f.tokens["admin"], ""); res.Code != http.StatusOK {
			t.Fatalf("run: %d %s", res.Code, res.Body)
		}
		res := f.do("GET", "/api/v1/units/HN.HBT.A/flags?kind=late", f.tokens["secretary"], "")
		var l domain.FlagList
		res.decode(t, &l)
		if l.More || len(l.Flags) != 2 || l.Flags[0].DueDate.String() != "2020-03-31" || l.Flags[0].DaysOverdue < 1 {
			t.Errorf("late flags of HN.HBT.A = %+v", l)
		}
	})
}

func TestJobsAPIIsForAdminsAndTheBoard(t *testing.T) {
	f := newFixture(t, Options{})
	f.withRound()
	runs := []struct {
		name, token, path string
		want              int
	}{
		{"an admin of a root runs the late flags at a chosen date", "admin", "/api/v1/jobs/late-flags/run?as_of=2020-04-01", 200},
		{"an admin runs the snapshot of a day", "admin", "/api/v1/jobs/progress-snapshot/run?as_of=2020-04-01", 200},
		{"an admin runs the consistency check", "admin", "/api/v1/jobs/consistency-check/run", 200},
		{"the board may not run jobs", "board", "/api/v1/jobs/late-flags/run", 403},
		{"a viewer may not run jobs", "viewer", "/api/v1/jobs/late-flags/run", 403},
		{"a secretary may not run jobs", "secretary", "/api/v1/jobs/consistency-check/run", 403},
		{"an unknown job", "admin", "/api/v1/jobs/coffee/run", 404},
		{"an unknown round", "admin", "/api/v1/jobs/late-flags/run?round=999", 404},
		{"a bad day", "admin", "/api/v1/jobs/late-flags/run?as_of=2020-13-01", 422},
		{"without credentials", "", "/api/v1/jobs/late-flags/run", 401},
	}
	for _, tc := range runs {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("POST", tc.path, f.tokens[tc.token], "")
			if res.Code != tc.want {
				t.Fatalf("%d %s, want %d", res.Code, res.Body, tc.want)
			}
			if tc.want != 200 {
				res.apiError(t)
				return
			}
			var run domain.JobRun
			res.decode(t, &run)
			if run.Outcome != domain.JobOK || run.ID == 0 || run.Tick != nil || run.FinishedAt == nil {
				t.Errorf("run = %+v", run)
			}
		})
	}
	lists := []struct {
		name, token, query string
		want, runs         int
	}{
		{"the board lists the runs", "board", "", 200, 3},
		{"the admin lists one job's runs", "admin", "?job=late-flags", 200, 1},
		{"a viewer may not", "viewer", "", 403, 0},
		{"a supervisor may not", "supervisor", "", 403, 0},
		{"an unknown job", "board", "?job=coffee", 404, 0},
		{"a bad limit", "board", "?limit=0", 422, 0},
	}
	for _, tc := range lists {
		t.Run(tc.name, func(t *testing.T) {
			res := f.do("GET", "/api/v1/jobs"+tc.query, f.tokens[tc.token], "")
			if res.Code != tc.want {
				t.Fatalf("%d %s, want %d", res.Code, res.Body, tc.want)
			}
			if tc.want != 200 {
				return
			}
			var body jobsResponse
			res.decode(t, &body)
			if len(body.Runs) != tc.runs || len(body.Jobs) != 7 {
				t.Errorf("%d runs of %d jobs, want %d runs of 7 (four of the round, the weekly report and its e-mails, the reminders)", len(body.Runs), len(body.Jobs), tc.runs)
			}
		})
	}
}
