-- +goose Up
-- Which required papers a congress is missing, as a relation: one row per
-- congress and required paper kind (n: its place in the rule) that has no
-- live paper. It is the one definition of the rule; the planner pushes a
-- reader's congress into it (a single congress, a list cut at a limit)
-- instead of calling a function per row of a subtree. Readers:
-- papers_missing (a congress's missing kinds in the order of the rule),
-- the lists of held congresses missing papers, and their count (from the
-- maintained figures: the held congresses whose kind requires papers, less
-- those that have all of theirs, found from the papers themselves).
CREATE VIEW congress_missing_papers AS
SELECT c.round_id, c.unit_id, r.kind, r.n
FROM congresses c JOIN units u ON u.id = c.unit_id
CROSS JOIN LATERAL unnest(required_papers(c.round_id, u.kind)) WITH ORDINALITY AS r(kind, n)
WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.round_id = c.round_id AND p.unit_id = c.unit_id
	AND p.kind = r.kind AND p.deleted_at IS NULL);

-- papers_missing lists, in the order of the rule, the required papers of the
-- congress of unit in round that have no live paper.
DROP FUNCTION papers_missing(bigint, bigint, text);
CREATE FUNCTION papers_missing(p_round bigint, p_unit bigint) RETURNS text[]
	LANGUAGE sql STABLE PARALLEL SAFE
	RETURN ARRAY(SELECT m.kind FROM congress_missing_papers m WHERE m.round_id = p_round AND m.unit_id = p_unit ORDER BY m.n);

-- The held congresses of a round by the day they were held: the longest
-- held first, for the list of those missing papers over a large subtree.
CREATE INDEX congresses_held ON congresses (round_id, held_date) WHERE held_date IS NOT NULL;

-- Every list over a subtree (path <@) is planned from the number of units
-- the planner expects in it: ltree estimates it from the histogram of
-- units.path, whose 100 entries put any subtree smaller than 1% of the tree
-- at 1% (3,600 units for a district of 700 in the national tree), so that
-- a district's lists scanned every congress instead of reading its own.
-- 5,000 entries estimate a district to within a few units.
ALTER TABLE units ALTER COLUMN path SET STATISTICS 5000;
ANALYZE units;

-- held_below_on summed a unit's held events up to each day asked with a
-- subquery per unit and day, each scanning the events of every unit: the
-- series of the units under a district (100 units, five Sundays) took
-- 0.2 s, under the nation 1 s. The same sums, joined once per unit.
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

-- The composition of the committees of a subtree reads the people elected
-- of each of its units: with the columns it counts in the index, a
-- district's is read from the index alone (0.07-0.15 s -> 2-6 ms), where
-- the planner otherwise scanned every person elected in the round.
DROP INDEX elected_people_unit;
CREATE INDEX elected_people_unit ON elected_people (round_id, unit_id)
	INCLUDE (position, is_woman, birth_year, ethnic_minority, re_elected);
