-- +goose Up
-- Finding a unit by its name, with or without diacritics, or by its code.
--
-- unaccent maps every Vietnamese letter to its base letter (đ/Đ to d/D
-- included) and drops the combining marks of decomposed (NFD) text; pg_trgm
-- finds the words inside names and the names close to a misspelt query;
-- btree_gin lets one trigram index also hold each unit's depth. Like ltree,
-- all three come with PostgreSQL's contrib (Debian: the postgresql package),
-- and creating them needs a role allowed to create extensions.
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS btree_gin;

-- fold_name makes a name or a query comparable: without diacritics, in lower
-- case, every run of anything but letters and digits (spaces, dashes, dots,
-- commas) turned into one space, trimmed. "Đảng bộ phường Bạch Mai",
-- "DANG BO PHUONG BACH MAI" and "dang-bo phuong bach  mai" all fold to
-- "dang bo phuong bach mai". unaccent() itself is only STABLE (its dictionary
-- could change); naming the dictionary makes the result depend on the text
-- alone, so that the wrapper may be IMMUTABLE and feed a stored column.
CREATE FUNCTION fold_name(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN btrim(regexp_replace(lower(public.unaccent('public.unaccent'::regdictionary, $1)), '[^a-z0-9]+', ' ', 'g'));

-- The folded name of each unit, kept by PostgreSQL on every insert and
-- rename; in byte order ("C"), so that a prefix is a range of an index.
ALTER TABLE units ADD COLUMN name_folded text COLLATE "C" GENERATED ALWAYS AS (fold_name(name)) STORED;

-- search_tier is the ranking rule of a search: how the unit with code and
-- name_folded matches the query (q_code: the query as a code, '' when it
-- cannot be one; q_fold: the folded query), best first, NULL for no match:
--   0 its code is the query,
--   1 its code starts with the query,
--   2 its folded name starts with the folded query,
--   3 a later word of its folded name starts with it,
--   4 its name holds words similar to the query (pg_trgm's word_similarity
--     of at least pg_trgm.word_similarity_threshold, 0.6 by default); the
--     search looks for these only when the query matched nothing else.
-- STABLE, not IMMUTABLE: the similarity threshold is a setting.
CREATE FUNCTION search_tier(code text, name_folded text, q_code text, q_fold text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN q_code <> '' AND code = q_code THEN 0
        WHEN q_code <> '' AND starts_with(code, q_code) THEN 1
        WHEN q_fold <> '' AND starts_with(name_folded, q_fold) THEN 2
        WHEN q_fold <> '' AND strpos(name_folded, ' ' || q_fold) > 0 THEN 3
        WHEN length(q_fold) >= 3 AND q_fold <% name_folded THEN 4
    END;

-- Within a tier the higher units come first: each depth is read on its own.
-- A code or a name starting with the query is a range of these indexes,
-- read in order.
CREATE INDEX units_search_code ON units (nlevel(path), code COLLATE "C") WHERE active;
CREATE INDEX units_search_name ON units (nlevel(path), name_folded, code COLLATE "C") WHERE active;
-- A word inside a name and names close to the query, at one depth or all.
CREATE INDEX units_search_words ON units USING gin (nlevel(path), name_folded gin_trgm_ops) WHERE active;
-- How many units each depth holds (the planner has no statistics of an
-- expression otherwise, and took 0.5% of the tree for the 80% of cells).
CREATE STATISTICS units_depth ON (nlevel(path)) FROM units;
ANALYZE units;
