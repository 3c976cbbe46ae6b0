-- +goose Up
-- The people elected, as the boards quote them: each person's year of
-- birth, whether from an ethnic minority and whether re-elected (gender and
-- position were recorded already), and the composition of the committees
-- against the round's targets and each unit's plan.
ALTER TABLE elected_people
    ADD COLUMN birth_year integer CHECK (birth_year BETWEEN 1900 AND 2100),
    ADD COLUMN ethnic_minority boolean NOT NULL DEFAULT false,
    ADD COLUMN re_elected boolean NOT NULL DEFAULT false;

-- committee_member: the people of a committee are every position but the
-- delegates to the higher congress.
CREATE FUNCTION committee_member(p_position text) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_position <> 'delegate';

-- elected_youth: under 40 at the congress. Only the year of birth is
-- recorded, so the age at the congress is the congress's year minus it
-- (the age the person reaches that year), as personnel statistics count it.
CREATE FUNCTION elected_youth(p_birth_year integer, p_held date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN p_birth_year IS NOT NULL AND p_held IS NOT NULL AND extract(year FROM p_held)::integer - p_birth_year < 40;

-- Targets of a round for the committees of a unit kind within the subtree
-- of a scope unit (NULL: the whole tree): "women at least 15%", "under 40
-- about 10%". The deepest scope wins. Set by the board, with a reason kept
-- in the audit log, like the deadline rules.
CREATE TABLE composition_targets (
    id            bigserial PRIMARY KEY,
    round_id      bigint NOT NULL REFERENCES rounds(id),
    scope_unit_id bigint REFERENCES units(id),
    kind          text NOT NULL REFERENCES unit_kinds(code),
    measure       text NOT NULL CHECK (measure IN ('women', 'youth', 'ethnic_minority', 're_elected')),
    comparison    text NOT NULL CHECK (comparison IN ('at_least', 'about', 'at_most')),
    percent       numeric(5, 2) NOT NULL CHECK (percent BETWEEN 0 AND 100),
    version       integer NOT NULL DEFAULT 1,
    UNIQUE NULLS NOT DISTINCT (round_id, scope_unit_id, kind, measure)
);

-- A unit's planned composition of its committee ("52% women").
CREATE TABLE composition_plans (
    round_id bigint NOT NULL,
    unit_id  bigint NOT NULL,
    measure  text NOT NULL CHECK (measure IN ('women', 'youth', 'ethnic_minority', 're_elected')),
    percent  numeric(5, 2) NOT NULL CHECK (percent BETWEEN 0 AND 100),
    version  integer NOT NULL DEFAULT 1,
    PRIMARY KEY (round_id, unit_id, measure),
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id)
);
