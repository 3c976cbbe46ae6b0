package bench

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
)

// TargetSearchP99 is the bound on a unit search.
const TargetSearchP99 = 50 * time.Millisecond

// SearchFigure is the latency of one search query.
type SearchFigure struct {
	Label, Query string
	Latency
}

// measureSearch times GET /api/v1/units?q= as the root's board user, for
// three queries a user types: a ward's name without diacritics, a
// district's code, and the first three letters of a word of that ward's
// place name (a word prefix shared by thousands of units), o.Reads times
// each after 10 to warm up. The ward is the first below the district of
// findDistrict (a district with a ward or a commune whose place name has a
// word of three letters or more, as all do).
func measureSearch(ctx context.Context, c *client, o Options, f *Figures, w io.Writer) error {
	var wards struct {
		Units []domain.Unit `json:"units"`
	}
	if err := c.get(ctx, "/api/v1/units/"+f.DistrictCode+"/children", &wards); err != nil {
		return err
	}
	place := ""
	for _, u := range wards.Units {
		if p, ok := strings.CutPrefix(u.Name, "Đảng bộ "); ok && u.Kind == "grassroots_committee" && (strings.HasPrefix(p, "phường ") || strings.HasPrefix(p, "xã ")) {
			place = unaccented(p)
			break
		}
	}
	prefix := ""
	for _, w := range strings.Fields(place)[1:] {
		if len(w) >= 3 {
			prefix = w[:3]
			break
		}
	}
	if prefix == "" {
		return fmt.Errorf("bench: no ward with a place name below %s", f.DistrictCode)
	}
	queries := []struct{ label, q string }{
		{"a ward's name without diacritics", place},
		{"a district's code", f.DistrictCode},
		{"a short prefix", prefix},
	}
	var all []time.Duration
	for _, q := range queries {
		path := "/api/v1/units?q=" + url.QueryEscape(q.q)
		for range 10 {
			if err := c.get(ctx, path, nil); err != nil {
				return err
			}
		}
		d := make([]time.Duration, 0, o.Reads)
		for range o.Reads {
			start := time.Now()
			if err := c.get(ctx, path, nil); err != nil {
				return err
			}
			d = append(d, time.Since(start))
		}
		all = append(all, d...)
		f.Search = append(f.Search, SearchFigure{Label: q.label, Query: q.q, Latency: latency(d)})
		fmt.Fprintf(w, "search %q p50 %v p99 %v\n", q.q, latency(d).P50, latency(d).P99)
	}
	f.SearchAll = latency(all)
	return nil
}

// unaccented is s in lower case without its diacritics, as a user types it
// on a keyboard without Vietnamese input.
func unaccented(s string) string {
	return strings.ToLower(strings.ReplaceAll(download.ASCII(s), "-", " "))
}

// printSearch writes the search rows of the table.
func (f Figures) printSearch(w io.Writer, ms func(time.Duration) string, verdict func(bool) string) {
	for _, s := range f.Search {
		fmt.Fprintf(w, "unit search, %s (%q), p50 / p99 of %d\t%s / %s\t\t\n", s.Label, s.Query, s.N, ms(s.P50), ms(s.P99))
	}
	if len(f.Search) > 0 {
		fmt.Fprintf(w, "unit search, all three, p99 of %d\t%s\tp99 ≤ %s %s\t\n", f.SearchAll.N, ms(f.SearchAll.P99),
			ms(TargetSearchP99), verdict(f.SearchAll.P99 <= TargetSearchP99))
	}
}
