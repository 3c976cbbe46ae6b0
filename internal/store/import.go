package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// ImportCheck turns the rows of an import into a plan, given every unit of
// the tree as read under the tree lock; an error refuses the whole import.
// It runs inside the transaction: it must not use the store (see txn).
type ImportCheck func(existing map[string]domain.ExistingUnit) (domain.ImportPlan, error)

// importReason is the reason recorded in the history of imported units.
const importReason = "import"

const existingSelect = `SELECT u.id, u.code, u.name, u.kind, coalesce(p.code, ''), u.path::text,
	coalesce(u.category, ''), u.members, u.active
FROM units u LEFT JOIN units p ON p.id = u.parent_id`

// ExistingUnits returns every unit of the tree, active or not, by code.
func (s *Store) ExistingUnits(ctx context.Context) (map[string]domain.ExistingUnit, error) {
	var out map[string]domain.ExistingUnit
	err := s.db.with(ctx, func(q sqlx.QueryerContext) (err error) {
		out, err = existingUnits(ctx, q)
		return err
	})
	return out, err
}

func existingUnits(ctx context.Context, q sqlx.QueryerContext) (map[string]domain.ExistingUnit, error) {
	rows, err := q.QueryContext(ctx, existingSelect)
	if err != nil {
		return nil, fmt.Errorf("store: existing units: %w", err)
	}
	defer rows.Close()
	out := make(map[string]domain.ExistingUnit, 1024)
	for rows.Next() {
		var e domain.ExistingUnit
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.Kind, &e.ParentCode, &e.Path, &e.Category, &e.Members, &e.Active); err != nil {
			return nil, fmt.Errorf("store: existing units: %w", err)
		}
		out[e.Code] = e
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: existing units: %w", err)
	}
	return out, nil
}

// ApplyImport writes an import in one transaction under the tree lock: check
// plans it from the current tree, then the new units are inserted in one
// statement, the changed fields updated in one statement, the moved units
// re-parented with their subtrees (parents first), and every created,
// updated or moved unit gets its row in the audit log (one statement). A
// plan that changes nothing writes nothing.
func (s *Store) ApplyImport(ctx context.Context, actor domain.Principal, check ImportCheck) (domain.ImportResult, error) {
	var res domain.ImportResult
	err := s.inBulkTx(ctx, func(tx *txn) error {
		if err := lockTree(ctx, tx); err != nil {
			return err
		}
		existing, err := existingUnits(ctx, tx)
		if err != nil {
			return err
		}
		plan, err := check(existing)
		if err != nil {
			return err
		}
		res = domain.ImportResult{Created: len(plan.Creates), Updated: len(plan.Updates), Moved: len(plan.Moves), Unchanged: plan.Unchanged}
		if plan.Empty() {
			return nil
		}
		var log auditBatch
		created, err := insertUnits(ctx, tx, plan, existing, &log)
		if err != nil {
			return err
		}
		if err := updateUnits(ctx, tx, plan, &log); err != nil {
			return err
		}
		moved, err := moveUnits(ctx, tx, plan, &log)
		if err != nil {
			return err
		}
		if err := checkPaths(ctx, tx, append(created, moved...)); err != nil {
			return err
		}
		if err := unitsImported(ctx, tx, created); err != nil {
			return err
		}
		return log.insert(ctx, tx, actor, importReason)
	})
	if err != nil {
		return domain.ImportResult{}, err
	}
	return res, nil
}

// insertUnits creates the plan's new units with one INSERT: their ids are
// allocated first so that their paths (parent's path after the import, then
// the id) are known before the insert, new parents included.
func insertUnits(ctx context.Context, tx *txn, plan domain.ImportPlan, existing map[string]domain.ExistingUnit, log *auditBatch) ([]int64, error) {
	n := len(plan.Creates)
	if n == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, n)
	if err := tx.SelectContext(ctx, &ids, `SELECT nextval('units_id_seq') FROM generate_series(1, $1)`, n); err != nil {
		return nil, fmt.Errorf("store: import: allocate ids: %w", err)
	}
	if len(ids) != n {
		return nil, fmt.Errorf("store: import: %d ids allocated for %d units", len(ids), n)
	}
	idOf := make(map[string]int64, n)
	for i, c := range plan.Creates {
		idOf[c.Unit.Code] = ids[i]
	}
	paths, err := plan.NewPaths(idOf)
	if err != nil {
		return nil, fmt.Errorf("store: import: %w", err)
	}
	var (
		codes, names, kinds, pathList, cats = make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
		parents, members                    = make([]int64, n), make([]int64, n)
	)
	for i, c := range plan.Creates {
		u := c.Unit
		codes[i], names[i], kinds[i], pathList[i], cats[i] = u.Code, u.Name, u.Kind, paths[u.Code], u.Category
		members[i] = int64(u.Members)
		if u.ParentCode != "" {
			if id, ok := idOf[u.ParentCode]; ok {
				parents[i] = id
			} else {
				parents[i] = existing[u.ParentCode].ID
			}
		}
		log.add("unit.create", ids[i], nil, unitSnapshot{Code: u.Code, Name: u.Name, Kind: u.Kind, Parent: u.ParentCode,
			Category: u.Category, Members: u.Members, Active: true})
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO units (id, code, name, kind, parent_id, path, category, members)
		SELECT x.id, x.code, x.name, x.kind, nullif(x.parent_id, 0), x.path::ltree, nullif(x.category, ''), x.members
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::int[])
			AS x(id, code, name, kind, parent_id, path, category, members)`,
		pq.Array(ids), pq.Array(codes), pq.Array(names), pq.Array(kinds), pq.Array(parents), pq.Array(pathList), pq.Array(cats), pq.Array(members))
	if pqCode(err) == pqUniqueViolation {
		return nil, domain.Conflict("Một mã đơn vị trong tệp vừa được tạo bởi người khác; hãy thử lại",
			"a unit code of the file was just created by someone else; try again")
	}
	if err != nil {
		return nil, fmt.Errorf("store: import: insert units: %w", err)
	}
	return ids, nil
}

// updateUnits writes the changed names, categories and members in one UPDATE.
func updateUnits(ctx context.Context, tx *txn, plan domain.ImportPlan, log *auditBatch) error {
	n := len(plan.Updates)
	if n == 0 {
		return nil
	}
	ids, members := make([]int64, n), make([]int64, n)
	names, cats := make([]string, n), make([]string, n)
	for i, c := range plan.Updates {
		ids[i], names[i], cats[i], members[i] = c.Before.ID, c.After.Name, c.After.Category, int64(c.After.Members)
		before := snapshot(c.Before.Unit())
		after := before
		after.Name, after.Category, after.Members = c.After.Name, c.After.Category, c.After.Members
		log.add("unit.update", c.Before.ID, before, after)
	}
	res, err := tx.ExecContext(ctx, `UPDATE units u SET name = x.name, category = nullif(x.category, ''), members = x.members,
			version = u.version + 1, updated_at = $5
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::int[]) AS x(id, name, category, members)
		WHERE u.id = x.id`, pq.Array(ids), pq.Array(names), pq.Array(cats), pq.Array(members), tx.at)
	if err != nil {
		return fmt.Errorf("store: import: update units: %w", err)
	}
	if got, err := res.RowsAffected(); err == nil && got != int64(n) {
		return fmt.Errorf("store: import: %d units updated, want %d", got, n)
	}
	return nil
}

// moveUnits re-parents the moved units one by one, parents first (the plan's
// order), each with the path rewrite of moveSubtree so that its subtree follows.
func moveUnits(ctx context.Context, tx *txn, plan domain.ImportPlan, log *auditBatch) ([]int64, error) {
	ids := make([]int64, 0, len(plan.Moves))
	for _, m := range plan.Moves {
		var cur struct {
			Path       string `db:"path"`
			ParentID   int64  `db:"parent_id"`
			ParentPath string `db:"parent_path"`
		}
		err := tx.GetContext(ctx, &cur, `SELECT u.path::text AS path, coalesce(p.id, 0) AS parent_id, coalesce(p.path::text, '') AS parent_path
			FROM units u LEFT JOIN units p ON p.code = $2 WHERE u.id = $1`, m.Before.ID, m.After.ParentCode)
		if err != nil {
			return nil, fmt.Errorf("store: import: move %s: %w", m.Before.Code, err)
		}
		unit := domain.Unit{ID: m.Before.ID, Code: m.Before.Code, Path: cur.Path}
		switch {
		case m.After.ParentCode == "":
			err = moveWithRounds(ctx, tx, unit, nil)
		case cur.ParentID == 0:
			err = fmt.Errorf("store: import: move %s: parent %s not found", m.Before.Code, m.After.ParentCode)
		default:
			err = moveWithRounds(ctx, tx, unit, &domain.Unit{ID: cur.ParentID, Code: m.After.ParentCode, Path: cur.ParentPath})
		}
		if err != nil {
			return nil, err
		}
		before := snapshot(m.Before.Unit())
		before.Name, before.Category, before.Members = m.After.Name, m.After.Category, m.After.Members // after any update
		after := before
		after.Parent = m.After.ParentCode
		log.add("unit.move", m.Before.ID, before, after)
		ids = append(ids, m.Before.ID)
	}
	return ids, nil
}

// moveToRoot makes unit a root of the tree; its subtree follows.
func moveToRoot(ctx context.Context, tx *txn, unit domain.Unit) error {
	_, err := tx.ExecContext(ctx, `UPDATE units SET
			path = CASE WHEN id = $2 THEN text2ltree($2::text) ELSE text2ltree($2::text) || subpath(path, nlevel($1::ltree)) END,
			parent_id = CASE WHEN id = $2 THEN NULL ELSE parent_id END,
			version = CASE WHEN id = $2 THEN version + 1 ELSE version END,
			updated_at = CASE WHEN id = $2 THEN $3 ELSE updated_at END
		WHERE path <@ $1::ltree`, unit.Path, unit.ID, tx.at)
	if err != nil {
		return fmt.Errorf("store: move %s to the root: %w", unit.Code, err)
	}
	return nil
}

// checkPaths makes sure that the path of every created or moved unit is its
// parent's path followed by its id; anything else rolls the import back.
func checkPaths(ctx context.Context, tx *txn, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var bad []string
	err := tx.SelectContext(ctx, &bad, `SELECT c.code FROM units c LEFT JOIN units p ON p.id = c.parent_id
		WHERE c.id = ANY($1::bigint[])
		AND c.path <> CASE WHEN p.id IS NULL THEN text2ltree(c.id::text) ELSE p.path || text2ltree(c.id::text) END
		LIMIT 5`, pq.Array(ids))
	if err != nil {
		return fmt.Errorf("store: import: check paths: %w", err)
	}
	if len(bad) > 0 {
		return fmt.Errorf("store: import: paths of %v do not follow their parents", bad)
	}
	return nil
}

// auditBatch gathers audit rows about units to insert in one statement.
type auditBatch struct {
	actions, befores, afters []string
	unitIDs                  []int64
	err                      error
}

func (b *auditBatch) add(action string, unitID int64, before, after any) {
	enc := func(v any) string {
		if v == nil {
			return ""
		}
		j, err := json.Marshal(v)
		if err != nil && b.err == nil {
			b.err = err
		}
		return string(j)
	}
	b.actions = append(b.actions, action)
	b.unitIDs = append(b.unitIDs, unitID)
	b.befores = append(b.befores, enc(before))
	b.afters = append(b.afters, enc(after))
}

// insert writes the gathered rows in one statement, as audit writes one row.
func (b *auditBatch) insert(ctx context.Context, tx *txn, actor domain.Principal, reason string) error {
	if b.err != nil {
		return fmt.Errorf("audit: %w", b.err)
	}
	if len(b.actions) == 0 {
		return nil
	}
	var userID *int64
	if actor.User.ID != 0 {
		userID = &actor.User.ID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (user_id, username, action, entity, unit_id, before, after, reason, at)
		SELECT $1, $2, x.action, 'unit', x.unit_id, nullif(x.before, '')::jsonb, nullif(x.after, '')::jsonb, $3, $8
		FROM unnest($4::text[], $5::bigint[], $6::text[], $7::text[]) WITH ORDINALITY AS x(action, unit_id, before, after, n)
		ORDER BY x.n`,
		userID, actor.User.Username, reason, pq.Array(b.actions), pq.Array(b.unitIDs), pq.Array(b.befores), pq.Array(b.afters), tx.at)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	return nil
}

// exportSelect reads the active units for a file: no child counts, no merges.
const exportSelect = `SELECT u.id, u.code, u.name, u.kind, u.parent_id, coalesce(p.code, '') AS parent_code,
	u.path::text AS path, nlevel(u.path) AS depth, coalesce(u.category, '') AS category, u.members,
	u.active, u.version, u.created_at, u.updated_at
FROM units u
LEFT JOIN units p ON p.id = u.parent_id
JOIN unit_kinds k ON k.code = u.kind
WHERE u.active AND u.path <@ $1::ltree
ORDER BY k.sort_order, u.name COLLATE vietnamese, u.code`

// ExportUnits returns the active units of the subtree rooted at rootPath
// ("" for the whole tree) in tree order: each unit followed by its subtree,
// children by kind, then name, then code.
func (s *Store) ExportUnits(ctx context.Context, rootPath string) ([]domain.Unit, error) {
	s = s.reading(ctx)
	var all []domain.Unit
	if err := s.db.SelectContext(ctx, &all, exportSelect, rootPath); err != nil {
		return nil, fmt.Errorf("store: export units: %w", err)
	}
	return treeOrder(all), nil
}

// treeOrder orders units (sorted among siblings) depth first from the units
// whose parent is not among them.
func treeOrder(units []domain.Unit) []domain.Unit {
	in := make(map[int64]bool, len(units))
	for _, u := range units {
		in[u.ID] = true
	}
	children := make(map[int64][]int, len(units))
	var roots []int
	for i, u := range units {
		if u.ParentID != nil && in[*u.ParentID] {
			children[*u.ParentID] = append(children[*u.ParentID], i)
		} else {
			roots = append(roots, i)
		}
	}
	out := make([]domain.Unit, 0, len(units))
	stack := make([]int, 0, 64)
	for k := len(roots) - 1; k >= 0; k-- {
		stack = append(stack, roots[k])
	}
	for len(stack) > 0 {
		i := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		out = append(out, units[i])
		kids := children[units[i].ID]
		for k := len(kids) - 1; k >= 0; k-- {
			stack = append(stack, kids[k])
		}
	}
	return out
}
