package unitfile

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/domain"
)

// SheetName is the sheet of an XLSX unit file.
const SheetName = "units"

// MaxXLSXSize bounds the size of an XLSX file to read (a national tree of
// a few hundred thousand units takes some tens of megabytes).
const MaxXLSXSize = 256 << 20

// ReadXLSX reads an XLSX unit file: the sheet named "units", or else the
// first sheet. Row numbers are sheet rows: the header is 1. Blank rows are
// skipped; numbers are read as stored, not as displayed. The format leaves
// out the empty cells that end a row, so a row that ends early has empty
// cells there (a required one is then reported missing by the checks of
// the rows); a filled cell past the last column is a bad row.
func ReadXLSX(r io.Reader) ([]domain.ImportRow, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxXLSXSize+1))
	if err != nil {
		return nil, fmt.Errorf("unitfile: read XLSX: %w", err)
	}
	if len(b) > MaxXLSXSize {
		return nil, fileError(0, "file", "Tệp XLSX quá lớn (tối đa 256 MB)", "the XLSX file is too large (at most 256 MB)")
	}
	if err := checkXLSXText(b); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		return nil, notXLSX(err)
	}
	defer f.Close()
	sheet := SheetName
	if idx, _ := f.GetSheetIndex(sheet); idx < 0 {
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, fileError(1, "header", "Tệp rỗng: thiếu dòng tiêu đề", "the file is empty: the header row is missing")
		}
		sheet = sheets[0]
	}
	it, err := f.Rows(sheet)
	if err != nil {
		return nil, notXLSX(err)
	}
	defer it.Close()
	var rows []domain.ImportRow
	num := 0
	for it.Next() {
		num++
		cells, err := it.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, notXLSX(err)
		}
		if num == 1 {
			if err := checkHeader(cells); err != nil {
				return nil, err
			}
			continue
		}
		if row, ok := rowOf(num, cells, 0); ok {
			rows = append(rows, row)
		}
	}
	if err := it.Error(); err != nil {
		return nil, notXLSX(err)
	}
	if num == 0 {
		return nil, fileError(1, "header", "Tệp rỗng: thiếu dòng tiêu đề", "the file is empty: the header row is missing")
	}
	return rows, nil
}

func notXLSX(err error) error {
	return domain.Invalid("file", fmt.Sprintf("Không đọc được tệp XLSX: %v", err), fmt.Sprintf("cannot read the XLSX file: %v", err))
}

// checkXLSXText refuses an XLSX file whose sheets or shared strings are not
// UTF-8: the XML reader would stop at the first bad byte and the rows after
// it would be silently lost.
func checkXLSXText(b []byte) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return notXLSX(err)
	}
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/") || !strings.HasSuffix(zf.Name, ".xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return notXLSX(err)
		}
		part, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return notXLSX(err)
		}
		if !utf8.Valid(part) {
			return domain.Invalid("file",
				fmt.Sprintf("Tệp XLSX có văn bản không phải UTF-8 hợp lệ (%s)", zf.Name),
				fmt.Sprintf("the XLSX file holds text that is not valid UTF-8 (%s)", zf.Name))
		}
	}
	return nil
}

// WriteXLSX writes units as an XLSX unit file: one sheet named "units", a
// bold header row, one row per unit, members as numbers.
func WriteXLSX(w io.Writer, units []domain.Unit) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("unitfile: write XLSX: %w", cerr)
		}
	}()
	if err := f.SetSheetName(f.GetSheetName(0), SheetName); err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	sw, err := f.NewStreamWriter(SheetName)
	if err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	for i, width := range []float64{16, 60, 22, 16, 14, 10} {
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return fmt.Errorf("unitfile: write XLSX: %w", err)
		}
	}
	header := make([]any, len(domain.ImportColumns))
	for i, c := range domain.ImportColumns {
		header[i] = excelize.Cell{StyleID: bold, Value: c}
	}
	if err := sw.SetRow("A1", header, excelize.RowOpts{StyleID: bold}); err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	values := make([]any, len(domain.ImportColumns))
	for i, u := range units {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return fmt.Errorf("unitfile: write XLSX: %w", err)
		}
		values[0], values[1], values[2], values[3], values[4], values[5] = u.Code, u.Name, u.Kind, orNil(u.ParentCode), orNil(u.Category), u.Members
		if err := sw.SetRow(cell, values); err != nil {
			return fmt.Errorf("unitfile: write XLSX: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("unitfile: write XLSX: %w", err)
	}
	return nil
}

// orNil leaves an empty text cell out of the sheet.
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}
