// Package tablefile writes a table (a header and rows of cells) as CSV or
// XLSX, for the downloads of the web pages and the reports. Cells are
// strings, Formatted values, ints or float64s; numbers stay numbers in XLSX.
//
// Text comes from users (unit names, reasons), and a spreadsheet runs a
// cell that starts with =, +, -, @, a tab or a carriage return as a formula
// ("=HYPERLINK(...)", "=cmd|..."): every writer of the project makes such
// text inert here, once. In CSV a string cell gets a leading apostrophe
// (Inert); in XLSX a string is always a text cell, never a formula. Numbers
// are never touched: a -3 days overdue is a number in both formats, and a
// string "-3" in CSV is text typed by someone, so it is made inert like any
// other (a spreadsheet shows '-3, never computes with it).
package tablefile

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// triggers are the first characters that make a spreadsheet read a CSV
// cell as a formula.
const triggers = "=+-@\t\r"

// Inert keeps a spreadsheet from reading s as a formula: text that starts
// with =, +, -, @, a tab or a carriage return, possibly after apostrophes,
// gets one more leading apostrophe. RestoreInert undoes it exactly.
func Inert(s string) string {
	if t := strings.TrimLeft(s, "'"); t != "" && strings.IndexByte(triggers, t[0]) >= 0 {
		return "'" + s
	}
	return s
}

// RestoreInert undoes Inert: text of a file made by this project (a unit
// file exported, then imported) reads back as it was typed.
func RestoreInert(s string) string {
	if len(s) > 1 && s[0] == '\'' {
		if t := strings.TrimLeft(s, "'"); t != "" && strings.IndexByte(triggers, t[0]) >= 0 {
			return s[1:]
		}
	}
	return s
}

// Formatted is a value the program wrote as text: a signed change "+3", a
// share "69,23%", a day "05/04/2020". It is written as it is, where a
// plain string (text a user may have typed) is made inert.
type Formatted string

// Day is a calendar day: written dd/mm/yyyy in CSV, and as a date cell
// shown dd/mm/yyyy in XLSX, so that a spreadsheet sorts and filters it as
// a date, not as text. Only its year, month and day count.
type Day struct{ time.Time }

// dayFormat is how a Day is written and shown.
const dayFormat = "02/01/2006"

// Table is a header and its rows.
type Table struct {
	// Sheet names the XLSX sheet (at most 31 characters).
	Sheet  string
	Header []string
	Rows   [][]any
}

// WriteCSV writes t as UTF-8 CSV with a byte-order mark, so that Excel
// opens Vietnamese text correctly; string cells and headings are made inert.
func WriteCSV(w io.Writer, t Table) error { return WriteCSVSep(w, t, Comma) }

// The separators of a CSV file: the comma of the standard (RFC 4180), and
// the semicolon that Excel expects where the list separator of the
// regional settings is ";", as with Vietnamese settings (where the comma
// is the decimal sign): such an Excel opens a comma-separated file as one
// column.
const (
	Comma     = ','
	Semicolon = ';'
)

// WriteCSVSep writes t as WriteCSV does, its fields separated by sep
// (Comma or Semicolon); a field holding sep is quoted.
func WriteCSVSep(w io.Writer, t Table, sep rune) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.Comma = sep
	rec := make([]string, len(t.Header))
	for i, h := range t.Header {
		rec[i] = Inert(h)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	for _, row := range t.Rows {
		for i := range rec {
			rec[i] = ""
			if i < len(row) {
				rec[i] = csvCell(row[i])
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell writes one cell of a CSV row: numbers and Formatted values as
// they are, any other value as inert text.
func csvCell(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case Formatted:
		return string(v)
	case Day:
		return v.Format(dayFormat)
	case int:
		return strconv.Itoa(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case string:
		return Inert(v)
	}
	return Inert(fmt.Sprint(v))
}

// WriteXLSX writes t as one sheet of an XLSX workbook, its header bold and
// frozen: strings and Formatted values as text cells, numbers as numbers.
func WriteXLSX(w io.Writer, t Table) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := t.Sheet
	if sheet == "" {
		sheet = "Sheet1"
	}
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	// The stream writer writes the sheet's dimension as it stands when it
	// starts: the used range is known before the first row.
	cols := len(t.Header)
	for _, row := range t.Rows {
		cols = max(cols, len(row))
	}
	if err := f.SetSheetDimension(sheet, Dimension(cols, len(t.Rows)+1)); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	numFmt := "dd/mm/yyyy"
	day, err := f.NewStyle(&excelize.Style{CustomNumFmt: &numFmt})
	if err != nil {
		return err
	}
	header := make([]any, len(t.Header))
	for i, h := range t.Header {
		header[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for i, row := range t.Rows {
		cell, err := excelize.CoordinatesToCellName(1, i+2)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, xlsxRow(row, day)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// Dimension is the used range of a sheet of cols columns and rows rows
// from A1: "A1:P61" ("A1" when empty). A stream writer writes the
// dimension a sheet has when it starts: set it before.
func Dimension(cols, rows int) string {
	if cols < 1 || rows < 1 {
		return "A1"
	}
	last, _ := excelize.CoordinatesToCellName(cols, rows)
	return "A1:" + last
}

// SetDimensions declares each sheet of f its used range, the <dimension
// ref> of its XML, which excelize leaves at "A1" (a reader that trusts it,
// such as a streaming parser or an import, sees an empty sheet): from A1
// to the last row and the last column with a value.
func SetDimensions(f *excelize.File) error {
	for _, sheet := range f.GetSheetList() {
		rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			return err
		}
		cols := 0
		for _, r := range rows {
			cols = max(cols, len(r))
		}
		if err := f.SetSheetDimension(sheet, Dimension(cols, len(rows))); err != nil {
			return err
		}
	}
	return nil
}

// xlsxRow returns the cells of a row as the stream writer takes them:
// Formatted values as plain strings, which it writes as inline text (a
// string is never a formula: only an excelize.Cell with a Formula is), and
// days as dates in the style day.
func xlsxRow(row []any, day int) []any {
	out := make([]any, len(row))
	for i, v := range row {
		switch v := v.(type) {
		case Formatted:
			out[i] = string(v)
		case Day:
			out[i] = excelize.Cell{StyleID: day, Value: time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC)}
		default:
			out[i] = v
		}
	}
	return out
}
