package paperfile

import (
	"bytes"
	"testing"

	"github.com/daihoi/daihoi/internal/domain"
)

// FuzzSniff: any bytes get a paper's type or a refusal on the field file,
// never a panic nor another error.
func FuzzSniff(f *testing.F) {
	for _, seed := range [][]byte{[]byte("%PDF-1.7\n"), []byte("\x89PNG\r\n\x1a\n"), []byte("\xff\xd8\xff\xe0"), []byte("MZ\x90"),
		[]byte("PK\x03\x04"), {}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ct, err := Sniff(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			if de := domain.AsError(err); de == nil || de.Code != domain.EInvalid || de.Fields[0].Field != "file" {
				t.Fatalf("Sniff(%q) = %v", b, err)
			}
			return
		}
		if domain.PaperTypeExt[ct] == "" {
			t.Fatalf("Sniff(%q) = %q, not a paper's type", b, ct)
		}
	})
}
