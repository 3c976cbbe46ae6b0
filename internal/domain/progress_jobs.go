package domain

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"time"
)

// Job outcomes, as recorded in the runs of jobs.
const (
	JobRunning = "running"
	JobOK      = "ok"
	JobFailed  = "failed"
	// JobSkipped: the job had nothing to do (no current round).
	JobSkipped = "skipped"
)

// JobCounts are the figures a job run reports: flags opened, rows written,
// drift found...
type JobCounts map[string]int64

// Scan reads a jsonb object.
func (c *JobCounts) Scan(src any) error {
	var b []byte
	switch s := src.(type) {
	case []byte:
		b = s
	case string:
		b = []byte(s)
	case nil:
		*c = JobCounts{}
		return nil
	default:
		return fmt.Errorf("domain: cannot scan %T into job counts", src)
	}
	out := JobCounts{}
	if err := json.Unmarshal(b, &out); err != nil {
		return fmt.Errorf("domain: job counts: %w", err)
	}
	*c = out
	return nil
}

// Value writes the counts as a JSON object.
func (c JobCounts) Value() (driver.Value, error) {
	if c == nil {
		return "{}", nil
	}
	b, err := json.Marshal(map[string]int64(c))
	return string(b), err
}

// JobRun is one run of a scheduled job: by the scheduler for a tick (Tick
// set, at most one run per job and tick across every daihoi process), or
// once from the command line or the API (Tick null).
type JobRun struct {
	ID         int64      `json:"id" db:"id"`
	Job        string     `json:"job" db:"job"`
	AsOf       *Day       `json:"as_of" db:"as_of"`
	Tick       *time.Time `json:"tick" db:"tick"`
	StartedAt  time.Time  `json:"started_at" db:"started_at"`
	FinishedAt *time.Time `json:"finished_at" db:"finished_at"`
	Outcome    string     `json:"outcome" db:"outcome"`
	Counts     JobCounts  `json:"counts" db:"counts"`
	Error      string     `json:"error" db:"error"`
	// Host is the host name and process id of the daihoi process that ran it.
	Host string `json:"host" db:"host"`
}

// JobInfo describes a job that can be run.
type JobInfo struct {
	Name        string `json:"name"`
	Description Text   `json:"description"`
}

// JobText names jobs in messages.
var JobText = Text{VI: "tác vụ", EN: "job"}
