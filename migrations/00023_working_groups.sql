-- +goose Up
-- Working groups (tổ công tác): a unit's board forms them for a round, each
-- with members (one of them its leader), and assigns each the units it
-- follows; its members read the assigned subtrees while the round is the
-- current one. For each congress in those subtrees the group names the
-- member who attends it, who records afterwards that they did, with a note.

CREATE TABLE work_groups (
    id         bigserial PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES rounds(id),
    -- the unit whose board runs the group (the district)
    unit_id    bigint NOT NULL REFERENCES units(id),
    name       text NOT NULL CHECK (name <> '' AND length(name) <= 200),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (round_id, unit_id, name),
    UNIQUE (id, round_id)
);
CREATE INDEX work_groups_unit ON work_groups (unit_id);

-- The members of a group; the leader is one of them (at most one per group).
CREATE TABLE work_group_members (
    group_id bigint NOT NULL REFERENCES work_groups(id) ON DELETE CASCADE,
    user_id  bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    leader   boolean NOT NULL DEFAULT false,
    added_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX work_group_members_user ON work_group_members (user_id);
CREATE UNIQUE INDEX work_group_members_one_leader ON work_group_members (group_id) WHERE leader;

-- The units a group follows in its round: a unit is followed by at most one
-- group of a round (moving it to another group is one update of this row).
CREATE TABLE work_group_units (
    round_id    bigint NOT NULL,
    unit_id     bigint NOT NULL REFERENCES units(id),
    group_id    bigint NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, unit_id),
    FOREIGN KEY (group_id, round_id) REFERENCES work_groups(id, round_id) ON DELETE CASCADE
);
CREATE INDEX work_group_units_group ON work_group_units (group_id);

-- Who from a group attends a congress: named before it by the group (its
-- leader or the board), recorded after it by that member (attended, a note
-- for the board above). One attendee per congress.
CREATE TABLE congress_attendees (
    round_id    bigint NOT NULL,
    unit_id     bigint NOT NULL,
    group_id    bigint NOT NULL REFERENCES work_groups(id) ON DELETE CASCADE,
    user_id     bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    named_at    timestamptz NOT NULL DEFAULT now(),
    attended    boolean NOT NULL DEFAULT false,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 4000),
    recorded_at timestamptz,
    PRIMARY KEY (round_id, unit_id),
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id)
);
CREATE INDEX congress_attendees_user ON congress_attendees (user_id, round_id);
CREATE INDEX congress_attendees_group ON congress_attendees (group_id);

-- user_grants is every grant a caller holds: the roles given to them
-- (role_assignments), and a supervisor's read of each unit assigned to a
-- group they are a member of in the current round (group_id names the
-- group; NULL for a role of their own). Whoever loads a caller's grants
-- reads this view, so every scope check honours group membership.
CREATE VIEW user_grants AS
SELECT r.user_id, r.unit_id, r.role, r.granted_at, NULL::bigint AS group_id
FROM role_assignments r
UNION ALL
SELECT m.user_id, a.unit_id, 'supervisor' AS role, greatest(a.assigned_at, m.added_at) AS granted_at, g.id AS group_id
FROM work_group_members m
JOIN work_groups g ON g.id = m.group_id
JOIN rounds rd ON rd.id = g.round_id AND rd.is_current
JOIN work_group_units a ON a.group_id = g.id;
