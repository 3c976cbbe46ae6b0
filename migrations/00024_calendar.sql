-- +goose Up
-- The calendar of congresses and training sessions, its iCalendar feeds, and
-- the daily reminders.

-- A planned congress has a start time (Asia/Ho_Chi_Minh) and a place
-- besides its day. withdrawn_date keeps the planned day of a plan cleared
-- before the congress was held, so that calendars announce it cancelled.
ALTER TABLE congresses
    ADD COLUMN planned_time time(0),
    ADD COLUMN place text NOT NULL DEFAULT '',
    ADD COLUMN withdrawn_date date;

-- Training sessions (tập huấn) a unit's board holds for the committees of
-- units of its subtree: when, where, who was invited and how many came.
-- A cancelled session is kept (feeds announce its cancellation).
CREATE TABLE training_sessions (
    id         bigserial PRIMARY KEY,
    round_id   bigint NOT NULL REFERENCES rounds(id),
    unit_id    bigint NOT NULL REFERENCES units(id),
    title      text NOT NULL CHECK (title <> ''),
    day        date NOT NULL,
    start_time time(0),
    place      text NOT NULL DEFAULT '',
    attended   integer CHECK (attended BETWEEN 0 AND 100000),
    cancelled  boolean NOT NULL DEFAULT false,
    version    integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX training_sessions_day ON training_sessions (round_id, day);
CREATE INDEX training_sessions_unit ON training_sessions (unit_id);

-- The units invited to a session.
CREATE TABLE training_session_units (
    session_id bigint NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units(id),
    PRIMARY KEY (session_id, unit_id)
);
CREATE INDEX training_session_units_unit ON training_session_units (unit_id);

-- A user's iCalendar feed: a secret URL that works without a session. Only
-- a SHA-256 of the token is kept; revoking deletes the row.
CREATE TABLE calendar_feeds (
    user_id    bigint PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    token_hash bytea NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Users may turn the daily reminders off on their profile.
ALTER TABLE users ADD COLUMN reminders boolean NOT NULL DEFAULT true;

-- The outbox of reminder e-mails: one per user, day and kind, written whole
-- (subject and text in the user's language) by the daily job; the unique key
-- makes a second run of the same day, in any process, queue nothing more.
-- Sent with the same retries as the report e-mails.
CREATE TABLE reminder_mails (
    id              bigserial PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    day             date NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('digest', 'attend')),
    email           text NOT NULL,
    lang            text NOT NULL DEFAULT 'vi',
    subject         text NOT NULL,
    body            text NOT NULL,
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, day, kind)
);
CREATE INDEX reminder_mails_due ON reminder_mails (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE reminder_mails;
ALTER TABLE users DROP COLUMN reminders;
DROP TABLE calendar_feeds;
DROP TABLE training_session_units;
DROP TABLE training_sessions;
ALTER TABLE congresses DROP COLUMN withdrawn_date, DROP COLUMN place, DROP COLUMN planned_time;
