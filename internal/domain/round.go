package domain

import (
	"fmt"
	"time"
)

// Date is a calendar day in Asia/Ho_Chi_Minh, carried as a time.Time at
// midnight UTC so that it compares and prints (2006-01-02) without zones.
type Date = time.Time

// DateOf returns the calendar day of t in Asia/Ho_Chi_Minh.
func DateOf(t time.Time) Date {
	y, m, d := t.In(Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// Today returns the current calendar day of clock in Asia/Ho_Chi_Minh.
func Today(c Clock) Date { return DateOf(c.Now()) }

// ParseDate reads an ISO 8601 day (2020-03-19) and refuses days that do not
// exist, and days outside the years MinYear to MaxYear.
func ParseDate(s string) (Date, error) {
	d, err := time.Parse("2006-01-02", s)
	switch {
	case err != nil:
		return Date{}, fmt.Errorf("domain: %q is not a date YYYY-MM-DD that exists", s)
	case d.Year() < MinYear || d.Year() > MaxYear:
		return Date{}, fmt.Errorf("domain: %q: %w", s, ErrYearOutOfRange)
	}
	return d, nil
}

// ErrYearOutOfRange is the error of a day that exists but whose year is
// outside MinYear to MaxYear: a typing mistake, told as such.
var ErrYearOutOfRange = fmt.Errorf("the year is outside %d–%d", MinYear, MaxYear)

// DaysBetween returns the whole days from a to b (negative when b is before a).
func DaysBetween(a, b Date) int {
	return int(b.Sub(a).Hours() / 24)
}

// Round is a congress round across the tree, e.g. "Đại hội đảng bộ các cấp
// nhiệm kỳ 2020–2025".
type Round struct {
	ID        int64     `json:"id" db:"id"`
	Name      string    `json:"name" db:"name"`
	Documents []string  `json:"documents" db:"-"`
	StartDate Date      `json:"start_date" db:"start_date"`
	IsCurrent bool      `json:"is_current" db:"is_current"`
	CreatedAt time.Time `json:"created_at" db:"created_at"`
}

// CongressStatus is how far a unit's congress has got in a round.
type CongressStatus string

// The steps of a unit's congress, in order.
const (
	StatusNotStarted      CongressStatus = "not_started"
	StatusPreparing       CongressStatus = "preparing"
	StatusPlanApproved    CongressStatus = "plan_approved"
	StatusHeld            CongressStatus = "held"
	StatusResultsReported CongressStatus = "results_reported"
)

// Statuses lists the steps in order with their names.
var Statuses = []struct {
	Status CongressStatus
	Name   Text
}{
	{StatusNotStarted, Text{"Chưa bắt đầu", "Not started"}},
	{StatusPreparing, Text{"Đang chuẩn bị", "Preparing"}},
	{StatusPlanApproved, Text{"Đã duyệt phương án", "Plan approved"}},
	{StatusHeld, Text{"Đã đại hội", "Held"}},
	{StatusResultsReported, Text{"Đã báo cáo kết quả", "Results reported"}},
}

// Step returns the position of s in the order of steps, or -1 when unknown.
func (s CongressStatus) Step() int {
	for i, k := range Statuses {
		if k.Status == s {
			return i
		}
	}
	return -1
}

// Valid reports whether s is a known status.
func (s CongressStatus) Valid() bool { return s.Step() >= 0 }

// Held reports whether a congress in status s has been held.
func (s CongressStatus) Held() bool { return s == StatusHeld || s == StatusResultsReported }

// Name returns the status's names in both languages.
func (s CongressStatus) Name() Text {
	if i := s.Step(); i >= 0 {
		return Statuses[i].Name
	}
	return Text{string(s), string(s)}
}

// OffsetClock is a clock that started at a chosen instant and runs on from
// there: the demo runs on its demo date.
type OffsetClock struct {
	Offset time.Duration
}

// NewOffsetClock returns a clock that reads start now and runs on.
func NewOffsetClock(start time.Time) OffsetClock {
	return OffsetClock{Offset: time.Until(start)}
}

// Now returns the shifted current time.
func (c OffsetClock) Now() time.Time { return time.Now().Add(c.Offset) }
