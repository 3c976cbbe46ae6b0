package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// PaperChunkSize is the size of the pieces a paper's file is stored in
// (paper_chunks): what the server holds of a file at a time.
const PaperChunkSize = 1 << 20

// PaperFile is a file to attach: its content (read a piece at a time), its
// size, the name and type read from it and its SHA-256.
type PaperFile struct {
	Content     io.ReaderAt
	Size        int64
	FileName    string
	ContentType string
	SHA256      string
}

// PaperCheck lets the caller refuse a paper's change on the locked, current
// congress. It runs inside the transaction: it must not use the store (see
// txn).
type PaperCheck func(c domain.Congress) error

const paperCols = `SELECT p.id, p.round_id, u.code AS unit_code, p.kind, p.created_at, p.deleted_at,
	coalesce(du.username, '') AS deleted_by, p.delete_reason
FROM papers p JOIN units u ON u.id = p.unit_id LEFT JOIN users du ON du.id = p.deleted_by `

const versionCols = `SELECT v.id, v.paper_id, v.version, v.file_name, v.content_type, v.size, v.sha256, v.chunks,
	coalesce(uu.username, 'system') AS uploaded_by, v.uploaded_at
FROM paper_versions v LEFT JOIN users uu ON uu.id = v.uploaded_by `

// versionRow is a row of versionCols.
type versionRow struct {
	domain.PaperVersion
	PaperID int64 `db:"paper_id"`
}

// papersOf reads the papers of the congress of unitID in round (deleted ones
// included), each with its versions newest first.
func papersOf(ctx context.Context, q sqlx.QueryerContext, roundID, unitID int64) ([]domain.Paper, error) {
	out := []domain.Paper{}
	if err := sqlx.SelectContext(ctx, q, &out, paperCols+`WHERE p.round_id = $1 AND p.unit_id = $2
		ORDER BY p.deleted_at IS NOT NULL, p.id`, roundID, unitID); err != nil {
		return nil, fmt.Errorf("store: papers: %w", err)
	}
	var versions []versionRow
	if err := sqlx.SelectContext(ctx, q, &versions, versionCols+`JOIN papers p ON p.id = v.paper_id
		WHERE p.round_id = $1 AND p.unit_id = $2 ORDER BY v.paper_id, v.version DESC`, roundID, unitID); err != nil {
		return nil, fmt.Errorf("store: paper versions: %w", err)
	}
	at := map[int64]int{}
	for i := range out {
		out[i].KindName = out[i].Kind.Name()
		out[i].Versions = []domain.PaperVersion{}
		at[out[i].ID] = i
	}
	for _, v := range versions {
		if i, ok := at[v.PaperID]; ok {
			out[i].Versions = append(out[i].Versions, v.PaperVersion)
		}
	}
	return out, nil
}

// Papers returns the papers of the congress of unitID in round, with the
// kinds required of its unit kind and those still missing.
func (s *Store) Papers(ctx context.Context, roundID, unitID int64) (domain.Papers, error) {
	out := domain.Papers{RoundID: roundID}
	err := s.db.with(ctx, func(q sqlx.QueryerContext) error {
		var row struct {
			Code     string         `db:"code"`
			Required pq.StringArray `db:"required"`
			Missing  pq.StringArray `db:"missing"`
		}
		if err := sqlx.GetContext(ctx, q, &row, `SELECT u.code, required_papers($1, u.kind) AS required,
			papers_missing($1, u.id) AS missing FROM units u WHERE u.id = $2`, roundID, unitID); err != nil {
			return fmt.Errorf("store: papers required: %w", err)
		}
		out.UnitCode, out.Required, out.Missing = row.Code, paperKinds(row.Required), paperKinds(row.Missing)
		var err error
		out.Papers, err = papersOf(ctx, q, roundID, unitID)
		return err
	})
	return out, err
}

func paperKinds(a []string) []domain.PaperKind {
	out := make([]domain.PaperKind, len(a))
	for i, k := range a {
		out[i] = domain.PaperKind(k)
	}
	return out
}

// paperByID reads one paper of the congress of unitID in round with its
// versions; not found when the congress has no paper with id.
func paperByID(ctx context.Context, q sqlx.QueryerContext, roundID, unitID, id int64) (domain.Paper, error) {
	var p domain.Paper
	err := sqlx.GetContext(ctx, q, &p, paperCols+`WHERE p.round_id = $1 AND p.unit_id = $2 AND p.id = $3`, roundID, unitID, id)
	if errors.Is(err, sql.ErrNoRows) {
		return p, domain.NotFound(domain.PaperText, fmt.Sprint(id))
	}
	if err != nil {
		return p, fmt.Errorf("store: paper: %w", err)
	}
	p.KindName = p.Kind.Name()
	var vs []versionRow
	if err := sqlx.SelectContext(ctx, q, &vs, versionCols+`WHERE v.paper_id = $1 ORDER BY v.version DESC`, id); err != nil {
		return p, fmt.Errorf("store: paper versions: %w", err)
	}
	p.Versions = make([]domain.PaperVersion, len(vs))
	for i, v := range vs {
		p.Versions[i] = v.PaperVersion
	}
	return p, nil
}

// Paper returns the paper with id of the congress of unitID in round.
func (s *Store) Paper(ctx context.Context, roundID, unitID, id int64) (domain.Paper, error) {
	var out domain.Paper
	err := s.db.with(ctx, func(q sqlx.QueryerContext) (err error) {
		out, err = paperByID(ctx, q, roundID, unitID, id)
		return err
	})
	return out, err
}

// AttachPaper attaches f to the congress of the unit with code in round,
// after check on the locked congress, in one transaction: as a new version
// of the paper with in.PaperID, else of the live paper of a single kind,
// else as a new paper; the file is written a piece at a time, and the
// change audited.
func (s *Store) AttachPaper(ctx context.Context, actor domain.Principal, roundID int64, code string, in domain.PaperUpload, f PaperFile, today domain.Day, check PaperCheck) (domain.Paper, error) {
	var out domain.Paper
	err := s.inTx(ctx, func(tx *txn) error {
		c, err := lockedCongress(ctx, tx, roundID, code, today)
		if err != nil {
			return err
		}
		if err := check(c); err != nil {
			return err
		}
		kind := domain.PaperKind(in.Kind)
		var paperID int64
		var before any
		switch {
		case in.PaperID != 0:
			old, err := paperByID(ctx, tx, roundID, c.UnitID, in.PaperID)
			if err != nil {
				return err
			}
			if old.DeletedAt != nil {
				return domain.Conflict("Văn bản đã bị xóa; hãy đính kèm như một văn bản mới", "the paper is deleted; attach the file as a new paper")
			}
			if old.Kind != kind {
				return domain.Invalid("kind", fmt.Sprintf("Văn bản %d là %q", old.ID, old.Kind.Name().VI), fmt.Sprintf("paper %d is of kind %s", old.ID, old.Kind))
			}
			paperID, before = old.ID, paperSnapshot(old)
		case kind.Single():
			err := tx.GetContext(ctx, &paperID, `SELECT id FROM papers WHERE round_id = $1 AND unit_id = $2 AND kind = $3
				AND deleted_at IS NULL`, roundID, c.UnitID, kind)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("store: paper: %w", err)
			}
			if paperID != 0 {
				old, err := paperByID(ctx, tx, roundID, c.UnitID, paperID)
				if err != nil {
					return err
				}
				before = paperSnapshot(old)
			}
		}
		if snap, ok := before.(domain.PaperSnapshot); ok && snap.SHA256 == f.SHA256 && !snap.Deleted {
			// The same file again (a form sent twice, a second tap): no
			// version more, nothing written.
			var err error
			out, err = paperByID(ctx, tx, roundID, c.UnitID, paperID)
			return err
		}
		if paperID == 0 {
			if err := tx.GetContext(ctx, &paperID, `INSERT INTO papers (round_id, unit_id, kind, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
				roundID, c.UnitID, kind, tx.at); err != nil {
				return fmt.Errorf("store: new paper: %w", err)
			}
		}
		if err := writePaperVersion(ctx, tx, actor, paperID, f); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, refreshPapersMissingOf, roundID, c.UnitID); err != nil {
			return fmt.Errorf("store: papers missing: %w", err)
		}
		if out, err = paperByID(ctx, tx, roundID, c.UnitID, paperID); err != nil {
			return err
		}
		action := "paper.attach"
		if before != nil {
			action = "paper.replace"
		}
		return auditRound(ctx, tx, actor, roundID, action, "paper", &c.UnitID, before, paperSnapshot(out), "")
	})
	return out, err
}

// writePaperVersion adds f as the next version of the paper with id, its
// content in pieces of PaperChunkSize, one statement each.
func writePaperVersion(ctx context.Context, tx *txn, actor domain.Principal, paperID int64, f PaperFile) error {
	chunks := int((f.Size + PaperChunkSize - 1) / PaperChunkSize)
	var by *int64
	if actor.User.ID != 0 {
		by = &actor.User.ID
	}
	var versionID int64
	if err := tx.GetContext(ctx, &versionID, `INSERT INTO paper_versions (paper_id, version, file_name, content_type, size, sha256, chunks, uploaded_by, uploaded_at)
		SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5, $6, $7, $8 FROM paper_versions WHERE paper_id = $1
		RETURNING id`, paperID, f.FileName, f.ContentType, f.Size, f.SHA256, chunks, by, tx.at); err != nil {
		return fmt.Errorf("store: paper version: %w", err)
	}
	buf := make([]byte, PaperChunkSize)
	for seq := 0; seq < chunks; seq++ {
		off := int64(seq) * PaperChunkSize
		want := int(min(PaperChunkSize, f.Size-off))
		if n, err := f.Content.ReadAt(buf[:want], off); n < want {
			return fmt.Errorf("store: read paper piece %d: %w", seq, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO paper_chunks (version_id, seq, data) VALUES ($1, $2, $3)`,
			versionID, seq, buf[:want]); err != nil {
			return fmt.Errorf("store: paper piece %d: %w", seq, err)
		}
	}
	return nil
}

func paperSnapshot(p domain.Paper) domain.PaperSnapshot {
	v := p.Current()
	return domain.PaperSnapshot{PaperID: p.ID, Kind: p.Kind, Version: v.Version, FileName: v.FileName, Size: v.Size,
		SHA256: v.SHA256, Deleted: p.DeletedAt != nil}
}

// DeletePaperCheck lets the caller refuse a deletion from the locked
// congress, the paper and the papers required of the congress. It runs
// inside the transaction: it must not use the store (see txn).
type DeletePaperCheck func(c domain.Congress, p domain.Paper, required []domain.PaperKind) error

// DeletePaper marks the paper with id of the congress of the unit with code
// deleted, with reason, after check, and audits it; its versions are kept.
func (s *Store) DeletePaper(ctx context.Context, actor domain.Principal, roundID int64, code string, id int64, reason string, today domain.Day, check DeletePaperCheck) (domain.Paper, error) {
	var out domain.Paper
	err := s.inTx(ctx, func(tx *txn) error {
		c, err := lockedCongress(ctx, tx, roundID, code, today)
		if err != nil {
			return err
		}
		old, err := paperByID(ctx, tx, roundID, c.UnitID, id)
		if err != nil {
			return err
		}
		var required pq.StringArray
		if err := tx.GetContext(ctx, &required, `SELECT required_papers($1, $2)`, roundID, c.UnitKind); err != nil {
			return fmt.Errorf("store: papers required: %w", err)
		}
		if err := check(c, old, paperKinds(required)); err != nil {
			return err
		}
		var by *int64
		if actor.User.ID != 0 {
			by = &actor.User.ID
		}
		if _, err := tx.ExecContext(ctx, `UPDATE papers SET deleted_at = $4, deleted_by = $2, delete_reason = $3 WHERE id = $1`,
			id, by, reason, tx.at); err != nil {
			return fmt.Errorf("store: delete paper: %w", err)
		}
		if _, err := tx.ExecContext(ctx, refreshPapersMissingOf, roundID, c.UnitID); err != nil {
			return fmt.Errorf("store: papers missing: %w", err)
		}
		if out, err = paperByID(ctx, tx, roundID, c.UnitID, id); err != nil {
			return err
		}
		return auditRound(ctx, tx, actor, roundID, "paper.delete", "paper", &c.UnitID, paperSnapshot(old), paperSnapshot(out), reason)
	})
	return out, err
}

// PaperVersionFile returns version n (0: the newest) of the paper with id
// of the congress of unitID in round.
func (s *Store) PaperVersionFile(ctx context.Context, roundID, unitID, id int64, n int) (domain.Paper, domain.PaperVersion, error) {
	p, err := s.Paper(ctx, roundID, unitID, id)
	if err != nil {
		return p, domain.PaperVersion{}, err
	}
	for _, v := range p.Versions {
		if n == 0 || v.Version == n {
			return p, v, nil
		}
	}
	return p, domain.PaperVersion{}, domain.NotFound(domain.PaperVersionText, fmt.Sprintf("%d/%d", id, n))
}

// WritePaperContent writes the content of the version with versionID to w,
// a piece at a time: each piece is one statement, its connection given back
// before the piece is written, so a slow reader holds no connection.
func (s *Store) WritePaperContent(ctx context.Context, versionID int64, chunks int, w io.Writer) error {
	for seq := 0; seq < chunks; seq++ {
		var data []byte
		if err := s.db.GetContext(ctx, &data, `SELECT data FROM paper_chunks WHERE version_id = $1 AND seq = $2`, versionID, seq); err != nil {
			return fmt.Errorf("store: paper piece %d: %w", seq, typed(ctx, err))
		}
		if _, err := w.Write(data); err != nil {
			return err
		}
	}
	return nil
}

// refreshPapersMissingSQL sets papers_missing of the congresses of round
// $1 that the SQL condition where (over the congress c and its unit u)
// selects to what their papers say now (congress_papers_missing) and adds
// what that changes in the figures (the unsent events) to the rollups
// above those of active units, in one statement; it returns how many
// changed. The caller holds the congresses locked (FOR UPDATE), so that no
// paper of theirs is written meanwhile.
func refreshPapersMissingSQL(where string) string {
	return `WITH f AS MATERIALIZED (
			SELECT c.unit_id, u.path, u.kind, u.active, c.deadline, c.held_date, c.planned_date, c.papers_missing AS was_missing,
				` + papersMissingOf + ` AS papers_missing
			FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND ` + where + `
		), ch AS MATERIALIZED (
			SELECT * FROM f WHERE f.was_missing <> f.papers_missing
		), up AS (
			UPDATE congresses c SET papers_missing = ch.papers_missing FROM ch
			WHERE c.round_id = $1 AND c.unit_id = ch.unit_id
		), adj AS (` + changeDeltasSQL("$1", `(SELECT ch.path, ch.kind, ch.deadline AS was_deadline, ch.held_date AS was_held,
				ch.planned_date AS was_planned, ch.was_missing, ch.deadline, ch.held_date, ch.planned_date, ch.papers_missing
			FROM ch WHERE ch.active)`, deltaShard) + `)
		SELECT count(*) FROM ch`
}

// refreshPapersMissingOf is refreshPapersMissingSQL for the congress of
// the unit $2 (a paper of it attached or deleted).
var refreshPapersMissingOf = refreshPapersMissingSQL(`c.unit_id = $2`)

// refreshPapersMissingOfKind is refreshPapersMissingSQL for the congresses
// of the units of kind $2 (the papers the round requires of it changed).
var refreshPapersMissingOfKind = refreshPapersMissingSQL(`u.kind = $2`)

// missingPapersSubtree is the most units below a unit whose congresses
// missing papers MissingPapers finds from its units: for a district (some
// 700 units at most on the national tree) that is a few milliseconds
// whatever the papers, where the scan of the nation's held congresses by
// the day held, which the planner chose for it (it cannot tell the size of
// a subtree from units.path), took 17 ms on average and 420 ms for the
// largest. A variable so that tests take both ways.
var missingPapersSubtree = 20_000

// heldBelow is SQL: the unit u is active and strictly below the unit at
// path $2, and its congress c was held by $3.
const heldBelow = `u.path <@ $2::ltree AND u.path <> $2::ltree AND u.active AND c.held_date <= $3::date`

// missingOf is SQL joining mp.missing, the papers the congress (round_id and
// unit_id of the alias congress) of a unit of the kind of the alias unit
// lacks, in the rule's order (congress_papers_missing), NULL when none.
func missingOf(congress, unit string) string {
	return `CROSS JOIN LATERAL (SELECT array_agg(m.kind ORDER BY m.n) AS missing
		FROM congress_papers_missing(` + congress + `.round_id, ` + congress + `.unit_id, ` + unit + `.kind) m) mp`
}

// missingPapersListSQL is the statement of a list of congresses missing
// papers whose rows (unit_code, unit_name, unit_kind, held_date,
// days_since, missing, path, total), cut at the limit, come from rows: it
// joins their places, and only theirs.
func missingPapersListSQL(rows string) string {
	return `SELECT t.unit_code, t.unit_name, t.unit_kind, t.held_date, t.days_since, t.missing, pl.place, t.total
		FROM (` + rows + `) t
		CROSS JOIN LATERAL unit_place_of(t.path, nlevel($2::ltree)) pl
		ORDER BY t.held_date, t.unit_code`
}

// MissingPapers lists the congresses strictly below the unit at path in
// round held by asOf that lack a required paper (as the papers stand now,
// congress_missing_papers, read through congress_papers_missing for the
// congress and unit at hand), the longest held first, with the days since
// they were held at asOf; at most limit; and how many there are in all.
//
// Below a unit with at most missingPapersSubtree units below it (the
// rollups say how many), one statement reads the held congresses of its
// units marked as missing papers, then what they lack
// (congress_papers_missing), and counts and lists them. Over a larger
// subtree, the count is a maintained figure: the unsent events of the
// rollups (a congress's mark papers_missing, +1 on the day held) summed
// over the days up to asOf, a few hundred rows whatever the papers (from
// the nation's 200,000 held congresses and their papers, it took 0.8 s).
// The list reads the held congresses by the day held, keeping the marked
// ones (congresses_held holds the mark), stopping at limit, and what each
// lacks from its papers. TestBothWaysOfFindingTheCongressesMissingPapersAgree
// holds both ways to the same figures. The places (unit_place_of) are read
// for the rows kept only.
func (s *Store) MissingPapers(ctx context.Context, roundID int64, path string, asOf domain.Day, limit int) ([]domain.CongressMissingPapers, int, error) {
	var below int
	if err := s.db.GetContext(ctx, &below, `SELECT coalesce(sum(total), 0) FROM rollups_live
		WHERE round_id = $1 AND unit_id = ltree2text(subpath($2::ltree, -1))::bigint`, roundID, path); err != nil {
		return nil, 0, fmt.Errorf("store: units below %s: %w", path, err)
	}
	var rows []struct {
		domain.CongressMissingPapers
		Missing pq.StringArray `db:"missing"`
		Total   int            `db:"total"`
	}
	var total int
	if below <= missingPapersSubtree && limit > 0 {
		if err := s.db.SelectContext(ctx, &rows, missingPapersListSQL(`WITH s AS MATERIALIZED (
				SELECT c.round_id, c.unit_id, c.held_date, u.code, u.name, u.kind, u.path
				FROM units u JOIN congresses c ON c.unit_id = u.id AND c.round_id = $1 WHERE `+heldBelow+` AND c.papers_missing
			), m AS MATERIALIZED (
				SELECT s.code AS unit_code, s.name AS unit_name, s.kind AS unit_kind, s.held_date,
					$3::date - s.held_date AS days_since, mp.missing, s.path
				FROM s `+missingOf("s", "s")+`
				WHERE mp.missing IS NOT NULL
			)
			SELECT m.*, count(*) OVER () AS total FROM m ORDER BY m.held_date, m.unit_code LIMIT $4`),
			roundID, path, asOf, limit); err != nil {
			return nil, 0, fmt.Errorf("store: missing papers: %w", err)
		}
		if len(rows) > 0 {
			total = rows[0].Total
		}
	} else {
		if err := s.db.GetContext(ctx, &total, `SELECT coalesce(sum(x.unsent), 0) FROM (
				SELECT r.unsent FROM rollup_days r
				WHERE r.round_id = $1 AND r.unit_id = ltree2text(subpath($2::ltree, -1))::bigint AND r.day <= $3
				UNION ALL
				SELECT d.unsent FROM rollup_deltas d
				WHERE d.round_id = $1 AND d.unit_id = ltree2text(subpath($2::ltree, -1))::bigint AND d.day <= $3) x`,
			roundID, path, asOf); err != nil {
			return nil, 0, fmt.Errorf("store: missing papers count: %w", err)
		}
		if err := s.db.SelectContext(ctx, &rows, missingPapersListSQL(`SELECT u.code AS unit_code, u.name AS unit_name,
				u.kind AS unit_kind, c.held_date, $3::date - c.held_date AS days_since, mp.missing, u.path, 0 AS total
			FROM congresses c JOIN units u ON u.id = c.unit_id `+missingOf("c", "u")+`
			WHERE c.round_id = $1 AND c.papers_missing AND c.held_date IS NOT NULL AND `+heldBelow+` AND mp.missing IS NOT NULL
			ORDER BY c.held_date, u.code LIMIT $4`), roundID, path, asOf, limit); err != nil {
			return nil, 0, fmt.Errorf("store: missing papers: %w", err)
		}
	}
	out := make([]domain.CongressMissingPapers, len(rows))
	for i, r := range rows {
		out[i] = r.CongressMissingPapers
		out[i].Missing = paperKinds(r.Missing)
	}
	return out, total, nil
}

// RequiredPapersRules lists the papers each unit kind must send in round:
// the round's own rule, else the default.
func (s *Store) RequiredPapersRules(ctx context.Context, roundID int64) ([]domain.RequiredPapersRule, error) {
	var rows []struct {
		Kind    string         `db:"unit_kind"`
		Papers  pq.StringArray `db:"papers"`
		Default bool           `db:"is_default"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT k.code AS unit_kind, required_papers($1, k.code) AS papers,
			NOT EXISTS (SELECT 1 FROM round_required_papers r WHERE r.round_id = $1 AND r.unit_kind = k.code) AS is_default
		FROM unit_kinds k ORDER BY k.code`, roundID); err != nil {
		return nil, fmt.Errorf("store: required papers: %w", err)
	}
	out := make([]domain.RequiredPapersRule, len(rows))
	for i, r := range rows {
		out[i] = domain.RequiredPapersRule{Kind: r.Kind, Papers: paperKinds(r.Papers), Default: r.Default}
	}
	return out, nil
}

// SetRequiredPapers sets the papers required of the congresses of kind in
// round, with reason, and audits the change.
func (s *Store) SetRequiredPapers(ctx context.Context, actor domain.Principal, roundID int64, kind string, papers []domain.PaperKind, reason string) (domain.RequiredPapersRule, error) {
	list := make([]string, len(papers))
	for i, k := range papers {
		list[i] = string(k)
	}
	out := domain.RequiredPapersRule{Kind: kind, Papers: papers}
	err := s.inTx(ctx, func(tx *txn) error {
		var before pq.StringArray
		if err := tx.GetContext(ctx, &before, `SELECT required_papers($1, $2)`, roundID, kind); err != nil {
			return fmt.Errorf("store: required papers: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO round_required_papers (round_id, unit_kind, papers) VALUES ($1, $2, $3)
			ON CONFLICT (round_id, unit_kind) DO UPDATE SET papers = EXCLUDED.papers`, roundID, kind, pq.Array(list)); err != nil {
			return fmt.Errorf("store: set required papers: %w", err)
		}
		// The congresses of the kind are locked in the order of their
		// units' codes, the order of the status updates' batches, before
		// their papers are read afresh.
		if _, err := tx.ExecContext(ctx, `SELECT 1 FROM congresses c JOIN units u ON u.id = c.unit_id
			WHERE c.round_id = $1 AND u.kind = $2 ORDER BY u.code FOR UPDATE OF c`, roundID, kind); err != nil {
			return fmt.Errorf("store: lock the congresses of %s: %w", kind, err)
		}
		if _, err := tx.ExecContext(ctx, refreshPapersMissingOfKind, roundID, kind); err != nil {
			return fmt.Errorf("store: papers missing: %w", err)
		}
		type snap struct {
			Kind   string   `json:"unit_kind"`
			Papers []string `json:"papers"`
		}
		return auditRound(ctx, tx, actor, roundID, "papers.required", "round", nil, snap{kind, before}, snap{kind, list}, reason)
	})
	return out, err
}
