package domain

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// Day is a calendar day as the API and the database show it: "2020-03-19"
// in JSON, a PostgreSQL date in the store. Optional days are *Day (null).
type Day struct {
	Time Date
}

// DayOf wraps a calendar day, dropping any time of day.
func DayOf(d Date) Day {
	return Day{Time: time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)}
}

// DayPtr returns a pointer to DayOf(d).
func DayPtr(d Date) *Day { x := DayOf(d); return &x }

// String returns the day as YYYY-MM-DD.
func (d Day) String() string { return d.Time.Format("2006-01-02") }

// VI returns the day as the Vietnamese UI shows it: dd/mm/yyyy.
func (d Day) VI() string { return d.Time.Format("02/01/2006") }

// ShowDay writes an optional day as the Vietnamese UI shows it, "" for none.
func ShowDay(d *Day) string {
	if d == nil {
		return ""
	}
	return d.VI()
}

// Before reports whether d is before e.
func (d Day) Before(e Day) bool { return d.Time.Before(e.Time) }

// After reports whether d is after e.
func (d Day) After(e Day) bool { return d.Time.After(e.Time) }

// AddDays returns the day n days after d (before when n < 0).
func (d Day) AddDays(n int) Day { return Day{Time: d.Time.AddDate(0, 0, n)} }

// MarshalJSON writes "YYYY-MM-DD".
func (d Day) MarshalJSON() ([]byte, error) { return []byte(`"` + d.String() + `"`), nil }

// UnmarshalJSON reads "YYYY-MM-DD" and refuses days that do not exist.
func (d *Day) UnmarshalJSON(b []byte) error {
	if len(b) < 2 || b[0] != '"' || b[len(b)-1] != '"' {
		return fmt.Errorf("domain: day %s is not a string", b)
	}
	t, err := ParseDate(string(b[1 : len(b)-1]))
	if err != nil {
		return err
	}
	*d = DayOf(t)
	return nil
}

// Scan reads a PostgreSQL date.
func (d *Day) Scan(src any) error {
	switch s := src.(type) {
	case time.Time:
		*d = DayOf(s)
	case string:
		t, err := ParseDate(s)
		if err != nil {
			return err
		}
		*d = DayOf(t)
	case []byte:
		t, err := ParseDate(string(s))
		if err != nil {
			return err
		}
		*d = DayOf(t)
	default:
		return fmt.Errorf("domain: cannot scan %T into Day", src)
	}
	return nil
}

// Value writes the day as a PostgreSQL date literal.
func (d Day) Value() (driver.Value, error) { return d.String(), nil }

// SameDay reports whether two optional days are equal (both absent counts as equal).
func SameDay(a, b *Day) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Time.Equal(b.Time)
}

// TodayDay returns the current calendar day of clock in Asia/Ho_Chi_Minh.
func TodayDay(c Clock) Day { return DayOf(Today(c)) }
