package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/auth"
	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/icalfeed"
)

// The days of a calendar feed: from FeedDaysBack days ago to FeedDaysAhead days ahead.
const (
	FeedDaysBack  = 60
	FeedDaysAhead = 335
)

// signedIn refuses the system and a caller without an active account.
func signedIn(p domain.Principal) error {
	if p.User.ID == 0 || !p.User.Active {
		return domain.Unauthorized()
	}
	return nil
}

// CreateCalendarFeed gives the caller a new secret feed token (returned
// once; only its hash is kept), replacing any earlier one, whose URL then
// stops working.
func (s *Service) CreateCalendarFeed(ctx context.Context, p domain.Principal) (string, error) {
	if err := signedIn(p); err != nil {
		return "", err
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		return "", err
	}
	return tok, s.store.SetCalendarFeed(ctx, p, hash)
}

// RevokeCalendarFeed revokes the caller's feed: its URL is not found from now on.
func (s *Service) RevokeCalendarFeed(ctx context.Context, p domain.Principal) error {
	if err := signedIn(p); err != nil {
		return err
	}
	return s.store.DeleteCalendarFeed(ctx, p)
}

// Notices returns the caller's settings of the calendar feed and reminders.
func (s *Service) Notices(ctx context.Context, p domain.Principal) (domain.Notices, error) {
	if err := signedIn(p); err != nil {
		return domain.Notices{}, err
	}
	return s.store.Notices(ctx, p.User.ID)
}

// SetReminders turns the caller's daily reminders on or off.
func (s *Service) SetReminders(ctx context.Context, p domain.Principal, on bool) error {
	if err := signedIn(p); err != nil {
		return err
	}
	return s.store.SetReminders(ctx, p, on)
}

// CalendarFeed returns, as iCalendar, the calendar of the user owning the
// feed token: the congresses and training sessions of the current round in
// every subtree they read (their roles and their working groups), from
// FeedDaysBack days ago to FeedDaysAhead ahead, in their language. An
// unknown or revoked token is not found.
func (s *Service) CalendarFeed(ctx context.Context, token string) ([]byte, error) {
	token = strings.TrimSpace(token)
	if token == "" {
		return nil, domain.NotFound(domain.Text{VI: "Lịch", EN: "Calendar"}, "")
	}
	userID, err := s.store.CalendarFeedUser(ctx, auth.HashToken(token))
	if err != nil {
		return nil, err
	}
	p, err := s.store.Principal(ctx, userID)
	if err != nil {
		return nil, err
	}
	today := domain.TodayDay(s.clock)
	feed := icalfeed.Feed{Name: domain.Text{VI: "Lịch đại hội – " + p.User.Username, EN: "Congress calendar – " + p.User.Username}.In(p.User.Lang),
		BaseURL: s.opts.Reports.BaseURL, Lang: p.User.Lang, Stamp: s.clock.Now()}
	var roots []string
	for _, g := range p.Grants {
		roots = append(roots, g.UnitPath)
	}
	round, err := s.CurrentRoundID(ctx)
	if err != nil && !domain.IsCode(err, domain.ENotFound) {
		return nil, err
	}
	if round != 0 && len(roots) > 0 {
		q := domain.CalendarQuery{From: today.AddDays(-FeedDaysBack), To: today.AddDays(FeedDaysAhead)}
		sl, err := s.store.CalendarEvents(ctx, round, roots, q, today, s.opts.CalendarMax, 0)
		if err != nil {
			return nil, err
		}
		feed.Events = sl.Events
	}
	return icalfeed.Write(feed), nil
}
