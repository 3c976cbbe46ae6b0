package store

import (
	"context"
	"fmt"

	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// auditRound records one write of a round in the audit log, in the
// transaction of the write: the round's congresses, milestones, results,
// pilots and deadlines.
func auditRound(ctx context.Context, tx *txn, actor domain.Principal, roundID int64, action, entity string, unitID *int64, before, after any, reason string) error {
	return insertAudit(ctx, tx, actor, &roundID, action, entity, unitID, before, after, reason)
}

const auditSelect = `SELECT a.id, a.at, a.username, coalesce(us.full_name, '') AS full_name, a.action, a.entity, coalesce(u.code, '') AS unit_code,
	coalesce(u.name, '') AS unit_name, coalesce(u.path::text, '') AS unit_path, a.before, a.after, a.reason
FROM audit_log a LEFT JOIN units u ON u.id = a.unit_id LEFT JOIN users us ON us.id = a.user_id `

// RoundAudit lists the changes of round recorded on the unit with unitID,
// or on every unit of the subtree at path when subtree is set, newest first.
func (s *Store) RoundAudit(ctx context.Context, roundID, unitID int64, path string, subtree bool, limit int) ([]domain.AuditEntry, error) {
	out := []domain.AuditEntry{}
	var err error
	if subtree {
		err = s.db.SelectContext(ctx, &out, auditSelect+`WHERE a.round_id = $1 AND u.path <@ $2::ltree
			ORDER BY a.id DESC LIMIT $3`, roundID, path, limit)
	} else {
		err = s.db.SelectContext(ctx, &out, auditSelect+`WHERE a.unit_id = $2 AND a.round_id = $1
			ORDER BY a.id DESC LIMIT $3`, roundID, unitID, limit)
	}
	if err != nil {
		return nil, fmt.Errorf("store: round audit: %w", err)
	}
	return out, nil
}

// DeadlineHistory lists the deadline changes of round, newest first: those
// of the whole tree (no unit) and those on units within one of the subtrees
// at roots (every unit when all is set).
func (s *Store) DeadlineHistory(ctx context.Context, roundID int64, roots []string, all bool, limit int) ([]domain.AuditEntry, error) {
	out := []domain.AuditEntry{}
	err := s.db.SelectContext(ctx, &out, auditSelect+`WHERE a.round_id = $1 AND a.entity = 'deadline'
			AND (a.unit_id IS NULL OR $2 OR u.path <@ ANY($3::ltree[]))
		ORDER BY a.id DESC LIMIT $4`, roundID, all, pq.Array(roots), limit)
	if err != nil {
		return nil, fmt.Errorf("store: deadline history: %w", err)
	}
	return out, nil
}
