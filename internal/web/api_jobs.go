package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/daihoi/daihoi/internal/core"
	"github.com/daihoi/daihoi/internal/domain"
)

// jobsResponse lists the jobs and their most recent runs.
type jobsResponse struct {
	Jobs []domain.JobInfo `json:"jobs"`
	Runs []domain.JobRun  `json:"runs"`
}

// handleJobs lists the jobs and their recent runs (?job=NAME, ?limit=),
// newest first; board users and admins may read them.
func (s *Server) handleJobs(c echo.Context) error {
	limit := 50
	if raw := strings.TrimSpace(c.QueryParam("limit")); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > core.MaxJobRuns {
			return domain.Invalid("limit", fmt.Sprintf("limit phải là số nguyên từ 1 đến %d", core.MaxJobRuns),
				fmt.Sprintf("limit must be an integer between 1 and %d", core.MaxJobRuns))
		}
		limit = n
	}
	runs, err := s.svc.JobRuns(c.Request().Context(), principal(c), c.QueryParam("job"), limit)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, jobsResponse{Jobs: s.svc.Jobs().Jobs(), Runs: runs})
}

// handleRunJob runs a job once now (?as_of=YYYY-MM-DD, ?round=ID) and
// returns its recorded run; admins of a root unit only. A run that failed
// is answered like one that succeeded: with its record (outcome "failed",
// error), since the request itself did what it asked.
func (s *Server) handleRunJob(c echo.Context) error {
	round, err := roundQuery(c)
	if err != nil {
		return err
	}
	run, err := s.svc.RunJob(c.Request().Context(), principal(c), c.Param("name"), c.QueryParam("as_of"), round)
	if err != nil && run.ID == 0 {
		return err
	}
	if err != nil {
		s.log.Warn("web: job run failed", "job", run.Job, "run", run.ID, "err", err, "request_id", requestID(c))
	}
	return c.JSON(http.StatusOK, run)
}
