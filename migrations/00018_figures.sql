-- +goose Up
-- The figures of a round at any day, each rule defined once.
--
-- Every figure of progress (held by a day, late on a day, at risk on a day)
-- counts what is recorded now: a congress entered as held on a day before
-- it was entered counts as held from that day on, at every level, for every
-- day asked. The rules are the functions below; every query of the store
-- that needs one calls it (lists, flags, a unit's own congress), and the
-- maintained aggregates (rollup_days) are their sums, so that a figure of
-- any day at any unit is read from a few hundred rows whatever the size of
-- its subtree and whether a job has run or not. The Go package
-- internal/oracle computes the same figures from plain per-congress data;
-- tests compare the two on the demo and on generated trees.

-- A congress held on held was held by day.
CREATE FUNCTION congress_held_by(held date, day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(held <= day, false) $$;

-- A congress is late on day when its deadline has passed (the deadline is
-- before day) and it was not held by day. One held after its deadline was
-- late on every day from the day after the deadline to the day before it
-- was held.
CREATE FUNCTION congress_late_on(deadline date, held date, day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(deadline < day, false) AND NOT congress_held_by(held, day) $$;

-- A congress is at risk on day when it is not late yet but likely to be: not
-- held by day, its deadline is day or later, and it is planned after its
-- deadline, or has no planned date although the deadline is at most days
-- away. A congress held without a planned date counts as planned on the day
-- it was held (planned dates have no history: this is what is recorded now).
-- A congress is never both late and at risk on a day.
CREATE FUNCTION congress_at_risk_on(deadline date, held date, planned date, day date, days integer) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(deadline >= day AND NOT congress_held_by(held, day)
	AND (coalesce(planned, held) > deadline OR (coalesce(planned, held) IS NULL AND day >= deadline - days)), false) $$;

-- The status of a congress on day, from what is recorded now: held (results
-- reported when they were by day) when held by day; else at most its status
-- now, and at most 'preparing' unless its congress plan was approved by day.
CREATE FUNCTION congress_status_on(status text, held date, plan_approved date, reported date, day date) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CASE
	WHEN congress_held_by(held, day) THEN CASE WHEN reported <= day THEN 'results_reported' ELSE 'held' END
	WHEN status = 'not_started' THEN 'not_started'
	WHEN status = 'preparing' OR NOT coalesce(plan_approved <= day, false) THEN 'preparing'
	ELSE 'plan_approved' END $$;

-- Milestones due after the congress (results reported) stay due after it is
-- held; the others are its preparation, moot once it is held.
ALTER TABLE milestone_templates ADD COLUMN after_congress boolean NOT NULL DEFAULT false;
UPDATE milestone_templates SET after_congress = true WHERE auto = 'results_reported';

-- The due date of a milestone: its template's date, else the planned date
-- of the congress plus the template's offset (none without a planned date).
CREATE FUNCTION milestone_due(due_date date, offset_days integer, planned date) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(due_date, planned + offset_days) $$;

-- A milestone is moot on day when it prepares a congress held by day
-- without having been done by then.
CREATE FUNCTION milestone_moot_on(done date, after_congress boolean, held date, day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT NOT congress_held_by(done, day) AND NOT after_congress AND congress_held_by(held, day) $$;

-- A milestone is overdue on day when it was due before day, was not done by
-- day and is not moot.
CREATE FUNCTION milestone_overdue_on(due date, done date, after_congress boolean, held date, day date) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT coalesce(due < day, false) AND NOT congress_held_by(done, day) AND NOT milestone_moot_on(done, after_congress, held, day) $$;

-- The figures by day. For a congress with deadline d, held date h and
-- planned date p, congress_figure_events gives events (a day and +1 in a
-- column) such that, summed over the congresses below a unit, each figure
-- on day D is a sum of a column over a range of days:
--
--   total         +1 on -infinity            total       = sum of all
--   held          +1 on h                    held by D   = sum over days <= D
--   late          +1 on d+1, and             late on D   = sum over days <= D
--                 -1 on max(d+1, h) when held
--   risk_after    +1 on min(d+1, h) when     at risk on D = sum of risk_after over days > D
--                 coalesce(p, h) > d                        + sum of risk_nodate over D <= days <= D+N
--   risk_nodate   +1 on d when p and h are null               (N: at-risk days)
--   due           +1 on d                    latest deadline = the last day whose due is > 0
--
-- Why: late on D is d < D and not h <= D. The sum over days <= D of a
-- congress's late events is [d+1 <= D] - [h set and max(d+1, h) <= D] =
-- [d < D] - [d < D and h <= D] = [d < D and not h <= D]. At risk with a
-- planned date after d (or held after d without one) is d >= D and not
-- h <= D, that is min(d+1, h) > D. At risk without a planned date (not
-- held: a held congress counts as planned on its held date) is
-- D >= d - N and d >= D, that is D <= d <= D+N. Held by D is h <= D.
--
-- A change of a congress (held, planned, deadline, a move in the tree)
-- adds its new events and takes away its old ones at every unit above it:
-- a hold on time writes two days per ancestor (held +1 on h, late -1 on
-- d+1), a late one a single day (held +1 and late -1 on h).
CREATE FUNCTION congress_figure_events(deadline date, held_date date, planned_date date)
RETURNS TABLE (day date, total integer, held integer, late integer, risk_after integer, risk_nodate integer, due integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT '-infinity'::date, 1, 0, 0, 0, 0, 0
	UNION ALL SELECT held_date, 0, 1, 0, 0, 0, 0 WHERE held_date IS NOT NULL
	UNION ALL SELECT deadline + 1, 0, 0, 1, 0, 0, 0 WHERE deadline IS NOT NULL
	UNION ALL SELECT greatest(deadline + 1, held_date), 0, 0, -1, 0, 0, 0 WHERE deadline IS NOT NULL AND held_date IS NOT NULL
	UNION ALL SELECT least(deadline + 1, held_date), 0, 0, 0, 1, 0, 0 WHERE coalesce(planned_date, held_date) > deadline
	UNION ALL SELECT deadline, 0, 0, 0, 0, 1, 0 WHERE deadline IS NOT NULL AND planned_date IS NULL AND held_date IS NULL
	UNION ALL SELECT deadline, 0, 0, 0, 0, 0, 1 WHERE deadline IS NOT NULL
$$;

-- What a change of a congress from (deadline, held_date, planned_date) to (new_*)
-- adds to the events of every unit above it: the days whose counts change.
CREATE FUNCTION congress_figure_change(deadline date, held_date date, planned_date date,
	new_deadline date, new_held_date date, new_planned_date date)
RETURNS TABLE (day date, total integer, held integer, late integer, risk_after integer, risk_nodate integer, due integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT e.day, sum(e.total)::int, sum(e.held)::int, sum(e.late)::int, sum(e.risk_after)::int, sum(e.risk_nodate)::int, sum(e.due)::int
	FROM (
		SELECT * FROM congress_figure_events(new_deadline, new_held_date, new_planned_date)
		UNION ALL
		SELECT x.day, -x.total, -x.held, -x.late, -x.risk_after, -x.risk_nodate, -x.due
		FROM congress_figure_events(deadline, held_date, planned_date) x
	) e
	GROUP BY e.day
	HAVING sum(e.total) <> 0 OR sum(e.held) <> 0 OR sum(e.late) <> 0 OR sum(e.risk_after) <> 0
		OR sum(e.risk_nodate) <> 0 OR sum(e.due) <> 0
$$;

-- rollups keep total and held as they stand; their late counts by day
-- (late_day ...) give way to rollup_days. Pending deltas are folded first.
DROP VIEW rollups_live;
WITH s AS (
	SELECT round_id, unit_id, kind, sum(total)::int AS t, sum(held)::int AS h
	FROM rollup_deltas GROUP BY round_id, unit_id, kind
), up AS (
	UPDATE rollups r SET total = greatest(r.total + s.t, 0), held = least(greatest(r.held + s.h, 0), greatest(r.total + s.t, 0))
	FROM s WHERE r.round_id = s.round_id AND r.unit_id = s.unit_id AND r.kind = s.kind
	RETURNING r.round_id, r.unit_id, r.kind
)
INSERT INTO rollups (round_id, unit_id, kind, total, held)
SELECT s.round_id, s.unit_id, s.kind, greatest(s.t, 0), least(greatest(s.h, 0), greatest(s.t, 0)) FROM s
WHERE NOT EXISTS (SELECT 1 FROM up WHERE up.round_id = s.round_id AND up.unit_id = s.unit_id AND up.kind = s.kind);
DROP TABLE rollup_deltas;
ALTER TABLE rollups DROP COLUMN late, DROP COLUMN late_day, DROP COLUMN late_total, DROP COLUMN late_held;

-- The events of the congresses of the active units strictly below a unit,
-- summed per kind and day (the columns of congress_figure_events).
CREATE TABLE rollup_days (
	round_id    bigint NOT NULL REFERENCES rounds(id),
	unit_id     bigint NOT NULL REFERENCES units(id),
	kind        text NOT NULL REFERENCES unit_kinds(code),
	day         date NOT NULL,
	total       integer NOT NULL DEFAULT 0,
	held        integer NOT NULL DEFAULT 0,
	late        integer NOT NULL DEFAULT 0,
	risk_after  integer NOT NULL DEFAULT 0,
	risk_nodate integer NOT NULL DEFAULT 0,
	due         integer NOT NULL DEFAULT 0,
	PRIMARY KEY (round_id, unit_id, kind, day)
);

-- Changes add to rollup_deltas (see 00014), now by day: one row per unit,
-- kind, day and shard. The fold adds them to rollups (summed over the
-- days) and to rollup_days.
CREATE TABLE rollup_deltas (
	round_id    bigint NOT NULL,
	unit_id     bigint NOT NULL,
	kind        text NOT NULL,
	day         date NOT NULL,
	shard       smallint NOT NULL,
	total       integer NOT NULL DEFAULT 0,
	held        integer NOT NULL DEFAULT 0,
	late        integer NOT NULL DEFAULT 0,
	risk_after  integer NOT NULL DEFAULT 0,
	risk_nodate integer NOT NULL DEFAULT 0,
	due         integer NOT NULL DEFAULT 0,
	PRIMARY KEY (round_id, unit_id, kind, day, shard)
) WITH (fillfactor = 10);

CREATE VIEW rollups_live AS
SELECT round_id, unit_id, kind, greatest(sum(total), 0)::int AS total, greatest(sum(held), 0)::int AS held
FROM (
	SELECT round_id, unit_id, kind, total, held FROM rollups
	UNION ALL
	SELECT round_id, unit_id, kind, total, held FROM rollup_deltas
) AS x
GROUP BY round_id, unit_id, kind;

INSERT INTO rollup_days (round_id, unit_id, kind, day, total, held, late, risk_after, risk_nodate, due)
SELECT c.round_id, a.id::bigint, u.kind, e.day, sum(e.total), sum(e.held), sum(e.late), sum(e.risk_after),
	sum(e.risk_nodate), sum(e.due)
FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active AND nlevel(u.path) > 1
CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) AS a(id)
CROSS JOIN LATERAL congress_figure_events(c.deadline, c.held_date, c.planned_date) AS e
GROUP BY c.round_id, a.id, u.kind, e.day;

-- The figures of units (strictly below each) on day: per kind, how many
-- units there are, how many had held their congress by day, how many were
-- late on day and how many at risk (risk_days: at-risk days).
CREATE FUNCTION figures_below(round bigint, units bigint[], day date, risk_days integer)
RETURNS TABLE (unit_id bigint, kind text, total integer, held integer, late integer, at_risk integer)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT x.unit_id, x.kind, coalesce(sum(x.total), 0)::int,
		coalesce(sum(x.held) FILTER (WHERE x.day <= figures_below.day), 0)::int,
		coalesce(sum(x.late) FILTER (WHERE x.day <= figures_below.day), 0)::int,
		(coalesce(sum(x.risk_after) FILTER (WHERE x.day > figures_below.day), 0)
			+ coalesce(sum(x.risk_nodate) FILTER (WHERE x.day BETWEEN figures_below.day AND figures_below.day + risk_days), 0))::int
	FROM (
		SELECT r.unit_id, r.kind, r.day, r.total, r.held, r.late, r.risk_after, r.risk_nodate FROM rollup_days r
		WHERE r.round_id = figures_below.round AND r.unit_id = ANY(figures_below.units)
		UNION ALL
		SELECT d.unit_id, d.kind, d.day, d.total, d.held, d.late, d.risk_after, d.risk_nodate FROM rollup_deltas d
		WHERE d.round_id = figures_below.round AND d.unit_id = ANY(figures_below.units)
	) x
	GROUP BY x.unit_id, x.kind
$$;

-- The units of kinds strictly below each of units held by each of days,
-- how many there are, and the latest of their deadlines.
CREATE FUNCTION held_below_on(round bigint, units bigint[], kinds text[], days date[])
RETURNS TABLE (unit_id bigint, day date, held integer, total integer, latest_deadline date)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	WITH x AS MATERIALIZED (
		SELECT y.unit_id, y.day, sum(y.total) AS total, sum(y.held) AS held, sum(y.due) AS due
		FROM (
			SELECT r.unit_id, r.day, r.total, r.held, r.due FROM rollup_days r
			WHERE r.round_id = held_below_on.round AND r.unit_id = ANY(held_below_on.units) AND r.kind = ANY(held_below_on.kinds)
			UNION ALL
			SELECT d.unit_id, d.day, d.total, d.held, d.due FROM rollup_deltas d
			WHERE d.round_id = held_below_on.round AND d.unit_id = ANY(held_below_on.units) AND d.kind = ANY(held_below_on.kinds)
		) y
		GROUP BY y.unit_id, y.day
	), u AS (
		SELECT x.unit_id, sum(x.total)::int AS total, max(x.day) FILTER (WHERE x.due > 0) AS latest FROM x GROUP BY x.unit_id
	)
	SELECT u.unit_id, d.day, coalesce((SELECT sum(x.held) FROM x WHERE x.unit_id = u.unit_id AND x.day <= d.day), 0)::int,
		u.total, u.latest
	FROM u CROSS JOIN unnest(held_below_on.days) AS d(day)
$$;

-- Late units of a past day are read in deadline order: those not held now
-- from congresses_not_held, those held after their deadline from here.
CREATE INDEX congresses_held_late ON congresses (round_id, deadline) INCLUDE (unit_id, held_date)
	WHERE held_date > deadline + 1;

-- A resolved flag says when its condition ended: the day the congress was
-- held (late), the milestone done or its congress held (milestone overdue),
-- else the day of the run that found it over.
ALTER TABLE flags ADD COLUMN ended_on date;
