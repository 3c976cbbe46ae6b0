package core

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/mail"
	"github.com/daihoi/daihoi/internal/reportfile"
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
}

// Defaults of the weekly reports.
const (
	DefaultForecastWeeks = 4
	DefaultMailAttempts  = 8
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

// kindName is the name of a unit kind in both languages.
func (s *Service) kindName(code string) domain.Text {
	if k, ok := s.rules.Kinds[code]; ok {
		return domain.Text{VI: k.NameVI, EN: k.NameEN}
	}
	return domain.Text{VI: code, EN: code}
}

// buildWeeklyReport draws the report of unit u in round for week w from
// the data as of the week's Sunday: the figures from the maintained
// aggregates (as a progress read of that day gives them), the lists read
// set-based over u's subtree (a fixed number of queries whatever its size).
func (s *Service) buildWeeklyReport(ctx context.Context, round domain.RoundDetail, u domain.Unit, w domain.Week) (domain.WeeklyReport, error) {
	from, to := w.Monday(), w.Sunday()
	prevTo := to.AddDays(-7)
	r := domain.WeeklyReport{Version: domain.WeeklyReportVersion, Unit: unitRef(u), KindName: s.kindName(u.Kind),
		RoundID: round.ID, RoundName: round.Name, Week: w.String(), From: from, To: to, MadeAt: s.clock.Now()}

	cur, err := s.store.Progress(ctx, round.ID, u, to, s.atRiskDays(), 0)
	if err != nil {
		return r, err
	}
	prev, err := s.store.Progress(ctx, round.ID, u, prevTo, s.atRiskDays(), 0)
	if err != nil {
		return r, err
	}
	now, before := domain.CountsByKind(s.rules, cur.Kinds), domain.CountsByKind(s.rules, prev.Kinds)
	figure := func(key string, v, t, pv, pt int) domain.ReportFigure {
		return domain.ReportFigure{Key: key, Name: domain.FigureName(key), Value: v, Total: t, Prev: pv, PrevTotal: pt}
	}
	r.Headline = []domain.ReportFigure{
		figure(domain.FigureCells, now.Cells.Held, now.Cells.Total, before.Cells.Held, before.Cells.Total),
		figure(domain.FigureGrassroots, now.Grassroots.Held, now.Grassroots.Total, before.Grassroots.Held, before.Grassroots.Total),
		figure(domain.FigurePilots, cur.PilotsHeld, cur.PilotsTotal, prev.PilotsHeld, prev.PilotsTotal),
		figure(domain.FigureLate, now.Late, 0, before.Late, 0),
	}

	// Progress by week, from the round's first week, and the unit's
	// forecast, against the unit's own deadline.
	kinds := s.cellKinds()
	daily, total, _, err := s.store.HeldByDay(ctx, round.ID, u, kinds, round.StartDate, to)
	if err != nil {
		return r, err
	}
	heldOn := map[domain.Day]int{}
	for _, d := range daily {
		heldOn[d.Day] = d.Held
	}
	for wk := domain.WeekOf(round.StartDate); !wk.Sunday().After(to); wk = domain.WeekOf(wk.Sunday().AddDays(1)) {
		r.Weeks = append(r.Weeks, domain.ReportWeekPoint{Week: wk.String(), To: wk.Sunday(), Held: heldOn[wk.Sunday()], Total: total})
	}
	n := s.opts.Reports.ForecastWeeks
	var pace []int
	for _, p := range r.Weeks[max(0, len(r.Weeks)-n-1):] {
		pace = append(pace, p.Held)
	}
	f := domain.ForecastDone(pace, total, to, cur.Own.Deadline)
	r.Forecast = domain.ReportForecast{Weeks: len(pace) - 1, PerWeek: f.PerWeek, Left: total - now.Cells.Held, Done: f.Done,
		Deadline: cur.Own.Deadline, OnTime: f.OnTime, ProjectedLate: []domain.ReportUnitRef{}}

	// The units below: their cells at the end of each of the last weeks,
	// their own congress and late units on Sunday.
	days := make([]domain.Day, n+1)
	for i := range days {
		days[i] = to.AddDays(-7 * (n - i))
	}
	series, err := s.store.CellsHeldOnDays(ctx, round.ID, u, kinds, days)
	if err != nil {
		return r, err
	}
	children, err := s.store.ProgressChildren(ctx, round.ID, u, to, s.atRiskDays())
	if err != nil {
		return r, err
	}
	r.Units = make([]domain.ReportUnit, 0, len(children))
	for _, c := range children {
		cs := series[c.ID]
		cp := s.childProgress(c)
		row := domain.ReportUnit{UnitRef: c.UnitRef, KindName: s.kindName(c.Kind), Total: cs.Total,
			Status: c.Own.Status, StatusName: c.Own.StatusName, HeldDate: c.Own.HeldDate, PlannedDate: c.Own.PlannedDate,
			Deadline: c.Own.Deadline, IsPilot: c.Own.IsPilot, LateBelow: cp.Late,
			Flags: domain.ReportFlagTexts(c.Own.Late, c.Own.DaysOverdue, c.Own.AtRisk, cp.Late-boolInt(c.Own.Late))}
		if cs.Held != nil {
			row.Held, row.PrevHeld = cs.Held[n], cs.Held[n-1]
			// The projection is about this unit: compared with its own
			// deadline, the one its row shows.
			cf := domain.ForecastDone(cs.Held, cs.Total, to, c.Own.Deadline)
			if row.Held < row.Total {
				row.Done = cf.Done // none for a unit whose cells have all held
			}
			row.ProjectedLate = row.Held < row.Total && (cf.Done == nil || (c.Own.Deadline != nil && !cf.OnTime))
		}
		if row.ProjectedLate {
			r.Forecast.ProjectedLate = append(r.Forecast.ProjectedLate, domain.ReportUnitRef{UnitRef: row.UnitRef, KindName: row.KindName})
		}
		r.Units = append(r.Units, row)
	}

	lists, err := s.store.ReportLists(ctx, round.ID, u, from, to, to.AddDays(1), to.AddDays(7), s.atRiskDays(), domain.ReportListLimit)
	if err != nil {
		return r, err
	}
	r.HeldInWeek, r.HeldInWeekCount = lists.Held, lists.HeldCount
	r.PlannedNextWeek, r.PlannedNextWeekCount = lists.Planned, lists.PlannedCount
	r.Late, r.LateCount, r.AtRiskCount = lists.Late, lists.LateCount, lists.AtRiskCount
	for i := range r.HeldInWeek {
		r.HeldInWeek[i].KindName = s.kindName(r.HeldInWeek[i].Kind)
	}
	for i := range r.PlannedNextWeek {
		r.PlannedNextWeek[i].KindName = s.kindName(r.PlannedNextWeek[i].Kind)
	}
	for i := range r.Late {
		r.Late[i].KindName = s.kindName(r.Late[i].Kind)
		r.Late[i].Fill(to)
	}
	return r, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func (s *Service) atRiskDays() int {
	if s.opts.AtRiskDays > 0 {
		return s.opts.AtRiskDays
	}
	return domain.DefaultAtRiskDays
}

// MadeReport is a report made or found by MakeWeeklyReport.
type MadeReport struct {
	Report domain.WeeklyReport
	store.SaveResult
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
	if !force {
		if stored, err := s.store.WeeklyReport(ctx, u.ID, w.String()); err == nil {
			r, err := decodeReport(stored)
			return MadeReport{Report: r, SaveResult: store.SaveResult{ID: stored.ID}}, err
		} else if !domain.IsCode(err, domain.ENotFound) {
			return MadeReport{}, err
		}
	}
	r, err := s.buildWeeklyReport(ctx, round, u, w)
	if err != nil {
		return MadeReport{}, err
	}
	if at != nil {
		r.MadeAt = *at
	}
	res, err := s.store.SaveWeeklyReport(ctx, p, u, r, force, at == nil, s.clock.Now())
	if err != nil {
		return MadeReport{}, err
	}
	if !res.Written { // made at the same time by another run: keep the stored one
		stored, err := s.store.WeeklyReport(ctx, u.ID, w.String())
		if err != nil {
			return MadeReport{}, err
		}
		r, err = decodeReport(stored)
		return MadeReport{Report: r, SaveResult: res}, err
	}
	return MadeReport{Report: r, SaveResult: res}, nil
}

func decodeReport(st store.StoredReport) (domain.WeeklyReport, error) {
	var r domain.WeeklyReport
	if err := json.Unmarshal(st.Content, &r); err != nil {
		return r, fmt.Errorf("core: report %s: %w", st.Week, err)
	}
	return r, nil
}

// WeeklyReport returns the stored weekly report of the unit with code for
// week; p needs to be able to read the unit.
func (s *Service) WeeklyReport(ctx context.Context, p domain.Principal, code, week string) (domain.WeeklyReport, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return domain.WeeklyReport{}, err
	}
	w, err := domain.ParseWeek(strings.TrimSpace(week))
	if err != nil {
		return domain.WeeklyReport{}, err
	}
	st, err := s.store.WeeklyReport(ctx, u.ID, w.String())
	if err != nil {
		return domain.WeeklyReport{}, err
	}
	return decodeReport(st)
}

// ReportArchive is a unit's stored weekly reports, the latest first.
type ReportArchive struct {
	Unit    domain.UnitRef        `json:"unit"`
	Reports []store.ReportSummary `json:"reports"`
}

// WeeklyReports lists the stored weekly reports of the unit with code.
func (s *Service) WeeklyReports(ctx context.Context, p domain.Principal, code string) (ReportArchive, error) {
	u, err := s.unitFor(ctx, p, domain.ActRead, code)
	if err != nil {
		return ReportArchive{}, err
	}
	list, err := s.store.WeeklyReports(ctx, u.ID, reportArchiveLimit)
	return ReportArchive{Unit: unitRef(u), Reports: list}, err
}

// ReportMails lists the e-mails of the unit's report of week, for a
// board user of the unit (ActManage).
func (s *Service) ReportMails(ctx context.Context, p domain.Principal, code, week string) ([]store.ReportMail, error) {
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
// covers (a backfill dated at, without e-mails).
func (s *Service) makeWeeklyReportsOf(ctx context.Context, p domain.Principal, round domain.RoundDetail, w domain.Week, force bool, at *time.Time) (WeeklyRun, error) {
	var run WeeklyRun
	units, err := s.store.UnitsToReport(ctx, s.opts.Reports.Kinds)
	if err != nil {
		return run, err
	}
	for _, u := range units {
		if err := ctx.Err(); err != nil {
			return run, err
		}
		m, err := s.makeWeeklyReport(ctx, p, round, u, w, force, at)
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
	reports := map[int64]domain.WeeklyReport{}
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
		msg, err := s.reportMessage(r, d)
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
		var next *time.Time
		if !mail.Permanent(err) && attempts < s.opts.Reports.MailAttempts && !errors.Is(err, mail.ErrOff) {
			t := s.clock.Now().Add(domain.MailBackoff(attempts))
			next = &t
			run.Retry++
		} else {
			run.Failed++
		}
		s.log.Warn("report e-mail failed", "to", d.Email, "unit", d.UnitCode, "week", d.Week, "attempt", attempts,
			"retry_at", next, "err", err)
		if err := s.store.ReportMailFailed(ctx, d.ID, next, err.Error()); err != nil {
			return run, err
		}
	}
	return run, nil
}

// ReportURL is the address of the report's page in the web app.
func (s *Service) ReportURL(code, week string) string {
	return s.opts.Reports.BaseURL + "/units/" + code + "/reports/" + week
}

// reportMessage writes the e-mail of report r to d's address: the headline
// figures and the forecast in the text, the XLSX attached, a link to the page.
func (s *Service) reportMessage(r domain.WeeklyReport, d store.ReportMail) (mail.Message, error) {
	var x bytes.Buffer
	if err := reportfile.XLSX(&x, r, d.Lang); err != nil {
		return mail.Message{}, err
	}
	lang := d.Lang
	var b strings.Builder
	b.WriteString(r.Title(lang) + "\n\n")
	for _, f := range r.Headline {
		fmt.Fprintf(&b, "- %s: %s\n", f.Name.In(lang), figureLine(f, lang))
	}
	fmt.Fprintf(&b, "\n%s\n", r.Forecast.Verdict().In(lang))
	held := domain.Text{VI: "Số đơn vị tổ chức đại hội trong tuần", EN: "Congresses held during the week"}
	fmt.Fprintf(&b, "%s: %d\n", held.In(lang), r.HeldInWeekCount)
	link := domain.Text{VI: "Xem báo cáo", EN: "See the report"}
	fmt.Fprintf(&b, "\n%s: %s\n", link.In(lang), s.ReportURL(r.Unit.Code, r.Week))
	return mail.Message{To: d.Email, Subject: r.Title(lang), Text: b.String(),
		Attachments: []mail.Attachment{{Name: reportfile.FileName(r, "xlsx"), ContentType: reportfile.ContentType("xlsx"), Data: x.Bytes()}}}, nil
}

// figureLine words a headline figure and its change: "68 / 100 (68,00%), +5".
func figureLine(f domain.ReportFigure, lang string) string {
	if !f.HasTotal() {
		return fmt.Sprintf("%d (%+d)", f.Value, f.Change())
	}
	return fmt.Sprintf("%d / %d (%s), %+d", f.Value, f.Total, f.Share().In(lang), f.Change())
}
