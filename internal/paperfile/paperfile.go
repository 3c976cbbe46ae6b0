// Package paperfile reads what a paper's file really is from its content,
// never from its name: a PDF, a JPEG or PNG scan, or a Word document
// (DOCX: an OOXML package whose main part is a WordprocessingML document,
// without macros). Anything else, an executable above all, is refused.
package paperfile

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
)

// The content types of the main part of a Word package.
const (
	docxMain     = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	macroMarker  = "macroenabled"
	vbaMarker    = "vbaproject"
	maxTypesSize = 1 << 20 // [Content_Types].xml is a few kilobytes
)

// refused is the error of a file of a type papers may not be.
func refused(vi, en string) error {
	return domain.Invalid("file", vi, en)
}

var errNotAllowed = refused("Chỉ nhận tệp PDF, ảnh quét JPEG/PNG hoặc văn bản Word (.docx)",
	"only PDF files, JPEG/PNG scans or Word documents (.docx) are accepted")

// Sniff returns the content type of the file r of size bytes, read from its
// content (domain.TypePDF, TypeJPEG, TypePNG or TypeDOCX), or an invalid
// error naming field "file".
func Sniff(r io.ReaderAt, size int64) (string, error) {
	if size <= 0 {
		return "", refused("Tệp rỗng", "the file is empty")
	}
	head := make([]byte, 512)
	n, err := r.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("paperfile: read: %w", err)
	}
	head = head[:n]
	if bytes.HasPrefix(head, []byte("MZ")) || bytes.HasPrefix(head, []byte("\x7fELF")) {
		return "", refused("Tệp là một chương trình chạy được, không phải văn bản", "the file is an executable program, not a paper")
	}
	switch t := http.DetectContentType(head); t {
	case domain.TypePDF, domain.TypeJPEG, domain.TypePNG:
		return t, nil
	case "application/zip":
		if err := checkDOCX(r, size); err != nil {
			return "", err
		}
		return domain.TypeDOCX, nil
	}
	return "", errNotAllowed
}

// contentTypes is [Content_Types].xml of an OOXML package.
type contentTypes struct {
	Defaults []struct {
		Extension   string `xml:"Extension,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Default"`
	Overrides []struct {
		PartName    string `xml:"PartName,attr"`
		ContentType string `xml:"ContentType,attr"`
	} `xml:"Override"`
}

// checkDOCX accepts a zip that is a Word document: its [Content_Types].xml
// names a WordprocessingML main part that the package holds, and nothing in
// it is macro-enabled (.docm) or a VBA project.
func checkDOCX(r io.ReaderAt, size int64) error {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return refused("Tệp nén hỏng, không phải văn bản Word", "a broken archive, not a Word document")
	}
	parts := map[string]*zip.File{}
	for _, f := range z.File {
		name := strings.TrimPrefix(path.Clean("/"+f.Name), "/")
		parts[strings.ToLower(name)] = f
		if strings.Contains(strings.ToLower(name), vbaMarker) {
			return refused("Văn bản Word có macro không được nhận", "Word documents with macros are not accepted")
		}
	}
	f := parts["[content_types].xml"]
	if f == nil {
		return errNotAllowed
	}
	rc, err := f.Open()
	if err != nil {
		return errNotAllowed
	}
	defer rc.Close()
	var ct contentTypes
	if err := xml.NewDecoder(io.LimitReader(rc, maxTypesSize)).Decode(&ct); err != nil {
		return errNotAllowed
	}
	for _, d := range ct.Defaults {
		if t := strings.ToLower(d.ContentType); strings.Contains(t, macroMarker) || strings.Contains(t, vbaMarker) {
			return refused("Văn bản Word có macro không được nhận", "Word documents with macros are not accepted")
		}
	}
	main := ""
	for _, o := range ct.Overrides {
		t := strings.ToLower(o.ContentType)
		if strings.Contains(t, macroMarker) || strings.Contains(t, vbaMarker) {
			return refused("Văn bản Word có macro không được nhận", "Word documents with macros are not accepted")
		}
		if t == docxMain {
			main = strings.ToLower(strings.TrimPrefix(path.Clean("/"+o.PartName), "/"))
		}
	}
	if main == "" || parts[main] == nil {
		return errNotAllowed
	}
	return nil
}

// Digest returns the SHA-256 of the size bytes of r, in hexadecimal.
func Digest(r io.ReaderAt, size int64) (string, error) {
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(r, 0, size)); err != nil {
		return "", fmt.Errorf("paperfile: digest: %w", err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
