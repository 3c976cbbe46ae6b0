package unitfile

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/unitfile/unitfiletest"
)

// bomb is unitfiletest.Bomb, failing the test on error.
func bomb(t *testing.T, declared, actual int64) []byte {
	t.Helper()
	b, err := unitfiletest.Bomb(declared, actual)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// wantFileError fails unless err is one EInvalid error about the file
// whose English message holds want.
func wantFileError(t *testing.T, err error, want string) {
	t.Helper()
	e := domain.AsError(err)
	if e == nil || e.Code != domain.EInvalid || len(e.Fields) != 1 || e.Fields[0].Field != "file" ||
		!strings.Contains(e.Fields[0].Message.EN, want) || e.Fields[0].Message.VI == "" {
		t.Fatalf("error = %v, want one invalid file error saying %q", err, want)
	}
}

func TestReadXLSXRefusesAZipBombBeforeUnpackingIt(t *testing.T) {
	const size = 512 << 20
	file := bomb(t, size, size)
	if len(file) > 1<<20 {
		t.Fatalf("the bomb is %d bytes, want under 1 MB", len(file))
	}
	for _, tc := range []struct {
		name string
		lim  Limits
		want string
	}{
		{"over the page's limit", Limits{MaxUnpacked: 32 << 20}, "unpacks to more than 32 MB"},
		{"over the default limit", Limits{MaxUnpacked: 256 << 20}, "unpacks to more than 256 MB"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { _, err = ReadXLSX(bytes.NewReader(file), tc.lim) })
			wantFileError(t, err, tc.want)
			if n > 16<<20 {
				t.Errorf("refusing the bomb allocated %d MB", n>>20)
			}
		})
	}
}

func TestReadXLSXStopsAPartThatUnpacksToMoreThanItDeclares(t *testing.T) {
	file := bomb(t, 4<<10, 256<<20)
	var err error
	n := allocated(func() { _, err = ReadXLSX(bytes.NewReader(file), Limits{}) })
	if !domain.IsCode(err, domain.EInvalid) {
		t.Fatalf("error = %v, want invalid", err)
	}
	if n > 16<<20 {
		t.Errorf("reading the lying part allocated %d MB", n>>20)
	}
}

// rowsReader is a CSV unit file of n rows made as it is read; read counts
// the bytes taken from it.
type rowsReader struct {
	n, next int
	buf     []byte
	read    int
}

func (r *rowsReader) Read(p []byte) (int, error) {
	for len(r.buf) < len(p) && r.next <= r.n {
		if r.next == 0 {
			r.buf = append(r.buf, "code,name,kind,parent_code,category,members\n"...)
		} else {
			r.buf = fmt.Appendf(r.buf, "HN.C%06d,Chi bộ %d,cell,HN,residential,%d\n", r.next, r.next, r.next%50)
		}
		r.next++
	}
	if len(r.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	r.read += n
	return n, nil
}

func TestReadCSVRefusesAFileOverMaxRowsWithoutReadingItAll(t *testing.T) {
	r := &rowsReader{n: 200_000}
	var err error
	n := allocated(func() { _, err = ReadCSV(r, Limits{MaxRows: 50_000}) })
	wantFileError(t, err, "more than 50,000 rows")
	if e := domain.AsError(err); !strings.Contains(e.Fields[0].Message.VI, "hơn 50.000 dòng") {
		t.Errorf("Vietnamese message %q", e.Fields[0].Message.VI)
	}
	if r.next > 52_000 { // 50,001 and what the reader buffers
		t.Errorf("read %d rows of 200,000, want to stop soon after 50,001", r.next)
	}
	if n > 64<<20 {
		t.Errorf("reading 50,001 rows allocated %d MB", n>>20)
	}
	t.Run("without a limit every row is read", func(t *testing.T) {
		rows, err := ReadCSV(&rowsReader{n: 200_000}, Limits{})
		if err != nil || len(rows) != 200_000 || rows[199_999].Row != 200_001 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
	})
	t.Run("exactly the limit is taken", func(t *testing.T) {
		rows, err := ReadCSV(&rowsReader{n: 1000}, Limits{MaxRows: 1000})
		if err != nil || len(rows) != 1000 {
			t.Fatalf("%d rows, %v", len(rows), err)
		}
	})
}

func TestReadXLSXRefusesAFileOverMaxRows(t *testing.T) {
	rows := [][]any{{"code", "name", "kind", "parent_code", "category", "members"}}
	for i := range 60 {
		rows = append(rows, []any{fmt.Sprintf("C%d", i), "Chi bộ", "cell", "HN"}, nil)
	}
	file := sheet(t, "units", rows)
	_, err := ReadXLSX(bytes.NewReader(file), Limits{MaxRows: 50})
	wantFileError(t, err, "more than 50 rows")
	got, err := ReadXLSX(bytes.NewReader(file), Limits{MaxRows: 60})
	if err != nil || len(got) != 60 {
		t.Fatalf("%d rows, %v; blank rows do not count", len(got), err)
	}
}

func TestValidUTF8ReadsCharactersCutByThePieces(t *testing.T) {
	text := strings.Repeat("Đảng bộ phường Bạch Mai – ", 100)
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{"Vietnamese text", text, true},
		{"a lone lead byte at the end", text + "\xc4", false},
		{"a bad byte in the middle", text[:301] + "\xff" + text[301:], false},
		{"a character cut short in the middle", text[:300] + "\xe1\xba" + " " + text[300:], false},
		{"empty", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, size := range []int{4, 5, 7, 64} {
				got, err := validUTF8(iotest.HalfReader(strings.NewReader(tc.in)), make([]byte, size))
				if err != nil || got != tc.want {
					t.Errorf("pieces of %d: %v, %v; want %v", size, got, err, tc.want)
				}
			}
		})
	}
}
