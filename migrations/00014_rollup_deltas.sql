-- +goose Up
-- Changes to the rollups by status updates and tree changes are added to
-- rollup_deltas instead of the rollup rows themselves: every hold below a
-- district adds one to the rows of the nation, the province and the
-- district, and with one row each, every update waited for the one before
-- to commit (8 clients did ~300 updates/s, most of them waiting on a row
-- lock). Each writer adds to one of 32 shards of a row, drawn at random,
-- so concurrent writers rarely meet. The deltas only add:
-- the rollup a reader sees is the row plus its deltas (rollups_live).
-- They are folded into the rows by the jobs that rewrite the rollups
-- (consistency check, late flags) and by housekeeping.
--
-- No foreign keys: each would lock the unit's and round's rows (KEY SHARE)
-- on every write, and a delta only ever reaches the rollups, whose keys
-- are checked, through a fold.
CREATE TABLE rollup_deltas (
    round_id bigint NOT NULL,
    unit_id  bigint NOT NULL,
    kind     text NOT NULL,
    shard    smallint NOT NULL,
    total    integer NOT NULL DEFAULT 0,
    held     integer NOT NULL DEFAULT 0,
    late     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, unit_id, kind, shard)
) WITH (fillfactor = 10);

-- The rollups as they stand: each row plus its deltas. late_total and
-- late_held move with total and held (a delta keeps the late count in
-- step), so a late count that was valid stays valid; a unit and kind with
-- only deltas has no late count (late_day NULL). Queries on round_id and
-- unit_id reach both tables through their primary keys.
CREATE VIEW rollups_live AS
SELECT round_id, unit_id, kind,
    greatest(sum(total), 0)::int AS total,
    greatest(sum(held), 0)::int AS held,
    greatest(sum(late), 0)::int AS late,
    max(late_day) AS late_day,
    CASE WHEN bool_or(is_row) AND bool_and(late_total IS NOT NULL) THEN sum(late_total)::int END AS late_total,
    CASE WHEN bool_or(is_row) AND bool_and(late_held IS NOT NULL) THEN sum(late_held)::int END AS late_held
FROM (
    SELECT round_id, unit_id, kind, total, held, late, late_day, late_total, late_held, true AS is_row FROM rollups
    UNION ALL
    SELECT round_id, unit_id, kind, total, held, late, NULL, total, held, false FROM rollup_deltas
) AS x
GROUP BY round_id, unit_id, kind;

-- +goose Down
DROP VIEW rollups_live;
DROP TABLE rollup_deltas;
