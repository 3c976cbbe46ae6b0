// Package icalfeed writes the calendar of congresses and training sessions
// as an iCalendar feed (RFC 5545) with github.com/arran4/golang-ical: one
// VEVENT per event with a stable UID, a SEQUENCE that grows with each
// change, STATUS CANCELLED for an event called off, and times in
// Asia/Ho_Chi_Minh with its VTIMEZONE.
package icalfeed

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/daihoi/daihoi/internal/domain"
)

// TZID is the time zone of every time of the feed.
const TZID = "Asia/Ho_Chi_Minh"

// Feed is what a feed is written from.
type Feed struct {
	// Name is the calendar's name (X-WR-CALNAME).
	Name string
	// BaseURL links each event to its unit's page ("" for no link).
	BaseURL string
	// Lang is the language of the summaries: "vi" or "en".
	Lang string
	// Stamp is the feed's DTSTAMP (when it was made).
	Stamp  time.Time
	Events []domain.CalendarEvent
}

// UID is the event's UID, the same in every feed and for good: "<key>@daihoi".
func UID(e domain.CalendarEvent) string { return e.Key + "@daihoi" }

// localFormat is a local date-time of iCalendar (with a TZID).
const localFormat = "20060102T150405"

// Write returns the feed as iCalendar text.
func Write(f Feed) []byte {
	cal := ics.NewCalendarFor("daihoi")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(f.Name)
	cal.SetXWRCalName(f.Name)
	cal.SetXWRTimezone(TZID)
	cal.SetRefreshInterval("PT1H")
	tz := cal.AddTimezone(TZID)
	std := tz.AddStandard()
	// Viet Nam keeps UTC+7 all year, without daylight saving time.
	std.SetProperty(ics.ComponentPropertyDtStart, "19700101T000000")
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), "+0700")
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), "+0700")
	std.SetProperty(ics.ComponentProperty(ics.PropertyTzname), "ICT")
	for _, e := range f.Events {
		ev := cal.AddEvent(UID(e))
		ev.SetDtStampTime(f.Stamp)
		ev.SetModifiedAt(e.UpdatedAt)
		ev.SetSequence(e.Sequence)
		ev.SetSummary(summary(e, f.Lang))
		if e.Place != "" {
			ev.SetLocation(e.Place)
		}
		if f.BaseURL != "" {
			ev.SetURL(f.BaseURL + "/units/" + e.UnitCode)
		}
		if e.Start != nil {
			from := e.Start.On(e.Day)
			ev.SetProperty(ics.ComponentPropertyDtStart, from.Format(localFormat), ics.WithTZID(TZID))
			ev.SetProperty(ics.ComponentPropertyDtEnd, from.Add(domain.EventDuration).Format(localFormat), ics.WithTZID(TZID))
		} else {
			ev.SetAllDayStartAt(e.Day.Time)
			ev.SetAllDayEndAt(e.Day.Time.AddDate(0, 0, 1))
		}
		switch e.Status {
		case domain.EventCancelled:
			ev.SetStatus(ics.ObjectStatusCancelled)
		default:
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
		ev.AddCategory(string(e.Kind))
	}
	// RFC 5545 (3.1) ends every content line with CRLF.
	return []byte(cal.Serialize(ics.WithNewLineWindows))
}

// summary is the event's title in lang: "Đại hội: <unit>, <unit above>" or
// "Tập huấn: <title> (<unit>)".
func summary(e domain.CalendarEvent, lang string) string {
	vi := lang != "en"
	switch {
	case e.Kind == domain.EventSession && vi:
		return fmt.Sprintf("Tập huấn: %s (%s)", e.Title, e.UnitName)
	case e.Kind == domain.EventSession:
		return fmt.Sprintf("Training: %s (%s)", e.Title, e.UnitName)
	case vi:
		return "Đại hội: " + e.Name()
	}
	return "Congress: " + e.Name()
}
