package domain

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Finding a unit: a query is matched against the units' codes and names
// (folded: without diacritics or case, see the migration's fold_name) within
// the caller's scope, and the units found are ranked by how they match.

// UnitMatch says how a unit matched a search; the kinds are listed best first.
type UnitMatch string

// How a unit matches a search, best first.
const (
	MatchCode       UnitMatch = "code"        // its code is the query
	MatchCodePrefix UnitMatch = "code_prefix" // its code starts with the query
	MatchNamePrefix UnitMatch = "name_prefix" // its name starts with the query
	MatchWordPrefix UnitMatch = "word_prefix" // a later word of its name starts with the query
	MatchSimilar    UnitMatch = "similar"     // its name holds words close to the query
	MatchCodePart   UnitMatch = "code_part"   // a part of its code (after a dot) starts with the query
)

// UnitMatches lists the kinds of match best first; a match's index is its
// tier in the store's search_tier.
// (A part of a code, tier 5, is looked for before similar names, which
// are looked for only when nothing else matched: the two never meet.)
var UnitMatches = []UnitMatch{MatchCode, MatchCodePrefix, MatchNamePrefix, MatchWordPrefix, MatchSimilar, MatchCodePart}

// UnitHit is a unit found by a search: the unit, how it matched, and its
// place: the units above it, nearest first, below the top unit of the
// caller's scope that holds it ("Đảng bộ phường Bạch Mai", "Đảng bộ quận
// Hai Bà Trưng" for a cell of Bạch Mai found by a user of the city).
type UnitHit struct {
	UnitRef
	Depth int       `json:"depth"`
	Match UnitMatch `json:"match"`
	Place Place     `json:"place"`
}

// UnitHits is one page of a search's results, best first; More says that
// the next page holds some too.
type UnitHits struct {
	Query string    `json:"query"`
	Units []UnitHit `json:"units"`
	More  bool      `json:"-"`
}

// MaxSearchLength bounds a search query, in characters (the longest unit
// name is 200).
const MaxSearchLength = 200

// SearchQuery is a search for units as typed, checked.
type SearchQuery struct {
	// Text is the query, trimmed.
	Text string
	// Code is the query as a unit code, "" when it cannot be one (it holds a
	// space or a letter with a diacritic).
	Code string
}

// ParseSearchQuery checks a search query given in field, adding to v what
// is wrong with it: it must hold something besides spaces, be valid UTF-8
// without control characters (NUL included), and be at most
// MaxSearchLength characters long.
func ParseSearchQuery(field, q string, v *Validation) SearchQuery {
	var broken Validation
	q = CheckText(&broken, 0, field, q, OneLine)
	switch {
	case broken.Err() != nil:
		v.Fields = append(v.Fields, broken.Fields...)
	case q == "":
		v.Add(field, "Hãy nhập tên hoặc mã đơn vị cần tìm", "type the name or the code of the unit to find")
	case utf8.RuneCountInString(q) > MaxSearchLength:
		v.Add(field, fmt.Sprintf("Nội dung tìm kiếm dài quá %d ký tự", MaxSearchLength),
			fmt.Sprintf("the search is longer than %d characters", MaxSearchLength))
	default:
		out := SearchQuery{Text: q}
		// A dot typed before or after a part of a code (".TDP01", as
		// copied from a longer code) still searches by that part.
		if code := NormalizeCode(strings.Trim(q, ". ")); codeRE.MatchString(code) {
			out.Code = code
		}
		return out
	}
	return SearchQuery{}
}
