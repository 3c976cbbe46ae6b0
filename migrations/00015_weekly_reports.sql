-- +goose Up
-- Weekly progress reports (issue 5): one per unit and ISO week, stored as
-- made (the figures as of the week's Sunday) and never changed unless
-- remade on purpose (--force); every format is drawn from content.
CREATE TABLE weekly_reports (
    id         bigserial PRIMARY KEY,
    unit_id    bigint NOT NULL REFERENCES units(id),
    round_id   bigint NOT NULL REFERENCES rounds(id),
    week       text NOT NULL CHECK (week ~ '^\d{4}-W\d{2}$'),
    week_start date NOT NULL,
    made_at    timestamptz NOT NULL,
    made_by    text NOT NULL DEFAULT '',
    -- the week changed nothing (no congress held, no figure moved): kept, not mailed
    nothing_new boolean NOT NULL,
    content    jsonb NOT NULL,
    UNIQUE (unit_id, week)
);
CREATE INDEX weekly_reports_week ON weekly_reports (week_start);

-- Users who get a unit's weekly report by e-mail (board and supervisor users
-- whose scope covers the unit).
CREATE TABLE report_subscriptions (
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units(id),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, unit_id)
);
CREATE INDEX report_subscriptions_unit ON report_subscriptions (unit_id);

-- The outbox of report e-mails: one row per report and subscriber, written
-- with the report; the sender retries failed sends with backoff until
-- max attempts, then leaves the row failed (the report itself is kept).
CREATE TABLE report_mails (
    id              bigserial PRIMARY KEY,
    report_id       bigint NOT NULL REFERENCES weekly_reports(id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    email           text NOT NULL,
    lang            text NOT NULL DEFAULT 'vi',
    status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL,
    last_error      text NOT NULL DEFAULT '',
    sent_at         timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (report_id, user_id)
);
CREATE INDEX report_mails_due ON report_mails (next_attempt_at) WHERE status = 'pending';

-- +goose Down
DROP TABLE report_mails;
DROP TABLE report_subscriptions;
DROP TABLE weekly_reports;
