package domain

import "time"

// OpsStatus is what the metrics read from the database at each scrape:
// figures about the running of daihoi that no single process knows.
type OpsStatus struct {
	// Mails counts the weekly report e-mails by state (pending, sent,
	// failed), every state present, zero included.
	Mails map[string]int
	// Reminders counts the daily reminder e-mails by state, as Mails.
	Reminders map[string]int
	// LastSuccess is when each job last ended well, in any daihoi process
	// on the database; a job that never did is absent.
	LastSuccess map[string]time.Time
}

// ReadStats tells where the reads of the dashboards, reports, exports and
// search ran, in a process whose store has read replicas.
type ReadStats struct {
	// Primary and Replica count the reads sent to each.
	Primary, Replica int64
	// Fallbacks counts the statements of reads sent to a replica that ran
	// on the primary instead, the replica failing.
	Fallbacks int64
	// Replicas tells how each replica was at its last measure.
	Replicas []ReplicaState
}

// ReplicaState is how a read replica was at its last measure.
type ReplicaState struct {
	// Name is its host:port/database.
	Name string
	// Usable: it may serve reads now.
	Usable bool
	// Lag is how far behind the primary it was, at most; Replayed how far
	// it had replayed the log ("16/B374D848"); Err why it is not usable,
	// when it is down.
	Lag      time.Duration
	Replayed string
	Err      string
}
