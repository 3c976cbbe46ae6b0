package domain

import "fmt"

// HoldInput records several congresses held on the same day, all or none
// (a ward's secretary ticking the cells that met on one Sunday): each row
// a unit, the version of its congress read, and how many were present.
type HoldInput struct {
	HeldDate string    `json:"held_date" input:"required"`
	Rows     []HoldRow `json:"rows" input:"required"`
}

// HoldRow is one congress of a HoldInput.
type HoldRow struct {
	UnitCode         string `json:"unit_code" input:"required"`
	Version          int    `json:"version" input:"required"`
	DelegatesPresent *int   `json:"delegates_present"`
}

// MaxHoldRows bounds the congresses recorded held at once.
const MaxHoldRows = 200

// Validate checks the shape of the input: at least one row and at most
// MaxHoldRows, each unit once. The rules of each congress are checked on
// it (ApplyCongressPatch), row by row.
func (in HoldInput) Validate(v *Validation) {
	switch {
	case len(in.Rows) == 0:
		v.Add("rows", "Hãy chọn ít nhất một đơn vị", "choose at least one unit")
	case len(in.Rows) > MaxHoldRows:
		v.Add("rows", fmt.Sprintf("Tối đa %d đơn vị một lần", MaxHoldRows), fmt.Sprintf("at most %d units at once", MaxHoldRows))
	}
	seen := map[string]bool{}
	for i, r := range in.Rows {
		code, _ := ParseCode(r.UnitCode)
		if seen[code] {
			v.AddRow(i+1, "unit_code", fmt.Sprintf("Đơn vị %s có hai lần", ShowText(code, 64)), fmt.Sprintf("unit %s comes twice", ShowText(code, 64)))
		}
		seen[code] = true
	}
}

// Patch is the change of row: held on the day, with those present.
func (in HoldInput) Patch(r HoldRow) CongressPatch {
	held, day := string(StatusHeld), in.HeldDate
	return CongressPatch{Status: &held, HeldDate: &day, DelegatesPresent: r.DelegatesPresent, Version: r.Version}
}
