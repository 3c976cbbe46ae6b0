package domain

import "testing"

func TestParseClockTime(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"08:00", "08:00", true}, {"8:30", "08:30", true}, {"8h30", "08:30", true}, {"14h", "14:00", true},
		{"07.45", "07:45", true}, {"23:59", "23:59", true}, {"08:30:00", "08:30", true},
		{"24:00", "", false}, {"8", "", false}, {"08:5", "", false}, {"ab:cd", "", false}, {"", "", false}, {"-1:00", "", false},
	} {
		got, err := ParseClockTime(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got.String() != tc.want) {
			t.Errorf("ParseClockTime(%q) = %v, %v; want %q ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
