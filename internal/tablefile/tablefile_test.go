package tablefile

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

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
