package domain

import (
	"strings"
	"testing"
)

func TestParseDay(t *testing.T) {
	for _, c := range []struct {
		in, want string // want "" when refused
	}{
		{"19/03/2020", "2020-03-19"},
		{"9/3/2020", "2020-03-09"},
		{"29/02/2020", "2020-02-29"},
		{"2020-03-19", "2020-03-19"},
		{"19032020", "2020-03-19"},
		{"1903202", ""},
		{"20200319", ""}, // eight digits are read day first: month 20 does not exist
		{"29/02/2019", ""},
		{"31/04/2020", ""},
		{"03/19/2020", ""}, // a month 19: the order mm/dd of an English phone is not guessed
		{"19/03/20", ""},
		{"19/03/0000", ""},
		{"19/03/3000", ""},
		{"19-03-2020", ""},
		{" 19/03/2020", ""},
		{"19/03/2020\x00", ""},
		{"１９/03/2020", ""}, // full-width digits
		{"+1/03/2020", ""},
		{"", ""},
	} {
		t.Run(c.in, func(t *testing.T) {
			d, err := ParseDay(c.in)
			switch {
			case c.want == "" && err == nil:
				t.Errorf("read as %s, want a refusal", d)
			case c.want != "" && err != nil:
				t.Errorf("refused: %v", err)
			case c.want != "" && d.String() != c.want:
				t.Errorf("read as %s, want %s", d, c.want)
			}
		})
	}
}

func TestReadDaySaysTheLayout(t *testing.T) {
	var v Validation
	if _, ok := ReadDay(&v, "held_date", "31/02/2020", true); ok {
		t.Fatal("31/02/2020 was read")
	}
	if len(v.Fields) != 1 || v.Fields[0].Field != "held_date" {
		t.Fatalf("fields %+v", v.Fields)
	}
	for _, msg := range []string{v.Fields[0].Message.VI, v.Fields[0].Message.EN} {
		if !strings.Contains(msg, "dd/mm/yyyy") || !strings.Contains(msg, "31/02/2020") {
			t.Errorf("message %q does not say the layout and what was typed", msg)
		}
	}
}

// A day that exists but lies outside the years a round can hold is told
// so, not called a day that does not exist.
func TestReadDaySaysAYearOutOfRange(t *testing.T) {
	for _, s := range []string{"9999-12-31", "31/12/9999", "01/01/1899"} {
		var v Validation
		if _, ok := ReadDay(&v, "planned_date", s, true); ok {
			t.Fatalf("%s was read", s)
		}
		if len(v.Fields) != 1 || !strings.Contains(v.Fields[0].Message.VI, "năm phải từ 1900 đến 2999") ||
			strings.Contains(v.Fields[0].Message.VI, "không phải là một ngày có thật") {
			t.Errorf("%s: %+v", s, v.Fields)
		}
	}
}
