// Package migrations embeds the SQL migrations applied by goose, in order.
// They are forward-only: a released migration is never edited, a new one is added.
package migrations

import "embed"

// FS holds every migration file of the schema.
//
//go:embed *.sql
var FS embed.FS
