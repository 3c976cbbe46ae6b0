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
	return r
}

// Jobs returns the runner of daihoi's jobs, for the scheduler.
func (s *Service) Jobs() *jobs.Runner { return s.jobs }

// mayRunJobs reports whether p may run jobs by hand: the system, or an
// admin of a unit at the root of the tree.
func (s *Service) mayRunJobs(ctx context.Context, p domain.Principal) (bool, error) {
	if p.System {
		return true, nil
	}
	roots, err := s.store.RootPaths(ctx)
	if err != nil {
		return false, err
	}
	for _, r := range roots {
		if p.Can(domain.ActAdmin, r) {
			return true, nil
		}
	}
	return false, nil
}

// RunJob runs the job name once now, for the day asOf ("" for the job's
// default: today, yesterday for the snapshot) and round (0: the current
// one), after any run of it in progress in any daihoi process. Only the
// system and admins of a root unit may. The run is recorded and returned;
// a failed run is returned with its error.
func (s *Service) RunJob(ctx context.Context, p domain.Principal, name, asOf string, roundID int64) (domain.JobRun, error) {
	ok, err := s.mayRunJobs(ctx, p)
	if err != nil {
		return domain.JobRun{}, err
	}
	if !ok {
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
