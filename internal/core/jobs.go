package core

import (
	"context"
	"strings"

	"github.com/daihoi/daihoi/internal/domain"
	"github.com/daihoi/daihoi/internal/jobs"
)

// newJobRunner registers daihoi's jobs on a runner over the services'
// store and clock.
func newJobRunner(s *Service) *jobs.Runner {
	r := jobs.NewRunner(s.store, s.clock, s.log)
	jobs.RegisterStandard(r, s.store, s.clock, jobs.Settings{AtRiskDays: s.opts.AtRiskDays}, s.log)
	r.Register(jobs.Definition{Name: jobs.JobWeeklyReport, Run: s.weeklyReportJob,
		Description: domain.Text{
			VI: "Lập báo cáo tiến độ tuần vừa kết thúc (trước ngày chạy) cho các đơn vị theo cấu hình và đơn vị có người đăng ký; xếp thư gửi người đăng ký",
			EN: "Make the progress report of the week just ended (before the run's day) for the configured units and those with subscribers; queue their e-mails"}})
	r.Register(jobs.Definition{Name: jobs.JobReportMail, Run: s.reportMailJob,
		Description: domain.Text{
			VI: "Gửi các thư báo cáo tuần đến hạn; thử lại thư gửi lỗi, giãn dần thời gian",
			EN: "Send the weekly report e-mails that are due; retry failed ones with backoff"}})
	return r
}

// weeklyReportJob makes the reports of the week before the run's day, then
// sends their e-mails.
func (s *Service) weeklyReportJob(ctx context.Context) error {
	p := jobs.ParamsFrom(ctx)
	run, err := s.MakeWeeklyReports(ctx, domain.SystemPrincipal(), p.RoundID, domain.WeekOf(p.AsOf).Prev(), false)
	jobs.Count(ctx, "made", run.Made)
	jobs.Count(ctx, "kept", run.Kept)
	jobs.Count(ctx, "failed", len(run.Failed))
	jobs.Count(ctx, "mails_queued", run.Mails)
	// No current round, or a week before it started: nothing to report on.
	if domain.IsCode(err, domain.ENotFound) || domain.IsCode(err, domain.EInvalid) {
		return jobs.ErrNothingToDo
	}
	if err != nil {
		return err
	}
	return s.reportMailJob(ctx)
}

// reportMailJob sends the report e-mails that are due.
func (s *Service) reportMailJob(ctx context.Context) error {
	run, err := s.SendReportMails(ctx)
	jobs.Count(ctx, "mails_sent", run.Sent)
	jobs.Count(ctx, "mails_retry", run.Retry)
	jobs.Count(ctx, "mails_failed", run.Failed)
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
// report e-mails by state and when each job last ended well. It names no
// unit and no user: the metrics listener serves it without sign-in.
func (s *Service) OpsStatus(ctx context.Context) (domain.OpsStatus, error) {
	mails, err := s.store.ReportMailsByState(ctx)
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
	return domain.OpsStatus{Mails: mails, LastSuccess: last}, nil
}
