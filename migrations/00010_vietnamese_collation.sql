-- +goose Up
-- Names sort in Vietnamese order (D before Đ, a before ă before â) where the
-- server has ICU; elsewhere the collation falls back to the server's default.
-- +goose StatementBegin
DO $$
BEGIN
    BEGIN
        CREATE COLLATION IF NOT EXISTS vietnamese (provider = icu, locale = 'vi');
    EXCEPTION WHEN OTHERS THEN
        CREATE COLLATION IF NOT EXISTS vietnamese FROM "default";
    END;
END
$$;
-- +goose StatementEnd
