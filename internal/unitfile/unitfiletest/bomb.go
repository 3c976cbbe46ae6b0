// Package unitfiletest makes hostile unit files for tests: an XLSX zip
// bomb, built in a fraction of a second.
package unitfiletest

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"

	"github.com/xuri/excelize/v2"
)

// Bomb returns an XLSX file whose worksheet inflates to actual bytes of
// spaces (rounded down to whole megabytes) while its zip entry declares
// declared bytes: a few hundred kilobytes for hundreds of megabytes. The
// deflate stream is one compressed megabyte repeated: each piece ends on a
// sync flush, so the pieces follow one another.
func Bomb(declared, actual int64) ([]byte, error) {
	const piece = 1 << 20
	spaces := bytes.Repeat([]byte(" "), piece)
	var seg, end bytes.Buffer
	fw, err := flate.NewWriter(&seg, flate.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := fw.Write(spaces); err != nil {
		return nil, err
	}
	if err := fw.Flush(); err != nil {
		return nil, err
	}
	fe, _ := flate.NewWriter(&end, flate.BestCompression)
	if err := fe.Close(); err != nil {
		return nil, err
	}
	var crc uint32
	for range actual / piece {
		crc = crc32.Update(crc, crc32.IEEETable, spaces)
	}
	stream := append(bytes.Repeat(seg.Bytes(), int(actual/piece)), end.Bytes()...)

	x := excelize.NewFile()
	defer x.Close()
	if err := x.SetSheetRow("Sheet1", "A1", &[]any{"code", "name", "kind", "parent_code", "category", "members"}); err != nil {
		return nil, err
	}
	var good bytes.Buffer
	if err := x.Write(&good); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(bytes.NewReader(good.Bytes()), int64(good.Len()))
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				return nil, err
			}
			continue
		}
		found = true
		w, err := zw.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc,
			CompressedSize64: uint64(len(stream)), UncompressedSize64: uint64(declared)})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(stream); err != nil {
			return nil, err
		}
	}
	if !found {
		return nil, fmt.Errorf("unitfiletest: no worksheet in the workbook")
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
