package report

import (
	"fmt"
	"io"
	"strconv"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// CSV writes the units directly below of report r as CSV in lang: UTF-8
// with a byte-order mark (so that Excel opens Vietnamese right), the columns
// of the workbook's units sheet, days as 05/04/2020 (vi) or 2020-04-05 (en)
// and shares as "69,23%" (vi) or "69.23%" (en); text that a spreadsheet
// would take for a formula is made inert (tablefile.Inert). A report without units below has
// one row saying so.
func CSV(w io.Writer, r Weekly, lang string) error { return CSVSep(w, r, lang, tablefile.Comma) }

// CSVSep writes the CSV of report r as CSV does, its fields separated by
// sep: tablefile.Semicolon for Excel with Vietnamese regional settings.
func CSVSep(w io.Writer, r Weekly, lang string, sep rune) error {
	lang = domain.Lang(lang)
	t := unitsTable(r, lang)
	out := tablefile.Table{Header: heads(t, lang)}
	for _, row := range t.rows {
		rec := make([]any, len(row))
		for i, v := range row {
			switch v := v.(type) {
			case string:
				rec[i] = v // made inert by tablefile
			case int: // digits only, for the programs that read the file
				rec[i] = tablefile.Formatted(strconv.Itoa(v))
			case delta:
				d := strconv.Itoa(int(v))
				if v > 0 {
					d = "+" + d
				}
				rec[i] = tablefile.Formatted(d)
			default:
				rec[i] = tablefile.Formatted(cellText(v, lang))
			}
		}
		out.Rows = append(out.Rows, rec)
	}
	if len(t.rows) == 0 {
		out.Rows = [][]any{{labels.None.In(lang)}}
	}
	if err := tablefile.WriteCSVSep(w, out, sep); err != nil {
		return fmt.Errorf("report: csv: %w", err)
	}
	return nil
}

// heads are the headings of t's columns in lang.
func heads(t table, lang string) []string {
	out := make([]string, len(t.cols))
	for i, c := range t.cols {
		out[i] = c.head.In(lang)
	}
	return out
}
