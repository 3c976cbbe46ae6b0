package store

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// Finding units. The ranking rule is the migration's search_tier (exact
// code, code prefix, name prefix, word prefix, similar name); within a tier
// the higher units come first, then by code (by folded name for a name
// prefix, by similarity first for similar names). Each tier is read from
// its own index, best tier first, and the search stops as soon as it holds
// the page asked for: on the national tree (355,505 units) the first four
// tiers read at most a few thousand rows, whatever the query matches.
//
// Similar names are looked for only when the query matched nothing else
// (a misspelling): the trigram index must weigh every name sharing a
// trigram with the query, and a query made of words most names hold ("dang
// bo phuong nam tam") sets 30,000 of them against it, which took 100-300
// ms; a query that matched a name ("dang bo phuong bach mai", one ward)
// does not pay for that.

// UnitSearch is a search of the active units by code or folded name.
type UnitSearch struct {
	Query domain.SearchQuery
	// All searches the whole tree; otherwise the subtrees at Roots (paths).
	All   bool
	Roots []string
	// Limit and Offset select the page, in rank order.
	Limit, Offset int
}

// searchBatches are the sizes the word search reads at a time (see
// words); tests make them tiny so that every path is taken on a
// small tree.
type searchBatches struct {
	// window is how many units of one depth are read in code order at a time.
	window int
	// few is how many matches a trigram index read may bring back before
	// the words are deemed common and read in code order instead.
	few int
	// similar bounds the similar names ranked (the first ones found).
	similar int
}

var defaultSearchBatches = searchBatches{window: 1000, few: 2000, similar: 1000}

// search is one running search: its parameters in the order of every
// search query ($1 all, $2 roots, $3 code, $4 folded query) and what it has
// found so far, in rank order.
type search struct {
	s     *Store
	q     UnitSearch
	b     searchBatches
	fold  string
	dmin  int
	dmax  int
	want  int
	found []foundUnit
}

// foundUnit is a unit found and its tier (search_tier's).
type foundUnit struct {
	Code string
	Tier int
}

// scopeSQL keeps a search within its scope: $1 all, $2 the roots' paths.
const scopeSQL = `($1 OR u.path <@ ANY($2::ltree[]))`

func (x *search) args(more ...any) []any {
	return append([]any{x.q.All, pq.Array(x.q.Roots), x.q.Query.Code, x.fold}, more...)
}

func (x *search) need() int { return x.want - len(x.found) }

// add keeps codes found in tier, as many as still needed.
func (x *search) add(tier int, codes []string) {
	for _, c := range codes[:min(len(codes), max(0, x.need()))] {
		x.found = append(x.found, foundUnit{Code: c, Tier: tier})
	}
}

func (x *search) codes(ctx context.Context, what, q string, args ...any) ([]string, error) {
	var out []string
	if err := x.s.db.SelectContext(ctx, &out, q, x.args(args...)...); err != nil {
		return nil, fmt.Errorf("store: search %s: %w", what, err)
	}
	return out, nil
}

// SearchUnits returns the page q asks for of the active units in q's scope
// matching q, best first, and whether more follow.
func (s *Store) SearchUnits(ctx context.Context, q UnitSearch) (domain.UnitHits, error) {
	s = s.reading(ctx)
	return s.searchUnits(ctx, q, defaultSearchBatches)
}

func (s *Store) searchUnits(ctx context.Context, q UnitSearch, b searchBatches) (domain.UnitHits, error) {
	out := domain.UnitHits{Query: q.Query.Text, Units: []domain.UnitHit{}}
	if !q.All && len(q.Roots) == 0 {
		return out, nil
	}
	x := &search{s: s, q: q, b: b, want: q.Offset + q.Limit + 1, dmin: 1}
	if !q.All {
		x.dmin = 0
		for _, r := range q.Roots {
			if d := strings.Count(r, ".") + 1; x.dmin == 0 || d < x.dmin {
				x.dmin = d
			}
		}
	}
	var start struct {
		Fold string `db:"fold"`
		DMax int    `db:"dmax"`
	}
	if err := s.db.GetContext(ctx, &start, `SELECT fold_name($1) AS fold, coalesce((SELECT max(nlevel(path)) FROM units WHERE active), 0) AS dmax`,
		q.Query.Text); err != nil {
		return out, fmt.Errorf("store: search: %w", err)
	}
	x.fold, x.dmax = start.Fold, start.DMax
	for _, step := range []func(context.Context) error{x.exactCode, x.codePrefix, x.namePrefix, x.words, x.codePart} {
		if x.need() <= 0 {
			break
		}
		if err := step(ctx); err != nil {
			return out, err
		}
	}
	if len(x.found) == 0 {
		if err := x.similar(ctx); err != nil {
			return out, err
		}
	}
	return x.page(ctx)
}

// exactCode finds the unit whose code is the query.
func (x *search) exactCode(ctx context.Context) error {
	if x.q.Query.Code == "" {
		return nil
	}
	codes, err := x.codes(ctx, "code", `SELECT u.code FROM units u
		WHERE u.active AND u.code = $3 AND search_tier(u.code, u.name_folded, $3, $4) = 0 AND `+scopeSQL)
	x.add(0, codes)
	return err
}

// codePrefix finds the units whose code starts with the query: at each
// depth a range of units_search_code, in code order.
func (x *search) codePrefix(ctx context.Context) error {
	if x.q.Query.Code == "" {
		return nil
	}
	return x.inCodeOrder(ctx, "code prefix", 1, likePrefix(x.q.Query.Code))
}

// inCodeOrder adds the units of tier whose code is LIKE pattern, reading
// each depth of units_search_code in code order, as many as still needed.
func (x *search) inCodeOrder(ctx context.Context, what string, tier int, pattern string) error {
	codes, err := x.codes(ctx, what, `SELECT f.code FROM generate_series($5::int, $6::int) AS d
		CROSS JOIN LATERAL (SELECT u.code, nlevel(u.path) AS depth FROM units u
			WHERE u.active AND nlevel(u.path) = d AND u.code COLLATE "C" LIKE $7
				AND search_tier(u.code, u.name_folded, $3, $4) = $9 AND `+scopeSQL+`
			ORDER BY u.code COLLATE "C" LIMIT $8) f
		ORDER BY f.depth, f.code COLLATE "C" LIMIT $8`, x.dmin, x.dmax, pattern, x.need(), tier)
	x.add(tier, codes)
	return err
}

// namePrefix finds the units whose folded name starts with the folded
// query: at each depth a range of units_search_name, in name order.
func (x *search) namePrefix(ctx context.Context) error {
	if x.fold == "" {
		return nil
	}
	codes, err := x.codes(ctx, "name prefix", `SELECT f.code FROM generate_series($5::int, $6::int) AS d
		CROSS JOIN LATERAL (SELECT u.code, u.name_folded, nlevel(u.path) AS depth FROM units u
			WHERE u.active AND nlevel(u.path) = d AND u.name_folded LIKE $4 || '%'
				AND search_tier(u.code, u.name_folded, $3, $4) = 2 AND `+scopeSQL+`
			ORDER BY u.name_folded, u.code COLLATE "C" LIMIT $7) f
		ORDER BY f.depth, f.name_folded, f.code COLLATE "C" LIMIT $7`, x.dmin, x.dmax, x.need())
	x.add(2, codes)
	return err
}

// The words search finds the units with a later word of their name
// starting with the query, by depth then code. A word may be rare (a
// ward's name: a few units), common (a word of every cell's name: 150,000
// units), or common at some depths and absent from others; no index reads
// them in that order, and the planner cannot tell these apart (its
// estimate of a LIKE is one figure for the whole tree). So each depth is
// read on its own, from the top: first a window of its first b.window
// units in code order, which holds enough matches when the word is common
// there (and the whole depth when it is small: the provinces). When the
// page is not full yet, the trigram index is asked for the matches after
// the window, at this depth and below, but only up to b.few of them: when
// it brings back fewer, they are all there are, and are sorted. When it
// does not, the word is common: from then on the trigram index is asked,
// up to b.few again, for each depth's rest alone (few matches left, or
// the window would have held some); and when even that depth holds more,
// thinly spread, the rest of the depth is read in code order until the
// page is full.
//
// The LIKE pattern of the trigram reads is a sub-select, so that the
// planner takes it for rare and reads the index (it scans units in code
// order for a word it believes common, which reads a whole depth when the
// word is absent from it); the windows and the read in code order leave
// the planner nothing else to use than units_search_code.
func (x *search) words(ctx context.Context) error {
	if x.fold == "" {
		return nil
	}
	common := false
	for d := x.dmin; d <= x.dmax && x.need() > 0; d++ {
		last, full, err := x.wordWindow(ctx, d, x.b.window)
		if err != nil {
			return err
		}
		if !full || x.need() <= 0 {
			continue
		}
		if !common {
			below, err := x.codes(ctx, "words", `SELECT f.code FROM (SELECT u.code, nlevel(u.path) AS depth FROM units u
					WHERE u.active AND u.name_folded LIKE (SELECT '% ' || $4 || '%')
						AND nlevel(u.path) + 0 >= $5 AND (nlevel(u.path) > $5 OR u.code COLLATE "C" > $6)
						AND search_tier(u.code, u.name_folded, $3, $4) = 3 AND `+scopeSQL+`
					LIMIT $7) f
				ORDER BY f.depth, f.code COLLATE "C"`, d, last, x.b.few+1)
			if err != nil || len(below) <= x.b.few {
				x.add(3, below)
				return err
			}
			common = true
		}
		rest, err := x.codes(ctx, "words at a depth", `SELECT f.code FROM (SELECT u.code FROM units u
				WHERE u.active AND nlevel(u.path) = $5 AND u.code COLLATE "C" > $6
					AND u.name_folded LIKE (SELECT '% ' || $4 || '%')
					AND search_tier(u.code, u.name_folded, $3, $4) = 3 AND `+scopeSQL+`
				LIMIT $7) f
			ORDER BY f.code COLLATE "C"`, d, last, x.b.few+1)
		if err != nil {
			return err
		}
		if len(rest) <= x.b.few {
			x.add(3, rest)
			continue
		}
		// Many matches left at this depth: read on in code order until the
		// page is full (the concatenation keeps the trigram index out).
		rest, err = x.codes(ctx, "common words at a depth", `SELECT u.code FROM units u
			WHERE u.active AND nlevel(u.path) = $5 AND u.code COLLATE "C" > $6
				AND (u.name_folded || '') LIKE '% ' || $4 || '%'
				AND search_tier(u.code, u.name_folded, $3, $4) = 3 AND `+scopeSQL+`
			ORDER BY u.code COLLATE "C" LIMIT $7`, d, last, x.need())
		if err != nil {
			return err
		}
		x.add(3, rest)
	}
	return nil
}

// wordWindow reads the first size units of depth d in code order and keeps
// those matching the words; it returns the last code read and whether the
// window was full (more units may follow at that depth).
func (x *search) wordWindow(ctx context.Context, d int, size int) (string, bool, error) {
	var w struct {
		Seen  int            `db:"seen"`
		Last  string         `db:"last"`
		Codes pq.StringArray `db:"codes"`
	}
	err := x.s.db.GetContext(ctx, &w, `WITH w AS MATERIALIZED (SELECT u.code, u.name_folded, u.path FROM units u
			WHERE u.active AND nlevel(u.path) = $5 ORDER BY u.code COLLATE "C" LIMIT $6)
		SELECT (SELECT count(*) FROM w) AS seen, coalesce((SELECT max(code COLLATE "C") FROM w), '') AS last,
			array(SELECT u.code FROM w u WHERE u.name_folded LIKE '% ' || $4 || '%'
				AND search_tier(u.code, u.name_folded, $3, $4) = 3 AND `+scopeSQL+`
				ORDER BY u.code COLLATE "C" LIMIT $7) AS codes`, x.args(d, size, x.need())...)
	if err != nil {
		return "", false, fmt.Errorf("store: search words at depth %d: %w", d, err)
	}
	x.add(3, w.Codes)
	return w.Last, w.Seen == size, nil
}

// codePart finds the units a part of whose code (after a dot) starts with
// the query, by depth then code. A rare part (a ward's, VINHTUY) is read
// whole from the trigram index, up to b.few matches, and sorted; a part
// more codes hold (TDP, in every cell) is read depth by depth in code order
// instead, the first matches of each depth being enough for a page.
func (x *search) codePart(ctx context.Context) error {
	if len(x.q.Query.Code) < 3 {
		return nil
	}
	pattern := "%." + strings.TrimSuffix(likePrefix(x.q.Query.Code), "%") + "%"
	var rare []struct {
		Code  string `db:"code"`
		Depth int    `db:"depth"`
	}
	if err := x.s.db.SelectContext(ctx, &rare, `SELECT u.code, nlevel(u.path) AS depth FROM units u
		WHERE u.active AND u.code LIKE $5 AND nlevel(u.path) + 0 >= $6
			AND search_tier(u.code, u.name_folded, $3, $4) = 5 AND `+scopeSQL+`
		LIMIT $7`, x.args(pattern, x.dmin, x.b.few+1)...); err != nil {
		return fmt.Errorf("store: search code part: %w", err)
	}
	if len(rare) <= x.b.few {
		sort.Slice(rare, func(i, j int) bool {
			if rare[i].Depth != rare[j].Depth {
				return rare[i].Depth < rare[j].Depth
			}
			return rare[i].Code < rare[j].Code // byte order, as COLLATE "C"
		})
		codes := make([]string, len(rare))
		for i, r := range rare {
			codes[i] = r.Code
		}
		x.add(5, codes)
		return nil
	}
	return x.inCodeOrder(ctx, "code part", 5, pattern)
}

// similar finds the units whose name holds words close to the query, most
// similar first, among the first b.similar found by the trigram index; the
// search looks for them when nothing else matched.
func (x *search) similar(ctx context.Context) error {
	if len(x.fold) < 3 {
		return nil
	}
	codes, err := x.codes(ctx, "similar", `SELECT f.code FROM (SELECT u.code, nlevel(u.path) AS depth,
				word_similarity($4, u.name_folded) AS similarity FROM units u
			WHERE u.active AND u.name_folded %> (SELECT $4) AND nlevel(u.path) + 0 >= $5
				AND search_tier(u.code, u.name_folded, $3, $4) = 4 AND `+scopeSQL+`
			LIMIT $6) f
		ORDER BY f.similarity DESC, f.depth, f.code COLLATE "C" LIMIT $7`, x.dmin, x.b.similar, x.need())
	x.add(4, codes)
	return err
}

// likePrefix is a LIKE pattern matching the strings that start with s.
func likePrefix(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s) + "%"
}

// page reads the units of the page asked for, with their places.
func (x *search) page(ctx context.Context) (domain.UnitHits, error) {
	out := domain.UnitHits{Query: x.q.Query.Text, Units: []domain.UnitHit{}}
	from, to := min(x.q.Offset, len(x.found)), min(x.q.Offset+x.q.Limit, len(x.found))
	page := x.found[from:to]
	out.More = len(x.found) > to
	if len(page) == 0 {
		return out, nil
	}
	codes := make([]string, len(page))
	for i, f := range page {
		codes[i] = f.Code
	}
	var rows []struct {
		N     int          `db:"n"`
		Code  string       `db:"code"`
		Name  string       `db:"name"`
		Kind  string       `db:"kind"`
		Depth int          `db:"depth"`
		Place domain.Place `db:"place"`
	}
	// The place: below the top unit of the scope that holds the unit (below
	// the tree's root for the whole tree).
	err := x.s.db.SelectContext(ctx, &rows, `SELECT r.n, u.code, u.name, u.kind, nlevel(u.path) AS depth,
			unit_place(u.path, coalesce(CASE WHEN $1 THEN 1 ELSE (SELECT max(nlevel(t)) FROM unnest($2::ltree[]) t WHERE u.path <@ t) END,
				nlevel(u.path))) AS place
		FROM unnest($3::text[]) WITH ORDINALITY AS r(code, n)
		JOIN units u ON u.code = r.code
		ORDER BY r.n`, x.q.All, pq.Array(x.q.Roots), pq.Array(codes))
	if err != nil {
		return out, fmt.Errorf("store: search results: %w", err)
	}
	for _, r := range rows {
		out.Units = append(out.Units, domain.UnitHit{UnitRef: domain.UnitRef{Code: r.Code, Name: r.Name, Kind: r.Kind}, Depth: r.Depth,
			Match: domain.UnitMatches[page[r.N-1].Tier], Place: r.Place})
	}
	return out, nil
}
