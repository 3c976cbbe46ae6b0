-- +goose Up
-- held_below_on summed a unit's held events up to each day asked by joining
-- every day to every earlier event (days x events): the daily series of a
-- district's report (300 days, 100 event days) took 5 ms of the report's
-- time, the Sundays of the units under it 4 ms. The same sums as one running
-- total over the events and the days asked in day order (the days asked
-- count the events of their own day, as x.day <= d.day did).
CREATE OR REPLACE FUNCTION held_below_on(round bigint, units bigint[], kinds text[], days date[])
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
	), s AS (
		SELECT e.unit_id, e.day, e.asked, sum(e.held) OVER (PARTITION BY e.unit_id ORDER BY e.day) AS held
		FROM (
			SELECT x.unit_id, x.day, x.held, false AS asked FROM x
			UNION ALL
			SELECT u.unit_id, d.day, 0, true FROM u CROSS JOIN unnest(held_below_on.days) AS d(day)
		) e
	)
	SELECT s.unit_id, s.day, s.held::int, u.total, u.latest
	FROM s JOIN u ON u.unit_id = s.unit_id
	WHERE s.asked
$$;

-- units.path kept 5,000 histogram entries (00025) so that a district's
-- subtree is estimated at its size; every statement over a subtree (path <@)
-- then read and compared all 5,000 entries to plan it, about 0.3 ms a
-- statement, a fifth of a district report's planning. 1,000 entries still
-- estimate a district at 360-710 units (a grassroots organization at 36),
-- which plans the same reads.
ALTER TABLE units ALTER COLUMN path SET STATISTICS 1000;
ANALYZE units;

-- A stored report is some 160 kB of JSON, compressed when written: lz4
-- compresses it much faster than pglz, the default (a district's
-- report is written in about half the time, stored no larger); reports stored
-- before stay as they are, each read with its own method. A server built
-- without lz4 (it does not list it) keeps pglz.
-- +goose StatementBegin
DO $$
BEGIN
	IF EXISTS (SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)) THEN
		ALTER TABLE weekly_reports ALTER COLUMN content SET COMPRESSION lz4;
	END IF;
END
$$;
-- +goose StatementEnd

-- +goose Down
ALTER TABLE weekly_reports ALTER COLUMN content SET COMPRESSION default;
ALTER TABLE units ALTER COLUMN path SET STATISTICS 5000;
CREATE OR REPLACE FUNCTION held_below_on(round bigint, units bigint[], kinds text[], days date[])
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
	SELECT u.unit_id, d.day, coalesce(sum(x.held), 0)::int, u.total, u.latest
	FROM u CROSS JOIN unnest(held_below_on.days) AS d(day)
	LEFT JOIN x ON x.unit_id = u.unit_id AND x.day <= d.day
	GROUP BY u.unit_id, d.day, u.total, u.latest
$$;
