-- +goose Up
-- Two rules read once per row of a list move into functions returning a
-- table, which the planner inlines where they are called (a function
-- returning a table, of one SELECT, is expanded into the statement that
-- calls it; a function returning a value is run by the function executor
-- at every call, some 10 to 20 microseconds each):
--
-- - required_papers_of: the papers required of a congress of kind in round
--   (the round's own rule, else the minutes and the report of the results),
--   in the rule's order. required_papers returns them as an array, read
--   from it. congress_papers_missing reads it inlined: a district's list
--   of congresses missing papers evaluates it for each of its held
--   congresses, some 500 in the largest.
-- - unit_place_of: the place of a unit in a list (00022). unit_place
--   returns it, read from it. The lists of a weekly report join it for the
--   rows they keep (up to 300 each).
CREATE FUNCTION required_papers_of(p_round bigint, p_kind text)
RETURNS TABLE (kind text, n bigint)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT r.kind, r.n
	FROM (VALUES (1)) AS one(x)
	LEFT JOIN round_required_papers rr ON rr.round_id = p_round AND rr.unit_kind = p_kind
	CROSS JOIN LATERAL unnest(coalesce(rr.papers, ARRAY['minutes', 'results_report'])) WITH ORDINALITY AS r(kind, n)
$$;

CREATE OR REPLACE FUNCTION required_papers(p_round bigint, p_kind text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ARRAY(SELECT r.kind FROM required_papers_of(p_round, p_kind) r ORDER BY r.n);

CREATE OR REPLACE FUNCTION congress_papers_missing(p_round bigint, p_unit bigint, p_kind text)
RETURNS TABLE (kind text, n bigint)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT r.kind, r.n FROM required_papers_of(p_round, p_kind) r
	WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.round_id = p_round AND p.unit_id = p_unit
		AND p.kind = r.kind AND p.deleted_at IS NULL)
$$;

CREATE FUNCTION unit_place_of(unit_path ltree, top_depth integer)
RETURNS TABLE (place jsonb)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind) ORDER BY nlevel(a.path) DESC), '[]'::jsonb)
	FROM units a
	WHERE a.id = ANY((string_to_array(ltree2text(unit_path), '.')::bigint[])[greatest(top_depth, 0) + 1 : nlevel(unit_path) - 1])
$$;

CREATE OR REPLACE FUNCTION unit_place(unit_path ltree, top_depth integer) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT p.place FROM unit_place_of(unit_path, top_depth) p
$$;

-- +goose Down
CREATE OR REPLACE FUNCTION unit_place(unit_path ltree, top_depth integer) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind) ORDER BY nlevel(a.path) DESC), '[]'::jsonb)
	FROM units a
	WHERE a.id = ANY((string_to_array(ltree2text(unit_path), '.')::bigint[])[greatest(top_depth, 0) + 1 : nlevel(unit_path) - 1])
$$;
DROP FUNCTION unit_place_of(ltree, integer);
CREATE OR REPLACE FUNCTION congress_papers_missing(p_round bigint, p_unit bigint, p_kind text)
RETURNS TABLE (kind text, n bigint)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT r.kind, r.n FROM unnest(required_papers(p_round, p_kind)) WITH ORDINALITY AS r(kind, n)
	WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.round_id = p_round AND p.unit_id = p_unit
		AND p.kind = r.kind AND p.deleted_at IS NULL)
$$;
CREATE OR REPLACE FUNCTION required_papers(p_round bigint, p_kind text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT r.papers FROM round_required_papers r WHERE r.round_id = p_round AND r.unit_kind = p_kind),
        ARRAY['minutes', 'results_report']);
DROP FUNCTION required_papers_of(bigint, text);
