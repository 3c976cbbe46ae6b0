package domain

import (
	"fmt"
	"sort"
	"strings"
)

// ReminderSection is what a line of a daily reminder is about.
type ReminderSection string

// The sections of a daily reminder, in the order the e-mail lists them.
const (
	// RemindAttend: a congress the user is named to attend for a working group.
	RemindAttend ReminderSection = "attend"
	// RemindDue: a milestone of one of the user's units due within the days.
	RemindDue ReminderSection = "due"
	// RemindLate: one of the user's units is late.
	RemindLate ReminderSection = "late"
	// RemindApprove: an approval a unit directly below waits for from the user's committee.
	RemindApprove ReminderSection = "approve"
	// RemindApproved: an approval given to the user's own unit in the last day.
	RemindApproved ReminderSection = "approved"
	// RemindNoDate: a congress being prepared without a planned date.
	RemindNoDate ReminderSection = "no_date"
)

// reminderSections are the sections in order, with their headings.
var reminderSections = []struct {
	Section ReminderSection
	Heading Text
}{
	{RemindAttend, Text{VI: "Đại hội đồng chí được phân công dự", EN: "Congresses you are to attend"}},
	{RemindDue, Text{VI: "Mốc sắp đến hạn", EN: "Milestones due soon"}},
	{RemindLate, Text{VI: "Đơn vị trễ hạn", EN: "Units late"}},
	{RemindApprove, Text{VI: "Chờ đồng chí phê duyệt", EN: "Waiting for your approval"}},
	{RemindApproved, Text{VI: "Đã được cấp trên phê duyệt", EN: "Approved by the committee above"}},
	{RemindNoDate, Text{VI: "Đại hội chưa có ngày dự kiến", EN: "Congresses without a planned date"}},
}

// ReminderItem is one line of a user's daily reminder.
type ReminderItem struct {
	UserID   int64           `db:"user_id"`
	Username string          `db:"username"`
	Email    string          `db:"email"`
	Lang     string          `db:"lang"`
	Section  ReminderSection `db:"section"`
	UnitCode string          `db:"unit_code"`
	UnitName string          `db:"unit_name"`
	// What names the milestone or approval (empty for a unit's line).
	What Text `db:"what"`
	// Day is the due date, the deadline passed or the planned day.
	Day   *Day       `db:"day"`
	Start *ClockTime `db:"start_time"`
	Place string     `db:"place"`
}

// ReminderMail is a user's daily reminder, written in their language.
type ReminderMail struct {
	UserID  int64
	Email   string
	Lang    string
	Subject string
	Body    string
}

// MaxReminderLines bounds the lines of one section of a reminder; the
// others are counted.
const MaxReminderLines = 30

// ReminderMails groups items by user and writes one reminder e-mail each,
// for the day today, with links to the units' pages under baseURL. A user
// without items gets none.
func ReminderMails(items []ReminderItem, today Day, days int, baseURL string) []ReminderMail {
	byUser := map[int64][]ReminderItem{}
	var order []int64
	for _, it := range items {
		if _, ok := byUser[it.UserID]; !ok {
			order = append(order, it.UserID)
		}
		byUser[it.UserID] = append(byUser[it.UserID], it)
	}
	sort.Slice(order, func(i, j int) bool { return order[i] < order[j] })
	out := make([]ReminderMail, 0, len(order))
	for _, id := range order {
		its := byUser[id]
		lang := its[0].Lang
		out = append(out, ReminderMail{UserID: id, Email: its[0].Email, Lang: lang,
			Subject: Text{VI: "Nhắc việc đại hội ngày " + today.VI(), EN: "Congress reminders for " + today.VI()}.In(lang),
			Body:    reminderBody(its, lang, days, baseURL)})
	}
	return out
}

// reminderBody writes the sections of a user's reminder.
func reminderBody(items []ReminderItem, lang string, days int, baseURL string) string {
	var b strings.Builder
	b.WriteString(Text{VI: fmt.Sprintf("Những việc cần chú ý (trong %d ngày tới):", days),
		EN: fmt.Sprintf("What needs your attention (within the next %d %s):", days, Plural(days, "day", "days"))}.In(lang))
	b.WriteString("\n")
	for _, s := range reminderSections {
		var lines []ReminderItem
		for _, it := range items {
			if it.Section == s.Section {
				lines = append(lines, it)
			}
		}
		if len(lines) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s (%d)\n", s.Heading.In(lang), len(lines))
		for i, it := range lines {
			if i == MaxReminderLines {
				fmt.Fprintf(&b, "- %s\n", Text{VI: fmt.Sprintf("… và %d mục khác", len(lines)-i), EN: fmt.Sprintf("… and %d more", len(lines)-i)}.In(lang))
				break
			}
			b.WriteString("- " + reminderLine(it, lang))
			if baseURL != "" {
				b.WriteString("\n  " + baseURL + "/units/" + it.UnitCode)
			}
			b.WriteString("\n")
		}
	}
	b.WriteString("\n" + Text{VI: "Tắt thư nhắc việc tại trang Tài khoản.", EN: "Turn these reminders off on your account page."}.In(lang))
	if baseURL != "" {
		b.WriteString(" " + baseURL + "/profile")
	}
	b.WriteString("\n")
	return b.String()
}

// reminderLine writes one item: the unit, what, and when.
func reminderLine(it ReminderItem, lang string) string {
	s := it.UnitName
	if it.What.VI != "" {
		s += ": " + it.What.In(lang)
	}
	if it.Day != nil {
		when := it.Day.VI()
		if it.Start != nil {
			when = it.Start.String() + " " + when
		}
		switch it.Section {
		case RemindDue, RemindApprove:
			s += " — " + Text{VI: "hạn " + when, EN: "due " + when}.In(lang)
		case RemindLate:
			s += " — " + Text{VI: "hạn " + when + " đã qua", EN: "deadline " + when + " passed"}.In(lang)
		case RemindApproved:
			s += " — " + Text{VI: "ngày " + when, EN: "on " + when}.In(lang)
		default:
			s += " — " + when
		}
	}
	if it.Place != "" {
		s += ", " + it.Place
	}
	return s
}

// QueuedMail is an e-mail of the outbox of reminders, ready to send.
type QueuedMail struct {
	ID       int64  `db:"id"`
	Email    string `db:"email"`
	Lang     string `db:"lang"`
	Subject  string `db:"subject"`
	Body     string `db:"body"`
	Attempts int    `db:"attempts"`
}
