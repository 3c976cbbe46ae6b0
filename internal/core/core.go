// Package core holds daihoi's services: every use case the web pages, the
// JSON API, the command line and the scheduler share. Each service method
// authorizes the caller against their scope in the tree, validates the input
// with the rules of package domain, and then calls the store.
package core

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
	"github.com/daihoi/daihoi/internal/store"
)

// Options tunes the services.
type Options struct {
	// TokenTTL is how long an API token stays valid.
	TokenTTL time.Duration
	// AtRiskDays: a unit without a planned date is at risk from this many
	// days before its deadline (domain.DefaultAtRiskDays when 0).
	AtRiskDays int
	// PrincipalTTL is how long a caller is reused (DefaultPrincipalTTL when
	// 0; negative: never).
	PrincipalTTL time.Duration
	// Reports tune the weekly reports and their e-mails.
	Reports ReportOptions
	// PaperMaxSize bounds the file of a paper, in bytes
	// (domain.DefaultPaperMaxSize when 0).
	PaperMaxSize int64
	// SignIn throttles sign-in attempts (domain.DefaultSignInPolicy for its
	// zero fields; tests shorten MaxDelay).
	SignIn domain.SignInPolicy
	// Schedules are the cron schedules of the jobs.
	Schedules JobSchedules
	// ProgressTTL is how long the figures of a progress read are served from
	// memory to other callers (0: never; see progress_cache.go).
	ProgressTTL time.Duration
	// ReminderDays is how many days ahead the daily reminders look
	// (DefaultReminderDays when 0).
	ReminderDays int
	// CalendarMax and CalendarPerDay bound the events a calendar lists
	// (MaxCalendarEvents and CalendarPerDay when 0).
	CalendarMax, CalendarPerDay int
}

// Service is the set of daihoi's use cases.
type Service struct {
	store *store.Store
	clock domain.Clock
	rules domain.KindRules
	opts  Options
	log   *slog.Logger
	jobs  *jobs.Runner
	// principals caches the callers of requests (see DefaultPrincipalTTL).
	principals principalCache
	// current caches the id of the current round (see currentRoundTTL).
	current roundCache
	// progress caches the figures of progress reads (Options.ProgressTTL).
	progress *progressCache
	// units caches the units progress reads look up (unit_cache.go).
	units unitCache
	// passwordChecks counts the passwords checked (PasswordChecks).
	passwordChecks atomic.Int64
}

// New loads the unit kinds and returns the services on clock; the store
// times its audit log on the same clock.
func New(ctx context.Context, st *store.Store, clock domain.Clock, opts Options, log *slog.Logger) (*Service, error) {
	rules, err := st.KindRules(ctx)
	if err != nil {
		return nil, fmt.Errorf("core: %w", err)
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 30 * 24 * time.Hour
	}
	if log == nil {
		log = slog.Default()
	}
	opts.Reports = opts.Reports.withDefaults()
	opts.SignIn = opts.SignIn.WithDefaults()
	if opts.CalendarMax <= 0 {
		opts.CalendarMax = MaxCalendarEvents
	}
	if opts.CalendarPerDay <= 0 {
		opts.CalendarPerDay = CalendarPerDay
	}
	if opts.PrincipalTTL == 0 {
		opts.PrincipalTTL = DefaultPrincipalTTL
	}
	st.UseClock(clock) // the audit log is timed on the services' clock
	s := &Service{store: st, clock: clock, rules: rules, opts: opts, log: log, principals: principalCache{ttl: opts.PrincipalTTL},
		progress: newProgressCache(opts.ProgressTTL), units: unitCache{ttl: opts.ProgressTTL}}
	s.jobs = newJobRunner(s)
	return s, nil
}

// Rules returns the unit kinds and their placement rules.
func (s *Service) Rules() domain.KindRules { return s.rules }

// Clock returns the services' clock.
func (s *Service) Clock() domain.Clock { return s.clock }

// authorize returns not found when p cannot even read the unit (its existence
// must not leak) and forbidden when p can read it but not do a.
func authorize(p domain.Principal, a domain.Action, u domain.Unit) error {
	if p.Can(a, u.Path) {
		return nil
	}
	if a != domain.ActRead && p.Can(domain.ActRead, u.Path) {
		return domain.Forbidden()
	}
	return domain.NotFound(domain.UnitText, u.Code)
}

// unitByCode loads the unit with code (normalised); a code that no unit can
// have (domain.ParseCode) is not found, and never reaches the database.
func (s *Service) unitByCode(ctx context.Context, code string) (domain.Unit, error) {
	c, ok := domain.ParseCode(code)
	if !ok {
		return domain.Unit{}, domain.NotFound(domain.UnitText, domain.ShowText(c, 64))
	}
	return s.store.UnitByCode(ctx, c)
}

// unitFor loads the unit with code and checks that p may do a on it. A code
// that no unit can have is not found, without asking the database.
func (s *Service) unitFor(ctx context.Context, p domain.Principal, a domain.Action, code string) (domain.Unit, error) {
	u, err := s.unitByCode(ctx, code)
	if err != nil {
		return u, err
	}
	return u, authorize(p, a, u)
}
