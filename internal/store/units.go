package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/daihoi/daihoi/internal/domain"
)

// unitSelect reads units with their parent's code, the survivor's code when
// merged, and their number of active children.
const unitSelect = `SELECT u.id, u.code, u.name, u.kind, u.parent_id, coalesce(p.code, '') AS parent_code,
	u.path::text AS path, nlevel(u.path) AS depth, coalesce(u.category, '') AS category, u.members,
	u.active, coalesce(m.code, '') AS merged_into_code, u.version, u.created_at, u.updated_at,
	(SELECT count(*) FROM units c WHERE c.parent_id = u.id AND c.active) AS children
FROM units u
LEFT JOIN units p ON p.id = u.parent_id
LEFT JOIN units m ON m.id = u.merged_into `

// KindRules loads the unit kinds and which kinds may sit under which.
func (s *Store) KindRules(ctx context.Context) (domain.KindRules, error) {
	var kinds []domain.UnitKind
	if err := s.db.SelectContext(ctx, &kinds, `SELECT code, name_vi, name_en, is_cell, is_grassroots, may_be_root, sort_order
		FROM unit_kinds ORDER BY sort_order, code`); err != nil {
		return domain.KindRules{}, fmt.Errorf("store: unit kinds: %w", err)
	}
	var rules []struct {
		Parent string `db:"parent_kind"`
		Child  string `db:"child_kind"`
	}
	if err := s.db.SelectContext(ctx, &rules, `SELECT parent_kind, child_kind FROM unit_kind_rules ORDER BY child_kind`); err != nil {
		return domain.KindRules{}, fmt.Errorf("store: unit kind rules: %w", err)
	}
	for i := range kinds {
		for _, r := range rules {
			if r.Parent == kinds[i].Code {
				kinds[i].Children = append(kinds[i].Children, r.Child)
			}
		}
	}
	return domain.NewKindRules(kinds), nil
}

// UnitKinds lists the unit kinds in their order.
func (s *Store) UnitKinds(ctx context.Context) ([]domain.UnitKind, error) {
	r, err := s.KindRules(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]domain.UnitKind, 0, len(r.Kinds))
	for _, k := range r.Kinds {
		out = append(out, k)
	}
	sortKinds(out)
	return out, nil
}

func sortKinds(k []domain.UnitKind) {
	for i := 1; i < len(k); i++ {
		for j := i; j > 0 && k[j].SortOrder < k[j-1].SortOrder; j-- {
			k[j], k[j-1] = k[j-1], k[j]
		}
	}
}

// UnitByCode returns the unit with code, active or not.
func (s *Store) UnitByCode(ctx context.Context, code string) (domain.Unit, error) {
	return unitByCode(ctx, s.get, code)
}

var unitByCodeSQL = prepare(unitSelect + `WHERE u.code = $1`)

func unitByCode(ctx context.Context, get getter, code string) (domain.Unit, error) {
	var u domain.Unit
	err := get(ctx, &u, unitByCodeSQL, code)
	if errors.Is(err, sql.ErrNoRows) {
		return u, domain.NotFound(domain.UnitText, code)
	}
	if err != nil {
		return u, fmt.Errorf("store: unit %s: %w", code, err)
	}
	return u, nil
}

func unitByCodeForUpdate(ctx context.Context, tx *txn, code string) (domain.Unit, error) {
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM units WHERE code = $1 FOR UPDATE`, code); err != nil {
		return domain.Unit{}, fmt.Errorf("store: lock unit %s: %w", code, err)
	}
	return unitByCode(ctx, tx.getPrepared, code)
}

// Children lists the units directly under the unit at parentPath, active ones
// unless all is set, ordered by kind and name.
func (s *Store) Children(ctx context.Context, parentID int64, all bool) ([]domain.Unit, error) {
	var out []domain.Unit
	err := s.db.SelectContext(ctx, &out, unitSelect+`JOIN unit_kinds k ON k.code = u.kind
		WHERE u.parent_id = $1 AND (u.active OR $2) ORDER BY k.sort_order, u.name COLLATE vietnamese, u.code`, parentID, all)
	if err != nil {
		return nil, fmt.Errorf("store: children: %w", err)
	}
	return out, nil
}

// Subtree lists the active units of the subtree rooted at rootPath (the root
// included), limit at a time, after the cursor of the previous page.
func (s *Store) Subtree(ctx context.Context, rootPath, after string, limit int) (domain.SubtreePage, error) {
	var page domain.SubtreePage
	if err := s.db.GetContext(ctx, &page.Total, `SELECT count(*) FROM units WHERE path <@ $1::ltree AND active`, rootPath); err != nil {
		return page, fmt.Errorf("store: subtree count: %w", err)
	}
	q := unitSelect + `WHERE u.path <@ $1::ltree AND u.active AND ($2 = '' OR u.path > $2::ltree) ORDER BY u.path LIMIT $3`
	if err := s.db.SelectContext(ctx, &page.Units, q, rootPath, after, limit+1); err != nil {
		return page, fmt.Errorf("store: subtree: %w", err)
	}
	if len(page.Units) > limit {
		page.Units = page.Units[:limit]
		page.Next = page.Units[limit-1].Path
	}
	if page.Units == nil {
		page.Units = []domain.Unit{}
	}
	return page, nil
}

// Ancestors returns the units from the root down to the parent of the unit at path.
func (s *Store) Ancestors(ctx context.Context, path string) ([]domain.Unit, error) {
	var out []domain.Unit
	err := s.db.SelectContext(ctx, &out, unitSelect+`WHERE u.path @> $1::ltree AND u.path <> $1::ltree ORDER BY nlevel(u.path)`, path)
	if err != nil {
		return nil, fmt.Errorf("store: ancestors: %w", err)
	}
	return out, nil
}

// unitSnapshot is what the history keeps of a unit before and after a change.
type unitSnapshot struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Kind     string `json:"kind"`
	Parent   string `json:"parent_code,omitempty"`
	Category string `json:"category,omitempty"`
	Members  int    `json:"members"`
	Active   bool   `json:"active"`
	Merged   string `json:"merged_into,omitempty"`
}

func snapshot(u domain.Unit) unitSnapshot {
	return unitSnapshot{Code: u.Code, Name: u.Name, Kind: u.Kind, Parent: u.ParentCode, Category: u.Category,
		Members: u.Members, Active: u.Active, Merged: u.MergedInto}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CreateUnit inserts a unit under parent (nil for a root); the caller has
// validated the input and the placement.
func (s *Store) CreateUnit(ctx context.Context, actor domain.Principal, in domain.UnitInput, parent *domain.Unit) (domain.Unit, error) {
	var u domain.Unit
	err := s.inTx(ctx, func(tx *txn) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		var parentID *int64
		parentPath := ""
		if parent != nil {
			parentID, parentPath = &parent.ID, parent.Path
		}
		_, err := tx.ExecContext(ctx, `WITH n AS (SELECT nextval('units_id_seq') AS id)
			INSERT INTO units (id, code, name, kind, parent_id, path, category, members)
			SELECT n.id, $1, $2, $3, $4,
				CASE WHEN $5 = '' THEN text2ltree(n.id::text) ELSE $5::ltree || text2ltree(n.id::text) END,
				$6, $7
			FROM n`, in.Code, in.Name, in.Kind, parentID, parentPath, nullIfEmpty(in.Category), in.Members)
		if pqCode(err) == pqUniqueViolation {
			return domain.Conflict(fmt.Sprintf("Mã đơn vị %s đã tồn tại", in.Code), fmt.Sprintf("unit code %s already exists", in.Code))
		}
		if err != nil {
			return fmt.Errorf("store: create unit: %w", err)
		}
		if u, err = unitByCode(ctx, tx.getPrepared, in.Code); err != nil {
			return err
		}
		if err := unitCreated(ctx, tx, u.Path); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "unit.create", "unit", &u.ID, nil, snapshot(u), "")
	})
	return u, err
}

// UpdateUnit applies a patch to the unit with code if its version is still
// patch.Version; a stale version is a conflict and changes nothing.
func (s *Store) UpdateUnit(ctx context.Context, actor domain.Principal, code string, patch domain.UnitPatch) (domain.Unit, error) {
	var u domain.Unit
	err := s.inTx(ctx, func(tx *txn) error {
		before, err := unitByCodeForUpdate(ctx, tx, code)
		if err != nil {
			return err
		}
		if before.Version != patch.Version {
			return domain.StaleVersion()
		}
		after := before
		if patch.Name != nil {
			after.Name = *patch.Name
		}
		if patch.Category != nil {
			after.Category = *patch.Category
		}
		if patch.Members != nil {
			after.Members = *patch.Members
		}
		if snapshot(after) == snapshot(before) {
			u = before
			return nil
		}
		_, err = tx.ExecContext(ctx, `UPDATE units SET name = $2, category = $3, members = $4,
			version = version + 1, updated_at = $5 WHERE id = $1`,
			before.ID, after.Name, nullIfEmpty(after.Category), after.Members, tx.at)
		if err != nil {
			return fmt.Errorf("store: update unit: %w", err)
		}
		if u, err = unitByCode(ctx, tx.getPrepared, code); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "unit.update", "unit", &u.ID, snapshot(before), snapshot(u), "")
	})
	return u, err
}

// MoveCheck lets the caller check a move with the locked, current state of
// the unit and its new parent before it is written. It runs inside the
// transaction: it must not use the store (see txn).
type MoveCheck func(unit, newParent domain.Unit) error

// MoveUnit puts the unit with code under the unit newParent; its whole
// subtree follows. check runs inside the transaction on the current rows.
func (s *Store) MoveUnit(ctx context.Context, actor domain.Principal, code, newParent, reason string, check MoveCheck) (domain.Unit, error) {
	var u domain.Unit
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		before, err := unitByCode(ctx, tx.getPrepared, code)
		if err != nil {
			return err
		}
		parent, err := unitByCode(ctx, tx.getPrepared, newParent)
		if err != nil {
			return domain.Invalid("parent_code", fmt.Sprintf("Không tìm thấy đơn vị cấp trên %s", newParent),
				fmt.Sprintf("parent unit %s not found", newParent))
		}
		if domain.IsWithin(parent.Path, before.Path) {
			return domain.Invalid("parent_code", "Không thể chuyển một đơn vị vào dưới chính nó hoặc đơn vị cấp dưới của nó",
				"a unit cannot move under itself or one of its own units")
		}
		if err := check(before, parent); err != nil {
			return err
		}
		if before.ParentID != nil && *before.ParentID == parent.ID {
			u = before
			return nil
		}
		if err := moveWithRounds(ctx, tx, before, &parent); err != nil {
			return err
		}
		if u, err = unitByCode(ctx, tx.getPrepared, code); err != nil {
			return err
		}
		return audit(ctx, tx, actor, "unit.move", "unit", &u.ID, snapshot(before), snapshot(u), reason)
	})
	return u, err
}

// moveSubtree re-parents unit under parent and rewrites the paths of its subtree in one statement.
func moveSubtree(ctx context.Context, tx *txn, unit, parent domain.Unit) error {
	newPath := parent.Path + "." + fmt.Sprint(unit.ID)
	_, err := tx.ExecContext(ctx, `UPDATE units SET
			path = CASE WHEN id = $3 THEN $2::ltree ELSE $2::ltree || subpath(path, nlevel($1::ltree)) END,
			parent_id = CASE WHEN id = $3 THEN $4 ELSE parent_id END,
			version = CASE WHEN id = $3 THEN version + 1 ELSE version END,
			updated_at = CASE WHEN id = $3 THEN $5 ELSE updated_at END
		WHERE path <@ $1::ltree`, unit.Path, newPath, unit.ID, parent.ID, tx.at)
	if err != nil {
		return fmt.Errorf("store: move %s: %w", unit.Code, err)
	}
	return nil
}

// MergeCheck lets the caller check a merge on the locked, current rows. It
// runs inside the transaction: it must not use the store (see txn).
type MergeCheck func(survivor domain.Unit, merged []domain.Unit) error

// MergeUnits merges the units with codes into the survivor: their active
// children move under the survivor, and they become inactive and point to it.
// Their history stays readable under their own codes.
func (s *Store) MergeUnits(ctx context.Context, actor domain.Principal, survivorCode string, codes []string, reason string, check MergeCheck) (domain.Unit, error) {
	var u domain.Unit
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		survivor, err := unitByCode(ctx, tx.getPrepared, survivorCode)
		if err != nil {
			return err
		}
		merged := make([]domain.Unit, 0, len(codes))
		var v domain.Validation
		for _, c := range codes {
			m, err := unitByCode(ctx, tx.getPrepared, c)
			if domain.IsCode(err, domain.ENotFound) {
				v.Add("units", fmt.Sprintf("Không tìm thấy đơn vị %s", c), fmt.Sprintf("unit %s not found", c))
				continue
			}
			if err != nil {
				return err
			}
			merged = append(merged, m)
		}
		if err := v.Err(); err != nil {
			return err
		}
		if err := check(survivor, merged); err != nil {
			return err
		}
		for _, m := range merged {
			children, err := childrenTx(ctx, tx, m.ID)
			if err != nil {
				return err
			}
			for _, c := range children {
				if err := moveWithRounds(ctx, tx, c, &survivor); err != nil {
					return err
				}
				after := c
				after.ParentCode = survivor.Code
				if err := audit(ctx, tx, actor, "unit.move", "unit", &c.ID, snapshot(c), snapshot(after), "merge of "+m.Code+" into "+survivor.Code); err != nil {
					return err
				}
			}
			if err := unitLeaving(ctx, tx, m.Path); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE units SET active = false, merged_into = $2,
				version = version + 1, updated_at = $3 WHERE id = $1`, m.ID, survivor.ID, tx.at); err != nil {
				return fmt.Errorf("store: merge %s: %w", m.Code, err)
			}
			if err := unitLeft(ctx, tx, m.Path); err != nil {
				return err
			}
			after := m
			after.Active, after.MergedInto = false, survivor.Code
			if err := audit(ctx, tx, actor, "unit.merge", "unit", &m.ID, snapshot(m), snapshot(after), reason); err != nil {
				return err
			}
		}
		if u, err = unitByCode(ctx, tx.getPrepared, survivorCode); err != nil {
			return err
		}
		codesAfter := make([]string, len(merged))
		for i, m := range merged {
			codesAfter[i] = m.Code
		}
		return audit(ctx, tx, actor, "unit.absorb", "unit", &u.ID, nil, map[string]any{"absorbed": codesAfter}, reason)
	})
	return u, err
}

func childrenTx(ctx context.Context, tx *txn, parentID int64) ([]domain.Unit, error) {
	var out []domain.Unit
	if err := tx.SelectContext(ctx, &out, unitSelect+`WHERE u.parent_id = $1 AND u.active ORDER BY u.id`, parentID); err != nil {
		return nil, fmt.Errorf("store: children: %w", err)
	}
	return out, nil
}

// UnitHistory lists the recorded changes of the unit with id, newest first.
func (s *Store) UnitHistory(ctx context.Context, unitID int64, limit int) ([]domain.UnitChange, error) {
	out := []domain.UnitChange{}
	err := s.db.SelectContext(ctx, &out, `SELECT a.id, a.at, a.username, a.action, u.code AS unit_code,
			a.before, a.after, a.reason
		FROM audit_log a JOIN units u ON u.id = a.unit_id
		WHERE a.unit_id = $1 AND a.entity = 'unit' ORDER BY a.id DESC LIMIT $2`, unitID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: unit history: %w", err)
	}
	return out, nil
}

// CountUnits returns the number of units, active or not.
func (s *Store) CountUnits(ctx context.Context) (int, error) {
	var n int
	if err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM units`); err != nil {
		return 0, fmt.Errorf("store: count units: %w", err)
	}
	return n, nil
}
