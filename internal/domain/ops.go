package domain

import "time"

// OpsStatus is what the metrics read from the database at each scrape:
// figures about the running of daihoi that no single process knows.
type OpsStatus struct {
	// Mails counts the weekly report e-mails by state (pending, sent,
	// failed), every state present, zero included.
	Mails map[string]int
	// LastSuccess is when each job last ended well, in any daihoi process
	// on the database; a job that never did is absent.
	LastSuccess map[string]time.Time
}
