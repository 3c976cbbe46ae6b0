package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
	"github.com/daihoi/daihoi/internal/store"
)

// The names of daihoi's jobs.
const (
	JobProgressSnapshot = "progress-snapshot"
	JobLateFlags        = "late-flags"
	JobConsistencyCheck = "consistency-check"
	JobHousekeeping     = "housekeeping"
	JobWeeklyReport     = "weekly-report"
	JobReportMail       = "report-mail"
	JobReminders        = "reminders"
)

// CountDriftRows is the figure of a consistency check's run that counts
// the rollup rows it found wrong and fixed.
const CountDriftRows = "drift_rows"

// JobSchedules are the cron schedules of the jobs (the settings jobs.*).
type JobSchedules struct {
	ProgressSnapshot, LateFlags, ConsistencyCheck, Housekeeping, WeeklyReport, ReportMail, Reminders string
}

// newJobRunner registers every job daihoi runs on a runner over the
// services' store and clock: its name, the setting of its schedule, what
// it does, and its body, a method of the services given the run's Params.
func newJobRunner(s *Service) *jobs.Runner {
	r := jobs.NewRunner(s.store, s.clock, s.log)
	sch := s.opts.Schedules
	for _, d := range []jobs.Definition{
		{Name: JobProgressSnapshot, Setting: "jobs.progress_snapshot", Schedule: sch.ProgressSnapshot, Run: s.progressSnapshotJob,
			DefaultAsOf: func(today domain.Day) domain.Day { return today.AddDays(-1) },
			Description: domain.Text{
				VI: "Ghi ảnh chụp tiến độ của một ngày (mặc định: hôm qua) cho mọi đơn vị có đơn vị cấp dưới",
				EN: "Write the progress snapshot of a day (default: yesterday) for every unit with units below"}},
		{Name: JobLateFlags, Setting: "jobs.late_flags", Schedule: sch.LateFlags, Run: s.lateFlagsJob, AtStart: true,
			Description: domain.Text{
				VI: "Mở và đóng các cảnh báo trễ hạn, quá hạn mốc và có nguy cơ (để liệt kê; số liệu không chờ tác vụ này)",
				EN: "Open and resolve the late, milestone-overdue and at-risk flags (for lists; no figure waits for it)"}},
		{Name: JobConsistencyCheck, Setting: "jobs.consistency_check", Schedule: sch.ConsistencyCheck, Run: s.consistencyCheckJob,
			Description: domain.Text{
				VI: "Tính lại toàn bộ số liệu tổng hợp, báo cáo và sửa sai lệch",
				EN: "Recompute every rollup from scratch, report and fix any drift"}},
		{Name: JobHousekeeping, Setting: "jobs.housekeeping", Schedule: sch.Housekeeping, Run: s.housekeepingJob,
			Description: domain.Text{
				VI: "Xoá các phiên đăng nhập và mã truy cập đã hết hạn",
				EN: "Delete expired web sessions and API tokens"}},
		{Name: JobWeeklyReport, Setting: "jobs.weekly_report", Schedule: sch.WeeklyReport, Run: s.weeklyReportJob,
			Description: domain.Text{
				VI: "Lập báo cáo tiến độ tuần vừa kết thúc (trước ngày chạy) cho các đơn vị theo cấu hình và đơn vị có người đăng ký; xếp thư gửi người đăng ký",
				EN: "Make the progress report of the week just ended (before the run's day) for the configured units and those with subscribers; queue their e-mails"}},
		{Name: JobReportMail, Setting: "jobs.report_mail", Schedule: sch.ReportMail, Run: s.reportMailJob,
			Description: domain.Text{
				VI: "Gửi các thư báo cáo tuần và thư nhắc việc đến hạn; thử lại thư gửi lỗi, giãn dần thời gian",
				EN: "Send the weekly report e-mails and reminders that are due; retry failed ones with backoff"}},
		{Name: JobReminders, Setting: "jobs.reminders", Schedule: sch.Reminders, Run: s.remindersJob,
			Description: domain.Text{
				VI: "Gửi mỗi bí thư thư nhắc việc về các đơn vị của mình, mỗi thành viên tổ công tác các đại hội sắp dự (mỗi người một thư một ngày; không có gì thì không gửi)",
				EN: "Mail each secretary the day's reminders of her units and each working-group member the congresses they are to attend (one e-mail per person and day; none when there is nothing)"}},
	} {
		r.Register(d)
	}
	return r
}

// jobRound returns the round a run works on: the one it names, else the
// current one; with no current round there is nothing to do.
func (s *Service) jobRound(ctx context.Context, p jobs.Params) (int64, error) {
	if p.RoundID != 0 {
		return p.RoundID, nil
	}
	id, err := s.store.CurrentRoundID(ctx)
	if domain.IsCode(err, domain.ENotFound) {
		return 0, jobs.ErrNothingToDo
	}
	return id, err
}

// progressSnapshotJob writes the snapshot of the run's day (scheduled: the
// day that just ended) for the round: set-based, replacing that day's rows.
func (s *Service) progressSnapshotJob(ctx context.Context, p jobs.Params) error {
	round, err := s.jobRound(ctx, p)
	if err != nil {
		return err
	}
	n, err := s.store.WriteSnapshot(ctx, round, p.AsOf)
	p.Count("round", int(round))
	p.Count("rows", n)
	return err
}

// lateFlagsJob opens and resolves the flags of the round for the run's
// day, in one transaction. No figure depends on it: flags are for lists
// and history.
func (s *Service) lateFlagsJob(ctx context.Context, p jobs.Params) error {
	round, err := s.jobRound(ctx, p)
	if err != nil {
		return err
	}
	r, err := s.store.RefreshFlags(ctx, round, p.AsOf, p.Now, s.atRiskDays())
	if err != nil {
		return err
	}
	p.Count("round", int(round))
	p.Count("opened", r.Opened)
	p.Count("resolved", r.Resolved)
	p.Count("updated", r.Updated)
	for _, k := range domain.FlagKinds {
		p.Count("open_"+string(k.Kind), r.Open[k.Kind])
	}
	return nil
}

// refreshFlagsOf brings the flags of the units of scope in round in line
// with today, after a change of their deadlines, plans or status has been
// written. The change stands whatever happens here: a refresh that fails
// is logged, and the next run of the late flags does it.
func (s *Service) refreshFlagsOf(ctx context.Context, round int64, scope store.FlagScope) {
	now := s.clock.Now()
	if _, err := s.store.RefreshFlagsOf(ctx, round, scope, domain.TodayDay(s.clock), now, s.atRiskDays()); err != nil {
		s.log.Warn("core: flags of a change not refreshed; the next late-flags run will", "round", round, "path", scope.Path, "err", err)
	}
}

// consistencyCheckJob recomputes every rollup of the round named (else of
// every round) from scratch and fixes the rows that drifted; the drift
// goes into the run's counts.
func (s *Service) consistencyCheckJob(ctx context.Context, p jobs.Params) error {
	rounds := []int64{p.RoundID}
	if p.RoundID == 0 {
		var err error
		if rounds, err = s.store.RoundIDs(ctx); err != nil {
			return err
		}
		if len(rounds) == 0 {
			return jobs.ErrNothingToDo
		}
	}
	for _, id := range rounds {
		d, err := s.store.RecomputeRollups(ctx, id)
		if err != nil {
			return err
		}
		p.Count("rounds", 1)
		p.Count(CountDriftRows, d.Rows())
		p.Count("updated", d.Updated)
		p.Count("inserted", d.Inserted)
		p.Count("deleted", d.Deleted)
		p.Count("papers_marks", d.Marks)
	}
	return nil
}

// housekeepingJob deletes expired web sessions, API tokens and sign-in
// counts, and folds the deltas of the rollups into their rows (so that
// reads of progress sum few). Both are idempotent and safe to run from
// several processes at once.
func (s *Service) housekeepingJob(ctx context.Context, p jobs.Params) error {
	sessions, err := s.store.DeleteExpiredSessions(ctx, p.Now)
	if err != nil {
		return err
	}
	tokens, err := s.store.DeleteExpiredTokens(ctx, p.Now)
	if err != nil {
		return err
	}
	signIns, err := s.store.DeleteExpiredSignIns(ctx, p.Now)
	if err != nil {
		return err
	}
	if err := s.store.FoldRollupDeltas(ctx); err != nil {
		return err
	}
	p.Count("expired_sessions", int(sessions))
	p.Count("expired_tokens", int(tokens))
	p.Count("expired_sign_ins", int(signIns))
	s.log.Info("housekeeping", "expired_sessions", sessions, "expired_tokens", tokens, "expired_sign_ins", signIns)
	return nil
}

// weeklyReportJob makes the reports of the week before the run's day, then
// sends their e-mails.
func (s *Service) weeklyReportJob(ctx context.Context, p jobs.Params) error {
	run, err := s.MakeWeeklyReports(ctx, domain.SystemPrincipal(), p.RoundID, domain.WeekOf(p.AsOf).Prev(), false)
	p.Count("made", run.Made)
	p.Count("kept", run.Kept)
	p.Count("failed", len(run.Failed))
	p.Count("mails_queued", run.Mails)
	// No current round, or a week before it started: nothing to report on.
	if domain.IsCode(err, domain.ENotFound) || domain.IsCode(err, domain.EInvalid) {
		return jobs.ErrNothingToDo
	}
	if err != nil {
		return err
	}
	return s.reportMailJob(ctx, p)
}

// reportMailJob sends the report e-mails and the reminders that are due.
func (s *Service) reportMailJob(ctx context.Context, p jobs.Params) error {
	run, err := s.SendReportMails(ctx)
	p.Count("mails_sent", run.Sent)
	p.Count("mails_retry", run.Retry)
	p.Count("mails_failed", run.Failed)
	if err != nil {
		return err
	}
	rem, err := s.SendReminderMails(ctx)
	p.Count("reminders_sent", rem.Sent)
	p.Count("reminders_retry", rem.Retry)
	p.Count("reminders_failed", rem.Failed)
	return err
}

// Jobs returns the runner of daihoi's jobs, for the scheduler.
func (s *Service) Jobs() *jobs.Runner { return s.jobs }

// RunJob runs the job name once now, for the day asOf ("" for the job's
// default: today, yesterday for the snapshot) and round (0: the current
// one), after any run of it in progress in any daihoi process. Only the
// system and admins of a root unit may. The run is recorded and returned;
// a failed run is returned with its error.
func (s *Service) RunJob(ctx context.Context, p domain.Principal, name, asOf string, roundID int64) (domain.JobRun, error) {
	if !p.AdminOfARoot() {
		return domain.JobRun{}, domain.Forbidden()
	}
	name = strings.TrimSpace(name)
	if !s.jobs.Known(name) {
		return domain.JobRun{}, domain.NotFound(domain.JobText, name)
	}
	params := jobs.Params{}
	if strings.TrimSpace(asOf) != "" {
		t, err := domain.ParseDate(strings.TrimSpace(asOf))
		if err != nil {
			return domain.JobRun{}, domain.Invalid("as_of", "as_of phải là một ngày có thật dạng YYYY-MM-DD",
				"as_of must be a day that exists, as YYYY-MM-DD")
		}
		params.AsOf = domain.DayOf(t)
	}
	if roundID != 0 {
		var err error
		if params.RoundID, err = s.roundID(ctx, roundID); err != nil {
			return domain.JobRun{}, err
		}
	}
	return s.jobs.Run(ctx, name, params)
}

// MaxJobRuns bounds a listing of job runs.
const MaxJobRuns = 500

// JobRuns lists the most recent runs of the job name ("" for all), newest
// first; board users and admins may read them.
func (s *Service) JobRuns(ctx context.Context, p domain.Principal, name string, limit int) ([]domain.JobRun, error) {
	if !p.CanAnywhere(domain.ActManage) {
		return nil, domain.Forbidden()
	}
	name = strings.TrimSpace(name)
	if name != "" && !s.jobs.Known(name) {
		return nil, domain.NotFound(domain.JobText, name)
	}
	if limit <= 0 || limit > MaxJobRuns {
		limit = 50
	}
	return s.store.JobRuns(ctx, name, limit)
}

// OpsStatus reads what the metrics show of the database at a scrape: the
// report and reminder e-mails by state and when each job last ended well.
// It names no unit and no user: the metrics listener serves it without
// sign-in.
func (s *Service) OpsStatus(ctx context.Context) (domain.OpsStatus, error) {
	mails, reminders, err := s.store.MailsByState(ctx)
	if err != nil {
		return domain.OpsStatus{}, err
	}
	names := make([]string, 0, len(s.jobs.Jobs()))
	for _, j := range s.jobs.Jobs() {
		names = append(names, j.Name)
	}
	last, err := s.store.LastJobSuccesses(ctx, names)
	if err != nil {
		return domain.OpsStatus{}, err
	}
	return domain.OpsStatus{Mails: mails, Reminders: reminders, LastSuccess: last}, nil
}
