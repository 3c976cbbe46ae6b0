-- +goose Up
-- The first statement of a batch of status updates (store.changeCongresses):
-- lock the congresses of the units with codes in round, in the order of
-- their codes, and run the rest of the transaction's prepared statements on
-- their generic plans (set_config(..., true) lasts until the transaction
-- ends). A statement is planned again for its arguments whenever the
-- planner estimates a plan of its own cheaper, and planning a join of
-- congresses and units cost more than the lock itself; the lock's query
-- here is planned once per connection, by PL/pgSQL, under the setting it
-- has just made.
-- +goose StatementBegin
CREATE FUNCTION lock_congresses(round bigint, codes text[]) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM set_config('plan_cache_mode', 'force_generic_plan', true);
	PERFORM 1 FROM congresses c JOIN units u ON u.id = c.unit_id
	WHERE c.round_id = lock_congresses.round AND u.code = ANY(lock_congresses.codes)
	ORDER BY u.code FOR UPDATE OF c;
END
$$;
-- +goose StatementEnd

-- +goose Down
DROP FUNCTION lock_congresses(bigint, text[]);
