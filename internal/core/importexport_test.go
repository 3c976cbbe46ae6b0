package core_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/unitfile"
)

const unitsHeader = "code,name,kind,parent_code,category,members\n"

// csvOf is a CSV unit file: the header, then lines.
func csvOf(lines ...string) string {
	return unitsHeader + strings.Join(lines, "\n") + "\n"
}

// importCSV imports a CSV file as p.
func (f *fixture) importCSV(p domain.Principal, file string) (domain.ImportResult, error) {
	return f.svc.ImportUnitsFile(f.ctx, p, "units.csv", strings.NewReader(file), unitfile.Limits{})
}

// exportFile exports the subtree of root as p in the format of filename.
func (f *fixture) exportFile(p domain.Principal, root, filename string) []byte {
	f.t.Helper()
	var buf bytes.Buffer
	if _, err := f.svc.ExportUnitsFile(f.ctx, p, root, filename, &buf); err != nil {
		f.t.Fatalf("export %q as %s: %v", root, filename, err)
	}
	return buf.Bytes()
}

// badRows lists the "row:field" of every field error of an invalid err.
func badRows(t *testing.T, err error) []string {
	t.Helper()
	wantCode(t, err, domain.EInvalid)
	var out []string
	for _, fe := range domain.AsError(err).Fields {
		out = append(out, fmt.Sprintf("%d:%s", fe.Row, fe.Field))
	}
	sort.Strings(out)
	return out
}

func summary(r domain.ImportResult) string {
	return fmt.Sprintf("%d created, %d updated, %d moved, %d unchanged", r.Created, r.Updated, r.Moved, r.Unchanged)
}

func TestImportUnitsReportsEachBadRowWithItsNumber(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	good := "HN.HBT.BM.C9|Chi bộ Tổ dân phố số 9|cell|HN.HBT.BM|residential|12"
	tests := []struct {
		name  string
		lines []string // rows 2, 3, ...
		want  []string // "row:field"
	}{
		{"unknown parent", []string{good, "HN.HBT.BM.C8,Chi bộ 8,cell,HN.X,residential,3"}, []string{"3:parent_code"}},
		{"kind not allowed under the parent", []string{"HN.HBT.C1,Chi bộ trực thuộc quận,cell,HN.HBT,residential,3"}, []string{"2:kind"}},
		{"duplicate code in the file", []string{good, "HN.HBT.BM.C8,Chi bộ 8,cell,HN.HBT.BM,,3", "hn.hbt.bm.c8,Chi bộ 8 bis,cell,HN.HBT.BM,,3"}, []string{"4:code"}},
		{"cycle in the file", []string{
			"HN.HBT.N1,Đảng bộ bộ phận 1,subcommittee,HN.HBT.N2,,0",
			"HN.HBT.N2,Đảng bộ phường 2,grassroots_committee,HN.HBT.N1,,0",
		}, []string{"2:parent_code", "3:kind", "3:parent_code"}},
		{"an existing unit under its own descendant", []string{
			"HN.HBT.VT.S,Đảng bộ bộ phận Tổ dân phố,subcommittee,HN.HBT.VT,,0",
			"HN.HBT.VT,Đảng bộ phường Vĩnh Tuy,grassroots_committee,HN.HBT.VT.S,,0",
		}, []string{"2:parent_code", "3:kind", "3:parent_code"}},
		{"an existing unit under its own grandchild", []string{
			"HN.HBT.VT,Đảng bộ phường Vĩnh Tuy,grassroots_committee,HN.HBT.VT.S.C1,,0",
		}, []string{"2:kind", "2:parent_code"}},
		{"missing name", []string{good, "HN.HBT.BM.C8,,cell,HN.HBT.BM,,3"}, []string{"3:name"}},
		{"invalid UTF-8", []string{good, "HN.HBT.BM.C8,Chi b\xf4 8,cell,HN.HBT.BM,,3"}, []string{"3:name"}},
		{"bad number", []string{good, "HN.HBT.BM.C8,Chi bộ 8,cell,HN.HBT.BM,,ba mươi"}, []string{"3:members"}},
		{"unknown kind", []string{"HN.HBT.BM.C8,Chi bộ 8,chi_bo,HN.HBT.BM,,3"}, []string{"2:kind"}},
		{"unknown category", []string{"HN.HBT.BM.C8,Chi bộ 8,cell,HN.HBT.BM,village,3"}, []string{"2:category"}},
		{"category on a unit that is not a cell", []string{"HN.HBT.NEW,Đảng bộ phường Mới,grassroots_committee,HN.HBT,school,3"}, []string{"2:category"}},
		{"kind of an existing unit changed", []string{"HN.HBT.DK,Chi bộ Trường THPT Đoàn Kết – Hai Bà Trưng,grassroots_committee,HN.HBT,,0"}, []string{"2:kind"}},
		{"every bad row at once", []string{
			good,
			"HN.HBT.BM.C8,,cell,HN.HBT.BM,,3",
			"HN.HBT.BM.C7,Chi bộ 7,cell,HN.HBT.NOPE,,3",
			"",
			"HN.HBT.BM.C6,Chi bộ 6,cell,HN.HBT.BM,,-1",
		}, []string{"3:name", "4:parent_code", "6:members"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, l := range tt.lines {
				tt.lines[i] = strings.ReplaceAll(l, "|", ",")
			}
			before := f.rows()
			_, err := f.importCSV(sys, csvOf(tt.lines...))
			if got, want := strings.Join(badRows(t, err), " "), strings.Join(tt.want, " "); got != want {
				t.Errorf("bad rows = %s, want %s\n%v", got, want, err)
			}
			if after := f.rows(); after != before {
				t.Errorf("a refused import wrote: %+v, was %+v", after, before)
			}
		})
	}
}

func TestImportUnitsRefusesABadFile(t *testing.T) {
	f := newFixture(t)
	sys := domain.SystemPrincipal()
	tests := []struct {
		name, filename, file string
		field                string
	}{
		{"missing header", "units.csv", "HN.HBT.BM.C9,Chi bộ 9,cell,HN.HBT.BM,,3\n", "header"},
		{"wrong header", "units.csv", "ma,ten,loai,cap_tren,loai_hinh,dang_vien\n", "header"},
		{"empty file", "units.csv", "", "header"},
		{"not an XLSX file", "units.xlsx", unitsHeader, "file"},
		{"another extension", "units.txt", unitsHeader, "file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.rows()
			_, err := f.svc.ImportUnitsFile(f.ctx, sys, tt.filename, strings.NewReader(tt.file), unitfile.Limits{})
			wantField(t, err, tt.field)
			if after := f.rows(); after != before {
				t.Errorf("a refused import wrote: %+v, was %+v", after, before)
			}
		})
	}
	var buf bytes.Buffer
	_, err := f.svc.ExportUnitsFile(f.ctx, sys, "HN", "units.xls", &buf)
	wantField(t, err, "file")
	if buf.Len() != 0 {
		t.Errorf("export to an unsupported format wrote %d bytes", buf.Len())
	}
}

func TestImportUnitsIsAllOrNothing(t *testing.T) {
	f := newFixture(t)
	before := f.rows()
	_, err := f.importCSV(domain.SystemPrincipal(), csvOf(
		"HN.HBT.BM.C4,Chi bộ Tổ dân phố số 4,cell,HN.HBT.BM,residential,20",
		"HN.HBT.BM.C1,Chi bộ Tổ dân phố số 1 (đổi tên),cell,HN.HBT.BM,residential,30",
		"HN.HBT.VT.S,Đảng bộ bộ phận Tổ dân phố,subcommittee,HN.HBT.BM,,0",
		"HN.HBT.BM.C5,Chi bộ Tổ dân phố số 5,cell,HN.HBT.ZZ,residential,20",
		"HN.HBT.BM.C6,Chi bộ Tổ dân phố số 6,cell,HN.HBT.BM,residential,20",
	))
	if got, want := strings.Join(badRows(t, err), " "), "5:parent_code"; got != want {
		t.Fatalf("bad rows = %s, want %s", got, want)
	}
	if after := f.rows(); after != before {
		t.Errorf("units/audit after a refused import = %+v, want %+v", after, before)
	}
	if u := f.unit("HN.HBT.BM.C1"); u.Name != "Chi bộ Tổ dân phố số 1" {
		t.Errorf("a refused import renamed HN.HBT.BM.C1 to %q", u.Name)
	}
	if got, want := f.unit("HN.HBT.VT.S").ParentCode, "HN.HBT.VT"; got != want {
		t.Errorf("a refused import moved HN.HBT.VT.S under %s", got)
	}
}

func TestImportUnitsInBothFormatsAndAgain(t *testing.T) {
	units := []domain.Unit{
		{Code: "HN.HBT.MN", Name: "Đảng bộ phường Minh Khai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 350},
		{Code: "HN.HBT.MN.C5", Name: "Chi bộ Tổ dân phố số 5 – phường Bạch Mai", Kind: "cell", ParentCode: "HN.HBT.MN", Category: "residential", Members: 41},
		{Code: "HN.HBT.MN.BV", Name: "Chi bộ Bệnh viện Phổi Hà Nội", Kind: "cell", ParentCode: "HN.HBT.MN", Category: "hospital", Members: 60},
		{Code: "HN.HBT.BM.C2", Name: "Chi bộ Tổ dân phố số 2", Kind: "cell", ParentCode: "HN.HBT.BM", Category: "residential", Members: 27},
	}
	for _, format := range []unitfile.Format{unitfile.CSV, unitfile.XLSX} {
		t.Run(string(format), func(t *testing.T) {
			f := newFixture(t)
			sys := domain.SystemPrincipal()
			var file bytes.Buffer
			if err := unitfile.Write(format, &file, units); err != nil {
				t.Fatal(err)
			}
			name := "don-vi." + string(format)
			res, err := f.svc.ImportUnitsFile(f.ctx, sys, name, bytes.NewReader(file.Bytes()), unitfile.Limits{})
			wantCode(t, err, "")
			if got, want := summary(res), "3 created, 1 updated, 0 moved, 0 unchanged"; got != want {
				t.Errorf("first import: %s, want %s", got, want)
			}
			if u := f.unit("HN.HBT.MN.C5"); u.Name != units[1].Name || u.Members != 41 || u.Category != "residential" || u.ParentCode != "HN.HBT.MN" {
				t.Errorf("imported cell = %+v", u)
			}
			if u := f.unit("HN.HBT.BM.C2"); u.Members != 27 || u.Version != 2 {
				t.Errorf("updated cell: members %d, version %d; want 27, 2", u.Members, u.Version)
			}
			var history int
			if err := f.db.Get(&history, `SELECT count(*) FROM audit_log a JOIN units u ON u.id = a.unit_id
				WHERE u.code LIKE 'HN.HBT.MN%' AND a.action = 'unit.create'`); err != nil || history != 3 {
				t.Errorf("create history rows = %d, %v; want 3", history, err)
			}

			before := f.rows()
			versions := f.unit("HN.HBT.BM.C2").Version
			res, err = f.svc.ImportUnitsFile(f.ctx, sys, name, bytes.NewReader(file.Bytes()), unitfile.Limits{})
			wantCode(t, err, "")
			if got, want := summary(res), "0 created, 0 updated, 0 moved, 4 unchanged"; got != want {
				t.Errorf("second import: %s, want %s", got, want)
			}
			if after := f.rows(); after != before {
				t.Errorf("the second import wrote: %+v, was %+v", after, before)
			}
			if got := f.unit("HN.HBT.BM.C2").Version; got != versions {
				t.Errorf("version after the second import = %d, want %d", got, versions)
			}
		})
	}
}

func TestImportUnitsMovesAUnitWithItsSubtree(t *testing.T) {
	f := newFixture(t)
	sub := f.unit("HN.HBT.VT.S")
	res, err := f.importCSV(domain.SystemPrincipal(), csvOf(
		"HN.HBT.VT.S,Đảng bộ bộ phận Tổ dân phố,subcommittee,HN.HBT.BM,,0",
	))
	wantCode(t, err, "")
	if got, want := summary(res), "0 created, 0 updated, 1 moved, 0 unchanged"; got != want {
		t.Errorf("result: %s, want %s", got, want)
	}
	bm, moved, cell := f.unit("HN.HBT.BM"), f.unit("HN.HBT.VT.S"), f.unit("HN.HBT.VT.S.C1")
	if moved.ParentCode != "HN.HBT.BM" || moved.Path != bm.Path+"."+itoa(moved.ID) || moved.Version != sub.Version+1 {
		t.Errorf("moved sub-committee: parent %s, path %s, version %d", moved.ParentCode, moved.Path, moved.Version)
	}
	if cell.Path != moved.Path+"."+itoa(cell.ID) || cell.ParentCode != "HN.HBT.VT.S" {
		t.Errorf("its cell did not follow: path %s, parent %s", cell.Path, cell.ParentCode)
	}
	hist, err := f.svc.UnitHistory(f.ctx, domain.SystemPrincipal(), "HN.HBT.VT.S")
	wantCode(t, err, "")
	if len(hist) == 0 || hist[0].Action != "unit.move" || snap(t, hist[0].Before)["parent_code"] != "HN.HBT.VT" || snap(t, hist[0].After)["parent_code"] != "HN.HBT.BM" {
		t.Errorf("history of the move: %+v", hist)
	}
}

func TestExportThenImportChangesNothing(t *testing.T) {
	for _, filename := range []string{"units.csv", "units.xlsx"} {
		t.Run(filename, func(t *testing.T) {
			f := newFixture(t)
			sys := domain.SystemPrincipal()
			// A merged ward is not exported; its cell now belongs to the survivor.
			if _, err := f.svc.MergeUnits(f.ctx, sys, "HN.HBT.QM", []string{"HN.HBT.QL"}, "sáp nhập phường"); err != nil {
				t.Fatal(err)
			}
			file := f.exportFile(sys, "", filename)
			rows, err := unitfile.Read(mustFormat(t, filename), bytes.NewReader(file), unitfile.Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := len(rows), f.count("units WHERE active"); got != want {
				t.Errorf("exported %d rows, want %d active units", got, want)
			}
			seen := map[string]bool{}
			for _, r := range rows {
				if r.ParentCode != "" && !seen[r.ParentCode] {
					t.Errorf("row %d (%s) comes before its parent %s", r.Row, r.Code, r.ParentCode)
				}
				seen[r.Code] = true
			}
			if seen["HN.HBT.QL"] {
				t.Error("the merged ward was exported")
			}

			before := f.rows()
			res, err := f.svc.ImportUnitsFile(f.ctx, sys, filename, bytes.NewReader(file), unitfile.Limits{})
			wantCode(t, err, "")
			if got, want := summary(res), fmt.Sprintf("0 created, 0 updated, 0 moved, %d unchanged", len(rows)); got != want {
				t.Errorf("round trip: %s, want %s", got, want)
			}
			if after := f.rows(); after != before {
				t.Errorf("the round trip wrote: %+v, was %+v", after, before)
			}

			board := f.as("bantochuc")
			sub := f.exportFile(board, "hn.hbt", filename)
			res, err = f.svc.ImportUnitsFile(f.ctx, board, filename, bytes.NewReader(sub), unitfile.Limits{})
			wantCode(t, err, "")
			if res.Created+res.Updated+res.Moved != 0 || res.Unchanged == 0 {
				t.Errorf("round trip of the board's subtree: %s", summary(res))
			}
		})
	}
}

func mustFormat(t *testing.T, filename string) unitfile.Format {
	t.Helper()
	format, err := unitfile.FormatOf(filename)
	if err != nil {
		t.Fatal(err)
	}
	return format
}

func TestImportUnitsWithinTheImportersScope(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc") // board of HN.HBT

	t.Run("a board imports new units and changes under its district", func(t *testing.T) {
		res, err := f.importCSV(board, csvOf(
			"HN.HBT.TL,Đảng bộ phường Thanh Lương,grassroots_committee,HN.HBT,,210",
			"HN.HBT.TL.C1,Chi bộ Tổ dân phố số 1,cell,HN.HBT.TL,residential,18",
			"HN.HBT.BM.C3,Chi bộ Tổ dân phố số 3,cell,HN.HBT.TL,residential,20",
			"HN.HBT,Đảng bộ quận Hai Bà Trưng,district,HN,,0",
		))
		wantCode(t, err, "")
		if got, want := summary(res), "2 created, 0 updated, 1 moved, 1 unchanged"; got != want {
			t.Errorf("result: %s, want %s", got, want)
		}
		var who string
		if err := f.db.Get(&who, `SELECT a.username FROM audit_log a JOIN units u ON u.id = a.unit_id WHERE u.code = 'HN.HBT.TL'`); err != nil || who != "bantochuc" {
			t.Errorf("audit user = %q, %v; want bantochuc", who, err)
		}
	})

	tests := []struct {
		name  string
		user  string
		lines []string
		want  []string         // bad rows, when the import is invalid
		code  domain.ErrorCode // otherwise the error code
	}{
		{name: "a parent outside the scope is not found", user: "bantochuc",
			lines: []string{
				"HN.HBT.TL.C2,Chi bộ 2,cell,HN.HBT.TL,residential,3",
				"HN.DD.X.C2,Chi bộ Tổ dân phố số 2,cell,HN.DD.X,residential,3",
			},
			want: []string{"3:parent_code"}},
		{name: "moving a unit out of the scope", user: "bantochuc",
			lines: []string{"HN.HBT.BM,Đảng bộ phường Bạch Mai,grassroots_committee,HN.DD,,400"},
			want:  []string{"2:parent_code"}},
		{name: "changing a unit outside the scope", user: "bantochuc",
			lines: []string{"HN.DD.X.C1,Chi bộ đổi tên,cell,HN.DD.X,residential,3"},
			want:  []string{"2:code"}},
		{name: "a new root", user: "bantochuc",
			lines: []string{"HCM,Đảng bộ TP Hồ Chí Minh,city,,,0"},
			code:  domain.EForbidden},
		{name: "a secretary may not import", user: "bithu",
			lines: []string{"HN.HBT.BM.C9,Chi bộ 9,cell,HN.HBT.BM,residential,3"},
			code:  domain.EForbidden},
		{name: "a viewer may not import", user: "xem",
			lines: []string{"HN.HBT.BM.C9,Chi bộ 9,cell,HN.HBT.BM,residential,3"},
			code:  domain.EForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := f.rows()
			_, err := f.importCSV(f.as(tt.user), csvOf(tt.lines...))
			if tt.code != "" {
				wantCode(t, err, tt.code)
			} else if got, want := strings.Join(badRows(t, err), " "), strings.Join(tt.want, " "); got != want {
				t.Errorf("bad rows = %s, want %s\n%v", got, want, err)
			}
			if err != nil && strings.Contains(err.Error(), "Đống Đa") {
				t.Errorf("the error tells about a unit outside the scope: %v", err)
			}
			if after := f.rows(); after != before {
				t.Errorf("a refused import wrote: %+v, was %+v", after, before)
			}
		})
	}
}

func TestExportUnitsScope(t *testing.T) {
	f := newFixture(t)
	board := f.as("bantochuc")
	tests := []struct {
		name string
		p    domain.Principal
		root string
		want string // first and last codes and count, or the error code
	}{
		{"the system exports the whole tree", domain.SystemPrincipal(), "", "HN…HN.HBT.DK (16)"}, // Đống Đa sorts before Hai Bà Trưng
		{"a board exports its district", board, "HN.HBT", "HN.HBT…HN.HBT.DK (12)"},
		{"a secretary exports their ward", f.as("bithu"), "hn.hbt.bm", "HN.HBT.BM…HN.HBT.BM.C3 (4)"},
		{"a board cannot export another district", board, "HN.DD", string(domain.ENotFound)},
		{"only the system exports everything", board, "", string(domain.EForbidden)},
		{"an unknown root", domain.SystemPrincipal(), "HN.NOPE", string(domain.ENotFound)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			units, err := f.svc.ExportUnits(f.ctx, tt.p, tt.root)
			got := ""
			if err != nil {
				got = string(domain.ErrorCodeOf(err))
			} else if len(units) > 0 {
				got = fmt.Sprintf("%s…%s (%d)", units[0].Code, units[len(units)-1].Code, len(units))
			}
			if got != tt.want {
				t.Errorf("export = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestImportUnitsBuiltInGoSeedsAnEmptyTree(t *testing.T) {
	f := emptyFixture(t)
	var rows []domain.ImportRow
	add := func(in domain.UnitInput) {
		rows = append(rows, domain.ImportRow{Row: len(rows) + 1, UnitInput: in})
	}
	add(domain.UnitInput{Code: "HN", Name: "Đảng bộ Thành phố Hà Nội", Kind: "city"})
	add(domain.UnitInput{Code: "HN.HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN"})
	add(domain.UnitInput{Code: "HN.HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HN.HBT", Members: 412})
	for i := 1; i <= 13; i++ {
		add(domain.UnitInput{Code: fmt.Sprintf("HN.HBT.BM.C%02d", i), Name: fmt.Sprintf("Chi bộ Tổ dân phố số %d", i),
			Kind: "cell", ParentCode: "HN.HBT.BM", Category: domain.CategoryResidential, Members: 20 + i})
	}
	res, err := f.svc.ImportUnits(f.ctx, domain.SystemPrincipal(), rows)
	wantCode(t, err, "")
	if got, want := summary(res), "16 created, 0 updated, 0 moved, 0 unchanged"; got != want {
		t.Errorf("seed: %s, want %s", got, want)
	}
	if got, want := f.unit("HN.HBT.BM").Children, 13; got != want {
		t.Errorf("cells of Bạch Mai = %d, want %d", got, want)
	}
	if got, want := f.count("audit_log WHERE action = 'unit.create' AND username = 'system'"), 16; got != want {
		t.Errorf("create audit rows by system = %d, want %d", got, want)
	}
	if rows[2].Code != "HN.HBT.BM" {
		t.Error("ImportUnits changed the caller's rows")
	}
}
