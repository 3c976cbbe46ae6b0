-- +goose Up
-- The parent of every unit that is not a cell, read without the table: the
-- recompute of the rollups (store.aggregate.belowSQL) counts the congresses of
-- every unit into its parent in one pass, then rolls those counts up one
-- level at a time, each time looking up the parents of some 40,000 units
-- of a national tree. Cells (five units in six) have no units below them
-- (unit_kind_rules), so they are never looked up: the index holds the
-- others only, about 55,000 entries in 2 MB, which a hash join reads whole
-- in a few milliseconds. A unit it does not hold is looked up in units.
CREATE INDEX units_parents ON units (id) INCLUDE (parent_id) WHERE kind <> 'cell';
