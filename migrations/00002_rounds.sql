-- +goose Up
-- A congress round across the tree: deadlines, each unit's congress,
-- milestones, results, rolled-up progress, flags and job runs.

CREATE TABLE rounds (
    id         bigserial PRIMARY KEY,
    name       text NOT NULL CHECK (name <> ''),
    -- the documents the round follows: "Chỉ thị 35-CT/TW", "Kế hoạch 155-KH/TU"
    documents  text[] NOT NULL DEFAULT '{}',
    start_date date NOT NULL,
    is_current boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX rounds_one_current ON rounds (is_current) WHERE is_current;

-- Deadline rules: units of a kind (optionally only cells of a category)
-- within the subtree of scope_unit (NULL: the whole tree) hold their congress
-- by deadline. The deepest scope wins, then a category rule over a general one.
CREATE TABLE deadline_rules (
    id            bigserial PRIMARY KEY,
    round_id      bigint NOT NULL REFERENCES rounds(id),
    scope_unit_id bigint REFERENCES units(id),
    kind          text NOT NULL REFERENCES unit_kinds(code),
    category      text,
    deadline      date NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    UNIQUE NULLS NOT DISTINCT (round_id, scope_unit_id, kind, category)
);

-- One row per unit and round: the unit's congress.
CREATE TABLE congresses (
    round_id                bigint NOT NULL REFERENCES rounds(id),
    unit_id                 bigint NOT NULL REFERENCES units(id),
    status                  text NOT NULL DEFAULT 'not_started'
        CHECK (status IN ('not_started', 'preparing', 'plan_approved', 'held', 'results_reported')),
    planned_date            date,
    held_date               date,
    delegates_expected      integer CHECK (delegates_expected >= 0),
    delegates_present       integer CHECK (delegates_present >= 0),
    is_pilot                boolean NOT NULL DEFAULT false,
    lessons_learned         text NOT NULL DEFAULT '',
    -- a per-unit deadline set by the board of an ancestor, with its reason
    deadline_override       date,
    deadline_override_reason text NOT NULL DEFAULT '',
    -- the deadline in force (override, else the best rule), kept up to date
    deadline                date,
    -- set when a board user of an ancestor let the unit hold its congress
    -- before all the units below it had held theirs
    cascade_override_reason text NOT NULL DEFAULT '',
    version                 integer NOT NULL DEFAULT 1,
    updated_at              timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, unit_id),
    CHECK ((status IN ('held', 'results_reported')) = (held_date IS NOT NULL))
);
CREATE INDEX congresses_unit ON congresses (unit_id);
CREATE INDEX congresses_not_held ON congresses (round_id, deadline) WHERE held_date IS NULL;
CREATE INDEX congresses_pilots ON congresses (round_id) WHERE is_pilot;
CREATE INDEX congresses_planned ON congresses (round_id, planned_date) WHERE held_date IS NULL AND planned_date IS NOT NULL;

-- Milestone templates per unit kind: due on an absolute date, or a number of
-- days relative to the planned congress date (negative: before).
CREATE TABLE milestone_templates (
    id                bigserial PRIMARY KEY,
    kind              text NOT NULL REFERENCES unit_kinds(code),
    seq               integer NOT NULL,
    code              text NOT NULL,
    name_vi           text NOT NULL,
    name_en           text NOT NULL,
    due_date          date,
    due_offset_days   integer,
    -- an approval: recorded only by a board user of an ancestor unit
    requires_approval boolean NOT NULL DEFAULT false,
    -- done by the system: 'children_held', 'held', 'results_reported'; '' = done by a person
    auto              text NOT NULL DEFAULT '' CHECK (auto IN ('', 'children_held', 'held', 'results_reported')),
    UNIQUE (kind, code),
    CHECK (due_date IS NULL OR due_offset_days IS NULL)
);

INSERT INTO milestone_templates (kind, seq, code, name_vi, name_en, due_offset_days, requires_approval, auto)
SELECT k.kind, t.seq, t.code, t.name_vi, t.name_en, t.offset_days, t.approval, t.auto
FROM (VALUES ('city'), ('district'), ('grassroots_committee'), ('subcommittee')) AS k(kind)
CROSS JOIN (VALUES
    (1, 'subcommittees', 'Thành lập các tiểu ban (văn kiện, nhân sự, tổ chức phục vụ)', 'Sub-committees formed (documents, personnel, logistics)', -60, false, ''),
    (2, 'draft_report', 'Dự thảo báo cáo chính trị, lấy ý kiến cấp dưới', 'Draft political report written, comments gathered', -30, false, ''),
    (3, 'personnel_plan', 'Phương án nhân sự được cấp trên phê duyệt', 'Personnel plan approved by the superior', -15, true, ''),
    (4, 'congress_plan', 'Phương án tổ chức đại hội được cấp trên phê duyệt', 'Congress plan approved by the superior', -10, true, ''),
    (5, 'children_held', 'Các đơn vị trực thuộc đã tổ chức đại hội', 'All units below have held their congress', -5, false, 'children_held'),
    (6, 'held', 'Tổ chức đại hội', 'Congress held', 0, false, 'held'),
    (7, 'results_reported', 'Báo cáo kết quả, biên bản lên cấp trên', 'Results and minutes reported to the superior', 7, false, 'results_reported')
) AS t(seq, code, name_vi, name_en, offset_days, approval, auto);

INSERT INTO milestone_templates (kind, seq, code, name_vi, name_en, due_offset_days, requires_approval, auto)
SELECT k.kind, t.seq, t.code, t.name_vi, t.name_en, t.offset_days, t.approval, t.auto
FROM (VALUES ('grassroots_cell'), ('cell')) AS k(kind)
CROSS JOIN (VALUES
    (1, 'draft_report', 'Dự thảo báo cáo chính trị', 'Draft political report written', -15, false, ''),
    (2, 'personnel_plan', 'Phương án nhân sự được cấp trên phê duyệt', 'Personnel plan approved by the superior', -10, true, ''),
    (3, 'congress_plan', 'Phương án tổ chức đại hội được cấp trên phê duyệt', 'Congress plan approved by the superior', -7, true, ''),
    (4, 'held', 'Tổ chức đại hội', 'Congress held', 0, false, 'held'),
    (5, 'results_reported', 'Báo cáo kết quả, biên bản lên cấp trên', 'Results and minutes reported to the superior', 7, false, 'results_reported')
) AS t(seq, code, name_vi, name_en, offset_days, approval, auto);

-- A unit's milestones in a round, instantiated from the templates of its kind.
CREATE TABLE milestones (
    round_id    bigint NOT NULL,
    unit_id     bigint NOT NULL,
    template_id bigint NOT NULL REFERENCES milestone_templates(id),
    done_on     date,
    done_by     bigint REFERENCES users(id),
    done_at     timestamptz,
    note        text NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, unit_id, template_id),
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id)
);

-- Results of a congress.
CREATE TABLE congress_results (
    round_id          bigint NOT NULL,
    unit_id           bigint NOT NULL,
    committee_size    integer NOT NULL CHECK (committee_size >= 0),
    committee_women   integer NOT NULL CHECK (committee_women >= 0 AND committee_women <= committee_size),
    secretary_name    text NOT NULL DEFAULT '',
    delegates_elected integer NOT NULL DEFAULT 0 CHECK (delegates_elected >= 0),
    version           integer NOT NULL DEFAULT 1,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (round_id, unit_id),
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id)
);

-- The votes for each elected person: votes for / valid ballots / delegates present.
CREATE TABLE elected_people (
    id                bigserial PRIMARY KEY,
    round_id          bigint NOT NULL,
    unit_id           bigint NOT NULL,
    position          text NOT NULL CHECK (position IN ('committee', 'standing', 'secretary', 'deputy_secretary', 'delegate')),
    full_name         text NOT NULL CHECK (full_name <> ''),
    is_woman          boolean NOT NULL DEFAULT false,
    votes_for         integer NOT NULL CHECK (votes_for >= 0),
    valid_ballots     integer NOT NULL CHECK (valid_ballots >= votes_for),
    delegates_present integer NOT NULL CHECK (delegates_present >= valid_ballots),
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id)
);
CREATE INDEX elected_people_unit ON elected_people (round_id, unit_id);

-- Rolled-up progress: for a unit and a kind, the active units of that kind
-- strictly below it, and how many of them have held their congress. Kept up
-- to date in the transaction of every change; recomputed from scratch by the
-- consistency check.
CREATE TABLE rollups (
    round_id bigint NOT NULL REFERENCES rounds(id),
    unit_id  bigint NOT NULL REFERENCES units(id),
    kind     text NOT NULL REFERENCES unit_kinds(code),
    total    integer NOT NULL CHECK (total >= 0),
    held     integer NOT NULL CHECK (held >= 0 AND held <= total),
    PRIMARY KEY (round_id, unit_id, kind)
);

-- Daily snapshots of the rollups, for figures at a past date.
CREATE TABLE progress_snapshots (
    round_id bigint NOT NULL REFERENCES rounds(id),
    day      date NOT NULL,
    unit_id  bigint NOT NULL REFERENCES units(id),
    kind     text NOT NULL REFERENCES unit_kinds(code),
    total    integer NOT NULL,
    held     integer NOT NULL,
    late     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, unit_id, day, kind)
);

-- Flags raised by the late-flags job: a unit late, a milestone overdue, a unit at risk.
CREATE TABLE flags (
    id          bigserial PRIMARY KEY,
    round_id    bigint NOT NULL REFERENCES rounds(id),
    unit_id     bigint NOT NULL REFERENCES units(id),
    kind        text NOT NULL CHECK (kind IN ('late', 'milestone_overdue', 'at_risk')),
    template_id bigint REFERENCES milestone_templates(id),
    due_date    date,
    detail      text NOT NULL DEFAULT '',
    opened_at   timestamptz NOT NULL,
    resolved_at timestamptz
);
CREATE UNIQUE INDEX flags_one_open ON flags (round_id, unit_id, kind, coalesce(template_id, 0)) WHERE resolved_at IS NULL;
CREATE INDEX flags_unit ON flags (unit_id, round_id);

-- Runs of the scheduled jobs.
CREATE TABLE job_runs (
    id          bigserial PRIMARY KEY,
    job         text NOT NULL,
    as_of       date,
    tick        timestamptz,
    started_at  timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz,
    outcome     text NOT NULL DEFAULT 'running' CHECK (outcome IN ('running', 'ok', 'failed', 'skipped')),
    counts      jsonb NOT NULL DEFAULT '{}',
    error       text NOT NULL DEFAULT '',
    host        text NOT NULL DEFAULT ''
);
CREATE INDEX job_runs_job ON job_runs (job, id DESC);
-- a scheduled tick runs once across every daihoi process on the database
CREATE UNIQUE INDEX job_runs_once_per_tick ON job_runs (job, tick) WHERE tick IS NOT NULL;

-- The audit log of a round: every change of a congress, its milestones,
-- results, pilots and deadlines carries the round it belongs to.
ALTER TABLE audit_log ADD COLUMN round_id bigint REFERENCES rounds(id);
CREATE INDEX audit_log_round ON audit_log (round_id, id) WHERE round_id IS NOT NULL;
