-- +goose Up
-- The audit log and the "done by" of a milestone are history: they name the
-- user, unit and round of what was done. Those rows are never deleted
-- (a user is made inactive, a unit merged or moved, a round replaced), so a
-- foreign key there guards nothing a statement of the store could break,
-- while checking it locks the rows named (FOR KEY SHARE) in every write:
-- every status update locked the round's one row and its writer's row.
-- Those checks were about a tenth of the database's work of a status
-- update, and a row locked by several writers at once becomes a multixact.
ALTER TABLE audit_log
	DROP CONSTRAINT audit_log_user_id_fkey,
	DROP CONSTRAINT audit_log_unit_id_fkey,
	DROP CONSTRAINT audit_log_round_id_fkey;
ALTER TABLE milestones DROP CONSTRAINT milestones_done_by_fkey;

-- +goose Down
ALTER TABLE milestones ADD CONSTRAINT milestones_done_by_fkey FOREIGN KEY (done_by) REFERENCES users(id);
ALTER TABLE audit_log
	ADD CONSTRAINT audit_log_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id),
	ADD CONSTRAINT audit_log_unit_id_fkey FOREIGN KEY (unit_id) REFERENCES units(id),
	ADD CONSTRAINT audit_log_round_id_fkey FOREIGN KEY (round_id) REFERENCES rounds(id);
