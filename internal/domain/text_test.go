package domain

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestCleanTextKeepsSoundTextNFCAndRefusesBrokenText(t *testing.T) {
	nfd := norm.NFD.String("Nguyễn Thị Hiền")
	tests := []struct {
		name, in string
		kind     TextKind
		want     string
		ok       bool
	}{
		{"decomposed Vietnamese is composed", nfd, OneLine, "Nguyễn Thị Hiền", true},
		{"one line: white space runs become one space", "  Chi bộ\t số\n1  ", OneLine, "Chi bộ số 1", true},
		{"several lines keep their breaks", " lý do\n- một\tđiều \n", MultiLine, "lý do\n- một\tđiều", true},
		{"a secret is kept as typed", " " + nfd + " ", Secret, " " + nfd + " ", true},
		{"NUL is refused", "a\x00b", MultiLine, "a\x00b", false},
		{"NUL in a secret is refused", "pass\x00word", Secret, "pass\x00word", false},
		{"invalid UTF-8 is refused", "Chi b\xf4", OneLine, "Chi b\xf4", false},
		{"an encoded surrogate is invalid UTF-8", "x\xed\xa0\x80", OneLine, "x\xed\xa0\x80", false},
		{"U+FFFD, the mark of broken input, is refused", "x\uFFFD", OneLine, "x\uFFFD", false},
		{"an escape is refused", "a\x1b[31mb", MultiLine, "a\x1b[31mb", false},
		{"DEL is refused", "a\x7fb", OneLine, "a\x7fb", false},
		{"empty is empty", "", OneLine, "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := CleanText(tt.in, tt.kind)
			if got != tt.want || ok != tt.ok {
				t.Errorf("CleanText(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			var v Validation
			CheckText(&v, 3, "name", tt.in, tt.kind)
			if v.OK() != tt.ok || !tt.ok && (v.Fields[0].Field != "name" || v.Fields[0].Row != 3 || v.Fields[0].Message.VI == "" || v.Fields[0].Message.EN == "") {
				t.Errorf("CheckText: %+v", v.Fields)
			}
		})
	}
}

func TestParseCodeRefusesCodesNoUnitCanHave(t *testing.T) {
	for in, want := range map[string]bool{"hn.hbt.a": true, " HN ": true, "HN\x00": false, "HN\xff": false, "": false,
		"HN HBT": false, "ĐĐ": false, "A23456789012345678901234567890123456789012345678901234567890123": true,
		"A2345678901234567890123456789012345678901234567890123456789012345": false} {
		if _, ok := ParseCode(in); ok != want {
			t.Errorf("ParseCode(%q) ok = %v, want %v", in, ok, want)
		}
	}
}

func TestRoundSpanRunsFromTheStartToAYearAfterTheLastDeadline(t *testing.T) {
	day := func(s string) Day { d, _ := ParseDate(s); return DayOf(d) }
	last := day("2020-10-31")
	tests := []struct {
		span RoundSpan
		day  string
		in   bool
	}{
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "2019-07-08", true},
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "2019-07-07", false},
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "1969-12-31", false},
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "2021-07-09", true}, // two years from the start
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "2021-11-02", false},
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: &last}, "2099-01-01", false},
		{RoundSpan{Start: day("2019-07-08"), LastDeadline: DayPtr(day("2021-06-30").Time)}, "2022-07-01", true},
		{RoundSpan{Start: day("2019-07-08")}, "2021-07-09", true},
		{RoundSpan{Start: day("2019-07-08")}, "2021-07-10", false},
	}
	for _, tt := range tests {
		var v Validation
		if got := tt.span.CheckDay(&v, "deadline", day(tt.day)); got != tt.in || v.OK() != tt.in {
			t.Errorf("%s in %s–%s: %v, want %v (%v)", tt.day, tt.span.Start, tt.span.End(), got, tt.in, v.Fields)
		}
	}
}

func TestDaysAndWeeksOutsideTheYearsAreRefused(t *testing.T) {
	for _, s := range []string{"0000-01-01", "0001-01-01", "1899-12-31", "3000-01-01"} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) taken", s)
		}
	}
	for _, s := range []string{"0000-W01", "1899-W10", "3000-W01"} {
		if _, err := ParseWeek(s); !IsCode(err, EInvalid) {
			t.Errorf("ParseWeek(%q) = %v", s, err)
		}
	}
}
