package paperfile

import (
	"archive/zip"
	"bytes"
	"image"
	"image/jpeg"
	"image/png"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// ooxml returns a zip holding [Content_Types].xml with overrides
// (part name → content type) and the given parts.
func ooxml(t *testing.T, overrides map[string]string, parts ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	types := `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
		`<Default Extension="xml" ContentType="application/xml"/>`
	for name, ct := range overrides {
		types += `<Override PartName="` + name + `" ContentType="` + ct + `"/>`
	}
	types += `</Types>`
	for name, body := range map[string]string{"[Content_Types].xml": types} {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	for _, p := range parts {
		w, err := z.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte("<x/>"))
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func plainZip(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create("a.txt")
	w.Write([]byte("hello"))
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func picture(t *testing.T, enc func(*bytes.Buffer, image.Image) error) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := enc(&b, image.NewGray(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSniffReadsTheTypeFromTheContent(t *testing.T) {
	docx := ooxml(t, map[string]string{"/word/document.xml": docxMain}, "word/document.xml")
	for _, tc := range []struct {
		name string
		file []byte
		want string // "" = refused
	}{
		{"a PDF", []byte("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n"), domain.TypePDF},
		{"a PNG scan", picture(t, func(b *bytes.Buffer, m image.Image) error { return png.Encode(b, m) }), domain.TypePNG},
		{"a JPEG scan", picture(t, func(b *bytes.Buffer, m image.Image) error { return jpeg.Encode(b, m, nil) }), domain.TypeJPEG},
		{"a Word document", docx, domain.TypeDOCX},
		{"an .exe named .pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), bytes.Repeat([]byte{0}, 100)...), ""},
		{"an ELF program", append([]byte("\x7fELF\x02\x01\x01"), bytes.Repeat([]byte{0}, 100)...), ""},
		{"a macro-enabled document (.docm)", ooxml(t, map[string]string{"/word/document.xml": "application/vnd.ms-word.document.macroEnabled.main+xml"}, "word/document.xml"), ""},
		{"a document carrying a VBA project", ooxml(t, map[string]string{"/word/document.xml": docxMain}, "word/document.xml", "word/vbaProject.bin"), ""},
		{"a spreadsheet", ooxml(t, map[string]string{"/xl/workbook.xml": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"}, "xl/workbook.xml"), ""},
		{"a package naming a main part it lacks", ooxml(t, map[string]string{"/word/document.xml": docxMain}), ""},
		{"a plain zip", plainZip(t), ""},
		{"a broken zip", []byte("PK\x03\x04 broken"), ""},
		{"plain text", []byte("Biên bản đại hội"), ""},
		{"HTML", []byte("<html><script>alert(1)</script></html>"), ""},
		{"empty", nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Sniff(bytes.NewReader(tc.file), int64(len(tc.file)))
			if tc.want == "" {
				if err == nil || domain.ErrorCodeOf(err) != domain.EInvalid || domain.AsError(err).Fields[0].Field != "file" {
					t.Fatalf("Sniff = %q, %v; want refused on field file", got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Sniff = %q, %v; want %s", got, err, tc.want)
			}
		})
	}
}

func TestDigestIsTheSHA256OfTheFile(t *testing.T) {
	got, err := Digest(bytes.NewReader([]byte("abc")), 3)
	if want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; err != nil || got != want {
		t.Errorf("Digest(abc) = %s, %v; want %s", got, err, want)
	}
}
