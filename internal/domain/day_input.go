package domain

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// DayLayout is how a person types and reads a day, whatever the language of
// the page or of the phone: dd/mm/yyyy.
const DayLayout = "dd/mm/yyyy"

// ParseDay reads a day as a person types it, dd/mm/yyyy (19/03/2020; a day
// or a month of one digit is read too: 9/3/2020; and the eight digits alone
// that a phone's number pad types: 19032020), or as the API writes it,
// YYYY-MM-DD. It refuses days that do not exist and days outside the years
// MinYear to MaxYear. Every day a form or a request gives goes through it.
func ParseDay(s string) (Day, error) {
	switch t, err := ParseDate(s); {
	case err == nil:
		return DayOf(t), nil
	case errors.Is(err, ErrYearOutOfRange):
		return Day{}, err
	}
	parts := strings.Split(s, "/")
	if len(parts) == 1 && digits(s, 8, 8) { // 25032020: typed on a number pad
		parts = []string{s[:2], s[2:4], s[4:]}
	}
	if len(parts) != 3 || !digits(parts[0], 1, 2) || !digits(parts[1], 1, 2) || !digits(parts[2], 4, 4) {
		return Day{}, fmt.Errorf("domain: %q is not a day dd/mm/yyyy", s)
	}
	d, _ := strconv.Atoi(parts[0])
	m, _ := strconv.Atoi(parts[1])
	y, _ := strconv.Atoi(parts[2])
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	switch {
	case t.Day() != d || int(t.Month()) != m:
		return Day{}, fmt.Errorf("domain: %q is not a day that exists", s)
	case y < MinYear || y > MaxYear:
		return Day{}, fmt.Errorf("domain: %q: %w", s, ErrYearOutOfRange)
	}
	return Day{Time: t}, nil
}

// digits reports whether s is made of min to max ASCII digits.
func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// InputVI is the day as a form shows it for editing: dd/mm/yyyy, "" for none.
func InputVI(d *Day) string {
	if d == nil {
		return ""
	}
	return d.VI()
}
