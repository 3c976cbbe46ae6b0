package store_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jmoiron/sqlx"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/store"
	"github.com/daihoi/daihoi/internal/testdb"
)

// importer is a store on a fresh database and its unit kinds.
type importer struct {
	t     *testing.T
	ctx   context.Context
	db    *sqlx.DB
	st    *store.Store
	rules domain.KindRules
}

func newImporter(t *testing.T) *importer {
	t.Helper()
	db := testdb.New(t)
	st := store.New(db)
	ctx := context.Background()
	rules, err := st.KindRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &importer{t: t, ctx: ctx, db: db, st: st, rules: rules}
}

// urow builds an import row from "code|name|kind|parent|category|members".
func urow(n int, line string) domain.ImportRow {
	r := domain.ImportRow{Row: n}
	for i, c := range strings.Split(line, "|") {
		r.SetCell(domain.ImportColumns[i], c)
	}
	return r
}

func urows(lines ...string) []domain.ImportRow {
	out := make([]domain.ImportRow, len(lines))
	for i, l := range lines {
		out[i] = urow(i+2, l)
	}
	return out
}

// apply imports rows as the system, planned by domain.PlanImport.
func (im *importer) apply(rows []domain.ImportRow) (domain.ImportResult, error) {
	return im.st.ApplyImport(im.ctx, domain.SystemPrincipal(), func(existing map[string]domain.ExistingUnit) (domain.ImportPlan, error) {
		return domain.PlanImport(im.rules, domain.SystemPrincipal(), rows, existing)
	})
}

func (im *importer) mustApply(rows []domain.ImportRow) domain.ImportResult {
	im.t.Helper()
	res, err := im.apply(rows)
	if err != nil {
		im.t.Fatalf("import: %v", err)
	}
	return res
}

func (im *importer) count(q string, args ...any) int {
	im.t.Helper()
	var n int
	if err := im.db.GetContext(im.ctx, &n, q, args...); err != nil {
		im.t.Fatal(err)
	}
	return n
}

// checkTree fails unless every path is the parent's path followed by the id.
func (im *importer) checkTree() {
	im.t.Helper()
	bad := im.count(`SELECT count(*) FROM units c LEFT JOIN units p ON p.id = c.parent_id
		WHERE c.path <> CASE WHEN p.id IS NULL THEN text2ltree(c.id::text) ELSE p.path || text2ltree(c.id::text) END`)
	if bad != 0 {
		im.t.Fatalf("%d units have a path that does not follow their parent", bad)
	}
}

// parentOf returns the parent code of the unit with code.
func (im *importer) parentOf(code string) string {
	im.t.Helper()
	u, err := im.st.UnitByCode(im.ctx, code)
	if err != nil {
		im.t.Fatal(err)
	}
	return u.ParentCode
}

func resultString(r domain.ImportResult) string {
	return fmt.Sprintf("%d created, %d updated, %d moved, %d unchanged", r.Created, r.Updated, r.Moved, r.Unchanged)
}

var baseTree = []string{
	"HN|Đảng bộ TP Hà Nội|city|||0",
	"HBT|Đảng bộ quận Hai Bà Trưng|district|HN||0",
	"HBT.BM|Đảng bộ phường Bạch Mai|grassroots_committee|HBT||400",
	"HBT.BM.01|Chi bộ Tổ dân phố số 1|cell|HBT.BM|residential|30",
	"HBT.BM.S|Đảng bộ bộ phận khu A|subcommittee|HBT.BM||0",
	"HBT.BM.S.01|Chi bộ Tổ dân phố số 9|cell|HBT.BM.S|residential|12",
	"HBT.VT|Đảng bộ phường Vĩnh Tuy|grassroots_committee|HBT||0",
	"DD|Đảng bộ quận Đống Đa|district|HN||0",
}

func TestApplyImportCreatesAWholeTreeInOneGo(t *testing.T) {
	im := newImporter(t)
	// Children come before their parents in the file.
	rows := urows(baseTree[5], baseTree[4], baseTree[3], baseTree[2], baseTree[1], baseTree[0], baseTree[6], baseTree[7])
	res := im.mustApply(rows)
	if got, want := resultString(res), "8 created, 0 updated, 0 moved, 0 unchanged"; got != want {
		t.Errorf("result: %s, want %s", got, want)
	}
	im.checkTree()
	if got, want := im.parentOf("HBT.BM.S.01"), "HBT.BM.S"; got != want {
		t.Errorf("parent of HBT.BM.S.01 = %s, want %s", got, want)
	}
	u, err := im.st.UnitByCode(im.ctx, "HBT.BM.01")
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Chi bộ Tổ dân phố số 1" || u.Category != "residential" || u.Members != 30 || u.Depth != 4 || u.Version != 1 {
		t.Errorf("HBT.BM.01 = %+v", u)
	}
	if got, want := im.count(`SELECT count(*) FROM audit_log WHERE action = 'unit.create' AND reason = 'import' AND after IS NOT NULL AND before IS NULL`), 8; got != want {
		t.Errorf("create audit rows = %d, want %d", got, want)
	}
	if got := im.count(`SELECT count(*) FROM audit_log a JOIN units u ON u.id = a.unit_id WHERE a.after->>'code' <> u.code`); got != 0 {
		t.Errorf("%d audit rows point to the wrong unit", got)
	}
}

func TestApplyImportUpdatesMovesAndCreatesTogether(t *testing.T) {
	im := newImporter(t)
	im.mustApply(urows(baseTree...))
	versions := map[string]int{}
	for _, c := range []string{"HBT.BM", "HBT.BM.01", "HBT.BM.S", "HBT.BM.S.01", "HBT.VT", "DD"} {
		u, _ := im.st.UnitByCode(im.ctx, c)
		versions[c] = u.Version
	}
	auditBefore := im.count(`SELECT count(*) FROM audit_log`)

	res := im.mustApply(urows(
		// a new cell under a unit that moves in the same file
		"HBT.BM.S.02|Chi bộ Tổ dân phố số 10|cell|HBT.BM.S|residential|8",
		// the sub-committee moves to another ward, its cell follows
		"HBT.BM.S|Đảng bộ bộ phận khu A|subcommittee|HBT.VT||0",
		// a new ward, and an existing cell moved under it, renamed
		"HBT.BM.01|Chi bộ Tổ dân phố số 1 (mới)|cell|HBT.MOI|residential|31",
		"HBT.MOI|Đảng bộ phường Mới|grassroots_committee|HBT||0",
		// the ward Bạch Mai moves to Đống Đa with what is left under it
		"HBT.BM|Đảng bộ phường Bạch Mai|grassroots_committee|DD||400",
		// unchanged
		"HN|Đảng bộ TP Hà Nội|city|||0",
		// the district becomes a root of its own
		"DD|Đảng bộ quận Đống Đa|district|||0",
	))
	if got, want := resultString(res), "2 created, 1 updated, 4 moved, 1 unchanged"; got != want {
		t.Errorf("result: %s, want %s", got, want)
	}
	im.checkTree()
	for code, want := range map[string]string{
		"HBT.BM.S": "HBT.VT", "HBT.BM.S.01": "HBT.BM.S", "HBT.BM.S.02": "HBT.BM.S",
		"HBT.BM.01": "HBT.MOI", "HBT.MOI": "HBT", "HBT.BM": "DD", "DD": "",
	} {
		if got := im.parentOf(code); got != want {
			t.Errorf("parent of %s = %q, want %q", code, got, want)
		}
	}
	cell, _ := im.st.UnitByCode(im.ctx, "HBT.BM.01")
	if cell.Name != "Chi bộ Tổ dân phố số 1 (mới)" || cell.Members != 31 {
		t.Errorf("HBT.BM.01 not updated: %+v", cell)
	}
	if got, want := cell.Version, versions["HBT.BM.01"]+2; got != want {
		t.Errorf("version of the updated and moved cell = %d, want %d", got, want)
	}
	if u, _ := im.st.UnitByCode(im.ctx, "HBT.BM.S.01"); u.Version != versions["HBT.BM.S.01"] {
		t.Errorf("a unit that only followed its parent changed version: %d, was %d", u.Version, versions["HBT.BM.S.01"])
	}
	var actions []string
	if err := im.db.SelectContext(im.ctx, &actions, `SELECT a.action || ' ' || u.code FROM audit_log a JOIN units u ON u.id = a.unit_id
		WHERE a.id > (SELECT max(id) FROM audit_log) - $1 ORDER BY a.id`, res.Created+res.Updated+res.Moved); err != nil {
		t.Fatal(err)
	}
	want := []string{"unit.create HBT.MOI", "unit.create HBT.BM.S.02", "unit.update HBT.BM.01",
		"unit.move DD", "unit.move HBT.BM", "unit.move HBT.BM.S", "unit.move HBT.BM.01"}
	if got := im.count(`SELECT count(*) FROM audit_log`) - auditBefore; got != len(want) {
		t.Errorf("%d audit rows, want %d", got, len(want))
	}
	if strings.Join(actions, ", ") != strings.Join(want, ", ") {
		t.Errorf("audit:\n%s\nwant\n%s", strings.Join(actions, ", "), strings.Join(want, ", "))
	}
	var after string
	if err := im.db.GetContext(im.ctx, &after, `SELECT a.after->>'parent_code' FROM audit_log a JOIN units u ON u.id = a.unit_id
		WHERE u.code = 'HBT.BM.01' AND a.action = 'unit.move'`); err != nil || after != "HBT.MOI" {
		t.Errorf("move audit of HBT.BM.01: after parent %q, %v", after, err)
	}
}

func TestApplyImportOfTheSameRowsWritesNothing(t *testing.T) {
	im := newImporter(t)
	im.mustApply(urows(baseTree...))
	var before []string
	if err := im.db.SelectContext(im.ctx, &before, `SELECT code || version || updated_at::text FROM units ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	audit := im.count(`SELECT count(*) FROM audit_log`)
	res := im.mustApply(urows(baseTree...))
	if got, want := resultString(res), "0 created, 0 updated, 0 moved, 8 unchanged"; got != want {
		t.Errorf("result: %s, want %s", got, want)
	}
	var after []string
	if err := im.db.SelectContext(im.ctx, &after, `SELECT code || version || updated_at::text FROM units ORDER BY id`); err != nil {
		t.Fatal(err)
	}
	if strings.Join(after, ";") != strings.Join(before, ";") {
		t.Error("units changed on a second import of the same rows")
	}
	if got := im.count(`SELECT count(*) FROM audit_log`); got != audit {
		t.Errorf("audit rows: %d, want %d", got, audit)
	}
}

func TestApplyImportRefusedWritesNothing(t *testing.T) {
	im := newImporter(t)
	im.mustApply(urows(baseTree...))
	units, audit := im.count(`SELECT count(*) FROM units`), im.count(`SELECT count(*) FROM audit_log`)
	_, err := im.apply(urows(
		"HBT.BM.02|Chi bộ 2|cell|HBT.BM|residential|3",
		"HBT.BM|Đảng bộ phường Bạch Mai đổi tên|grassroots_committee|HBT||400",
		"HBT.BM.03|Chi bộ 3|cell|HBT.X|residential|3", // unknown parent
	))
	if e := domain.AsError(err); e == nil || e.Code != domain.EInvalid || len(e.Fields) != 1 || e.Fields[0].Row != 4 {
		t.Fatalf("error = %v, want row 4 refused", err)
	}
	if got := im.count(`SELECT count(*) FROM units`); got != units {
		t.Errorf("units: %d, want %d", got, units)
	}
	if got := im.count(`SELECT count(*) FROM audit_log`); got != audit {
		t.Errorf("audit rows: %d, want %d", got, audit)
	}
	if u, _ := im.st.UnitByCode(im.ctx, "HBT.BM"); u.Name != "Đảng bộ phường Bạch Mai" {
		t.Errorf("HBT.BM renamed to %q by a refused import", u.Name)
	}
}

func TestExistingUnitsListsActiveAndInactiveUnits(t *testing.T) {
	im := newImporter(t)
	im.mustApply(urows(baseTree...))
	if _, err := im.st.MergeUnits(im.ctx, domain.SystemPrincipal(), "HBT.VT", []string{"HBT.BM"}, "sáp nhập", func(domain.Unit, []domain.Unit) error { return nil }); err != nil {
		t.Fatal(err)
	}
	ex, err := im.st.ExistingUnits(im.ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(ex) != len(baseTree) {
		t.Errorf("%d existing units, want %d", len(ex), len(baseTree))
	}
	bm, s := ex["HBT.BM"], ex["HBT.BM.S"]
	if bm.Active || bm.Kind != "grassroots_committee" || bm.ParentCode != "HBT" {
		t.Errorf("HBT.BM = %+v, want inactive under HBT", bm)
	}
	if !s.Active || s.ParentCode != "HBT.VT" || !domain.IsWithin(s.Path, ex["HBT.VT"].Path) {
		t.Errorf("HBT.BM.S = %+v, want active under HBT.VT", s)
	}
	if c := ex["HBT.BM.01"]; c.Category != "residential" || c.Members != 30 || c.Name != "Chi bộ Tổ dân phố số 1" {
		t.Errorf("HBT.BM.01 = %+v", c)
	}
}

func TestExportUnitsInTreeOrder(t *testing.T) {
	im := newImporter(t)
	im.mustApply(urows(append(baseTree,
		"HBT.AA|Chi bộ cơ sở Trường A|grassroots_cell|HBT|school|5",
		"HBT.BM.02|Chi bộ Tổ dân phố số 0|cell|HBT.BM|residential|5",
		"OLD|Đảng bộ phường Cũ|grassroots_committee|HBT||0",
	)...))
	if _, err := im.st.MergeUnits(im.ctx, domain.SystemPrincipal(), "HBT.VT", []string{"OLD"}, "", func(domain.Unit, []domain.Unit) error { return nil }); err != nil {
		t.Fatal(err)
	}
	all, err := im.st.ExportUnits(im.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	// Parents first; siblings by kind (committee before grassroots cell,
	// subcommittee before cell), then name in Vietnamese order (Đống Đa
	// before Hai Bà Trưng: Đ sorts after D, before H).
	want := "HN DD HBT HBT.BM HBT.BM.S HBT.BM.S.01 HBT.BM.02 HBT.BM.01 HBT.VT HBT.AA"
	if got := exportCodes(all); got != want {
		t.Errorf("export order:\n%s\nwant\n%s", got, want)
	}
	hbt, _ := im.st.UnitByCode(im.ctx, "HBT.BM")
	sub, err := im.st.ExportUnits(im.ctx, hbt.Path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := exportCodes(sub), "HBT.BM HBT.BM.S HBT.BM.S.01 HBT.BM.02 HBT.BM.01"; got != want {
		t.Errorf("subtree export: %s, want %s", got, want)
	}
	if sub[0].ParentCode != "HBT" || sub[3].Category != "residential" || sub[3].Members != 5 {
		t.Errorf("exported units lack their fields: %+v", sub[:4])
	}
}

func exportCodes(us []domain.Unit) string {
	codes := make([]string, len(us))
	for i, u := range us {
		codes[i] = u.Code
	}
	return strings.Join(codes, " ")
}

// bigTree builds about n rows: a city, 10 districts, wards of 100 cells.
func bigTree(n int) []domain.ImportRow {
	rows := make([]domain.ImportRow, 0, n)
	add := func(in domain.UnitInput) {
		rows = append(rows, domain.ImportRow{Row: len(rows) + 2, UnitInput: in})
	}
	add(domain.UnitInput{Code: "VN", Name: "Đảng bộ Thành phố", Kind: "city"})
	for d := 0; d < 10; d++ {
		add(domain.UnitInput{Code: fmt.Sprintf("Q%02d", d), Name: fmt.Sprintf("Đảng bộ quận %d", d), Kind: "district", ParentCode: "VN"})
	}
	for w := 0; len(rows) < n; w++ {
		ward := fmt.Sprintf("Q%02d.P%04d", w%10, w)
		add(domain.UnitInput{Code: ward, Name: "Đảng bộ phường " + strconv.Itoa(w), Kind: "grassroots_committee", ParentCode: fmt.Sprintf("Q%02d", w%10), Members: 500})
		for c := 0; c < 100 && len(rows) < n; c++ {
			add(domain.UnitInput{Code: fmt.Sprintf("%s.C%03d", ward, c), Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d – phường %d", c, w),
				Kind: "cell", ParentCode: ward, Category: domain.CategoryResidential, Members: 5 + c%40})
		}
	}
	return rows
}

// TestApplyImportOfALargeTree imports a generated tree (20,000 rows, or
// IMPORT_TEST_ROWS) and logs how long each step takes.
func TestApplyImportOfALargeTree(t *testing.T) {
	n := 20_000
	if s := os.Getenv("IMPORT_TEST_ROWS"); s != "" {
		if v, err := strconv.Atoi(s); err == nil && v > 100 {
			n = v
		}
	}
	im := newImporter(t)
	rows := bigTree(n)

	start := time.Now()
	res := im.mustApply(rows)
	t.Logf("import of %d new units: %v", len(rows), time.Since(start))
	if res.Created != len(rows) {
		t.Fatalf("result: %s, want %d created", resultString(res), len(rows))
	}

	start = time.Now()
	res = im.mustApply(rows)
	t.Logf("re-import of %d unchanged units: %v", len(rows), time.Since(start))
	if res.Unchanged != len(rows) || res.Created+res.Updated+res.Moved != 0 {
		t.Fatalf("re-import: %s", resultString(res))
	}

	// Rename every cell of one district and move 50 wards to another one.
	changed := append([]domain.ImportRow(nil), rows...)
	moves, updates := 0, 0
	for i := range changed {
		r := &changed[i]
		switch {
		case r.Kind == "cell" && strings.HasPrefix(r.Code, "Q03."):
			r.Name += " (mới)"
			updates++
		case r.Kind == "grassroots_committee" && strings.HasPrefix(r.Code, "Q01.") && moves < 50:
			r.ParentCode = "Q02"
			moves++
		}
	}
	start = time.Now()
	res = im.mustApply(changed)
	t.Logf("import of %d rows with %d updates and %d moves: %v", len(rows), updates, moves, time.Since(start))
	if res.Updated != updates || res.Moved != moves {
		t.Fatalf("result: %s, want %d updated and %d moved", resultString(res), updates, moves)
	}
	im.checkTree()

	start = time.Now()
	all, err := im.st.ExportUnits(im.ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("export of %d units: %v", len(all), time.Since(start))
	if len(all) != len(rows) {
		t.Errorf("exported %d units, want %d", len(all), len(rows))
	}
}
