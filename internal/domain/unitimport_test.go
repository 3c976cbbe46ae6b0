package domain

import (
	"fmt"
	"sort"
	"strings"
	"testing"
)

// groupRules has one kind that may nest in itself, so that cycles can be
// tested without any other reason to refuse the rows.
func groupRules() KindRules {
	return NewKindRules([]UnitKind{{Code: "group", MayBeRoot: true, Children: []string{"group"}}})
}

// importTree is a small existing tree:
//
//	HN (city) ─ HBT (district) ─ BM (grassroots_committee) ─ BM.01 (cell)
//	          │                └ OLD (inactive)
//	          └ DD (district)
func importTree() map[string]ExistingUnit {
	units := []ExistingUnit{
		{ID: 1, Code: "HN", Name: "Đảng bộ TP Hà Nội", Kind: "city", Path: "1", Active: true},
		{ID: 2, Code: "HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN", Path: "1.2", Active: true},
		{ID: 3, Code: "BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HBT", Path: "1.2.3", Active: true},
		{ID: 4, Code: "BM.01", Name: "Chi bộ Tổ dân phố số 1", Kind: "cell", ParentCode: "BM", Path: "1.2.3.4", Category: "residential", Members: 30, Active: true},
		{ID: 5, Code: "OLD", Name: "Đảng bộ phường cũ", Kind: "grassroots_committee", ParentCode: "HBT", Path: "1.2.5"},
		{ID: 6, Code: "DD", Name: "Đảng bộ quận Đống Đa", Kind: "district", ParentCode: "HN", Path: "1.6", Active: true},
	}
	m := make(map[string]ExistingUnit, len(units))
	for _, u := range units {
		m[u.Code] = u
	}
	return m
}

// rowsOf builds rows from "code|name|kind|parent|category|members" lines,
// numbered from 2 (row 1 is the header of a file).
func rowsOf(lines ...string) []ImportRow {
	rows := make([]ImportRow, len(lines))
	for i, l := range lines {
		cells := strings.Split(l, "|")
		rows[i].Row = i + 2
		for j, c := range cells {
			rows[i].SetCell(ImportColumns[j], c)
		}
	}
	return rows
}

// rowFields lists "row:field" of every field error of err, sorted.
func rowFields(t *testing.T, err error) []string {
	t.Helper()
	if err == nil {
		return nil
	}
	e := AsError(err)
	if e == nil || e.Code != EInvalid {
		t.Fatalf("error = %v, want an EInvalid *Error", err)
	}
	out := make([]string, 0, len(e.Fields))
	for _, f := range e.Fields {
		if f.Message.VI == "" || f.Message.EN == "" {
			t.Errorf("row %d %s: message not in both languages: %+v", f.Row, f.Field, f.Message)
		}
		out = append(out, fmt.Sprintf("%d:%s", f.Row, f.Field))
	}
	sort.Strings(out)
	return out
}

func TestPlanImportReportsEveryBadRow(t *testing.T) {
	admin := SystemPrincipal()
	tests := []struct {
		name  string
		rules KindRules
		rows  []ImportRow
		want  []string // "row:field", sorted
		words string   // in the English message of the first error
	}{
		{name: "unknown parent",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|HN.X||10"),
			want:  []string{"2:parent_code"},
			words: "unknown parent HN.X"},
		{name: "kind not allowed under the parent's kind",
			rows:  rowsOf("HBT.C1|Chi bộ trực thuộc quận|cell|HBT||10"),
			want:  []string{"2:kind"},
			words: "a cell may not sit under a district"},
		{name: "kind not allowed under a parent that is new in the file",
			rows:  rowsOf("X1|Chi bộ X1|cell|HBT||1", "X2|Chi bộ X2|cell|X1||1"),
			want:  []string{"2:kind", "3:kind"},
			words: "may not sit under"},
		{name: "duplicate code within the file",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM||10", "BM.03|Chi bộ 3|cell|BM||10", "bm.02|Chi bộ 2 lần nữa|cell|BM||10"),
			want:  []string{"4:code"},
			words: "duplicate of row 2"},
		{name: "missing name",
			rows:  rowsOf("BM.02|  |cell|BM||10"),
			want:  []string{"2:name"},
			words: "name is required"},
		{name: "invalid UTF-8 in a name is reported once",
			rows:  rowsOf("BM.02|Chi b\xff\xfe|cell|BM||10"),
			want:  []string{"2:name"},
			words: "not valid UTF-8"},
		{name: "invalid UTF-8 in a kind is not also an unknown kind",
			rows:  rowsOf("BM.02|Chi bộ 2|ce\xc3ll|BM||10"),
			want:  []string{"2:kind"},
			words: "not valid UTF-8"},
		{name: "invalid UTF-8 in a parent code",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|B\xffM||10"),
			want:  []string{"2:parent_code"},
			words: "not valid UTF-8"},
		{name: "members not a number",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM||mười"),
			want:  []string{"2:members"},
			words: "not a non-negative integer"},
		{name: "negative members",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM||-3"),
			want:  []string{"2:members"},
			words: "not a non-negative integer"},
		{name: "fractional members",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM||1.5"),
			want:  []string{"2:members"},
			words: "not a non-negative integer"},
		{name: "members beyond the bound",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM||20000000"),
			want:  []string{"2:members"},
			words: "between 0 and"},
		{name: "unknown kind",
			rows:  rowsOf("BM.02|Chi bộ 2|ward|BM||10"),
			want:  []string{"2:kind"},
			words: `unknown unit kind "ward"`},
		{name: "unknown category",
			rows:  rowsOf("BM.02|Chi bộ 2|cell|BM|farm|10"),
			want:  []string{"2:category"},
			words: `unknown category "farm"`},
		{name: "category on a unit that is not a cell",
			rows:  rowsOf("BM2|Đảng bộ phường 2|grassroots_committee|HBT|residential|10"),
			want:  []string{"2:category"},
			words: "only cells have a category"},
		{name: "missing or malformed code",
			rows:  rowsOf("|Chi bộ 2|cell|BM||10", "BM 02|Chi bộ 2|cell|BM||10"),
			want:  []string{"2:code", "3:code"},
			words: "code is required"},
		{name: "kind of an existing unit cannot change",
			rows:  rowsOf("BM.01|Chi bộ Tổ dân phố số 1|grassroots_cell|HBT|residential|30"),
			want:  []string{"2:kind"},
			words: "cannot change by import"},
		{name: "inactive existing unit",
			rows:  rowsOf("OLD|Đảng bộ phường cũ|grassroots_committee|HBT||0"),
			want:  []string{"2:code"},
			words: "inactive"},
		{name: "inactive parent",
			rows:  rowsOf("OLD.01|Chi bộ 1|cell|OLD||0"),
			want:  []string{"2:parent_code"},
			words: "parent OLD is inactive"},
		{name: "a root of a kind that needs a parent",
			rows:  rowsOf("C0|Chi bộ mồ côi|cell|||0"),
			want:  []string{"2:parent_code"},
			words: "needs a parent"},
		{name: "cycle of two new units",
			rules: groupRules(),
			rows:  rowsOf("A|Nhóm A|group|B||0", "B|Nhóm B|group|A||0"),
			want:  []string{"2:parent_code", "3:parent_code"},
			words: "cycle of parents: A → B → A"},
		{name: "cycle of three new units next to good rows",
			rules: groupRules(),
			rows:  rowsOf("R|Gốc|group|||0", "A|Nhóm A|group|C||0", "B|Nhóm B|group|A||0", "C|Nhóm C|group|B||0", "D|Nhóm D|group|R||0"),
			want:  []string{"3:parent_code", "4:parent_code", "5:parent_code"},
			words: "cycle of parents"},
		{name: "a unit that is its own parent",
			rules: groupRules(),
			rows:  rowsOf("A|Nhóm A|group|A||0"),
			want:  []string{"2:parent_code"},
			words: "cycle of parents: A → A"},
		{name: "every bad row of a file is reported, good rows are not",
			rows: rowsOf(
				"BM.02|Chi bộ 2|cell|BM|residential|10",
				"BM.03||cell|BM||10",
				"BM.04|Chi bộ 4|cell|NOPE||10",
				"BM.05|Chi bộ 5|cell|BM||x",
				"BM.06|Chi bộ 6|cell|BM|school|12",
			),
			want:  []string{"3:name", "4:parent_code", "5:members"},
			words: "name is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rules, existing := tt.rules, importTree()
			if rules.Kinds == nil {
				rules = testRules()
			} else {
				existing = nil
			}
			_, err := PlanImport(rules, admin, tt.rows, existing)
			if got, want := strings.Join(rowFields(t, err), " "), strings.Join(tt.want, " "); got != want {
				t.Fatalf("bad rows = %q, want %q (error: %v)", got, want, err)
			}
			if first := AsError(err).Fields[0].Message.EN; !strings.Contains(first, tt.words) {
				t.Errorf("first message = %q, want it to mention %q", first, tt.words)
			}
		})
	}
}

func TestPlanImportCycleThroughExistingUnits(t *testing.T) {
	// Existing: A ─ B ─ C. The file puts A under C: A would be under its own descendant.
	existing := map[string]ExistingUnit{
		"A": {ID: 1, Code: "A", Name: "A", Kind: "group", Path: "1", Active: true},
		"B": {ID: 2, Code: "B", Name: "B", Kind: "group", ParentCode: "A", Path: "1.2", Active: true},
		"C": {ID: 3, Code: "C", Name: "C", Kind: "group", ParentCode: "B", Path: "1.2.3", Active: true},
	}
	tests := []struct {
		name string
		rows []ImportRow
		want []string
	}{
		{"a unit under its grandchild", rowsOf("A|A|group|C||0"), []string{"2:parent_code"}},
		{"a unit under its child, the child listed unchanged", rowsOf("B|B|group|A||0", "A|A|group|B||0"), []string{"2:parent_code", "3:parent_code"}},
		{"a unit under its own new child", rowsOf("N|Mới|group|A||0", "A|A|group|N||0"), []string{"2:parent_code", "3:parent_code"}},
		{"moving the child out first is no cycle", rowsOf("B|B|group|||0", "A|A|group|B||0"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PlanImport(groupRules(), SystemPrincipal(), tt.rows, existing)
			if got, want := strings.Join(rowFields(t, err), " "), strings.Join(tt.want, " "); got != want {
				t.Fatalf("bad rows = %q, want %q (error: %v)", got, want, err)
			}
		})
	}
}

func TestPlanImportSortsWritesParentsFirst(t *testing.T) {
	// Existing: A ─ B. The file lists children before parents, creates a new
	// root X and puts B under X and A under B.
	existing := map[string]ExistingUnit{
		"A": {ID: 1, Code: "A", Name: "A", Kind: "group", Path: "1", Active: true},
		"B": {ID: 2, Code: "B", Name: "B", Kind: "group", ParentCode: "A", Path: "1.2", Active: true},
	}
	rows := rowsOf(
		"N3|Mới 3|group|N2||0",
		"A|A|group|B||0",
		"N2|Mới 2|group|A||0",
		"B|B đổi tên|group|X||0",
		"X|Gốc mới|group|||0",
	)
	plan, err := PlanImport(groupRules(), SystemPrincipal(), rows, existing)
	if err != nil {
		t.Fatal(err)
	}
	var creates, moves []string
	for _, c := range plan.Creates {
		creates = append(creates, c.Unit.Code)
	}
	for _, m := range plan.Moves {
		moves = append(moves, m.After.Code)
	}
	if got, want := strings.Join(creates, ","), "X,N2,N3"; got != want {
		t.Errorf("creates = %s, want %s", got, want)
	}
	if got, want := strings.Join(moves, ","), "B,A"; got != want {
		t.Errorf("moves = %s, want %s", got, want)
	}
	if got, want := len(plan.Updates), 1; got != want || plan.Updates[0].After.Name != "B đổi tên" {
		t.Errorf("updates = %+v, want B renamed", plan.Updates)
	}
	paths, err := plan.NewPaths(map[string]int64{"X": 10, "N2": 11, "N3": 12})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"X": "10", "N2": "10.2.1.11", "N3": "10.2.1.11.12"}
	for code, p := range want {
		if paths[code] != p {
			t.Errorf("path of %s = %q, want %q", code, paths[code], p)
		}
	}
}

func TestPlanImportOfTheSameTreeChangesNothing(t *testing.T) {
	existing := importTree()
	var rows []ImportRow
	for _, code := range []string{"HN", "HBT", "BM", "BM.01", "DD"} {
		e := existing[code]
		rows = append(rows, ImportRow{Row: len(rows) + 2, UnitInput: UnitInput{Code: strings.ToLower(e.Code), Name: " " + e.Name + " ",
			Kind: e.Kind, ParentCode: e.ParentCode, Category: e.Category, Members: e.Members}})
	}
	plan, err := PlanImport(testRules(), SystemPrincipal(), rows, existing)
	if err != nil {
		t.Fatal(err)
	}
	if !plan.Empty() || plan.Unchanged != 5 {
		t.Errorf("plan = %d creates, %d updates, %d moves, %d unchanged; want only 5 unchanged",
			len(plan.Creates), len(plan.Updates), len(plan.Moves), plan.Unchanged)
	}
	if rows[0].Code != "hn" {
		t.Errorf("PlanImport changed the caller's rows: %q", rows[0].Code)
	}
}

func TestPlanImportClassifiesRows(t *testing.T) {
	rows := rowsOf(
		"BM.01|Chi bộ Tổ dân phố số 1|cell|BM|residential|31", // members changed
		"BM2|Đảng bộ phường Bạch Mai 2|grassroots_committee|HBT||0",
		"BM|Đảng bộ phường Bạch Mai|grassroots_committee|DD||0", // moved
		"HBT|Đảng bộ quận Hai Bà Trưng|district|HN||0",
	)
	plan, err := PlanImport(testRules(), SystemPrincipal(), rows, importTree())
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprintf("%d created, %d updated, %d moved, %d unchanged", len(plan.Creates), len(plan.Updates), len(plan.Moves), plan.Unchanged)
	if want := "1 created, 1 updated, 1 moved, 1 unchanged"; got != want {
		t.Errorf("plan: %s, want %s", got, want)
	}
}

func TestPlanImportScopeOfANonSystemCaller(t *testing.T) {
	existing := importTree()
	board := Principal{User: User{ID: 7, Username: "hbt", Active: true},
		Grants: []Grant{{Role: RoleBoard, UnitCode: "HBT", UnitPath: "1.2"}}}
	viewer := Principal{User: User{ID: 8, Username: "xem", Active: true},
		Grants: []Grant{{Role: RoleViewer, UnitCode: "HN", UnitPath: "1"}, {Role: RoleBoard, UnitCode: "BM", UnitPath: "1.2.3"}}}
	tests := []struct {
		name      string
		p         Principal
		rows      []ImportRow
		want      []string
		forbidden bool
	}{
		{name: "new units under a managed unit and under each other",
			p:    board,
			rows: rowsOf("BM2|Đảng bộ phường mới|grassroots_committee|HBT||0", "BM2.01|Chi bộ 1|cell|BM2|residential|5")},
		{name: "the exported subtree root is unchanged though its parent is outside the scope",
			p:    board,
			rows: rowsOf("HBT|Đảng bộ quận Hai Bà Trưng|district|HN||0", "BM|Đảng bộ phường Bạch Mai|grassroots_committee|HBT||0")},
		{name: "a parent outside the scope is not found",
			p:         board,
			rows:      rowsOf("DD.X|Đảng bộ phường X|grassroots_committee|DD||0"),
			want:      []string{"2:parent_code"},
			forbidden: false},
		{name: "an existing code outside the scope is refused without details",
			p:    board,
			rows: rowsOf("DD|Tên khác|district|HN||0"),
			want: []string{"2:code"}},
		{name: "moving a unit out of the scope",
			p:    board,
			rows: rowsOf("BM|Đảng bộ phường Bạch Mai|grassroots_committee|DD||0"),
			want: []string{"2:parent_code"}},
		{name: "changing a unit the caller only reads",
			p:    viewer,
			rows: rowsOf("HBT|Quận HBT đổi tên|district|HN||0"),
			want: []string{"2:code"}},
		{name: "listing unchanged units the caller only reads",
			p:    viewer,
			rows: rowsOf("HBT|Đảng bộ quận Hai Bà Trưng|district|HN||0", "BM.02|Chi bộ 2|cell|BM||3")},
		{name: "a new root is forbidden",
			p:         board,
			rows:      rowsOf("Q|Quận mới|district|||0"),
			forbidden: true},
		{name: "moving an existing unit to the root is forbidden",
			p:         board,
			rows:      rowsOf("HBT|Đảng bộ quận Hai Bà Trưng|district|||0"),
			forbidden: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := PlanImport(testRules(), tt.p, tt.rows, existing)
			if tt.forbidden {
				if !IsCode(err, EForbidden) {
					t.Fatalf("error = %v, want forbidden", err)
				}
				return
			}
			if got, want := strings.Join(rowFields(t, err), " "), strings.Join(tt.want, " "); got != want {
				t.Fatalf("bad rows = %q, want %q (error: %v)", got, want, err)
			}
			if err != nil && strings.Contains(err.Error(), "Đống Đa") {
				t.Errorf("error leaks a unit outside the scope: %v", err)
			}
		})
	}
}

func TestImportRowSetCell(t *testing.T) {
	tests := []struct {
		members string
		want    int
		ok      bool
	}{
		{"", 0, true}, {"0", 0, true}, {" 42 ", 42, true}, {"007", 7, true},
		{"-1", 0, false}, {"1.5", 0, false}, {"1e3", 0, false}, {"12 000", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("members %q", tt.members), func(t *testing.T) {
			r := ImportRow{Row: 3}
			r.SetCell("members", tt.members)
			if got := len(r.Problems) == 0; got != tt.ok {
				t.Fatalf("accepted = %v, want %v (%+v)", got, tt.ok, r.Problems)
			}
			if r.Members != tt.want {
				t.Errorf("members = %d, want %d", r.Members, tt.want)
			}
			if !tt.ok && r.Problems[0].Row != 3 {
				t.Errorf("problem row = %d, want 3", r.Problems[0].Row)
			}
		})
	}
	r := ImportRow{Row: 2}
	r.SetCell("name", "Chi bộ \xff")
	if len(r.Problems) != 1 || r.Problems[0].Field != "name" || r.Name != "Chi bộ \uFFFD" {
		t.Errorf("invalid UTF-8: problems %+v, name %q", r.Problems, r.Name)
	}
}

// A parent the caller cannot read is refused in the words of a parent that
// does not exist; one the caller reads but does not manage is told so.
func TestPlanImportTellsAParentOutOfReachAsMissing(t *testing.T) {
	board := Principal{User: User{ID: 7, Username: "hbt", Active: true},
		Grants: []Grant{{Role: RoleBoard, UnitCode: "HBT", UnitPath: "1.2"}}}
	viewer := Principal{User: User{ID: 8, Username: "xem", Active: true},
		Grants: []Grant{{Role: RoleViewer, UnitCode: "HN", UnitPath: "1"}, {Role: RoleBoard, UnitCode: "BM", UnitPath: "1.2.3"}}}
	words := func(p Principal, parent string) string {
		t.Helper()
		_, err := PlanImport(testRules(), p, rowsOf("NEW|Đảng bộ phường mới|grassroots_committee|"+parent+"||0"), importTree())
		de := AsError(err)
		if de == nil || len(de.Fields) != 1 || de.Fields[0].Field != "parent_code" {
			t.Fatalf("import under %s: %v, want the parent refused", parent, err)
		}
		return strings.ReplaceAll(de.Fields[0].Message.EN, parent, "X")
	}
	if outside, missing := words(board, "DD"), words(board, "NOPE"); outside != missing {
		t.Errorf("a parent out of reach: %q; a missing one: %q", outside, missing)
	}
	if got := words(viewer, "HBT"); !strings.Contains(got, "outside the units you manage") {
		t.Errorf("a parent read but not managed: %q", got)
	}
}
