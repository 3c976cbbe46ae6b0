package domain

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ImportColumns are the columns of a unit file, in their order; the first row
// of a file names them.
var ImportColumns = []string{"code", "name", "kind", "parent_code", "category", "members"}

// ImportRow is one row of a unit file (or one unit built in Go, e.g. by the
// demo seed): the unit it describes, its row number in the file (the header is
// row 1) and the problems found in its cells while reading them.
type ImportRow struct {
	Row int
	UnitInput
	// Problems are cell errors found while reading the file: text that is not
	// UTF-8, a number that is not a number. They are reported with the rest.
	Problems []FieldError
}

// SetCell sets the column of the row from the text of a file cell. Text that
// is not valid UTF-8 and a members cell that is not a non-negative integer
// are recorded as problems of the row; unknown columns are ignored.
func (r *ImportRow) SetCell(column, value string) {
	if !utf8.ValidString(value) {
		r.Problems = append(r.Problems, FieldError{Row: r.Row, Field: column, Message: Text{
			VI: "Ô không phải văn bản UTF-8 hợp lệ",
			EN: "cell is not valid UTF-8 text",
		}})
		value = strings.ToValidUTF8(value, "\uFFFD")
		if column == "members" {
			return
		}
	}
	switch column {
	case "code":
		r.Code = value
	case "name":
		r.Name = value
	case "kind":
		r.Kind = value
	case "parent_code":
		r.ParentCode = value
	case "category":
		r.Category = value
	case "members":
		n, ok := ParseMembers(value)
		if !ok {
			r.Problems = append(r.Problems, FieldError{Row: r.Row, Field: column, Message: Text{
				VI: fmt.Sprintf("Số đảng viên %q không phải số nguyên không âm", value),
				EN: fmt.Sprintf("members %q is not a non-negative integer", value),
			}})
			return
		}
		r.Members = n
	}
}

// ParseMembers reads a number of members: digits only, surrounding spaces
// allowed, an empty cell meaning 0.
func ParseMembers(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, true
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, false
	}
	return n, true
}

// ExistingUnit is what an import needs to know of a unit already in the tree,
// active or not.
type ExistingUnit struct {
	ID         int64  `db:"id"`
	Code       string `db:"code"`
	Name       string `db:"name"`
	Kind       string `db:"kind"`
	ParentCode string `db:"parent_code"`
	Path       string `db:"path"`
	Category   string `db:"category"`
	Members    int    `db:"members"`
	Active     bool   `db:"active"`
}

// Unit returns the existing unit as a Unit (for messages and history).
func (e ExistingUnit) Unit() Unit {
	return Unit{ID: e.ID, Code: e.Code, Name: e.Name, Kind: e.Kind, ParentCode: e.ParentCode, Path: e.Path,
		Category: e.Category, Members: e.Members, Active: e.Active}
}

// ImportCreate is a unit the import creates.
type ImportCreate struct {
	Row  int
	Unit UnitInput
}

// ImportChange is an existing unit the import changes: its fields (an
// update) or its parent (a move).
type ImportChange struct {
	Row    int
	Before ExistingUnit
	After  UnitInput
}

// ImportPlan is what an import of valid rows will write. Creates and Moves
// are in the order of the tree after the import: parents before children.
type ImportPlan struct {
	Creates []ImportCreate
	// Updates change name, category or members of existing units.
	Updates []ImportChange
	// Moves re-parent existing units (a unit may be both updated and moved).
	Moves []ImportChange
	// Unchanged counts the rows that change nothing.
	Unchanged int

	parents  map[string]string // the parent after the import of every code in the file
	existing map[string]ExistingUnit
}

// Empty reports whether the plan writes nothing.
func (p ImportPlan) Empty() bool {
	return len(p.Creates) == 0 && len(p.Updates) == 0 && len(p.Moves) == 0
}

// parentOf returns the parent code of code after the import ("" for a root).
func (p ImportPlan) parentOf(code string) (string, bool) {
	if pc, ok := p.parents[code]; ok {
		return pc, true
	}
	if e, ok := p.existing[code]; ok {
		return e.ParentCode, true
	}
	return "", false
}

// NewPaths returns the ltree paths of the units to create, given the ids
// allocated to them: each path is the path of the parent after the import
// (moves included) followed by the id.
func (p ImportPlan) NewPaths(ids map[string]int64) (map[string]string, error) {
	memo := make(map[string]string, len(ids))
	var pathOf func(code string, depth int) (string, error)
	pathOf = func(code string, depth int) (string, error) {
		if s, ok := memo[code]; ok {
			return s, nil
		}
		if depth > 1000 {
			return "", fmt.Errorf("domain: import: the tree above %s is too deep or cyclic", code)
		}
		id, ok := ids[code]
		if !ok {
			e, found := p.existing[code]
			if !found {
				return "", fmt.Errorf("domain: import: no id for unit %s", code)
			}
			id = e.ID
		}
		parent, _ := p.parentOf(code)
		s := strconv.FormatInt(id, 10)
		if parent != "" {
			pp, err := pathOf(parent, depth+1)
			if err != nil {
				return "", err
			}
			s = pp + "." + s
		}
		memo[code] = s
		return s, nil
	}
	out := make(map[string]string, len(ids))
	for _, c := range p.Creates {
		s, err := pathOf(c.Unit.Code, 0)
		if err != nil {
			return nil, err
		}
		out[c.Unit.Code] = s
	}
	return out, nil
}

// PlanImport checks every row of an import against the rules of the tree and
// the units that exist, and returns what to write. It checks the whole file
// and reports every bad row (with its row number) in one EInvalid error: then
// nothing must be written. A row must not change the kind of an existing
// unit.
//
// Unless p is the system, the caller must manage the new parent of every
// created or moved unit and every unit it changes; a row whose parent lies
// outside that scope is reported as a bad row (as a unit that does not
// exist when the caller cannot read it),
// and a row that would create a root (or move a unit to the root) makes the
// whole import forbidden. Unchanged rows need only read access.
func PlanImport(rules KindRules, p Principal, rows []ImportRow, existing map[string]ExistingUnit) (ImportPlan, error) {
	rows = append([]ImportRow(nil), rows...) // normalised below: leave the caller's rows alone
	pl := &planner{rules: rules, p: p, rows: rows, existing: existing,
		first: make(map[string]int, len(rows)), badParent: map[int]bool{}}
	return pl.plan()
}

type planner struct {
	rules    KindRules
	p        Principal
	rows     []ImportRow
	existing map[string]ExistingUnit
	v        Validation
	first    map[string]int // code -> index of its first row
	// badParent marks the rows whose parent_code cell was unreadable.
	badParent map[int]bool
}

func (pl *planner) add(i int, field, vi, en string) {
	pl.v.AddRow(pl.rows[i].Row, field, vi, en)
}

func (pl *planner) plan() (ImportPlan, error) {
	for i := range pl.rows {
		pl.rows[i].Normalize()
	}
	if err := pl.checkRows(); err != nil {
		return ImportPlan{}, err
	}
	pl.checkCycles()
	if err := pl.v.Err(); err != nil {
		sortFieldsByRow(pl.v.Fields)
		return ImportPlan{}, err
	}
	return pl.build(), nil
}

// checkRows checks each row alone, then against the tree.
func (pl *planner) checkRows() error {
	for i := range pl.rows {
		r := pl.rows[i]
		problem := map[string]bool{}
		for _, f := range r.Problems {
			f.Row = r.Row
			pl.v.Fields = append(pl.v.Fields, f)
			problem[f.Field] = true
		}
		var own Validation
		r.Validate(pl.rules, r.Row, &own)
		for _, f := range own.Fields {
			if !problem[f.Field] { // one reason per cell: not UTF-8 is enough
				pl.v.Fields = append(pl.v.Fields, f)
				problem[f.Field] = true
			}
		}
		if problem["parent_code"] {
			pl.badParent[i] = true
		}
		if r.Code == "" || problem["code"] {
			continue
		}
		if j, dup := pl.first[r.Code]; dup {
			pl.add(i, "code", fmt.Sprintf("Mã đơn vị %s trùng với dòng %d", r.Code, pl.rows[j].Row),
				fmt.Sprintf("unit code %s is a duplicate of row %d", r.Code, pl.rows[j].Row))
			continue
		}
		pl.first[r.Code] = i
	}
	for i, r := range pl.rows {
		if j, ok := pl.first[r.Code]; ok && j == i {
			if err := pl.checkAgainstTree(i); err != nil {
				return err
			}
		}
	}
	return nil
}

// visible reports whether the caller may see the existing unit.
func (pl *planner) visible(e ExistingUnit) bool { return pl.p.Can(ActRead, e.Path) }

// checkAgainstTree checks row i against the unit it changes and its parent.
func (pl *planner) checkAgainstTree(i int) error {
	r := pl.rows[i]
	e, exists := pl.existing[r.Code]
	if exists {
		switch {
		case !pl.visible(e):
			pl.add(i, "code", fmt.Sprintf("Mã đơn vị %s đã được dùng ngoài phạm vi của đồng chí", r.Code),
				fmt.Sprintf("unit code %s is already used outside your scope", r.Code))
			return nil
		case !e.Active:
			pl.add(i, "code", fmt.Sprintf("Đơn vị %s đã ngừng hoạt động (đã sáp nhập)", r.Code),
				fmt.Sprintf("unit %s is inactive (merged)", r.Code))
			return nil
		case pl.rules.Known(r.Kind) && r.Kind != e.Kind:
			pl.add(i, "kind", fmt.Sprintf("Không thể đổi loại của đơn vị %s (đang là %s) bằng tệp nhập", r.Code, e.Kind),
				fmt.Sprintf("the kind of unit %s (%s) cannot change by import", r.Code, e.Kind))
			return nil
		case !pl.p.System && pl.changes(r, e) && !pl.p.Can(ActManage, e.Path):
			pl.add(i, "code", fmt.Sprintf("Đồng chí không có quyền thay đổi đơn vị %s", r.Code),
				fmt.Sprintf("you may not change unit %s", r.Code))
			return nil
		case r.ParentCode == e.ParentCode:
			return nil // placement unchanged: nothing more to check
		}
	}
	if pl.badParent[i] {
		return nil
	}
	known := pl.rules.Known(r.Kind)
	if r.ParentCode == "" {
		if !pl.p.System {
			return Forbidden()
		}
		if known {
			CheckPlacement(pl.rules, r.Kind, nil, r.Row, &pl.v)
		}
		return nil
	}
	pe, ok := pl.existing[r.ParentCode]
	if ok && !pl.p.System && !pl.p.Can(ActRead, pe.Path) {
		ok = false // a unit the caller cannot read is told as one that does not exist
	}
	if ok {
		if !pl.p.System && !pl.p.Can(ActManage, pe.Path) {
			pl.add(i, "parent_code", fmt.Sprintf("Đơn vị cấp trên %s không thuộc phạm vi đồng chí quản lý", r.ParentCode),
				fmt.Sprintf("parent unit %s is outside the units you manage", r.ParentCode))
			return nil
		}
		if known {
			parent := pe.Unit()
			CheckPlacement(pl.rules, r.Kind, &parent, r.Row, &pl.v)
		}
		return nil
	}
	j, inFile := pl.first[r.ParentCode]
	if !inFile {
		pl.add(i, "parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s (không có trong tệp và trong hệ thống)", r.ParentCode),
			fmt.Sprintf("unknown parent %s (neither in the file nor in the tree)", r.ParentCode))
		return nil
	}
	if pk := pl.rows[j].Kind; known && pl.rules.Known(pk) {
		parent := Unit{Code: r.ParentCode, Kind: pk, Active: true}
		CheckPlacement(pl.rules, r.Kind, &parent, r.Row, &pl.v)
	}
	return nil
}

// changes reports whether row r changes the existing unit e.
func (pl *planner) changes(r ImportRow, e ExistingUnit) bool {
	return r.Name != e.Name || r.Category != e.Category || r.Members != e.Members || r.ParentCode != e.ParentCode
}

// parentOf returns the parent of code after the import: the file's parent
// for a code in the file, the current one otherwise.
func (pl *planner) parentOf(code string) (string, bool) {
	if i, ok := pl.first[code]; ok {
		return pl.rows[i].ParentCode, true
	}
	if e, ok := pl.existing[code]; ok {
		return e.ParentCode, true
	}
	return "", false
}

// checkCycles reports every row on a cycle of parents: in the file alone
// (A under B, B under A) or through existing units (a unit put under one of
// its own descendants).
func (pl *planner) checkCycles() {
	const (
		unseen = iota
		onStack
		done
	)
	state := make(map[string]int, len(pl.first))
	codes := make([]string, 0, len(pl.first))
	for c := range pl.first {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, start := range codes {
		var stack []string
		c := start
		for c != "" && state[c] == unseen {
			state[c] = onStack
			stack = append(stack, c)
			next, known := pl.parentOf(c)
			if !known { // an unknown parent, reported already
				next = ""
			}
			c = next
		}
		if c != "" && state[c] == onStack {
			k := len(stack) - 1
			for stack[k] != c {
				k--
			}
			cycle := append(append([]string{}, stack[k:]...), c)
			desc := strings.Join(cycle, " → ")
			for _, code := range stack[k:] {
				if i, ok := pl.first[code]; ok {
					pl.add(i, "parent_code", "Vòng lặp cấp trên: "+desc, "cycle of parents: "+desc)
				}
			}
		}
		for _, s := range stack {
			state[s] = done
		}
	}
}

// build turns valid rows into a plan, in the order of the tree after the import.
func (pl *planner) build() ImportPlan {
	plan := ImportPlan{parents: make(map[string]string, len(pl.first)), existing: pl.existing}
	for code, i := range pl.first {
		plan.parents[code] = pl.rows[i].ParentCode
	}
	depth := make(map[string]int, len(pl.first))
	var depthOf func(code string) int
	depthOf = func(code string) int {
		if d, ok := depth[code]; ok {
			return d
		}
		d := 1
		if parent, _ := plan.parentOf(code); parent != "" {
			d = depthOf(parent) + 1
		}
		depth[code] = d
		return d
	}
	for i, r := range pl.rows {
		if pl.first[r.Code] != i {
			continue
		}
		e, exists := pl.existing[r.Code]
		if !exists {
			plan.Creates = append(plan.Creates, ImportCreate{Row: r.Row, Unit: r.UnitInput})
			continue
		}
		changed := false
		if r.Name != e.Name || r.Category != e.Category || r.Members != e.Members {
			plan.Updates = append(plan.Updates, ImportChange{Row: r.Row, Before: e, After: r.UnitInput})
			changed = true
		}
		if r.ParentCode != e.ParentCode {
			plan.Moves = append(plan.Moves, ImportChange{Row: r.Row, Before: e, After: r.UnitInput})
			changed = true
		}
		if !changed {
			plan.Unchanged++
		}
	}
	sort.SliceStable(plan.Creates, func(a, b int) bool {
		return depthOf(plan.Creates[a].Unit.Code) < depthOf(plan.Creates[b].Unit.Code)
	})
	sort.SliceStable(plan.Moves, func(a, b int) bool {
		return depthOf(plan.Moves[a].After.Code) < depthOf(plan.Moves[b].After.Code)
	})
	return plan
}

// sortFieldsByRow orders field errors by row, then by column.
func sortFieldsByRow(f []FieldError) {
	col := func(field string) int {
		for i, c := range ImportColumns {
			if c == field {
				return i + 1
			}
		}
		return 0 // the row as a whole
	}
	sort.SliceStable(f, func(a, b int) bool {
		if f[a].Row != f[b].Row {
			return f[a].Row < f[b].Row
		}
		return col(f[a].Field) < col(f[b].Field)
	})
}

// ImportResult counts what an import did. A unit whose fields changed and
// which moved counts as updated and as moved; Unchanged counts the rows that
// changed nothing.
type ImportResult struct {
	Created   int `json:"created"`
	Updated   int `json:"updated"`
	Moved     int `json:"moved"`
	Unchanged int `json:"unchanged"`
}
