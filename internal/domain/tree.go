package domain

import "fmt"

// CheckMove checks that unit may move under parent: both active, no cycle,
// and the kind of unit allowed under the kind of parent.
func CheckMove(rules KindRules, unit, parent Unit) error {
	var v Validation
	if !unit.Active {
		v.Add("code", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động", unit.Code), fmt.Sprintf("unit %s is inactive", unit.Code))
	}
	if IsWithin(parent.Path, unit.Path) {
		v.Add("parent_code", "Không thể chuyển một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó",
			"a unit cannot move under itself or one of its own units")
		return v.Err()
	}
	CheckPlacement(rules, unit.Kind, &parent, 0, &v)
	return v.Err()
}

// CheckMerge checks that the merged units may merge into survivor: all active,
// of the survivor's kind, none of them the survivor or above or below it, none twice.
func CheckMerge(survivor Unit, merged []Unit) error {
	var v Validation
	if !survivor.Active {
		v.Add("code", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động", survivor.Code), fmt.Sprintf("unit %s is inactive", survivor.Code))
	}
	if len(merged) == 0 {
		v.Add("units", "Cần ít nhất một đơn vị để sáp nhập", "at least one unit to merge is required")
	}
	seen := map[string]bool{}
	for _, m := range merged {
		switch {
		case seen[m.Code]:
			v.Add("units", fmt.Sprintf("Đơn vị %s được nêu hai lần", m.Code), fmt.Sprintf("unit %s is listed twice", m.Code))
		case m.Code == survivor.Code:
			v.Add("units", "Không thể sáp nhập một đơn vị vào chính nó", "a unit cannot merge into itself")
		case !m.Active:
			v.Add("units", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động", m.Code), fmt.Sprintf("unit %s is inactive", m.Code))
		case m.Kind != survivor.Kind:
			v.Add("units", fmt.Sprintf("Đơn vị %s khác loại với %s", m.Code, survivor.Code),
				fmt.Sprintf("unit %s is not of the kind of %s", m.Code, survivor.Code))
		case IsWithin(survivor.Path, m.Path) || IsWithin(m.Path, survivor.Path):
			v.Add("units", fmt.Sprintf("Đơn vị %s nằm trên hoặc dưới %s", m.Code, survivor.Code),
				fmt.Sprintf("unit %s is above or below %s", m.Code, survivor.Code))
		}
		seen[m.Code] = true
	}
	return v.Err()
}
