package domain

import (
	"fmt"
	"time"
)

// The rules of the weekly report that do not depend on the report as a
// document (package report owns that): which weeks can be reported on,
// how failed e-mails are retried, and the congresses listed in a report,
// as the store reads them.

// ReportCongress is a congress in a report's list: held during the week or
// planned for the next.
type ReportCongress struct {
	UnitRef
	KindName Text `json:"kind_name" db:"-"`
	// Parent is the name of the unit directly above.
	Parent string `json:"parent" db:"parent"`
	// Place is where it sits below the report's unit (unit_place), empty
	// for a unit directly below; nil in the reports stored before it was
	// kept, which show Parent instead.
	Place    Place `json:"place" db:"place"`
	Date     Day   `json:"date" db:"date"`
	Deadline *Day  `json:"deadline" db:"deadline"`
	IsPilot  bool  `json:"pilot" db:"is_pilot"`
}

// ReportLate is a unit late or at risk at the end of the week.
type ReportLate struct {
	UnitRef
	KindName    Text     `json:"kind_name" db:"-"`
	Parent      string   `json:"parent" db:"parent"`
	Place       Place    `json:"place" db:"place"` // as ReportCongress's
	Flag        FlagKind `json:"flag" db:"flag"`   // late or at_risk
	FlagName    Text     `json:"flag_name" db:"-"`
	Deadline    Day      `json:"deadline" db:"deadline"`
	PlannedDate *Day     `json:"planned_date" db:"planned_date"`
	// DaysOverdue counts the days from the deadline to To; negative when the
	// deadline is still ahead (at risk).
	DaysOverdue int `json:"days_overdue" db:"-"`
	// DetailCode says why a unit is at risk (AtRisk...); Detail words it.
	DetailCode string `json:"detail_code" db:"detail"`
	Detail     Text   `json:"detail" db:"-"`
}

// Fill words the flag and counts the days overdue on asOf.
func (l *ReportLate) Fill(asOf Day) {
	l.FlagName = l.Flag.Name()
	l.DaysOverdue = DaysBetween(l.Deadline.Time, asOf.Time)
	if t, ok := AtRiskDetail(l.DetailCode); ok {
		l.Detail = t
		return
	}
	l.Detail = Text{fmt.Sprintf("Quá thời hạn %s", l.Deadline.VI()), fmt.Sprintf("Past the deadline of %s", l.Deadline)}
}

// ReportMail is one e-mail of a weekly report in the outbox, and how its
// sending went.
type ReportMail struct {
	ID            int64      `db:"id" json:"-"`
	ReportID      int64      `db:"report_id" json:"-"`
	UnitID        int64      `db:"unit_id" json:"-"`
	Username      string     `db:"username" json:"username"`
	Email         string     `db:"email" json:"email"`
	Lang          string     `db:"lang" json:"lang"`
	Status        string     `db:"status" json:"status"`
	Attempts      int        `db:"attempts" json:"attempts"`
	NextAttemptAt time.Time  `db:"next_attempt_at" json:"next_attempt_at"`
	LastError     string     `db:"last_error" json:"last_error"`
	SentAt        *time.Time `db:"sent_at" json:"sent_at"`
	Week          string     `db:"week" json:"week"`
	UnitCode      string     `db:"unit_code" json:"unit"`
}

// ReportableWeek checks that a report can be made for week w on today in
// a round that started on start: the week has ended, and the round had
// started by its last day.
func ReportableWeek(w Week, today, start Day) error {
	if !w.Sunday().Before(today) {
		return Invalid("week", fmt.Sprintf("Tuần %s chưa kết thúc (kết thúc ngày %s)", w, w.Sunday().VI()),
			fmt.Sprintf("week %s has not ended yet (it ends on %s)", w, w.Sunday()))
	}
	if w.Sunday().Before(start) {
		return Invalid("week", fmt.Sprintf("Tuần %s kết thúc trước khi đợt đại hội bắt đầu (%s)", w, start.VI()),
			fmt.Sprintf("week %s ended before the round started (%s)", w, start))
	}
	return nil
}

// MailBackoff is how long to wait before another attempt at an e-mail
// after attempts failed ones: 1 minute, then four times longer each time,
// at most 6 hours.
func MailBackoff(attempts int) time.Duration {
	d := time.Minute
	for i := 1; i < attempts && d < 6*time.Hour; i++ {
		d *= 4
	}
	return min(d, 6*time.Hour)
}
