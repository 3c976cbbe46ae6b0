package domain

import (
	"encoding/json"
	"fmt"
	"strings"
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
	out := Place{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("place: %w", err)
	}
	*p = out
	return nil
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
