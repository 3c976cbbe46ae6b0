// Package reportfile renders a weekly report (domain.WeeklyReport) as files
// to download or mail: an XLSX workbook with a native line chart, a CSV of
// the units below, and an A4 PDF with an embedded font that writes
// Vietnamese. Every word of the files is a domain.Text of this package, in
// Vietnamese ("vi", the default) or English ("en"); unit names are data and
// are written as they are.
//
// The lists of the report are built once as tables (tables.go) and each
// format draws them its own way, so that a column added to the units table
// shows in the XLSX, the CSV and the PDF alike.
package reportfile

import (
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/download"
)

// The formats this package knows (html is rendered by the report's HTML
// page; it is here only for ContentType and FileName).
const (
	FormatHTML = "html"
	FormatXLSX = "xlsx"
	FormatCSV  = "csv"
	FormatPDF  = "pdf"
)

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
func FileName(r domain.WeeklyReport, format string) string {
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

// DownloadName names the file of report r in format as downloaded, with
// the unit's name as typed, e.g. "Báo cáo tuần Đảng bộ quận Hai Bà Trưng
// HN.HBT-2020-W14.xlsx"; it goes into a header only through
// download.Attachment or download.Inline, which make it safe.
func DownloadName(r domain.WeeklyReport, format string) string {
	return "Báo cáo tuần " + r.Unit.Name + " " + strings.TrimPrefix(FileName(r, format), "bao-cao-tuan-")
}
