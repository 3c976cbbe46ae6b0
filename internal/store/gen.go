package store

import (
	"context"
	"fmt"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"github.com/daihoi/daihoi/internal/domain"
)

// GenerateRoundState writes a state of round at spec.AsOf over the whole
// tree, set-based, in one transaction, then recomputes the rollups (and
// the congresses' marks of missing papers, from the papers written): the
// congresses held (bottom-up: a unit only once everything below it has held
// its congress; about three units in four whose window has passed), the
// others preparing or with their plan approved and planned within two
// weeks, some late; pilots; delegates; milestones ticked to match. Each unit
// draws from a hash of its code and the seed. The window of a unit is the
// 90 days before its deadline in force; units without a deadline are left
// not started. It is meant for a round nobody has worked in yet (the demo,
// daihoi gen): it overwrites the congresses and milestones of round.
func (s *Store) GenerateRoundState(ctx context.Context, actor domain.Principal, roundID int64, spec domain.RoundStateSpec) ([]domain.KindState, error) {
	var out []domain.KindState
	err := s.inBulkTx(ctx, func(tx *txn) error {
		var start domain.Day
		if err := tx.GetContext(ctx, &start, `SELECT start_date FROM rounds WHERE id = $1 FOR UPDATE`, roundID); err != nil {
			return fmt.Errorf("store: generate state: round %d: %w", roundID, err)
		}
		// The statements below are few and large: compiling them (JIT) costs
		// more than it saves.
		if _, err := tx.ExecContext(ctx, `SET LOCAL jit = off`); err != nil {
			return fmt.Errorf("store: generate state: %w", err)
		}
		g := genState{tx: tx, round: roundID, spec: spec, start: start}
		for _, step := range []func(context.Context) error{g.units, g.pilots, g.held, g.congresses, g.results, g.milestones, g.papers} {
			if err := step(ctx); err != nil {
				return fmt.Errorf("store: generate state: %w", err)
			}
		}
		if err := recomputeRollups(ctx, tx, roundID); err != nil {
			return err
		}
		if err := tx.SelectContext(ctx, &out, `SELECT g.kind, count(*) AS total, count(g.held) AS held,
				count(*) FILTER (WHERE congress_late_on(g.deadline, g.held, $1::date)) AS late,
				count(*) FILTER (WHERE g.held IS NULL AND g.planned BETWEEN $1::date AND $1::date + 14) AS soon,
				count(*) FILTER (WHERE g.is_pilot) AS pilots
			FROM gen_u g JOIN unit_kinds k ON k.code = g.kind
			GROUP BY g.kind, k.sort_order ORDER BY k.sort_order`, spec.AsOf); err != nil {
			return fmt.Errorf("store: generate state: counts: %w", err)
		}
		after := map[string]any{"as_of": spec.AsOf, "seed": spec.Seed, "pilots": spec.Pilots,
			"auto_pilots": spec.AutoPilots, "auto_pilot_from": spec.AutoPilotFrom, "papers_after": spec.PapersAfter}
		return auditRound(ctx, tx, actor, roundID, "round.generate_state", "round", nil, nil, after, "")
	})
	return out, err
}

// genState is one run of GenerateRoundState; its steps work on the
// temporary table gen_u (one row per active unit of the round).
type genState struct {
	tx    *txn
	round int64
	spec  domain.RoundStateSpec
	start domain.Day
}

// draw is SQL for a number in [0, 1) drawn from the text expr and the
// seed, different for each salt. The seed is an integer written into the SQL.
func (g genState) draw(expr string, salt int) string {
	return fmt.Sprintf("((hashtextextended(%s, %d) & 9223372036854775807) %% 1000000) / 1e6::float8", expr, g.spec.Seed*64+int64(salt))
}

func (g genState) exec(ctx context.Context, what, query string, args ...any) error {
	if _, err := g.tx.ExecContext(ctx, query, args...); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// units fills gen_u: each unit's place, deadline and draws; pace is a draw of
// its parent, so that the cells of one organization move together.
func (g genState) units(ctx context.Context) error {
	q := `CREATE TEMPORARY TABLE gen_u ON COMMIT DROP AS
		SELECT u.id, u.parent_id, u.code, nlevel(u.path) AS depth, u.kind, k.is_cell, k.is_grassroots, u.members,
			c.deadline, c.deadline - 90 AS win,
			` + g.draw("u.code", 1) + ` AS r1, ` + g.draw("u.code", 2) + ` AS r2,
			` + g.draw("u.code", 3) + ` AS r3, ` + g.draw("u.code", 4) + ` AS r4,
			coalesce(` + g.draw("p.code", 5) + `, 0.5) AS pace,
			false AS is_pilot, NULL::date AS pilot_day, NULL::date AS held, NULL::date AS last_child,
			0 AS open_children, 'not_started'::text AS status, NULL::date AS planned
		FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active
		JOIN unit_kinds k ON k.code = u.kind
		LEFT JOIN units p ON p.id = u.parent_id
		WHERE c.round_id = $1`
	if err := g.exec(ctx, "units", q, g.round); err != nil {
		return err
	}
	return g.exec(ctx, "units", `CREATE INDEX ON gen_u (id); CREATE INDEX ON gen_u (depth, parent_id); ANALYZE gen_u`)
}

// pilots marks the pilots, given and picked, and every unit below them with
// the pilot's day.
func (g genState) pilots(ctx context.Context) error {
	codes, days := make([]string, len(g.spec.Pilots)), make([]string, len(g.spec.Pilots))
	for i, p := range g.spec.Pilots {
		codes[i], days[i] = domain.NormalizeCode(p.Code), p.Held.String()
	}
	q := `CREATE TEMPORARY TABLE gen_p ON COMMIT DROP AS
		SELECT g.id, x.day::date AS day FROM unnest($1::text[], $2::text[]) AS x(code, day) JOIN gen_u g ON g.code = x.code`
	if err := g.exec(ctx, "pilots", q, pq.Array(codes), pq.Array(days)); err != nil {
		return err
	}
	if g.spec.AutoPilots > 0 {
		q := `INSERT INTO gen_p (id, day)
			SELECT id, $2::date + floor(r2 * 14)::int FROM (
				SELECT g.id, g.r2, row_number() OVER (PARTITION BY g.parent_id ORDER BY g.r3, g.id) AS n
				FROM gen_u g WHERE g.is_grassroots AND g.parent_id IS NOT NULL AND g.deadline IS NOT NULL
					AND g.id NOT IN (SELECT id FROM gen_p)) AS x
			WHERE n <= $1`
		if err := g.exec(ctx, "auto pilots", q, g.spec.AutoPilots, g.spec.AutoPilotFrom); err != nil {
			return err
		}
	}
	return g.exec(ctx, "pilot subtrees", `UPDATE gen_u g SET is_pilot = (u.id = p.id), pilot_day = p.day
		FROM gen_p p JOIN units pu ON pu.id = p.id JOIN units u ON u.path <@ pu.path
		WHERE g.id = u.id`)
}

// held decides, level by level from the deepest, which units have held
// their congress and when (a unit only after every unit below it), and from
// that each unit's status and planned date.
//
// A unit of a passed window has held it with a chance of about Share (more
// in a fast organization, less in a slow one), a unit halfway through its
// window half of that; on a day of its window before AsOf, or (6%) late,
// after its deadline. Held units have reported their results half of the
// time a week on. Of the others, in their window: 55% have their plan
// approved and are planned before their deadline (or within two weeks,
// when it is closer or passed), 30% are preparing (most with a date, a few
// after the deadline), the rest have not started; within 60 days of their
// window, half are preparing.
func (g genState) held(ctx context.Context) error {
	var maxDepth int
	if err := g.tx.GetContext(ctx, &maxDepth, `SELECT coalesce(max(depth), 0) FROM gen_u`); err != nil {
		return fmt.Errorf("held: %w", err)
	}
	q := `WITH k AS (
			SELECT parent_id, count(*) FILTER (WHERE held IS NULL) AS open, max(held) AS last
			FROM gen_u WHERE depth = $1 + 1 GROUP BY parent_id
		), x AS (
			SELECT g.id, g.r3, k.last, coalesce(k.open, 0) AS open,
				CASE
					WHEN g.is_pilot THEN g.pilot_day
					WHEN g.pilot_day IS NOT NULL THEN g.pilot_day - 47 + floor(g.r2 * 28)::int
					WHEN g.r3 < 0.06 AND $2::date > g.deadline THEN g.deadline + 1 + floor(g.r2 * ($2::date - g.deadline))::int
					ELSE g.win + floor(g.r2 * greatest(0, least($2::date, g.deadline) - g.win))::int
				END AS base,
				g.deadline IS NOT NULL AND (g.pilot_day IS NOT NULL
					OR g.r1 < greatest(0, least(1, ($2::date - g.win) / 90.0)) * least(1, $4::float8 + (g.pace - 0.5) * 0.6)) AS drawn
			FROM gen_u g LEFT JOIN k ON k.parent_id = g.id
			WHERE g.depth = $1
		), d AS (
			SELECT x.id, x.last, x.open, CASE WHEN x.drawn AND x.open = 0 AND day <= $2::date AND day >= $3::date THEN day END AS held
			FROM x CROSS JOIN LATERAL (SELECT CASE WHEN x.last IS NULL THEN x.base
				ELSE greatest(x.base, x.last + 1 + floor(x.r3 * 6)::int) END AS day) AS dd
		)
		UPDATE gen_u g SET last_child = d.last, open_children = d.open, held = d.held,
			status = CASE
				WHEN d.held IS NOT NULL AND g.r4 < 0.5 AND d.held + 7 <= $2::date THEN 'results_reported'
				WHEN d.held IS NOT NULL THEN 'held'
				WHEN g.deadline IS NULL THEN 'not_started'
				WHEN $2::date >= g.win THEN CASE WHEN g.r4 < 0.55 THEN 'plan_approved' WHEN g.r4 < 0.85 THEN 'preparing' ELSE 'not_started' END
				WHEN $2::date >= g.win - 60 THEN CASE WHEN g.r4 < 0.5 THEN 'preparing' ELSE 'not_started' END
				ELSE 'not_started' END,
			planned = CASE
				WHEN d.held IS NOT NULL THEN d.held
				WHEN g.deadline IS NULL THEN NULL
				WHEN $2::date >= g.win AND g.r4 < 0.55 THEN $2::date + 1 + floor(g.r2 * greatest(14, g.deadline - $2::date))::int
				WHEN $2::date >= g.win - 60 AND g.r4 < 0.85 AND g.r2 < 0.6 THEN greatest($2::date + 7, g.win)
					+ floor(g.r3 * greatest(7, g.deadline - greatest($2::date + 7, g.win) + 5))::int
				END
		FROM d WHERE g.id = d.id`
	share := g.spec.Share
	if share <= 0 {
		share = 0.78
	}
	for depth := maxDepth; depth >= 1; depth-- {
		if err := g.exec(ctx, fmt.Sprintf("held at depth %d", depth), q, depth, g.spec.AsOf, g.start, share); err != nil {
			return err
		}
	}
	return nil
}

// congresses writes gen_u into the congresses of the round: delegates are
// every member of a cell, else a congress of 80 to 300 delegates; a
// congress with a planned date starts at one of the usual hours, in the
// hall of its unit; pilots held carry a lessons-learned note.
func (g genState) congresses(ctx context.Context) error {
	draw6 := g.draw("g.code", 6)
	return g.exec(ctx, "congresses", `UPDATE congresses c SET
			status = g.status, planned_date = g.planned, held_date = g.held, is_pilot = g.is_pilot,
			planned_time = CASE WHEN g.planned IS NOT NULL THEN
				(ARRAY['07:30', '08:00', '08:00', '13:30', '14:00', '19:30'])[1 + floor(`+draw6+` * 6)::int]::time END,
			place = CASE WHEN g.planned IS NULL THEN '' ELSE 'Hội trường ' || regexp_replace(u.name, '^(Đảng bộ|Chi bộ) ', '') END,
			lessons_learned = CASE WHEN g.is_pilot AND g.held IS NOT NULL THEN $2 ELSE '' END,
			delegates_expected = CASE WHEN g.status IN ('not_started', 'preparing') THEN NULL
				WHEN g.is_cell THEN g.members ELSE least(g.members, 80 + floor(g.r2 * 220)::int) END,
			delegates_present = CASE WHEN g.held IS NULL THEN NULL
				WHEN g.is_cell THEN g.members - floor(g.r3 * 0.08 * g.members)::int
				ELSE greatest(0, least(g.members, 80 + floor(g.r2 * 220)::int) - floor(g.r3 * 6)::int) END,
			version = c.version + CASE WHEN g.status = 'not_started' AND NOT g.is_pilot THEN 0 ELSE 1 END,
			updated_at = now()
		FROM gen_u g JOIN units u ON u.id = g.id WHERE c.round_id = $1 AND c.unit_id = g.id`, g.round,
		"Đại hội điểm: chuẩn bị văn kiện và nhân sự chu đáo; cần rút ngắn phần báo cáo, dành thời gian thảo luận và chuẩn hóa quy trình bầu cử trước khi nhân rộng.")
}

// results records the results of the congresses whose status says their
// results are reported: a committee (a cell of nine members or more elects
// three, a smaller one only its secretary; other units 9 to 15, a quarter to
// three fifths of them women), the delegates to the congress above, and the
// secretary elected with most of the votes of the delegates present.
func (g genState) results(ctx context.Context) error {
	name := func(salt int) string {
		pick := func(list string, n, salt int) string {
			return fmt.Sprintf("(ARRAY[%s])[1 + floor(%s * %d)::int]", list, g.draw("g.code", salt), n)
		}
		return pick(`'Nguyễn','Trần','Lê','Phạm','Hoàng','Phan','Vũ','Đặng','Bùi','Đỗ','Hồ','Ngô'`, 12, salt) + ` || ' ' || ` +
			pick(`'Văn','Thị','Minh','Thị Thu','Quốc','Thanh','Đức','Thị Ngọc','Hữu','Thị Hồng'`, 10, salt+1) + ` || ' ' || ` +
			pick(`'An','Bình','Hà','Hương','Lan','Long','Nam','Phương','Quân','Sơn','Thảo','Tuấn','Hùng','Dũng','Hằng','Mai'`, 16, salt+2)
	}
	if err := g.exec(ctx, "results", `CREATE TEMPORARY TABLE gen_r ON COMMIT DROP AS
		SELECT g.id, `+name(7)+` AS secretary, c.delegates_present AS present,
			CASE WHEN g.is_cell THEN CASE WHEN g.members >= 9 THEN 3 ELSE 1 END ELSE 9 + floor(g.r3 * 7)::int END AS size,
			CASE WHEN g.is_cell THEN greatest(1, g.members / 8) ELSE 5 + floor(g.r2 * 10)::int END AS delegates,
			g.r2, g.r3
		FROM gen_u g JOIN congresses c ON c.round_id = $1 AND c.unit_id = g.id
		WHERE g.status = 'results_reported'`, g.round); err != nil {
		return err
	}
	if err := g.exec(ctx, "results", `INSERT INTO congress_results (round_id, unit_id, committee_size, committee_women, secretary_name, delegates_elected)
		SELECT $1, id, size, least(size, floor(size * (0.25 + 0.35 * r2))::int), secretary, delegates FROM gen_r
		ON CONFLICT (round_id, unit_id) DO NOTHING`, g.round); err != nil {
		return err
	}
	return g.exec(ctx, "elected", `INSERT INTO elected_people (round_id, unit_id, position, full_name, is_woman, votes_for, valid_ballots, delegates_present)
		SELECT $1, r.id, 'secretary', r.secretary, r.secretary LIKE '% Thị %', v.valid - floor(r.r3 * 0.1 * v.valid)::int, v.valid, v.present
		FROM gen_r r
		CROSS JOIN LATERAL (SELECT greatest(coalesce(r.present, 1), 1) AS present,
			greatest(coalesce(r.present, 1), 1) - floor(r.r2 * 2)::int AS valid) AS v
		WHERE NOT EXISTS (SELECT 1 FROM elected_people e WHERE e.round_id = $1 AND e.unit_id = r.id)`, g.round)
}

// milestones ticks the milestones to match: everything before the plan for
// held units and units with their plan approved; most of the steps that
// need no approval for units preparing; the auto milestones from the held
// dates. Days done are never before the round's start nor after AsOf.
func (g genState) milestones(ctx context.Context) error {
	q := `UPDATE milestones m SET done_on = x.day, done_by = NULL,
			done_at = CASE WHEN x.day IS NULL THEN NULL ELSE (x.day + time '17:00') AT TIME ZONE 'Asia/Ho_Chi_Minh' END
		FROM gen_u g, milestone_templates t,
			LATERAL (SELECT ` + g.draw("g.code || t.code", 6) + ` AS r) AS r,
			LATERAL (SELECT CASE
				WHEN t.auto = 'held' THEN g.held
				WHEN t.auto = 'results_reported' THEN CASE WHEN g.status = 'results_reported' THEN g.held + 3 + floor(g.r2 * 4)::int END
				WHEN t.auto = 'children_held' THEN CASE WHEN g.open_children = 0 THEN g.last_child END
				WHEN g.status IN ('held', 'results_reported') THEN
					greatest($2::date, least(g.held - 1, g.held + coalesce(t.due_offset_days, 0)) - floor(r.r * 3)::int)
				WHEN g.status = 'plan_approved' THEN
					greatest($2::date, least($3::date - 1 - floor(r.r * 5)::int, g.planned + coalesce(t.due_offset_days, 0)))
				WHEN g.status = 'preparing' AND NOT t.requires_approval AND r.r < 0.7 THEN
					greatest($2::date, least($3::date - 1, coalesce(g.planned + coalesce(t.due_offset_days, 0), $3::date - 1 - floor(r.r * 10)::int)))
				END AS day) AS x
		WHERE m.round_id = $1 AND m.unit_id = g.id AND t.id = m.template_id AND m.done_on IS DISTINCT FROM x.day`
	return g.exec(ctx, "milestones", q, g.round, g.start, g.spec.AsOf)
}

// papers attaches the papers the round requires of their kind
// (required_papers_of) to the congresses held spec.PapersAfter days or more
// before AsOf, sent that many days after the congress, each one version of
// spec.PaperFile; one in six of those whose results are not reported sent
// only the first. A congress whose results are reported sent them all, by
// the third day after it (its results are reported on the third to the
// sixth). Nothing when PapersAfter is 0.
func (g genState) papers(ctx context.Context) error {
	if g.spec.PapersAfter <= 0 || len(g.spec.PaperFile) == 0 {
		return nil
	}
	if len(g.spec.PaperFile) > PaperChunkSize {
		return fmt.Errorf("papers: a file of %d bytes, more than one piece of %d", len(g.spec.PaperFile), PaperChunkSize)
	}
	q := `WITH s AS (
			SELECT g.id, r.kind,
				g.held + CASE WHEN g.status = 'results_reported' THEN 3 ELSE $3::int END AS sent
			FROM gen_u g CROSS JOIN LATERAL required_papers_of($1, g.kind) r
			WHERE g.held IS NOT NULL
				AND (g.status = 'results_reported' OR g.held <= $2::date - $3::int AND (r.n = 1 OR ` + g.draw("g.code", 10) + ` >= 1.0 / 6))
		), p AS (
			INSERT INTO papers (round_id, unit_id, kind, created_at)
			SELECT $1, s.id, s.kind, (s.sent + time '16:00') AT TIME ZONE 'Asia/Ho_Chi_Minh' FROM s
			RETURNING id, kind, created_at
		), v AS (
			INSERT INTO paper_versions (paper_id, version, file_name, content_type, size, sha256, chunks, uploaded_at)
			SELECT p.id, 1, p.kind || '.pdf', 'application/pdf', length($4::bytea), encode(sha256($4::bytea), 'hex'), 1, p.created_at
			FROM p
			RETURNING id
		)
		INSERT INTO paper_chunks (version_id, seq, data) SELECT v.id, 0, $4::bytea FROM v`
	return g.exec(ctx, "papers", q, g.round, g.spec.AsOf, g.spec.PapersAfter, g.spec.PaperFile)
}

// Tidy vacuums and analyzes the tables a bulk load (import, a new round, a
// generated state) has just filled, as autovacuum would in a while: the
// planner gets statistics of the data as it is, and the visibility map
// lets index-only scans skip the table. It runs outside any transaction
// (so on a connection whose statement timeout is the bulk timeout until
// it is done).
func (s *Store) Tidy(ctx context.Context) error {
	err := s.db.onConn(ctx, func(c *sqlx.Conn) error {
		if _, err := c.ExecContext(ctx, `SELECT set_config('statement_timeout', $1, false)`, millis(s.opts.BulkTimeout)); err != nil {
			return err
		}
		if _, err := c.ExecContext(ctx, `VACUUM (ANALYZE) units, congresses, milestones, rollups, deadline_rules, flags, papers, paper_versions, paper_chunks`); err != nil {
			return err
		}
		_, err := c.ExecContext(ctx, `RESET statement_timeout`)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: vacuum: %w", err)
	}
	return nil
}

// PlanApprovedCells returns the codes of at most limit active cells (kinds
// that are cells and not grassroots organizations) of round whose plan is
// approved and whose congress is not held yet, spread over the tree in a
// fixed pseudo-random order: the congresses `make bench` holds through the API.
func (s *Store) PlanApprovedCells(ctx context.Context, roundID int64, limit int) ([]string, error) {
	var out []string
	err := s.db.SelectContext(ctx, &out, `SELECT u.code FROM congresses c
		JOIN units u ON u.id = c.unit_id AND u.active
		JOIN unit_kinds k ON k.code = u.kind AND k.is_cell AND NOT k.is_grassroots
		WHERE c.round_id = $1 AND c.status = 'plan_approved' AND c.held_date IS NULL
		ORDER BY md5(u.code) LIMIT $2`, roundID, limit)
	if err != nil {
		return nil, fmt.Errorf("store: plan-approved cells: %w", err)
	}
	return out, nil
}

// ServerSettings returns the values of the named PostgreSQL settings
// (server_version, fsync, shared_buffers, ...), for the record of a benchmark.
func (s *Store) ServerSettings(ctx context.Context, names ...string) (map[string]string, error) {
	var rows []struct {
		Name    string `db:"name"`
		Setting string `db:"setting"`
	}
	if err := s.db.SelectContext(ctx, &rows, `SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1)`,
		pq.Array(names)); err != nil {
		return nil, fmt.Errorf("store: settings: %w", err)
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		out[r.Name] = r.Setting
	}
	return out, nil
}

// LastCongressDeadline returns the latest deadline of a congress of the
// round (the day after which every congress is held or late).
func (s *Store) LastCongressDeadline(ctx context.Context, roundID int64) (domain.Day, error) {
	var d domain.Day
	if err := s.db.GetContext(ctx, &d, `SELECT max(deadline) FROM congresses WHERE round_id = $1`, roundID); err != nil {
		return d, fmt.Errorf("store: last deadline of round %d: %w", roundID, err)
	}
	return d, nil
}
