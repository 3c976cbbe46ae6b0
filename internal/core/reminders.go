package core

import (
	"context"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
	"github.com/daihoi/daihoi/internal/mail"
)

// DefaultReminderDays is how many days ahead the daily reminders look when
// Options.ReminderDays is 0.
const DefaultReminderDays = 7

// reminderHold is how long a sender keeps the reminders it took before
// another process may take them again.
const reminderHold = 10 * time.Minute

// reminderDays is the days the reminders look ahead.
func (s *Service) reminderDays() int {
	if s.opts.ReminderDays > 0 {
		return s.opts.ReminderDays
	}
	return DefaultReminderDays
}

// RemindersRun counts what a run of the reminders did.
type RemindersRun struct {
	// Users is how many users had something to be told; Queued how many
	// reminders were queued (fewer when some were queued earlier that day).
	Users, Queued int
	Mail          MailRun
}

// QueueReminders writes the daily reminder of day for every user with
// something to be told (domain.ReminderMails: each secretary of her units'
// milestones due within the days, units late, approvals waiting for her,
// approvals given to her own unit since a day before now, congresses without a planned
// date; each member of a working group of the congresses they are to
// attend), in one query, and queues them, at most one per user and day.
func (s *Service) QueueReminders(ctx context.Context, roundID int64, day domain.Day, now time.Time) (RemindersRun, error) {
	var run RemindersRun
	items, err := s.store.ReminderItems(ctx, roundID, day, s.reminderDays(), now.Add(-24*time.Hour))
	if err != nil {
		return run, err
	}
	mails := domain.ReminderMails(items, day, s.reminderDays(), s.opts.Reports.BaseURL)
	run.Users = len(mails)
	run.Queued, err = s.store.QueueReminders(ctx, day, mails, now)
	return run, err
}

// SendReminderMails sends the queued reminders that are due, with the
// retries of the report e-mails (retryAt); each is taken by one sender only.
func (s *Service) SendReminderMails(ctx context.Context) (MailRun, error) {
	var run MailRun
	m := s.opts.Reports.Mailer
	if m == nil || !m.Enabled() {
		return run, nil
	}
	due, err := s.store.ClaimReminderMails(ctx, s.clock.Now(), reminderHold, mailBatch)
	if err != nil {
		return run, err
	}
	for _, d := range due {
		err := m.Send(ctx, mail.Message{To: d.Email, Subject: d.Subject, Text: d.Body})
		if err == nil {
			run.Sent++
			if err := s.store.ReminderMailSent(ctx, d.ID, s.clock.Now()); err != nil {
				return run, err
			}
			continue
		}
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		next := s.retryAt(d.Attempts+1, err, &run)
		s.log.Warn("reminder e-mail failed", "to", d.Email, "attempt", d.Attempts+1, "retry_at", next, "err", err)
		if err := s.store.ReminderMailFailed(ctx, d.ID, next, err.Error()); err != nil {
			return run, err
		}
	}
	return run, nil
}

// remindersJob queues the reminders of the run's day and sends those due
// (the report-mail job sends the retries later).
func (s *Service) remindersJob(ctx context.Context, p jobs.Params) error {
	round, err := s.jobRound(ctx, p)
	if err != nil {
		return err
	}
	run, err := s.QueueReminders(ctx, round, p.AsOf, p.Now)
	p.Count("users", run.Users)
	p.Count("queued", run.Queued)
	if err != nil {
		return err
	}
	return s.reportMailJob(ctx, p)
}
