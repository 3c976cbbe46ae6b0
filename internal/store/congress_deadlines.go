package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// SetDeadlineRule creates the deadline rule of round for rule's scope
// (ScopeCode, "" for the whole tree), kind and category, or changes its
// deadline; the deadlines in force of the scope's subtree follow in the same
// transaction (set-based), and the change goes to the audit log with the
// old and new deadline and the reason.
func (s *Store) SetDeadlineRule(ctx context.Context, actor domain.Principal, roundID int64, rule domain.DeadlineRule, reason string) (domain.DeadlineRule, error) {
	var out domain.DeadlineRule
	err := s.inBulkTx(ctx, func(tx *txn) error {
		var scopeID *int64
		scopePath := ""
		if rule.ScopeCode != "" {
			u, err := unitByCode(ctx, tx.getPrepared, rule.ScopeCode)
			if err != nil {
				return err
			}
			scopeID, scopePath = &u.ID, u.Path
		}
		var before *domain.DeadlineRule
		var old domain.DeadlineRule
		err := tx.GetContext(ctx, &old, ruleSelect+`WHERE r.round_id = $1 AND r.scope_unit_id IS NOT DISTINCT FROM $2
			AND r.kind = $3 AND r.category IS NOT DISTINCT FROM $4 FOR UPDATE OF r`, roundID, scopeID, rule.Kind, nullIfEmpty(rule.Category))
		switch {
		case err == nil:
			before = &old
		case !errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("store: deadline rule: %w", err)
		}
		if before != nil && before.Deadline == rule.Deadline {
			out = old
			return nil
		}
		var id int64
		err = tx.GetContext(ctx, &id, `INSERT INTO deadline_rules (round_id, scope_unit_id, kind, category, deadline)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (round_id, scope_unit_id, kind, category) DO UPDATE
			SET deadline = EXCLUDED.deadline, version = deadline_rules.version + 1
			RETURNING id`, roundID, scopeID, rule.Kind, nullIfEmpty(rule.Category), rule.Deadline)
		if err != nil {
			return fmt.Errorf("store: set deadline rule: %w", err)
		}
		if err := refreshDeadlines(ctx, tx, roundID, scopePath, true); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, ruleSelect+`WHERE r.id = $1`, id); err != nil {
			return fmt.Errorf("store: deadline rule: %w", err)
		}
		after := domain.DeadlineChange{ScopeCode: out.ScopeCode, Kind: out.Kind, Category: out.Category, Deadline: &out.Deadline}
		var b any
		if before != nil {
			b = domain.DeadlineChange{ScopeCode: before.ScopeCode, Kind: before.Kind, Category: before.Category, Deadline: &before.Deadline}
		}
		return auditRound(ctx, tx, actor, roundID, "deadline.rule", "deadline", scopeID, b, after, reason)
	})
	return out, err
}
