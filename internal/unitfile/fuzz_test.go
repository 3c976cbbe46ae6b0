package unitfile

import (
	"bytes"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// FuzzReadUnitFile: any bytes, read as a CSV or an XLSX unit file, are
// rows or a refusal of the file, never a panic; a row read has its file
// line.
func FuzzReadUnitFile(f *testing.F) {
	good := "code,name,kind,parent_code,category,members\nHN,Hà Nội,city,,,0\nHN.HBT,Hai Bà Trưng,district,HN,,12\n"
	for _, s := range []string{good, "\xEF\xBB\xBF" + good, "code,name\n\"a,b\n", "code,name,kind\nHN,\xff\xfe,city\n", "", "PK\x03\x04garbage"} {
		f.Add([]byte(s), false)
	}
	var x bytes.Buffer
	if err := WriteXLSX(&x, []domain.Unit{{Code: "HN", Name: "Hà Nội", Kind: "city"}}); err != nil {
		f.Fatal(err)
	}
	f.Add(x.Bytes(), true)
	f.Fuzz(func(t *testing.T, b []byte, xlsx bool) {
		read := ReadCSV
		if xlsx {
			read = ReadXLSX
		}
		rows, err := read(bytes.NewReader(b), Limits{MaxRows: 1000, MaxUnpacked: 1 << 20})
		if err != nil {
			if !domain.IsCode(err, domain.EInvalid) {
				t.Fatalf("%v is not a refusal of the file", err)
			}
			return
		}
		for _, r := range rows {
			if r.Row < 2 {
				t.Fatalf("row %d: the header is line 1", r.Row)
			}
		}
	})
}
