// Package unitfile reads and writes the unit tree as CSV and XLSX files with
// the columns of domain.ImportColumns: code, name, kind, parent_code,
// category, members. Reading checks the header and each cell (UTF-8 text,
// numbers) and leaves the rules of the tree to domain.PlanImport; writing
// keeps the order of the units given (parents before children) and makes
// a name a spreadsheet would run as a formula inert (tablefile.Inert).
package unitfile

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/daihoi/daihoi/internal/domain"
)

// Format is a file format of unit files.
type Format string

// The formats of unit files, named by their extensions.
const (
	CSV  Format = "csv"
	XLSX Format = "xlsx"
)

// FormatOf returns the format named by the extension of filename (.csv or
// .xlsx, in any case); any other name is an EInvalid error.
func FormatOf(filename string) (Format, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	}
	return "", domain.Invalid("file",
		fmt.Sprintf("Tệp %q không được hỗ trợ: chỉ nhận tệp .csv hoặc .xlsx", filepath.Base(filename)),
		fmt.Sprintf("unsupported file %q: only .csv and .xlsx files are accepted", filepath.Base(filename)))
}

// Limits bound what reading one unit file may take.
type Limits struct {
	// MaxRows is the most rows of units a file may hold (blank rows aside);
	// 0: no limit. A file with more is refused as soon as the row after
	// the last allowed one is read.
	MaxRows int
	// MaxUnpacked is the most bytes the parts of an XLSX file may unpack
	// to, in all; 0: DefaultMaxUnpacked.
	MaxUnpacked int64
}

func (l Limits) maxUnpacked() int64 {
	if l.MaxUnpacked <= 0 {
		return DefaultMaxUnpacked
	}
	return l.MaxUnpacked
}

// checkRows refuses the file when it holds n rows of units, more than
// MaxRows.
func (l Limits) checkRows(n int) error {
	if l.MaxRows <= 0 || n <= l.MaxRows {
		return nil
	}
	return fileError(0, "file",
		message.NewPrinter(language.Vietnamese).Sprintf("Tệp có hơn %d dòng đơn vị, quá giới hạn của một lần nhập; hãy chia nhỏ tệp", l.MaxRows),
		message.NewPrinter(language.English).Sprintf("the file has more than %d rows of units, the most one import takes; split it", l.MaxRows))
}

// Read reads the rows of a unit file in format f, within lim.
func Read(f Format, r io.Reader, lim Limits) ([]domain.ImportRow, error) {
	switch f {
	case CSV:
		return ReadCSV(r, lim)
	case XLSX:
		return ReadXLSX(r, lim)
	}
	return nil, fmt.Errorf("unitfile: unknown format %q", f)
}

// Write writes units as a unit file in format f.
func Write(f Format, w io.Writer, units []domain.Unit) error {
	switch f {
	case CSV:
		return WriteCSV(w, units)
	case XLSX:
		return WriteXLSX(w, units)
	}
	return fmt.Errorf("unitfile: unknown format %q", f)
}

// fileError is an EInvalid error about the whole file or one of its rows.
func fileError(row int, field, vi, en string) error {
	var v domain.Validation
	v.AddRow(row, field, vi, en)
	return v.Err()
}

// checkHeader checks the first row: the column names in their order (case
// and surrounding spaces aside; empty cells after the last column allowed).
func checkHeader(cells []string) error {
	cells = trimTrailingEmpty(cells)
	ok := len(cells) == len(domain.ImportColumns)
	for i := 0; ok && i < len(cells); i++ {
		ok = strings.ToLower(strings.TrimSpace(cells[i])) == domain.ImportColumns[i]
	}
	if ok {
		return nil
	}
	want := strings.Join(domain.ImportColumns, ", ")
	got := strings.ToValidUTF8(strings.Join(cells, ", "), "\uFFFD")
	if len(got) > 200 {
		got = got[:200] + "…"
	}
	return fileError(1, "header",
		fmt.Sprintf("Dòng đầu tiên phải là dòng tiêu đề gồm các cột: %s (tệp có: %s)", want, got),
		fmt.Sprintf("the first row must be the header with the columns %s (the file has: %s)", want, got))
}

func trimTrailingEmpty(cells []string) []string {
	n := len(cells)
	for n > 0 && strings.TrimSpace(cells[n-1]) == "" {
		n--
	}
	return cells[:n]
}

// rowOf turns the cells of a data row into an import row; ok is false for
// a blank row (every cell empty), which is skipped. A CSV row must have as
// many cells as the header (width: a short row is not a row with empty
// cells, it is a row whose cells may have slid into the wrong columns); an
// XLSX sheet leaves out the empty cells at the end of a row, so there
// width is 0 and only a filled cell past the last column is refused.
func rowOf(num int, cells []string, width int) (domain.ImportRow, bool) {
	n := len(cells)
	cells = trimTrailingEmpty(cells)
	if len(cells) == 0 {
		return domain.ImportRow{}, false
	}
	r := domain.ImportRow{Row: num}
	switch {
	case width > 0 && n != width:
		r.Problems = append(r.Problems, domain.FieldError{Row: num, Field: "row", Message: domain.Text{
			VI: fmt.Sprintf("Dòng có %d ô, dòng tiêu đề có %d ô", n, width),
			EN: fmt.Sprintf("the row has %d cells, the header has %d", n, width),
		}})
	case len(cells) > len(domain.ImportColumns):
		r.Problems = append(r.Problems, domain.FieldError{Row: num, Field: "row", Message: domain.Text{
			VI: fmt.Sprintf("Dòng có %d ô, nhiều hơn %d cột của tệp", len(cells), len(domain.ImportColumns)),
			EN: fmt.Sprintf("the row has %d cells, more than the %d columns of the file", len(cells), len(domain.ImportColumns)),
		}})
	}
	for i, c := range cells {
		if i >= len(domain.ImportColumns) {
			break
		}
		r.SetCell(domain.ImportColumns[i], c)
	}
	return r, true
}
