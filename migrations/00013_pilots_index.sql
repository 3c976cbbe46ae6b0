-- +goose Up
-- The pilots of a subtree (progress reads) are found from the pilots of the
-- round, a few per district: with their unit and held date in the index,
-- an index-only scan reads them without visiting ~2,300 scattered rows of
-- the national tree (district read: 6 ms -> 1 ms; root: 13 ms -> 6 ms).
CREATE INDEX congresses_pilots_cover ON congresses (round_id) INCLUDE (unit_id, held_date) WHERE is_pilot;
DROP INDEX congresses_pilots;
