package unitfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/tablefile"
)

// bom is the UTF-8 byte order mark Excel writes at the start of a CSV file
// (and needs, to read one as UTF-8).
var bom = []byte{0xEF, 0xBB, 0xBF}

// ReadCSV reads a CSV unit file (UTF-8, comma-separated, a header row, an
// optional byte order mark). Row numbers are file lines: the header is 1.
// Blank lines are skipped; any other row must have as many cells as the
// header, or it is a bad row. A cell that WriteCSV made inert (an apostrophe
// before =, +, -, @) reads back as it was typed. A syntax error (a broken or bare quote) fails
// the whole file with its line: the rows after it cannot be trusted. The
// file is read as a stream and refused at the row past lim.MaxRows.
func ReadCSV(r io.Reader, lim Limits) ([]domain.ImportRow, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(len(bom)); bytes.Equal(head, bom) {
		_, _ = br.Discard(len(bom))
	}
	// A workbook saved under a .csv name, or any file that is not text, is
	// told as such rather than read as a header of stray bytes.
	if head, _ := br.Peek(512); bytes.HasPrefix(head, zipMagic) {
		return nil, fileError(1, "header", "Tệp này là bảng tính Excel (.xlsx) mang đuôi .csv: hãy đổi đuôi tệp thành .xlsx, hoặc lưu lại dưới dạng CSV UTF-8",
			"this file is an Excel workbook (.xlsx) named .csv: rename it .xlsx, or save it again as CSV UTF-8")
	} else if bytes.IndexByte(head, 0) >= 0 { // no text holds NUL; a stray byte in a cell is its row's

		return nil, fileError(1, "header", "Tệp không phải văn bản CSV UTF-8: hãy lưu lại bảng tính dưới dạng «CSV UTF-8», hoặc gửi tệp .xlsx",
			"the file is not CSV text in UTF-8: save the sheet again as “CSV UTF-8”, or send the .xlsx file")
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fileError(1, "header", "Tệp rỗng: thiếu dòng tiêu đề", "the file is empty: the header row is missing")
	}
	if err != nil {
		return nil, csvError(err)
	}
	if err := checkHeader(header); err != nil {
		return nil, err
	}
	width := len(header)
	var rows []domain.ImportRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		for i := range rec {
			rec[i] = tablefile.RestoreInert(rec[i]) // as WriteCSV made it inert
		}
		if row, ok := rowOf(line, rec, width); ok {
			if err := lim.checkRows(len(rows) + 1); err != nil {
				return nil, err
			}
			rows = append(rows, row)
		}
	}
}

// zipMagic begins every zip archive, an XLSX workbook among them.
var zipMagic = []byte("PK\x03\x04")

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileError(pe.StartLine, "row",
			fmt.Sprintf("Lỗi cú pháp CSV ở dòng %d: %v", pe.Line, pe.Err),
			fmt.Sprintf("CSV syntax error on line %d: %v", pe.Line, pe.Err))
	}
	return fmt.Errorf("unitfile: read CSV: %w", err)
}

// WriteCSV writes units as a CSV unit file: a byte order mark (so that Excel
// reads the Vietnamese names as UTF-8), the header row, one row per unit.
// A name a spreadsheet would run as a formula is made inert
// (tablefile.Inert); reading the file back restores it.
func WriteCSV(w io.Writer, units []domain.Unit) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.Write(bom); err != nil {
		return fmt.Errorf("unitfile: write CSV: %w", err)
	}
	cw := csv.NewWriter(bw)
	if err := cw.Write(domain.ImportColumns); err != nil {
		return fmt.Errorf("unitfile: write CSV: %w", err)
	}
	rec := make([]string, len(domain.ImportColumns))
	for _, u := range units {
		rec[0], rec[1], rec[2], rec[3], rec[4], rec[5] = u.Code, tablefile.Inert(u.Name), u.Kind, u.ParentCode, u.Category, strconv.Itoa(u.Members)
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("unitfile: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("unitfile: write CSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("unitfile: write CSV: %w", err)
	}
	return nil
}
