package unitfile

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// SheetName is the sheet of an XLSX unit file.
const SheetName = "units"

// MaxXLSXSize bounds the size of an XLSX file to read (a national tree of
// a few hundred thousand units takes some tens of megabytes).
const MaxXLSXSize = 256 << 20

// DefaultMaxUnpacked bounds the unpacked size of an XLSX file when Limits
// sets none: a national tree of 350,000 units unpacks to about 150 MB.
const DefaultMaxUnpacked = 1 << 30

// ReadXLSX reads an XLSX unit file: the sheet named "units", or else the
// first sheet. Row numbers are sheet rows: the header is 1. Blank rows are
// skipped; numbers are read as stored, not as displayed. The format leaves
// out the empty cells that end a row, so a row that ends early has empty
// cells there (a required one is then reported missing by the checks of
// the rows); a filled cell past the last column is a bad row.
//
// An XLSX file is a zip archive, and a small one may unpack to gigabytes (a
// "zip bomb"): the sizes its parts declare are added up before anything is
// unpacked, and a file over lim.MaxUnpacked is refused; the zip reader
// stops a part that unpacks to more than it declared. Parts are then read
// as streams, and the rows stop at lim.MaxRows.
func ReadXLSX(r io.Reader, lim Limits) ([]domain.ImportRow, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxXLSXSize+1))
	if err != nil {
		return nil, fmt.Errorf("unitfile: read XLSX: %w", err)
	}
	if len(b) > MaxXLSXSize {
		return nil, fileError(0, "file", "Tệp XLSX quá lớn (tối đa 256 MB)", "the XLSX file is too large (at most 256 MB)")
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, notXLSX(err)
	}
	maxUnpacked := lim.maxUnpacked()
	if err := checkUnpackedSize(zr, maxUnpacked); err != nil {
		return nil, err
	}
	if err := checkXLSXText(zr); err != nil {
		return nil, err
	}
	f, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{
		UnzipSizeLimit: maxUnpacked, UnzipXMLSizeLimit: min(maxUnpacked, excelize.StreamChunkSize)})
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
			if err := lim.checkRows(len(rows) + 1); err != nil {
				return nil, err
			}
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

// notXLSX refuses a file that is not a workbook excelize can read, in the
// user's words: the library's own (zip: not a valid zip file) says nothing
// to a secretary.
func notXLSX(error) error {
	return domain.Invalid("file", "Không đọc được tệp: đây không phải bảng tính Excel (.xlsx) hợp lệ. Hãy mở tệp bằng Excel và lưu lại dưới dạng .xlsx, hoặc gửi tệp CSV UTF-8",
		"the file cannot be read: it is not a valid Excel workbook (.xlsx). Open it in Excel and save it again as .xlsx, or send a CSV UTF-8 file")
}

// checkUnpackedSize refuses an XLSX file whose parts unpack to more than
// max bytes in all, as they declare (archive/zip holds each to it).
func checkUnpackedSize(zr *zip.Reader, max int64) error {
	var total uint64
	for _, zf := range zr.File {
		total += zf.UncompressedSize64
		if total > uint64(max) {
			mb := (max + 1<<20 - 1) >> 20
			return fileError(0, "file",
				fmt.Sprintf("Tệp XLSX khi giải nén lớn hơn %d MB, quá giới hạn của một lần nhập; hãy chia nhỏ tệp", mb),
				fmt.Sprintf("the XLSX file unpacks to more than %d MB, the most one import takes; split it", mb))
		}
	}
	return nil
}

// checkXLSXText refuses an XLSX file whose sheets or shared strings are not
// UTF-8: the XML reader would stop at the first bad byte and the rows after
// it would be silently lost. Each part is read as a stream.
func checkXLSXText(zr *zip.Reader) error {
	buf := make([]byte, 64<<10)
	for _, zf := range zr.File {
		if !strings.HasPrefix(zf.Name, "xl/") || !strings.HasSuffix(zf.Name, ".xml") {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return notXLSX(err)
		}
		ok, err := validUTF8(rc, buf)
		rc.Close()
		if err != nil {
			return notXLSX(err)
		}
		if !ok {
			return domain.Invalid("file",
				fmt.Sprintf("Tệp XLSX có văn bản không phải UTF-8 hợp lệ (%s)", zf.Name),
				fmt.Sprintf("the XLSX file holds text that is not valid UTF-8 (%s)", zf.Name))
		}
	}
	return nil
}

// validUTF8 reports whether what r holds is UTF-8, reading it in pieces
// of buf: a character cut by the end of a piece is kept for the next.
func validUTF8(r io.Reader, buf []byte) (bool, error) {
	kept := 0
	for {
		n, err := r.Read(buf[kept:])
		n += kept
		end := n
		if err == nil {
			// Leave out a character the piece ends in the middle of.
			i := n - 1
			for i > 0 && i > n-utf8.UTFMax && !utf8.RuneStart(buf[i]) {
				i--
			}
			if i >= 0 && !utf8.FullRune(buf[i:n]) {
				end = i
			}
		}
		if !utf8.Valid(buf[:end]) {
			return false, nil
		}
		kept = copy(buf, buf[end:n])
		switch {
		case errors.Is(err, io.EOF):
			return true, nil
		case err != nil:
			return false, err
		}
	}
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
	// The sheet's used range, which the stream writer writes as it starts:
	// a reader that trusts it would otherwise see only A1.
	if err := f.SetSheetDimension(SheetName, tablefile.Dimension(len(domain.ImportColumns), len(units)+1)); err != nil {
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
