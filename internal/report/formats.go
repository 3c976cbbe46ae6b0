// Package report owns the weekly progress report of a unit: the report as
// a document (Weekly, as stored and served in JSON), its assembly from the
// figures the services read (Build), the comparison of two weeks
// (Compare), its e-mail (Mail), and every format it is drawn in: a
// standalone HTML document (templates/report), an XLSX workbook with a
// native line chart, a CSV of the units below, and an A4 PDF with an
// embedded font that writes Vietnamese. Every word of the files is a
// domain.Text of this package, in Vietnamese ("vi", the default) or
// English ("en"); unit names are data and are written as they are.
//
// The lists of the report are built once as tables (tables.go) and each
// file format draws them its own way, so that a column added to the units
// table shows in the XLSX, the CSV and the PDF alike.
package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
	"github.com/daihoi/daihoi/internal/i18n"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// The formats of a report file.
const (
	FormatHTML = "html"
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
	FormatPDF  = "pdf"
)

// Formats are the file formats of a weekly report, in the order offered.
var Formats = []string{FormatHTML, FormatXLSX, FormatCSV, FormatPDF}

// ValidFormat reports whether f is one of Formats.
func ValidFormat(f string) bool { return slices.Contains(Formats, f) }

// BadFormat refuses a format that is not one of Formats.
func BadFormat(format string) error {
	return domain.Invalid("format", fmt.Sprintf("Định dạng %q không có; chọn html, xlsx, csv hoặc pdf", format),
		fmt.Sprintf("no format %q; use html, xlsx, csv or pdf", format))
}

// Write writes report r as a file in format (one of Formats) and lang;
// the words of the HTML document come from cat.
func Write(w io.Writer, cat *i18n.Catalog, r Weekly, format, lang string) error {
	switch format {
	case FormatHTML:
		return HTML(w, cat, r, lang)
	case FormatXLSX:
		return XLSX(w, r, lang)
	case FormatCSV:
		return CSV(w, r, lang)
	case FormatPDF:
		return PDF(w, r, lang)
	}
	return BadFormat(format)
}

// Separators of the CSV file: SepComma (the default) or SepSemicolon,
// for Excel with Vietnamese regional settings (list separator ";").
const (
	SepComma     = "comma"
	SepSemicolon = "semicolon"
)

// CSVSeparator reads the separator asked for a CSV file ("" is the comma).
func CSVSeparator(sep string) (rune, error) {
	switch sep {
	case "", SepComma:
		return tablefile.Comma, nil
	case SepSemicolon:
		return tablefile.Semicolon, nil
	}
	return 0, domain.Invalid("sep", fmt.Sprintf("Dấu phân cách %q không có; chọn comma hoặc semicolon", sep),
		fmt.Sprintf("no separator %q; use comma or semicolon", sep))
}

// WriteSep writes report r as Write does, a CSV file with its fields
// separated by sep (a separator of CSVSeparator).
func WriteSep(w io.Writer, cat *i18n.Catalog, r Weekly, format, lang string, sep rune) error {
	if format == FormatCSV {
		return CSVSep(w, r, lang, sep)
	}
	return Write(w, cat, r, format, lang)
}

// ContentType is the media type of a report in format, for the
// Content-Type header; "application/octet-stream" for a format it does not
// know.
func ContentType(format string) string {
	switch format {
	case FormatHTML:
		return "text/html; charset=utf-8"
	case FormatXLSX:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case FormatCSV:
		return "text/csv; charset=utf-8"
	case FormatPDF:
		return "application/pdf"
	}
	return "application/octet-stream"
}

// FileName names the file of report r in format, e.g.
// "bao-cao-tuan-HN.HBT-2020-W14.xlsx", as attached to the e-mails. It is
// ASCII letters, digits, '.', '-' and '_' only (Vietnamese letters lose
// their marks).
func FileName(r Weekly, format string) string {
	parts := []string{"bao-cao-tuan"}
	for _, s := range []string{r.Unit.Code, r.Week} {
		if s = download.ASCII(s); s != "" {
			parts = append(parts, s)
		}
	}
	name := strings.Join(parts, "-")
	if ext := download.ASCII(format); ext != "" {
		name += "." + strings.ToLower(ext)
	}
	return name
}

// SemicolonName names the semicolon-separated CSV file of a report: its
// FileName or DownloadName with "-cham-phay" before the extension.
func SemicolonName(name string) string {
	return strings.TrimSuffix(name, ".csv") + "-cham-phay.csv"
}

// DownloadName names the file of report r in format as downloaded, with
// the unit's name as typed, e.g. "Báo cáo tuần Đảng bộ quận Hai Bà Trưng
// HN.HBT-2020-W14.xlsx"; it goes into a header only through
// download.Attachment or download.Inline, which make it safe.
func DownloadName(r Weekly, format string) string {
	return "Báo cáo tuần " + r.Unit.Name + " " + strings.TrimPrefix(FileName(r, format), "bao-cao-tuan-")
}
