package domain

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ClockTime is a time of day, to the minute, in Asia/Ho_Chi_Minh: when a
// planned congress or a training session starts. "08:00" in JSON, a
// PostgreSQL time in the store. Optional times are *ClockTime (null).
type ClockTime struct {
	// Minutes since midnight, 0 to 1439.
	Minutes int
}

// ParseClockTime reads "H:MM" or "HH:MM" (also "8h30", "08.30"), 00:00 to 23:59.
func ParseClockTime(s string) (ClockTime, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	s = strings.NewReplacer("h", ":", ".", ":").Replace(s)
	if strings.HasSuffix(s, ":") {
		s += "00"
	}
	hh, mm, ok := strings.Cut(s, ":")
	if len(mm) > 2 && strings.Count(mm, ":") == 1 { // HH:MM:SS from the database
		mm, _, _ = strings.Cut(mm, ":")
	}
	h, herr := strconv.Atoi(hh)
	m, merr := strconv.Atoi(mm)
	if !ok || herr != nil || merr != nil || len(hh) < 1 || len(hh) > 2 || len(mm) != 2 || h < 0 || h > 23 || m < 0 || m > 59 {
		return ClockTime{}, fmt.Errorf("domain: %q is not a time of day (HH:MM)", s)
	}
	return ClockTime{Minutes: h*60 + m}, nil
}

// String returns the time as HH:MM.
func (t ClockTime) String() string { return fmt.Sprintf("%02d:%02d", t.Minutes/60, t.Minutes%60) }

// On returns the moment the time is reached on day d, in Asia/Ho_Chi_Minh.
func (t ClockTime) On(d Day) time.Time {
	return time.Date(d.Time.Year(), d.Time.Month(), d.Time.Day(), t.Minutes/60, t.Minutes%60, 0, 0, Location)
}

// MarshalJSON writes "HH:MM".
func (t ClockTime) MarshalJSON() ([]byte, error) { return []byte(`"` + t.String() + `"`), nil }

// UnmarshalJSON reads "HH:MM".
func (t *ClockTime) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("domain: time %s is not a string", b)
	}
	x, err := ParseClockTime(string(b[1 : len(b)-1]))
	*t = x
	return err
}

// Scan reads a PostgreSQL time.
func (t *ClockTime) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	case time.Time:
		*t = ClockTime{Minutes: v.Hour()*60 + v.Minute()}
		return nil
	default:
		return fmt.Errorf("domain: cannot scan %T into ClockTime", src)
	}
	x, err := ParseClockTime(s)
	*t = x
	return err
}

// Value writes the time as a PostgreSQL time literal.
func (t ClockTime) Value() (driver.Value, error) { return t.String(), nil }

// SameClockTime reports whether two optional times are equal (both absent counts as equal).
func SameClockTime(a, b *ClockTime) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Minutes == b.Minutes
}

// ShowClockTime writes an optional time as HH:MM, "" for none.
func ShowClockTime(t *ClockTime) string {
	if t == nil {
		return ""
	}
	return t.String()
}

// ReadClockTime reads the time of field ("" is absent: nil). It returns
// false, with field refused in v, when s is not a time of day.
func ReadClockTime(v *Validation, field, s string) (*ClockTime, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, true
	}
	t, err := ParseClockTime(s)
	if err != nil {
		shown := ShowText(s, 20)
		v.Add(field, fmt.Sprintf("%q không phải là giờ; hãy nhập theo dạng HH:MM, ví dụ 08:00", shown),
			fmt.Sprintf("%q is not a time of day; type it as HH:MM, e.g. 08:00", shown))
		return nil, false
	}
	return &t, true
}

// MaxPlaceLength bounds the place of a congress or a session.
const MaxPlaceLength = 300

// ReadPlace reads a place (one line, at most MaxPlaceLength characters)
// into field; a broken text is refused.
func ReadPlace(v *Validation, field, s string) string {
	n := len(v.Fields)
	p := CheckText(v, 0, field, s, OneLine)
	if len(v.Fields) == n && utf8.RuneCountInString(p) > MaxPlaceLength {
		v.Add(field, fmt.Sprintf("Tối đa %d ký tự", MaxPlaceLength), fmt.Sprintf("at most %d characters", MaxPlaceLength))
	}
	return p
}
