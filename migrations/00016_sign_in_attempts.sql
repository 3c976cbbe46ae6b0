-- +goose Up
-- Sign-in attempts per key ('user:NAME', 'addr:IP'), shared by every daihoi
-- process: an attempt is counted here, in one statement, before its password
-- is checked. failures counts the attempts of the current window; a key with
-- locked_until in the future is refused; the row may be deleted once
-- expires_at has passed (housekeeping).
CREATE TABLE sign_in_attempts (
    key          text PRIMARY KEY,
    failures     integer NOT NULL,
    locked_until timestamptz,
    expires_at   timestamptz NOT NULL
);
CREATE INDEX sign_in_attempts_expires ON sign_in_attempts (expires_at);

-- +goose Down
DROP TABLE sign_in_attempts;
