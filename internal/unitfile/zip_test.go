package unitfile

import (
	"archive/zip"
	"bytes"
	"io"
	"strings"
	"testing"
)

// damageZip rewrites every XML part of the zip archive b, replacing old by new.
func damageZip(t *testing.T, b []byte, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	damaged := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(f.Name, ".xml") && bytes.Contains(data, []byte(old)) {
			data = bytes.ReplaceAll(data, []byte(old), []byte(new))
			damaged = true
		}
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if !damaged {
		t.Fatalf("%q not found in any XML part", old)
	}
	return out.Bytes()
}
