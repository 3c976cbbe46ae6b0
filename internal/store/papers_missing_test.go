package store

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The congresses missing papers are found from the units of a small
// subtree and by the day held over a large one: both ways list and count
// the same congresses, in the same order, cut at the same limit.
func TestBothWaysOfFindingTheCongressesMissingPapersAgree(t *testing.T) {
	s, round := roundTree(t, 4)
	ctx := context.Background()
	for code, day := range map[string]string{"HN.Q.P.1": "2020-03-01", "HN.Q.P.2": "2020-03-05", "HN.Q.P.3": "2020-03-10"} {
		holdInTx(t, s, round, code, day)
	}
	// HN.Q.P.2 has every paper, HN.Q.P.3 its minutes only (its report of
	// the results was deleted), HN.Q.P.1 none; HN.Q.P.4 is not held.
	if _, err := s.DB().Exec(`INSERT INTO papers (round_id, unit_id, kind)
		SELECT $1::bigint, u.id, k FROM units u, unnest(ARRAY['minutes', 'results_report']) k WHERE u.code = 'HN.Q.P.2'
		UNION ALL SELECT $1::bigint, u.id, 'minutes' FROM units u WHERE u.code = 'HN.Q.P.3'`, round); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`INSERT INTO papers (round_id, unit_id, kind, deleted_at, delete_reason)
		SELECT $1::bigint, u.id, 'results_report', now(), 'sent by mistake' FROM units u WHERE u.code = 'HN.Q.P.3'`, round); err != nil {
		t.Fatal(err)
	}
	list := func(code, asOf string, limit int) string {
		t.Helper()
		u, err := s.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		rows, n, err := s.MissingPapers(ctx, round, u.Path, dayOf(asOf), limit)
		if err != nil {
			t.Fatal(err)
		}
		lines := []string{fmt.Sprint(n, " in all")}
		for _, r := range rows {
			lines = append(lines, fmt.Sprintf("%s %s %d %v (%s)", r.UnitCode, r.HeldDate, r.DaysSince, r.Missing, r.Place.String()))
		}
		return strings.Join(lines, "; ")
	}
	for _, tc := range []struct {
		code, asOf string
		limit      int
		want       string
	}{
		{"HN", "2020-04-01", 10, "2 in all; HN.Q.P.1 2020-03-01 31 [minutes results_report] (Phường › Quận); " +
			"HN.Q.P.3 2020-03-10 22 [results_report] (Phường › Quận)"},
		{"HN", "2020-04-01", 1, "2 in all; HN.Q.P.1 2020-03-01 31 [minutes results_report] (Phường › Quận)"},
		{"HN.Q.P", "2020-03-07", 10, "1 in all; HN.Q.P.1 2020-03-01 6 [minutes results_report] ()"},
		{"HN.Q.P", "2020-02-01", 10, "0 in all"},
		{"HN.Q.P.2", "2020-04-01", 10, "0 in all"},
	} {
		for _, subtree := range []int{20_000, -1} {
			t.Run(fmt.Sprintf("%s on %s, at most %d, by units up to %d below", tc.code, tc.asOf, tc.limit, subtree), func(t *testing.T) {
				defer func(was int) { missingPapersSubtree = was }(missingPapersSubtree)
				missingPapersSubtree = subtree
				if got := list(tc.code, tc.asOf, tc.limit); got != tc.want {
					t.Errorf("got  %s\nwant %s", got, tc.want)
				}
			})
		}
	}
}
