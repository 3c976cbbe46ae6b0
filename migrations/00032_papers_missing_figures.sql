-- +goose Up
-- How many held congresses below a unit lack a required paper becomes a
-- figure by day, kept like held and late: the nation's count read from its
-- rollups, not from its 200,000 held congresses and their papers (0.8 s).
--
-- congresses.papers_missing says whether the congress lacks a paper the
-- round requires of its kind, as its papers stand now (the rule of
-- congress_papers_missing). The store keeps it with every write that can
-- change it (a paper attached or deleted, the round's rule for a kind set),
-- and the consistency check repairs it. A new congress has no papers: it
-- lacks one when its kind requires any.
ALTER TABLE congresses ADD COLUMN papers_missing boolean NOT NULL DEFAULT true;
UPDATE congresses c SET papers_missing = false FROM units u
WHERE u.id = c.unit_id AND NOT EXISTS (SELECT 1 FROM congress_papers_missing(c.round_id, c.unit_id, u.kind));

-- The list of the congresses missing papers over a large subtree reads the
-- held congresses by the day held, keeping the marked ones, from the index
-- alone (the nation's first 300: 16 ms). An index of the marked congresses
-- only would cost every status update holding a congress one more index
-- entry (a held date is indexed, so the row's update is never HOT); this
-- one is written anyway, and a paper's write, which changes a mark, is rare.
DROP INDEX congresses_held;
CREATE INDEX congresses_held ON congresses (round_id, held_date) INCLUDE (unit_id, papers_missing)
	WHERE held_date IS NOT NULL;

-- unsent: +1 on the day held when the congress is held and lacks a paper.
-- Held by D and missing papers now = the sum of unsent over days <= D.
ALTER TABLE rollup_days ADD COLUMN unsent integer NOT NULL DEFAULT 0;
ALTER TABLE rollup_deltas ADD COLUMN unsent integer NOT NULL DEFAULT 0;

DROP FUNCTION congress_figure_change(date, date, date, date, date, date);
DROP FUNCTION congress_figure_events(date, date, date);

-- The figure events of a congress (see 00018), with unsent.
CREATE FUNCTION congress_figure_events(deadline date, held_date date, planned_date date, papers_missing boolean)
RETURNS TABLE (day date, total integer, held integer, late integer, risk_after integer, risk_nodate integer, due integer, unsent integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT '-infinity'::date, 1, 0, 0, 0, 0, 0, 0
	UNION ALL SELECT held_date, 0, 1, 0, 0, 0, 0, papers_missing::int WHERE held_date IS NOT NULL
	UNION ALL SELECT deadline + 1, 0, 0, 1, 0, 0, 0, 0 WHERE deadline IS NOT NULL
	UNION ALL SELECT greatest(deadline + 1, held_date), 0, 0, -1, 0, 0, 0, 0 WHERE deadline IS NOT NULL AND held_date IS NOT NULL
	UNION ALL SELECT least(deadline + 1, held_date), 0, 0, 0, 1, 0, 0, 0 WHERE coalesce(planned_date, held_date) > deadline
	UNION ALL SELECT deadline, 0, 0, 0, 0, 1, 0, 0 WHERE deadline IS NOT NULL AND planned_date IS NULL AND held_date IS NULL
	UNION ALL SELECT deadline, 0, 0, 0, 0, 0, 1, 0 WHERE deadline IS NOT NULL
$$;

-- What a change of a congress from (deadline, held_date, planned_date,
-- papers_missing) to (new_*) adds to the events of every unit above it.
CREATE FUNCTION congress_figure_change(deadline date, held_date date, planned_date date, papers_missing boolean,
	new_deadline date, new_held_date date, new_planned_date date, new_papers_missing boolean)
RETURNS TABLE (day date, total integer, held integer, late integer, risk_after integer, risk_nodate integer, due integer, unsent integer)
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$
	SELECT e.day, sum(e.total)::int, sum(e.held)::int, sum(e.late)::int, sum(e.risk_after)::int, sum(e.risk_nodate)::int,
		sum(e.due)::int, sum(e.unsent)::int
	FROM (
		SELECT * FROM congress_figure_events(new_deadline, new_held_date, new_planned_date, new_papers_missing)
		UNION ALL
		SELECT x.day, -x.total, -x.held, -x.late, -x.risk_after, -x.risk_nodate, -x.due, -x.unsent
		FROM congress_figure_events(deadline, held_date, planned_date, papers_missing) x
	) e
	GROUP BY e.day
	HAVING sum(e.total) <> 0 OR sum(e.held) <> 0 OR sum(e.late) <> 0 OR sum(e.risk_after) <> 0
		OR sum(e.risk_nodate) <> 0 OR sum(e.due) <> 0 OR sum(e.unsent) <> 0
$$;

-- The unsent events of the rows there are, from the congresses as they
-- stand (the other columns are right already).
INSERT INTO rollup_days AS r (round_id, unit_id, kind, day, unsent)
SELECT c.round_id, a.id::bigint, u.kind, c.held_date, count(*)
FROM congresses c JOIN units u ON u.id = c.unit_id AND u.active AND nlevel(u.path) > 1
CROSS JOIN LATERAL unnest(string_to_array(ltree2text(subpath(u.path, 0, nlevel(u.path) - 1)), '.')) AS a(id)
WHERE c.held_date IS NOT NULL AND c.papers_missing
GROUP BY c.round_id, a.id, u.kind, c.held_date
ON CONFLICT (round_id, unit_id, kind, day) DO UPDATE SET unsent = EXCLUDED.unsent;

-- +goose Down
DROP FUNCTION congress_figure_change(date, date, date, boolean, date, date, date, boolean);
DROP FUNCTION congress_figure_events(date, date, date, boolean);
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
ALTER TABLE rollup_deltas DROP COLUMN unsent;
ALTER TABLE rollup_days DROP COLUMN unsent;
DROP INDEX congresses_held;
ALTER TABLE congresses DROP COLUMN papers_missing;
CREATE INDEX congresses_held ON congresses (round_id, held_date) WHERE held_date IS NOT NULL;
