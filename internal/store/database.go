package store

import (
	"context"
	"fmt"
)

// CountRelations counts the tables, views and sequences of the database
// outside PostgreSQL's own schemas: zero for an empty database (a restore
// goes only into one, unless told to clean).
func (s *Store) CountRelations(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM pg_class c JOIN pg_namespace ns ON ns.oid = c.relnamespace
		WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
		  AND ns.nspname NOT IN ('pg_catalog', 'information_schema') AND ns.nspname NOT LIKE 'pg\_%'`); err != nil {
		return 0, fmt.Errorf("store: count relations: %w", err)
	}
	return n, nil
}
