package core

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/report"
	"github.com/daihoi/daihoi/internal/store"
)

// ReportOptions tune the weekly reports.
type ReportOptions struct {
	// Kinds are the unit kinds the weekly job reports on (besides every
	// unit with subscribers); DefaultReportKinds when empty.
	Kinds []string
	// ForecastWeeks is how many past weeks give the pace of the forecast
	// (DefaultForecastWeeks when 0).
	ForecastWeeks int
	// BaseURL is the public address of the web app, for links in e-mails.
	BaseURL string
	// Mailer sends the e-mails (nil or disabled: e-mails stay queued).
	Mailer *mail.Mailer
	// MailAttempts is how many times an e-mail is tried before it is given
	// up (DefaultMailAttempts when 0).
	MailAttempts int
	// Workers is how many reports the weekly job makes at a time
	// (DefaultReportWorkers when 0): each report waits on the database
	// and then on its drawing in turn, so that one at a time leaves a
	// core idle.
	Workers int
}

// Defaults of the weekly reports.
const (
	DefaultForecastWeeks = 4
	DefaultMailAttempts  = 8
	DefaultReportWorkers = 3
	// reportArchiveLimit bounds a unit's archive (ten years of weeks).
	reportArchiveLimit = 520
)

// DefaultReportKinds are the kinds reported on weekly unless configured.
var DefaultReportKinds = []string{"district"}

func (o ReportOptions) withDefaults() ReportOptions {
	if len(o.Kinds) == 0 {
		o.Kinds = DefaultReportKinds
	}
	if o.ForecastWeeks <= 0 {
		o.ForecastWeeks = DefaultForecastWeeks
	}
	if o.MailAttempts <= 0 {
		o.MailAttempts = DefaultMailAttempts
	}
	if o.Workers <= 0 {
		o.Workers = DefaultReportWorkers
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	return o
}

// cellKinds are the kinds counted as cells in the headline (cells that are
// not grassroots organizations).
func (s *Service) cellKinds() []string {
	var kinds []string
	for _, k := range s.rules.Ordered() {
		if k.IsCell && !k.IsGrassroots {
			kinds = append(kinds, k.Code)
		}
	}
	return kinds
}

// reportReads is how many of a report's reads run at a time: the lists
// and the composition of a large unit (the nation) each take a few hundred
// milliseconds of one core, one after the other over a second.
const reportReads = 2

// buildWeeklyReport reads the facts of the report of unit u in round for
// week w as of the week's Sunday and the Sunday before, and has package
// report draw it: the figures from the maintained aggregates (as a
// progress read of that day gives them), the lists read set-based over
// u's subtree (a fixed number of queries whatever its size). The reads are
// independent statements (none in a transaction), reportReads at a time,
// the longest first.
func (s *Service) buildWeeklyReport(ctx context.Context, st *store.Store, round domain.RoundDetail, u domain.Unit, w domain.Week) (report.Weekly, error) {
	from, to := w.Monday(), w.Sunday()
	n := s.opts.Reports.ForecastWeeks
	f := report.Facts{Unit: unitRef(u), Round: round, Week: w, MadeAt: s.clock.Now(), Rules: s.rules, ForecastWeeks: n}
	kinds := s.cellKinds()
	days := make([]domain.Day, n+1)
	for i := range days {
		days[i] = to.AddDays(-7 * (n - i))
	}

	var (
		lists     store.ReportLists
		comp      domain.CompositionReport
		cur, prev store.ProgressFigures
		daily     []domain.DayCount
		total     int
		series    map[int64]store.CellSeries
		children  []store.ChildFigures
		missing   []domain.CongressMissingPapers
		missingN  int
		sessions  []domain.TrainingSession
	)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(reportReads)
	g.Go(func() (err error) {
		lists, err = s.store.ReportLists(gctx, round.ID, u, from, to, to.AddDays(1), to.AddDays(7), s.atRiskDays(), report.ListLimit)
		return err
	})
	g.Go(func() (err error) {
		comp, err = s.compositionOf(gctx, round.ID, u, to)
		return err
	})
	g.Go(func() (err error) {
		missing, missingN, err = s.store.MissingPapers(gctx, round.ID, u.Path, to, report.ListLimit)
		return err
	})
	g.Go(func() (err error) {
		series, err = s.store.CellsHeldOnDays(gctx, round.ID, u, kinds, days)
		return err
	})
	g.Go(func() error {
		figs, err := st.ProgressOnDays(gctx, round.ID, u, []domain.Day{to, to.AddDays(-7)}, s.atRiskDays())
		if err == nil {
			cur, prev = figs[0], figs[1]
		}
		return err
	})
	g.Go(func() (err error) {
		daily, total, _, err = st.HeldByDay(gctx, round.ID, u, kinds, round.StartDate, to)
		return err
	})
	g.Go(func() (err error) {
		children, err = st.ProgressChildren(gctx, round.ID, u, to, s.atRiskDays())
		return err
	})
	g.Go(func() (err error) {
		sessions, err = st.SessionsHeld(gctx, round.ID, u.Path, from, to)
		return err
	})
	if err := g.Wait(); err != nil {
		return report.Weekly{}, err
	}

	f.Now, f.Before = domain.CountsByKind(s.rules, cur.Kinds), domain.CountsByKind(s.rules, prev.Kinds)
	f.PilotsHeld, f.PilotsTotal, f.PrevPilotsHeld, f.PrevPilotsTotal = cur.PilotsHeld, cur.PilotsTotal, prev.PilotsHeld, prev.PilotsTotal
	f.Deadline = cur.Own.Deadline
	f.HeldOn, f.Cells = make(map[domain.Day]int, len(daily)), total
	for _, d := range daily {
		f.HeldOn[d.Day] = d.Held
	}
	f.Children = make([]report.Child, 0, len(children))
	for _, c := range children {
		cs := series[c.ID]
		f.Children = append(f.Children, report.Child{ChildProgress: s.childProgress(c), Held: cs.Held, Cells: cs.Total})
	}
	f.Held, f.HeldCount = lists.Held, lists.HeldCount
	f.Planned, f.PlannedCount = lists.Planned, lists.PlannedCount
	f.Late, f.LateCount, f.AtRiskCount = lists.Late, lists.LateCount, lists.AtRiskCount
	f.MissingPapers, f.MissingPapersCount = missing, missingN
	f.Composition = &comp
	f.Sessions = sessions
	return report.Build(f), nil
}

func (s *Service) atRiskDays() int {
	if s.opts.AtRiskDays > 0 {
		return s.opts.AtRiskDays
	}
	return domain.DefaultAtRiskDays
}

// MadeReport is a report made or found by MakeWeeklyReport.
type MadeReport struct {
	Report report.Weekly
	// ID is the stored report's.
	ID int64
	// Written: the report was stored (new, or replaced when forced).
	Written bool
	// Replaced: an earlier report of the unit and week was replaced.
	Replaced bool
	// Mails counts the e-mails queued for its subscribers.
	Mails int
}

func madeReport(r report.Weekly, res store.SaveResult) MadeReport {
	return MadeReport{Report: r, ID: res.ID, Written: res.Written, Replaced: res.Replaced, Mails: res.Mails}
}

// MakeWeeklyReport makes the weekly report of the unit with code for week
// ("2020-W14"; "" for the week just ended) in the current round and
// stores it. A report already stored for that unit and week is returned as
// it was, unless force replaces it. p needs ActManage on the unit (a board
// user of it or above; the system).
func (s *Service) MakeWeeklyReport(ctx context.Context, p domain.Principal, code, week string, force bool) (MadeReport, error) {
	u, err := s.unitFor(ctx, p, domain.ActManage, code)
	if err != nil {
		return MadeReport{}, err
	}
	w, err := s.reportWeek(week)
	if err != nil {
		return MadeReport{}, err
	}
	round, err := s.reportRound(ctx, 0)
	if err != nil {
		return MadeReport{}, err
	}
	return s.makeWeeklyReport(ctx, p, round, u, w, force, nil)
}

func (s *Service) reportWeek(week string) (domain.Week, error) {
	if strings.TrimSpace(week) == "" {
		return domain.LastFullWeek(s.clock), nil
	}
	return domain.ParseWeek(strings.TrimSpace(week))
}

// reportRound is the round with id (0: the current one).
func (s *Service) reportRound(ctx context.Context, id int64) (domain.RoundDetail, error) {
	id, err := s.roundID(ctx, id)
	if err != nil {
		return domain.RoundDetail{}, err
	}
	return s.store.Round(ctx, id)
}

// makeWeeklyReport makes and stores the report of u for w (or returns the
// stored one unless force). A backfill gives the time the report is dated
// (at) and queues no e-mail.
func (s *Service) makeWeeklyReport(ctx context.Context, p domain.Principal, round domain.RoundDetail, u domain.Unit, w domain.Week, force bool, at *time.Time) (MadeReport, error) {
	if err := domain.ReportableWeek(w, domain.TodayDay(s.clock), round.StartDate); err != nil {
		return MadeReport{}, err
	}
	// Made from the primary: the figures come from several statements,
	// which replicas at different points of the log would not agree on.
	st := s.store.Primary()
	if !force {
		if stored, err := st.WeeklyReport(ctx, u.ID, w.String()); err == nil {
			r, err := decodeReport(stored)
			return MadeReport{Report: r, ID: stored.ID}, err
		} else if !domain.IsCode(err, domain.ENotFound) {
			return MadeReport{}, err
		}
	}
	r, err := s.buildWeeklyReport(ctx, st, round, u, w)
	if err != nil {
		return MadeReport{}, err
	}
	if at != nil {
		r.MadeAt = *at
	}
	content, err := json.Marshal(r)
	if err != nil {
		return MadeReport{}, fmt.Errorf("core: report %s %s: %w", u.Code, r.Week, err)
	}
	row := store.StoredReport{RoundID: r.RoundID, Week: r.Week, WeekStart: r.From, MadeAt: r.MadeAt, NothingNew: r.NothingNew(), Content: content}
	res, err := st.SaveWeeklyReport(ctx, p, u, row, force, at == nil, s.clock.Now())
	if err != nil {
		return MadeReport{}, err
	}
	if !res.Written { // made at the same time by another run: keep the stored one
		stored, err := st.WeeklyReport(ctx, u.ID, w.String())
		if err != nil {
			return MadeReport{}, err
		}
		r, err = decodeReport(stored)
		return madeReport(r, res), err
	}
	return madeReport(r, res), nil
}

func decodeReport(st store.StoredReport) (report.Weekly, error) {
	r, err := report.Decode(st.Content)
	if err != nil {
		return r, fmt.Errorf("core: report %s: %w", st.Week, err)
	}
	return r, nil
}

// WeeklyReport returns the stored weekly report of the unit with code for
// week; p needs to be able to read the unit.
func (s *Service) WeeklyReport(ctx context.Context, p domain.Principal, code, week string) (report.Weekly, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return report.Weekly{}, err
	}
	return s.weeklyReportOf(ctx, u, week)
}

// weeklyReportOf is the stored report of u for week.
func (s *Service) weeklyReportOf(ctx context.Context, u domain.Unit, week string) (report.Weekly, error) {
	w, err := domain.ParseWeek(strings.TrimSpace(week))
	if err != nil {
		return report.Weekly{}, err
	}
	st, err := s.store.WeeklyReport(ctx, u.ID, w.String())
	if err != nil {
		return report.Weekly{}, err
	}
	return decodeReport(st)
}

// CompareWeeklyReports puts the stored reports of weeks a and b of the
// unit with code side by side (report.Compare), the earlier as A; p needs
// to be able to read the unit.
func (s *Service) CompareWeeklyReports(ctx context.Context, p domain.Principal, code, a, b string) (report.Comparison, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return report.Comparison{}, err
	}
	ra, err := s.weeklyReportOf(ctx, u, a)
	if err != nil {
		return report.Comparison{}, err
	}
	rb, err := s.weeklyReportOf(ctx, u, b)
	if err != nil {
		return report.Comparison{}, err
	}
	return report.Compare(ra, rb), nil
}

// ReportArchive is a unit's stored weekly reports, the latest first.
type ReportArchive struct {
	Unit    domain.UnitRef   `json:"unit"`
	Reports []report.Summary `json:"reports"`
}

// WeeklyReports lists the stored weekly reports of the unit with code.
func (s *Service) WeeklyReports(ctx context.Context, p domain.Principal, code string) (ReportArchive, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return ReportArchive{}, err
	}
	list, err := s.store.WeeklyReports(ctx, u.ID, reportArchiveLimit)
	if err != nil {
		return ReportArchive{}, err
	}
	a := ReportArchive{Unit: unitRef(u), Reports: make([]report.Summary, 0, len(list))}
	for _, r := range list {
		sum := report.Summary{Week: r.Week, From: r.WeekStart, MadeAt: r.MadeAt, MadeBy: r.MadeBy, NothingNew: r.NothingNew, HeldInWeek: r.HeldInWeek}
		if err := json.Unmarshal(r.Headline, &sum.Headline); err != nil {
			return ReportArchive{}, fmt.Errorf("core: report %s: headline: %w", r.Week, err)
		}
		a.Reports = append(a.Reports, sum)
	}
	return a, nil
}

// ReportMails lists the e-mails of the unit's report of week, for a
// board user of the unit (ActManage).
func (s *Service) ReportMails(ctx context.Context, p domain.Principal, code, week string) ([]domain.ReportMail, error) {
	u, err := s.unitFor(ctx, p, domain.ActManage, code)
	if err != nil {
		return nil, err
	}
	return s.store.ReportMailsOf(ctx, u.ID, week)
}

// errNotSubscriber refuses a subscription to a user without a board or
// supervisor role over the unit.
var errNotSubscriber = domain.Invalid("subscribe",
	"Chỉ người dùng có vai trò ban tổ chức hoặc giám sát đối với đơn vị này mới nhận được báo cáo tuần qua thư điện tử",
	"Only users with a board or supervisor role over this unit can get its weekly report by e-mail")

// SetReportSubscription subscribes p to the weekly report of the unit with
// code (on) or ends it. Only board and supervisor users over the unit may
// subscribe; anyone may end their own subscription.
func (s *Service) SetReportSubscription(ctx context.Context, p domain.Principal, code string, on bool) error {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return err
	}
	if p.System || p.User.ID == 0 {
		return domain.Invalid("subscribe", "Chỉ một người dùng mới có thể đăng ký nhận báo cáo", "Only a user can subscribe to a report")
	}
	if on && !p.HasRoleOver(u.Path, domain.RoleBoard, domain.RoleSupervisor) {
		return errNotSubscriber
	}
	return s.store.SetReportSubscription(ctx, p, p.User.ID, u, on)
}

// ReportSubscribed reports whether p gets the unit's report by e-mail, and
// whether p may subscribe to it.
func (s *Service) ReportSubscribed(ctx context.Context, p domain.Principal, u domain.Unit) (subscribed, may bool, err error) {
	if p.System || p.User.ID == 0 {
		return false, false, nil
	}
	subscribed, err = s.store.ReportSubscribed(ctx, p.User.ID, u.ID)
	return subscribed, p.HasRoleOver(u.Path, domain.RoleBoard, domain.RoleSupervisor), err
}

// WeeklyRun counts what a run of the weekly reports did.
type WeeklyRun struct {
	Made, Kept, Replaced, Mails int
	Failed                      []string
}

// MakeWeeklyReports makes the report for week of every unit of the
// configured kinds and every unit with subscribers, in round (0: the
// current one). A unit whose report fails is logged and named in the
// error; the others go on. Only the system (scheduler, command line) may.
func (s *Service) MakeWeeklyReports(ctx context.Context, p domain.Principal, roundID int64, w domain.Week, force bool) (WeeklyRun, error) {
	var run WeeklyRun
	if !p.System {
		return run, domain.Forbidden()
	}
	round, err := s.reportRound(ctx, roundID)
	if err != nil {
		return run, err
	}
	if err := domain.ReportableWeek(w, domain.TodayDay(s.clock), round.StartDate); err != nil {
		return run, err
	}
	return s.makeWeeklyReportsOf(ctx, p, round, w, force, nil)
}

// makeWeeklyReportsOf makes the reports of week w of the units the job
// covers (a backfill dated at, without e-mails), Reports.Workers at a time
// (each report is its own reads and its own transaction, as made alone).
func (s *Service) makeWeeklyReportsOf(ctx context.Context, p domain.Principal, round domain.RoundDetail, w domain.Week, force bool, at *time.Time) (WeeklyRun, error) {
	var run WeeklyRun
	units, err := s.store.UnitsToReport(ctx, s.opts.Reports.Kinds)
	if err != nil {
		return run, err
	}
	made := make([]MadeReport, len(units))
	errs := make([]error, len(units))
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(s.opts.Reports.Workers, len(units)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				made[i], errs[i] = s.makeWeeklyReport(ctx, p, round, units[i], w, force, at)
			}
		}()
	}
	for i := range units {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return run, err
	}
	for i, u := range units {
		m, err := made[i], errs[i]
		switch {
		case err != nil:
			s.log.Error("weekly report failed", "unit", u.Code, "week", w.String(), "err", err)
			run.Failed = append(run.Failed, u.Code)
		case m.Replaced:
			run.Replaced++
		case m.Written:
			run.Made++
		default:
			run.Kept++
		}
		run.Mails += m.Mails
	}
	if len(run.Failed) > 0 {
		return run, fmt.Errorf("core: weekly reports of %d units failed: %s", len(run.Failed), strings.Join(run.Failed, ", "))
	}
	return run, nil
}

// BackfillWeeklyReports makes the reports of the weeks from..to (both
// included, each ended) not stored yet, of the units the weekly job
// covers, each dated when the job would have made it (07:00 on the Monday
// after the week), without e-mails: for a database loaded with a round
// already under way, such as the demo. Only the system may.
func (s *Service) BackfillWeeklyReports(ctx context.Context, p domain.Principal, from, to domain.Week) (WeeklyRun, error) {
	var all WeeklyRun
	if !p.System {
		return all, domain.Forbidden()
	}
	round, err := s.reportRound(ctx, 0)
	if err != nil {
		return all, err
	}
	for w := from; !w.Monday().After(to.Monday()); w = domain.WeekOf(w.Sunday().AddDays(1)) {
		if w.Sunday().Before(round.StartDate) {
			continue
		}
		if err := domain.ReportableWeek(w, domain.TodayDay(s.clock), round.StartDate); err != nil {
			return all, err
		}
		next := w.Sunday().AddDays(1).Time
		at := time.Date(next.Year(), next.Month(), next.Day(), 7, 0, 0, 0, domain.Location)
		run, err := s.makeWeeklyReportsOf(ctx, p, round, w, false, &at)
		all.Made, all.Kept = all.Made+run.Made, all.Kept+run.Kept
		if err != nil {
			return all, err
		}
	}
	return all, nil
}

// MailRun counts what a run of the report e-mails did.
type MailRun struct {
	Sent, Retry, Failed int
}

// mailBatch bounds the e-mails one run sends.
const mailBatch = 500

// SendReportMails sends the queued report e-mails that are due: each with
// the report as XLSX in the subscriber's language and a link to its page.
// A failed send is logged and tried again later (domain.MailBackoff), up to
// the configured attempts, or given up at once when the server refused it
// for good; the report stays stored either way.
func (s *Service) SendReportMails(ctx context.Context) (MailRun, error) {
	var run MailRun
	m := s.opts.Reports.Mailer
	if m == nil || !m.Enabled() {
		return run, nil
	}
	due, err := s.store.DueReportMails(ctx, s.clock.Now(), mailBatch)
	if err != nil {
		return run, err
	}
	reports := map[int64]report.Weekly{}
	for _, d := range due {
		r, ok := reports[d.ReportID]
		if !ok {
			st, err := s.store.WeeklyReport(ctx, d.UnitID, d.Week)
			if err != nil {
				return run, err
			}
			if r, err = decodeReport(st); err != nil {
				return run, err
			}
			reports[d.ReportID] = r
		}
		msg, err := report.Mail(r, d.Email, d.Lang, s.ReportURL(r.Unit.Code, r.Week))
		if err == nil {
			err = m.Send(ctx, msg)
		}
		if err == nil {
			run.Sent++
			if err := s.store.ReportMailSent(ctx, d.ID, s.clock.Now()); err != nil {
				return run, err
			}
			continue
		}
		if ctx.Err() != nil {
			return run, ctx.Err()
		}
		attempts := d.Attempts + 1
		next := s.retryAt(attempts, err, &run)
		s.log.Warn("report e-mail failed", "to", d.Email, "unit", d.UnitCode, "week", d.Week, "attempt", attempts,
			"retry_at", next, "err", err)
		if err := s.store.ReportMailFailed(ctx, d.ID, next, err.Error()); err != nil {
			return run, err
		}
	}
	return run, nil
}

// retryAt is when a send that failed with err on its attempts-th try is
// tried again (domain.MailBackoff), or nil when it is given up: refused for
// good by the server, mail off, or mail.attempts reached. It counts the
// outcome in run.
func (s *Service) retryAt(attempts int, err error, run *MailRun) *time.Time {
	if mail.Permanent(err) || attempts >= s.opts.Reports.MailAttempts || errors.Is(err, mail.ErrOff) {
		run.Failed++
		return nil
	}
	run.Retry++
	t := s.clock.Now().Add(domain.MailBackoff(attempts))
	return &t
}

// ReportURL is the address of the report's page in the web app.
func (s *Service) ReportURL(code, week string) string {
	return s.opts.Reports.BaseURL + "/units/" + code + "/reports/" + week
}
