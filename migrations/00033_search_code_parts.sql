-- +goose Up
-- A unit is also found by a part of its code: "TDP10" or "VINHTUY.KDC1"
-- finds HN.HBT.VINHTUY.KDC18, a part being what follows a dot. This tier
-- (5) is read after the words of names (3), when the page is not full
-- yet, and before similar names (4), which the search reads only when
-- nothing else matched; so the two never share a page and their numbers
-- need not follow their order. The query must be a code of three
-- characters or more, for the trigram index to serve it.
CREATE OR REPLACE FUNCTION search_tier(code text, name_folded text, q_code text, q_fold text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN q_code <> '' AND code = q_code THEN 0
        WHEN q_code <> '' AND starts_with(code, q_code) THEN 1
        WHEN q_fold <> '' AND starts_with(name_folded, q_fold) THEN 2
        WHEN q_fold <> '' AND strpos(name_folded, ' ' || q_fold) > 0 THEN 3
        WHEN length(q_code) >= 3 AND strpos(code, '.' || q_code) > 0 THEN 5
        WHEN length(q_fold) >= 3 AND q_fold <% name_folded THEN 4
    END;

CREATE INDEX units_search_code_parts ON units USING gin (code gin_trgm_ops) WHERE active;

-- +goose Down
DROP INDEX units_search_code_parts;
CREATE OR REPLACE FUNCTION search_tier(code text, name_folded text, q_code text, q_fold text) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN CASE
        WHEN q_code <> '' AND code = q_code THEN 0
        WHEN q_code <> '' AND starts_with(code, q_code) THEN 1
        WHEN q_fold <> '' AND starts_with(name_folded, q_fold) THEN 2
        WHEN q_fold <> '' AND strpos(name_folded, ' ' || q_fold) > 0 THEN 3
        WHEN length(q_fold) >= 3 AND q_fold <% name_folded THEN 4
    END;
