// Package domain holds daihoi's types and rules: party units and their kinds,
// rounds, congresses and their milestones, progress, flags, the rules of the
// weekly report, roles and scopes, and the typed errors every layer speaks.
// Every rule about dates takes a Clock so that it can be checked on any date.
//
// It imports neither the HTTP framework nor the database layer (sqlx, lib/pq).
// For the store's convenience, many of its types carry `db:` tags naming the
// columns the store reads into them, and a few (Day, JobCounts, RawJSON)
// implement database/sql's Scanner and driver.Valuer, from the standard
// library's database/sql/driver only: the store scans rows straight into
// domain types rather than into row types of its own. No rule here depends on
// them.
package domain
