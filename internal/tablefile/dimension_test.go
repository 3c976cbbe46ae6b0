package tablefile

import (
	"archive/zip"
	"bytes"
	"io"
	"regexp"
	"sort"
	"testing"
)

var dimensionRef = regexp.MustCompile(`<dimension ref="([^"]*)"`)

// SheetDimensions reads the <dimension ref> of each sheet of the XLSX file
// b, in the order of the sheets' file names.
func SheetDimensions(t *testing.T, b []byte) []string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	refs := map[string]string{}
	for _, f := range z.File {
		if ok, _ := regexp.MatchString(`^xl/worksheets/sheet\d+\.xml$`, f.Name); !ok {
			continue
		}
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		x, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		m := dimensionRef.FindSubmatch(x)
		if m == nil {
			t.Fatalf("%s has no dimension", f.Name)
		}
		names = append(names, f.Name)
		refs[f.Name] = string(m[1])
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = refs[n]
	}
	return out
}
