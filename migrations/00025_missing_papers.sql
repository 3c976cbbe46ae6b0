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
