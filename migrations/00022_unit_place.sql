-- +goose Up
-- The place of a unit in a list: the units above it, nearest first, strictly
-- below the unit at depth top_depth (the page's unit, or the top of the caller's
-- scope) and strictly above the unit itself. A cell of a ward listed on its
-- district's page has the ward for place; listed on its city's page, the
-- ward then the district; listed on its ward's page, nothing (the page says
-- where it is). The ids of the units above are the labels of the unit's
-- path, so the place is read by key whatever the depth of the tree.
-- Every list of units (search, the lists of late and at-risk units, the
-- report's tables) reads it from here.
CREATE FUNCTION unit_place(unit_path ltree, top_depth integer) RETURNS jsonb
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
	SELECT coalesce(jsonb_agg(jsonb_build_object('code', a.code, 'name', a.name, 'kind', a.kind) ORDER BY nlevel(a.path) DESC), '[]'::jsonb)
	FROM units a
	WHERE a.id = ANY((string_to_array(ltree2text(unit_path), '.')::bigint[])[greatest(top_depth, 0) + 1 : nlevel(unit_path) - 1])
$$;
