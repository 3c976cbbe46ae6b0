-- +goose Up
-- Late counts in the rollups. Counting the late units below a unit (deadline
-- passed, congress not held) from the congresses takes a join over every
-- late unit of the subtree: ~100 ms at the root of a national tree. The
-- late-flags job counts them set-based for a day (late_day) into the
-- rollups, noting the total and held they go with (late_total, late_held);
-- a change of held state through adjustRollups adjusts all of them in its
-- own transaction. A read uses late when late_day is today and total and
-- held are still those it goes with (no other writer changed them since),
-- and counts live otherwise.
ALTER TABLE rollups
    ADD COLUMN late integer NOT NULL DEFAULT 0,
    ADD COLUMN late_day date,
    ADD COLUMN late_total integer,
    ADD COLUMN late_held integer;

-- The daily snapshot job replaces the rows of one day of a round.
CREATE INDEX progress_snapshots_day ON progress_snapshots (round_id, day);

-- Flags are listed a page at a time, the most overdue open ones first, or
-- the most recently resolved: walked in index order, never sorted whole.
CREATE INDEX flags_open_due ON flags (round_id, due_date, id) WHERE resolved_at IS NULL;
CREATE INDEX flags_resolved ON flags (round_id, resolved_at DESC, id DESC) WHERE resolved_at IS NOT NULL;
