-- +goose Up
CREATE EXTENSION IF NOT EXISTS ltree;

-- Unit kinds are data: which kinds exist and which may sit under which.
CREATE TABLE unit_kinds (
    code          text PRIMARY KEY,
    name_vi       text NOT NULL,
    name_en       text NOT NULL,
    -- a cell-like unit: counted among the cells, may carry a category
    is_cell       boolean NOT NULL DEFAULT false,
    -- a grassroots organization (Đảng bộ cơ sở or Chi bộ cơ sở)
    is_grassroots boolean NOT NULL DEFAULT false,
    may_be_root   boolean NOT NULL DEFAULT false,
    sort_order    integer NOT NULL DEFAULT 0
);

CREATE TABLE unit_kind_rules (
    parent_kind text NOT NULL REFERENCES unit_kinds(code) ON UPDATE CASCADE,
    child_kind  text NOT NULL REFERENCES unit_kinds(code) ON UPDATE CASCADE,
    PRIMARY KEY (parent_kind, child_kind)
);

INSERT INTO unit_kinds (code, name_vi, name_en, is_cell, is_grassroots, may_be_root, sort_order) VALUES
    ('city',                 'Đảng bộ Thành phố',   'City party committee',        false, false, true,  10),
    ('district',             'Đảng bộ Quận',        'District party committee',    false, false, true,  20),
    ('grassroots_committee', 'Đảng bộ cơ sở',       'Grassroots party committee',  false, true,  false, 30),
    ('grassroots_cell',      'Chi bộ cơ sở',        'Grassroots party cell',       true,  true,  false, 40),
    ('subcommittee',         'Đảng bộ bộ phận',     'Party sub-committee',         false, false, false, 50),
    ('cell',                 'Chi bộ',              'Party cell',                  true,  false, false, 60);

INSERT INTO unit_kind_rules (parent_kind, child_kind) VALUES
    ('city', 'district'),
    ('city', 'grassroots_committee'),
    ('city', 'grassroots_cell'),
    ('district', 'grassroots_committee'),
    ('district', 'grassroots_cell'),
    ('grassroots_committee', 'subcommittee'),
    ('grassroots_committee', 'cell'),
    ('subcommittee', 'cell');

CREATE TABLE units (
    id          bigserial PRIMARY KEY,
    code        text NOT NULL UNIQUE,
    name        text NOT NULL CHECK (name <> ''),
    kind        text NOT NULL REFERENCES unit_kinds(code) ON UPDATE CASCADE,
    parent_id   bigint REFERENCES units(id),
    -- ids from the root down to this unit, e.g. 1.7.42
    path        ltree NOT NULL UNIQUE,
    category    text CHECK (category IN ('residential', 'agency', 'school', 'hospital', 'enterprise', 'armed_forces', 'other')),
    members     integer NOT NULL DEFAULT 0 CHECK (members >= 0),
    active      boolean NOT NULL DEFAULT true,
    merged_into bigint REFERENCES units(id),
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NOT NULL OR nlevel(path) = 1),
    CHECK (merged_into IS NULL OR NOT active)
);
CREATE INDEX units_path_gist ON units USING gist (path);
CREATE INDEX units_parent_id ON units (parent_id);
CREATE INDEX units_kind ON units (kind);

CREATE TABLE users (
    id            bigserial PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
    full_name     text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    password_hash text NOT NULL,
    lang          text NOT NULL DEFAULT 'vi' CHECK (lang IN ('vi', 'en')),
    active        boolean NOT NULL DEFAULT true,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE role_assignments (
    id         bigserial PRIMARY KEY,
    user_id    bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    unit_id    bigint NOT NULL REFERENCES units(id),
    role       text NOT NULL CHECK (role IN ('admin', 'board', 'supervisor', 'secretary', 'viewer')),
    granted_by bigint REFERENCES users(id),
    granted_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, unit_id, role)
);
CREATE INDEX role_assignments_unit ON role_assignments (unit_id);

-- API tokens for scripts; only a SHA-256 of the token is kept.
CREATE TABLE api_tokens (
    id           bigserial PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash   bytea NOT NULL UNIQUE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    last_used_at timestamptz
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Sessions of the web app (alexedwards/scs postgresstore layout).
CREATE TABLE sessions (
    token  text PRIMARY KEY,
    data   bytea NOT NULL,
    expiry timestamptz NOT NULL
);
CREATE INDEX sessions_expiry_idx ON sessions (expiry);

-- Every write: who, when, on which unit, before and after.
CREATE TABLE audit_log (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    user_id  bigint REFERENCES users(id),
    username text NOT NULL DEFAULT '',
    action   text NOT NULL,
    entity   text NOT NULL,
    unit_id  bigint REFERENCES units(id),
    before   jsonb,
    after    jsonb,
    reason   text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_unit ON audit_log (unit_id, id);
