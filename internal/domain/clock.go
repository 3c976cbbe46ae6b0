package domain

import (
	"time"
	_ "time/tzdata" // Asia/Ho_Chi_Minh on every machine
)

// Clock tells the time. Rules about dates take one so they can be tested on any date.
type Clock interface {
	Now() time.Time
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns the current time.
func (SystemClock) Now() time.Time { return time.Now() }

// FixedClock always returns the same instant; tests and "as of" runs use it.
type FixedClock time.Time

// Now returns the fixed instant.
func (c FixedClock) Now() time.Time { return time.Time(c) }

// Location is the time zone of the congress calendar, Asia/Ho_Chi_Minh.
var Location = mustLoad("Asia/Ho_Chi_Minh")

func mustLoad(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}
