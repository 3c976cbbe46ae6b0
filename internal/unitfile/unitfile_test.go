package unitfile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/domain"
)

// sampleUnits is a small tree with Vietnamese names, parents first.
func sampleUnits() []domain.Unit {
	return []domain.Unit{
		{Code: "HN", Name: "Đảng bộ TP Hà Nội", Kind: "city", Members: 0},
		{Code: "HBT", Name: "Đảng bộ quận Hai Bà Trưng", Kind: "district", ParentCode: "HN", Members: 0},
		{Code: "HBT.BM", Name: "Đảng bộ phường Bạch Mai", Kind: "grassroots_committee", ParentCode: "HBT", Members: 412},
		{Code: "HBT.BM.05", Name: "Chi bộ Tổ dân phố số 5 – phường Bạch Mai", Kind: "cell", ParentCode: "HBT.BM", Category: "residential", Members: 37},
		{Code: "HBT.DK", Name: `Chi bộ Trường THPT Đoàn Kết – Hai Bà Trưng, "điểm"`, Kind: "grassroots_cell", ParentCode: "HBT", Category: "school", Members: 1234567},
	}
}

// inputs returns the unit inputs of rows, failing on any row problem.
func inputs(t *testing.T, rows []domain.ImportRow) []domain.UnitInput {
	t.Helper()
	out := make([]domain.UnitInput, len(rows))
	for i, r := range rows {
		if len(r.Problems) > 0 {
			t.Fatalf("row %d has problems: %+v", r.Row, r.Problems)
		}
		out[i] = r.UnitInput
	}
	return out
}

func wantInputs(units []domain.Unit) []domain.UnitInput {
	out := make([]domain.UnitInput, len(units))
	for i, u := range units {
		out[i] = domain.UnitInput{Code: u.Code, Name: u.Name, Kind: u.Kind, ParentCode: u.ParentCode, Category: u.Category, Members: u.Members}
	}
	return out
}

func TestWrittenFilesReadBackTheSameUnits(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(f, &buf, sampleUnits()); err != nil {
				t.Fatal(err)
			}
			rows, err := Read(f, bytes.NewReader(buf.Bytes()), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := inputs(t, rows), wantInputs(sampleUnits()); !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
			for i, r := range rows {
				if got, want := r.Row, i+2; got != want {
					t.Errorf("row number of %s = %d, want %d", r.Code, got, want)
				}
			}
		})
	}
}

func TestAnEmptyTreeIsAFileWithOnlyTheHeader(t *testing.T) {
	for _, f := range []Format{CSV, XLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(f, &buf, nil); err != nil {
				t.Fatal(err)
			}
			rows, err := Read(f, &buf, Limits{})
			if err != nil || len(rows) != 0 {
				t.Fatalf("rows = %v, err = %v; want none, nil", rows, err)
			}
		})
	}
}

func TestWriteCSVIsUTF8WithAHeader(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, sampleUnits()[3:4]); err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFcode,name,kind,parent_code,category,members\n" +
		"HBT.BM.05,Chi bộ Tổ dân phố số 5 – phường Bạch Mai,cell,HBT.BM,residential,37\n"
	if got := buf.String(); got != want {
		t.Errorf("CSV =\n%q\nwant\n%q", got, want)
	}
}

func TestWriteXLSXHasABoldHeaderOnASheetNamedUnits(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, sampleUnits()); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if got, want := x.GetSheetList(), []string{"units"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("sheets = %v, want %v", got, want)
	}
	last, _ := excelize.CoordinatesToCellName(len(domain.ImportColumns), len(sampleUnits())+1)
	if d, err := x.GetSheetDimension("units"); err != nil || d != "A1:"+last {
		t.Errorf("the sheet declares its used range %q (%v), want A1:%s", d, err, last)
	}
	for i, name := range domain.ImportColumns {
		cell, _ := excelize.CoordinatesToCellName(i+1, 1)
		v, _ := x.GetCellValue("units", cell)
		if v != name {
			t.Errorf("header %s = %q, want %q", cell, v, name)
		}
		id, err := x.GetCellStyle("units", cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := x.GetStyle(id)
		if err != nil {
			t.Fatal(err)
		}
		if st.Font == nil || !st.Font.Bold {
			t.Errorf("header %s is not bold", cell)
		}
	}
	if v, _ := x.GetCellValue("units", "B5"); v != "Chi bộ Tổ dân phố số 5 – phường Bạch Mai" {
		t.Errorf("B5 = %q", v)
	}
	if typ, _ := x.GetCellType("units", "F4"); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
		t.Errorf("members cell type = %v, want a number", typ)
	}
}

func TestReadCSV(t *testing.T) {
	const header = "code,name,kind,parent_code,category,members\n"
	tests := []struct {
		name     string
		file     string
		rows     []string // "row:code:members" of the rows read
		problems []string // "row:field" of the cell problems
		err      string   // "row:field" of a file error
	}{
		{name: "without a byte order mark, with CRLF line ends",
			file: "code,name,kind,parent_code,category,members\r\nA,Tên A,city,,,0\r\nB,Tên B,district,A,,5\r\n",
			rows: []string{"2:A:0", "3:B:5"}},
		{name: "blank lines are skipped but counted",
			file: header + "A,Tên A,city,,,1\n\n,,,,,\nB,Tên B,district,A,,2\n",
			rows: []string{"2:A:1", "5:B:2"}},
		{name: "a short row is a bad row, with its number",
			file:     header + "A,Tên A,city,,,1\nB,Tên B,cell,A\nC,Tên C,district,A,,\n",
			rows:     []string{"2:A:1", "3:B:0", "4:C:0"},
			problems: []string{"3:row"}},
		{name: "a long row is a bad row, even when its extra cells are empty",
			file:     header + "A,Tên A,city,,,1,\nB,Tên B,district,A,,2\n",
			rows:     []string{"2:A:1", "3:B:2"},
			problems: []string{"2:row"}},
		{name: "blank rows of any width are skipped",
			file: header + ",,\n,,,,,,,,\nA,Tên A,city,,,1\n",
			rows: []string{"4:A:1"}},
		{name: "a quoted name over two lines keeps the line of its start",
			file: header + "A,\"Tên\ndài\",city,,,1\nB,Tên B,district,A,,2\n",
			rows: []string{"2:A:1", "4:B:2"}},
		{name: "invalid UTF-8 in a cell",
			file:     header + "A,T\xean A,city,,,1\nB,Tên B,dis\xfftrict,A,,2\n",
			rows:     []string{"2:A:1", "3:B:2"},
			problems: []string{"2:name", "3:kind"}},
		{name: "bad numbers",
			file:     header + "A,Tên A,city,,,một\nB,Tên B,district,A,,-2\nC,Tên C,district,A,,2.5\n",
			rows:     []string{"2:A:0", "3:B:0", "4:C:0"},
			problems: []string{"2:members", "3:members", "4:members"}},
		{name: "too many cells",
			file:     header + "A,Tên A,city,,,1,extra\n",
			rows:     []string{"2:A:1"},
			problems: []string{"2:row"}},
		{name: "header names ignore case and spaces; rows as wide as the header",
			file: " Code ,NAME,kind,parent_code,category,members,,\nA,Tên A,city,,,1,,\n",
			rows: []string{"2:A:1"}},
		{name: "a row as wide as a padded header but with a filled cell past the columns",
			file:     "code,name,kind,parent_code,category,members,\nA,Tên A,city,,,1,x\n",
			rows:     []string{"2:A:1"},
			problems: []string{"2:row"}},
		{name: "empty file", file: "", err: "1:header"},
		{name: "no header", file: "A,Tên A,city,,,1\n", err: "1:header"},
		{name: "columns in another order", file: "name,code,kind,parent_code,category,members\n", err: "1:header"},
		{name: "a missing column", file: "code,name,kind,parent_code,members\n", err: "1:header"},
		{name: "an extra column", file: "code,name,kind,parent_code,category,members,note\n", err: "1:header"},
		{name: "a broken quote", file: header + "A,Tên A,city,,,1\nB,\"Tên B,district,A,,2\n", err: "3:row"},
		{name: "a bare quote", file: header + "A,Tên A,city,,,1\n\nB,Chi bộ \"Đoàn Kết\",district,A,,2\n", err: "4:row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadCSV(strings.NewReader(tt.file), Limits{})
			checkRead(t, rows, err, tt.rows, tt.problems, tt.err)
		})
	}
}

func checkRead(t *testing.T, rows []domain.ImportRow, err error, wantRows, wantProblems []string, wantErr string) {
	t.Helper()
	if wantErr != "" {
		e := domain.AsError(err)
		if e == nil || e.Code != domain.EInvalid || len(e.Fields) != 1 {
			t.Fatalf("error = %v, want one EInvalid field error", err)
		}
		if got := fmt.Sprintf("%d:%s", e.Fields[0].Row, e.Fields[0].Field); got != wantErr {
			t.Errorf("error at %s, want %s (%v)", got, wantErr, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	var got, problems []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%d:%s:%d", r.Row, r.Code, r.Members))
		for _, p := range r.Problems {
			if p.Row != r.Row {
				t.Errorf("problem of row %d says row %d", r.Row, p.Row)
			}
			problems = append(problems, fmt.Sprintf("%d:%s", p.Row, p.Field))
		}
	}
	if !reflect.DeepEqual(got, wantRows) {
		t.Errorf("rows = %v, want %v", got, wantRows)
	}
	if !reflect.DeepEqual(problems, wantProblems) {
		t.Errorf("problems = %v, want %v", problems, wantProblems)
	}
}

// sheet builds an XLSX file with the given rows (nil rows are left out).
func sheet(t *testing.T, name string, rows [][]any) []byte {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	if name != "Sheet1" {
		if err := x.SetSheetName("Sheet1", name); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range rows {
		if r == nil {
			continue
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := x.SetSheetRow(name, cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadXLSX(t *testing.T) {
	header := []any{"code", "name", "kind", "parent_code", "category", "members"}
	tests := []struct {
		name     string
		sheet    string
		rows     [][]any
		want     []string
		problems []string
		err      string
	}{
		{name: "numbers stored as numbers or as text",
			sheet: "units",
			rows:  [][]any{header, {"A", "Tên A", "city", "", "", 12}, {"B", "Tên B", "district", "A", "", "7"}},
			want:  []string{"2:A:12", "3:B:7"}},
		{name: "blank rows are skipped but counted",
			sheet: "Trang 1",
			rows:  [][]any{header, {"A", "Tên A", "city"}, nil, nil, {"B", "Tên B", "district", "A", nil, 3}},
			want:  []string{"2:A:0", "5:B:3"}},
		{name: "bad numbers",
			sheet:    "units",
			rows:     [][]any{header, {"A", "Tên A", "city", "", "", 1.5}, {"B", "Tên B", "district", "A", "", -4}, {"C", "Tên C", "district", "A", "", "nhiều"}},
			want:     []string{"2:A:0", "3:B:0", "4:C:0"},
			problems: []string{"2:members", "3:members", "4:members"}},
		{name: "a row that ends early has empty cells there; a filled cell past the columns is a bad row",
			sheet:    "units",
			rows:     [][]any{header, {"A", "Tên A", "city"}, {"B", "Tên B", "district", "A", nil, 3, nil, "x"}},
			want:     []string{"2:A:0", "3:B:3"},
			problems: []string{"3:row"}},
		{name: "a wrong header", sheet: "units", rows: [][]any{{"code", "name", "kind"}, {"A", "Tên A", "city"}}, err: "1:header"},
		{name: "an empty sheet", sheet: "units", rows: nil, err: "1:header"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rows, err := ReadXLSX(bytes.NewReader(sheet(t, tt.sheet, tt.rows)), Limits{})
			checkRead(t, rows, err, tt.want, tt.problems, tt.err)
		})
	}
}

func TestReadXLSXRefusesWhatIsNotAnXLSXFile(t *testing.T) {
	_, err := ReadXLSX(strings.NewReader("code,name\n"), Limits{})
	if !domain.IsCode(err, domain.EInvalid) || strings.Contains(err.Error(), "zip") || !strings.Contains(err.Error(), "not a valid Excel workbook (.xlsx)") {
		t.Fatalf("error = %v, want invalid, in the user's words", err)
	}
}

// A workbook sent under a .csv name, or a binary file, is told for what it
// is, not read as a header of stray bytes.
func TestReadCSVTellsAWorkbookOrABinaryFile(t *testing.T) {
	book := sheet(t, "units", [][]any{{"code", "name", "kind", "parent_code", "category", "members"}, {"A", "Tên A", "city"}})
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"a workbook", book, "an Excel workbook (.xlsx) named .csv"},
		{"a binary file", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), "not CSV text in UTF-8"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(bytes.NewReader(tc.file), Limits{})
			if !domain.IsCode(err, domain.EInvalid) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "PK") {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestReadXLSXRefusesTextThatIsNotUTF8(t *testing.T) {
	good := sheet(t, "units", [][]any{{"code", "name", "kind", "parent_code", "category", "members"}, {"A", "Tên ĐĐĐ", "city"}, {"B", "Tên B", "district", "A"}})
	// Replace the UTF-8 bytes of "Đ" (C4 90) by a lone C4 inside the stored
	// part: rebuild the zip with the damaged part.
	bad := damageZip(t, good, "Đ", "\xc4")
	_, err := ReadXLSX(bytes.NewReader(bad), Limits{})
	if !domain.IsCode(err, domain.EInvalid) || !strings.Contains(err.Error(), "UTF-8") {
		t.Fatalf("error = %v, want invalid UTF-8", err)
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want Format
		ok   bool
	}{
		{"units.csv", CSV, true}, {"/tmp/Đơn vị.XLSX", XLSX, true}, {"units.xls", "", false}, {"units", "", false}, {"units.csv.txt", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormatOf(tt.name)
			if got != tt.want || (err == nil) != tt.ok {
				t.Fatalf("FormatOf(%q) = %q, %v; want %q, ok %v", tt.name, got, err, tt.want, tt.ok)
			}
			if err != nil && (!domain.IsCode(err, domain.EInvalid) || !strings.Contains(err.Error(), ".csv and .xlsx")) {
				t.Errorf("error = %v, want a clear invalid error", err)
			}
		})
	}
}

// TestExportedNamesCannotRunAsFormulasAndReadBackAsTyped: a name that a
// spreadsheet would run is inert in the CSV (a leading apostrophe) and a
// text cell in the XLSX, and importing the file gives the name back as typed.
func TestExportedNamesCannotRunAsFormulasAndReadBackAsTyped(t *testing.T) {
	names := []string{`=HYPERLINK("http://x.example","Bấm")`, "+84 Chi bộ", "-Chi bộ", "@SUM(1)", "'=đã có dấu nháy"}
	units := []domain.Unit{{Code: "HN", Name: "Hà Nội", Kind: "city"}}
	for i, n := range names {
		units = append(units, domain.Unit{Code: fmt.Sprintf("HN.%d", i), Name: n, Kind: "district", ParentCode: "HN"})
	}
	for _, f := range []Format{CSV, XLSX} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(f, &buf, units); err != nil {
				t.Fatal(err)
			}
			if f == CSV {
				recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), bom))).ReadAll()
				if err != nil {
					t.Fatal(err)
				}
				for i, n := range names {
					if got := recs[i+2][1]; got != "'"+n {
						t.Errorf("name %q is written %q, want it after an apostrophe", n, got)
					}
				}
			} else {
				x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
				if err != nil {
					t.Fatal(err)
				}
				for i := range names {
					cell := fmt.Sprintf("B%d", i+3)
					if f, _ := x.GetCellFormula(SheetName, cell); f != "" {
						t.Errorf("%s is the formula %q", cell, f)
					}
				}
				x.Close()
			}
			rows, err := Read(f, bytes.NewReader(buf.Bytes()), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if got, want := inputs(t, rows), wantInputs(units); !reflect.DeepEqual(got, want) {
				t.Errorf("read back\n%+v\nwant\n%+v", got, want)
			}
		})
	}
}
