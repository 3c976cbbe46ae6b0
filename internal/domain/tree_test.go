package domain

import (
	"strings"
	"testing"
)

// A small tree: district 1.2 with wards 1.2.3 and 1.2.4, a cell 1.2.3.5 in the
// first, a sub-committee 1.2.4.6 in the second with a cell 1.2.4.6.7, and a
// second district 1.8.
var (
	hbt      = Unit{Code: "HBT", Kind: "district", Path: "1.2", Active: true}
	dongda   = Unit{Code: "DD", Kind: "district", Path: "1.8", Active: true}
	bachMai  = Unit{Code: "BM", Kind: "grassroots_committee", Path: "1.2.3", Active: true}
	vinhTuy  = Unit{Code: "VT", Kind: "grassroots_committee", Path: "1.2.4", Active: true}
	bmCell   = Unit{Code: "BM1", Kind: "cell", Path: "1.2.3.5", Active: true}
	vtSub    = Unit{Code: "VTS", Kind: "subcommittee", Path: "1.2.4.6", Active: true}
	vtCell   = Unit{Code: "VTS1", Kind: "cell", Path: "1.2.4.6.7", Active: true}
	oldWard  = Unit{Code: "OLD", Kind: "grassroots_committee", Path: "1.2.9", Active: false, MergedInto: "BM"}
	oldCell  = Unit{Code: "OLD1", Kind: "cell", Path: "1.2.9.10", Active: false}
	hbtCityC = Unit{Code: "HBT.CB", Kind: "grassroots_cell", Path: "1.2.11", Active: true}
)

func TestCheckMove(t *testing.T) {
	tests := []struct {
		name         string
		unit, parent Unit
		want         string // fields refused
	}{
		{"a cell moves to another ward", bmCell, vinhTuy, ""},
		{"a cell moves into a sub-committee", bmCell, vtSub, ""},
		{"a cell moves out of a sub-committee to a ward", vtCell, bachMai, ""},
		{"a ward moves to another district", bachMai, dongda, ""},
		{"a ward may not move under itself", bachMai, bachMai, "parent_code"},
		{"a ward may not move under its own cell", bachMai, bmCell, "parent_code"},
		{"a ward may not move under its own sub-committee's cell", vinhTuy, vtCell, "parent_code"},
		{"a district may not move under its own ward", hbt, bachMai, "parent_code"},
		{"a cell may not move under a district", bmCell, hbt, "kind"},
		{"a ward may not move under another ward", bachMai, vinhTuy, "kind"},
		{"a cell may not move under a grassroots cell", bmCell, hbtCityC, "kind"},
		{"an inactive unit may not move", oldCell, bachMai, "code"},
		{"nothing moves under an inactive unit", bmCell, oldWard, "parent_code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMove(testRules(), tt.unit, tt.parent)
			if got := strings.Join(errorFields(err), ","); got != tt.want {
				t.Errorf("refused fields = %q, want %q (%v)", got, tt.want, err)
			}
			if err != nil && ErrorCodeOf(err) != EInvalid {
				t.Errorf("code = %s, want %s", ErrorCodeOf(err), EInvalid)
			}
		})
	}
}

func TestCheckMerge(t *testing.T) {
	tests := []struct {
		name     string
		survivor Unit
		merged   []Unit
		want     int // number of field errors
	}{
		{"two wards merge", bachMai, []Unit{vinhTuy}, 0},
		{"wards of two districts merge", bachMai, []Unit{{Code: "DD1", Kind: "grassroots_committee", Path: "1.8.20", Active: true}}, 0},
		{"two cells of different wards merge", bmCell, []Unit{vtCell}, 0},
		{"nothing to merge is refused", bachMai, nil, 1},
		{"a unit may not merge into itself", bachMai, []Unit{bachMai}, 1},
		{"a unit listed twice is refused", bachMai, []Unit{vinhTuy, vinhTuy}, 1},
		{"an inactive unit may not merge", bachMai, []Unit{oldWard}, 1},
		{"nothing merges into an inactive unit", oldWard, []Unit{bachMai}, 1},
		{"a unit of another kind may not merge", bachMai, []Unit{hbtCityC}, 1},
		{"a cell may not merge into its own ward", bachMai, []Unit{{Code: "BMX", Kind: "grassroots_committee", Path: "1.2.3.99", Active: true}}, 1},
		{"a ward may not merge into a unit below it", Unit{Code: "BMX", Kind: "grassroots_committee", Path: "1.2.3.99", Active: true}, []Unit{bachMai}, 1},
		{"every wrong unit is reported", bachMai, []Unit{vinhTuy, oldWard, hbtCityC}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckMerge(tt.survivor, tt.merged)
			if got := len(errorFields(err)); got != tt.want {
				t.Errorf("field errors = %d, want %d (%v)", got, tt.want, err)
			}
			if err != nil && ErrorCodeOf(err) != EInvalid {
				t.Errorf("code = %s, want %s", ErrorCodeOf(err), EInvalid)
			}
		})
	}
}

// errorFields returns the fields of err's field errors.
func errorFields(err error) []string {
	e := AsError(err)
	if e == nil {
		return nil
	}
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Field)
	}
	return out
}
