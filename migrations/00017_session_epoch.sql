-- +goose Up
-- A user's web sessions carry the epoch they were signed in at; a session
-- of an older epoch is signed out. Changing the password or deactivating the
-- account moves the epoch on, which ends every other session of the user in
-- every daihoi process.
ALTER TABLE users ADD COLUMN session_epoch bigint NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE users DROP COLUMN session_epoch;
