package domain

import (
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Place is where a unit sits, shown beside it in every list of units: the
// units above it, nearest first, strictly below the unit whose page (or
// scope) lists it. A cell listed on its district's page has its ward for
// place; on its city's page, its ward then its district; on its ward's
// page, no place (the page says where it is). The store's unit_place
// (migrations/00022_unit_place.sql) is the rule; Place only carries it.
type Place []UnitRef

// Scan reads a place from the JSON array the store's unit_place returns.
func (p *Place) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		*p = Place{}
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("place: cannot read %T", src)
	}
	if out, ok := readPlace(b); ok {
		*p = out
		return nil
	}
	out := Place{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("place: %w", err)
	}
	*p = out
	return nil
}

// readPlace reads a place written as PostgreSQL writes unit_place's jsonb:
// an array of objects whose members (code, name, kind) are strings without
// escapes. It says false for anything else, which json.Unmarshal reads: a
// report's lists read a place for each of up to 1,200 rows, and the
// decoder of encoding/json took a tenth of the Go time of a report.
func readPlace(b []byte) (Place, bool) {
	i := 0
	space := func() {
		for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\t' || b[i] == '\r') {
			i++
		}
	}
	next := func(c byte) bool {
		space()
		if i < len(b) && b[i] == c {
			i++
			return true
		}
		return false
	}
	str := func() (string, bool) {
		if !next('"') {
			return "", false
		}
		start := i
		for i < len(b) && b[i] != '"' {
			if b[i] == '\\' || b[i] < 0x20 {
				return "", false
			}
			i++
		}
		if i == len(b) || !utf8.Valid(b[start:i]) {
			return "", false
		}
		i++
		return string(b[start : i-1]), true
	}
	out := Place{}
	if !next('[') {
		return nil, false
	}
	if next(']') {
		space()
		return out, i == len(b)
	}
	for {
		if !next('{') {
			return nil, false
		}
		var u UnitRef
		for {
			k, ok := str()
			if !ok || !next(':') {
				return nil, false
			}
			v, ok := str()
			if !ok {
				return nil, false
			}
			switch k {
			case "code":
				u.Code = v
			case "name":
				u.Name = v
			case "kind":
				u.Kind = v
			default:
				return nil, false
			}
			if next('}') {
				break
			}
			if !next(',') {
				return nil, false
			}
		}
		out = append(out, u)
		if next(']') {
			space()
			return out, i == len(b)
		}
		if !next(',') {
			return nil, false
		}
	}
}

// Nearest is the unit directly above the listed one when it is in the
// place (its grassroots organization for a cell), else nil.
func (p Place) Nearest() *UnitRef {
	if len(p) == 0 {
		return nil
	}
	return &p[0]
}

// String writes the place as its names, nearest first ("Đảng bộ phường
// Bạch Mai › Đảng bộ quận Hai Bà Trưng"), for files and plain text.
func (p Place) String() string {
	names := make([]string, len(p))
	for i, u := range p {
		names[i] = u.Name
	}
	return strings.Join(names, PlaceSeparator)
}

// PlaceSeparator separates the names of a place written as text.
const PlaceSeparator = " › "
