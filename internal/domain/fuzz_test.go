package domain

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzParseDate: a day is read only when it exists within MinYear–MaxYear,
// and it reads back as it was written.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2020-03-19", "2020-02-29", "2019-02-29", "0000-01-01", "1969-12-31", "2999-12-31", "3000-01-01", "2020-3-9", "", "2020-03-19\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		if d.Year() < MinYear || d.Year() > MaxYear {
			t.Fatalf("%q read as %v, outside the years", s, d)
		}
		if got := DayOf(d).String(); got != s {
			t.Fatalf("%q read as %s", s, got)
		}
		var v Validation
		span := RoundSpan{Start: DayOf(d)}
		if !span.CheckDay(&v, "day", DayOf(d)) || !v.OK() {
			t.Fatalf("the start of a round is outside it: %v", v.Fields)
		}
	})
}

// FuzzParseWeek: a week is read only when it exists within MinYear–MaxYear,
// reads back as it was written, and its Monday is in it.
func FuzzParseWeek(f *testing.F) {
	for _, s := range []string{"2020-W14", "2020-W53", "2021-W53", "0000-W01", "2020-W00", "9999-W52", "2020-w14", "", "2020-W1\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		w, err := ParseWeek(s)
		if err != nil {
			if !IsCode(err, EInvalid) {
				t.Fatalf("%q: %v is not a refusal of the input", s, err)
			}
			return
		}
		if w.String() != s {
			t.Fatalf("%q read as %s", s, w)
		}
		y, n := w.Monday().Time.ISOWeek()
		if y != w.Year || n != w.Number {
			t.Fatalf("%s: Monday %s is in %d-W%02d", s, w.Monday(), y, n)
		}
	})
}

// FuzzCleanText: what CleanText keeps is sound NFC text that it keeps as
// it is, and what it refuses it refuses whatever the kind but the secret.
func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"Chi bộ Tổ dân phố 1", norm.NFD.String("Nguyễn Thị Hiền"), " a\tb\nc ", "a\x00b", "x\xff", "\uFFFD", "a\x1bb", "\u0301e", ""} {
		f.Add(s, uint8(0))
	}
	f.Fuzz(func(t *testing.T, s string, k uint8) {
		kind := TextKind(k % 3)
		out, ok := CleanText(s, kind)
		if !ok {
			if out != s {
				t.Fatalf("refused %q but changed it to %q", s, out)
			}
			var v Validation
			CheckText(&v, 0, "f", s, kind)
			if v.OK() {
				t.Fatalf("CleanText refuses %q, CheckText takes it", s)
			}
			return
		}
		if !utf8.ValidString(out) || strings.ContainsRune(out, utf8.RuneError) || strings.IndexByte(out, 0) >= 0 {
			t.Fatalf("%q cleaned to broken %q", s, out)
		}
		if kind == Secret {
			if out != s {
				t.Fatalf("a secret %q changed to %q", s, out)
			}
			return
		}
		if !norm.NFC.IsNormalString(out) {
			t.Fatalf("%q cleaned to %q, not NFC", s, out)
		}
		if again, ok := CleanText(out, kind); !ok || again != out {
			t.Fatalf("cleaning %q again gives %q, %v", out, again, ok)
		}
		if kind == OneLine && strings.ContainsAny(out, "\t\n\r") {
			t.Fatalf("one line %q holds a break", out)
		}
	})
}

// FuzzParseDay: a day typed is read only when it exists within
// MinYear–MaxYear, and what a form shows of it (dd/mm/yyyy) reads back as
// the same day.
func FuzzParseDay(f *testing.F) {
	for _, s := range []string{"19/03/2020", "9/3/2020", "29/02/2020", "29/02/2019", "31/04/2020", "2020-03-19", "03/19/2020", "19/03/20", "", "19/03/2020\x00", "1/1/1900", "31/12/2999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDay(s)
		if err != nil {
			return
		}
		if y := d.Time.Year(); y < MinYear || y > MaxYear {
			t.Fatalf("%q read as %v, outside the years", s, d)
		}
		back, err := ParseDay(d.VI())
		if err != nil || !back.Time.Equal(d.Time) {
			t.Fatalf("%q read as %s, whose form %q reads as %s (%v)", s, d, d.VI(), back, err)
		}
	})
}

// FuzzPlaceScan: a place is read as encoding/json reads it, whether
// readPlace reads it or leaves it to json.Unmarshal.
func FuzzPlaceScan(f *testing.F) {
	for _, s := range []string{`[]`, `[{"code": "A.1", "kind": "ward", "name": "Phường 1"}, {"code": "A", "kind": "district", "name": "Quận A"}]`,
		`[{"code": "C", "name": "Chi bộ \"Ba\""}]`, `[{"CODE": "C"}]`, `[{"code": "C", "code": "D"}]`, ` [ ] `, `[{}]`, `[{"code": "\xff"}]`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := Place{}
		wantErr := json.Unmarshal(b, &want)
		var got Place
		err := got.Scan(b)
		if (err != nil) != (wantErr != nil) {
			t.Fatalf("%q: Scan error %v, json.Unmarshal error %v", b, err, wantErr)
		}
		if err == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Scan = %#v, json.Unmarshal = %#v", b, got, want)
		}
	})
}
