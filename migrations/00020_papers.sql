-- +goose Up
-- The papers of a congress (minutes, resolution, vote-count minutes, the
-- report of the results, others), each with its versions, stored in
-- PostgreSQL so that one backup holds everything.
--
-- A file is kept in pieces of at most 1 MiB (paper_chunks): an upload is
-- written a piece at a time and a download read a piece at a time, so that
-- neither the server nor PostgreSQL holds a whole file (20 MB by default)
-- in memory, let alone several copies of it (lib/pq sends a bytea
-- parameter as hex text, twice its size). Pieces are stored EXTERNAL: PDF,
-- JPEG, PNG and DOCX are compressed already.
CREATE TABLE papers (
    id            bigserial PRIMARY KEY,
    round_id      bigint NOT NULL,
    unit_id       bigint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('minutes', 'resolution', 'vote_minutes', 'results_report', 'other')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    -- a deleted paper keeps its versions; deletion is recorded, never silent
    deleted_at    timestamptz,
    deleted_by    bigint REFERENCES users(id),
    delete_reason text NOT NULL DEFAULT '',
    FOREIGN KEY (round_id, unit_id) REFERENCES congresses(round_id, unit_id),
    CHECK ((deleted_at IS NULL) = (delete_reason = ''))
);
CREATE INDEX papers_congress ON papers (round_id, unit_id);
-- one live paper of each kind but 'other': a new file is a new version
CREATE UNIQUE INDEX papers_one_live ON papers (round_id, unit_id, kind) WHERE deleted_at IS NULL AND kind <> 'other';

CREATE TABLE paper_versions (
    id           bigserial PRIMARY KEY,
    paper_id     bigint NOT NULL REFERENCES papers(id),
    version      integer NOT NULL CHECK (version > 0),
    file_name    text NOT NULL CHECK (file_name <> ''),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png',
        'application/vnd.openxmlformats-officedocument.wordprocessingml.document')),
    size         bigint NOT NULL CHECK (size > 0),
    sha256       text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    chunks       integer NOT NULL CHECK (chunks > 0),
    uploaded_by  bigint REFERENCES users(id),
    uploaded_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (paper_id, version)
);

CREATE TABLE paper_chunks (
    version_id bigint NOT NULL REFERENCES paper_versions(id),
    seq        integer NOT NULL CHECK (seq >= 0),
    data       bytea NOT NULL,
    PRIMARY KEY (version_id, seq)
);
ALTER TABLE paper_chunks ALTER COLUMN data SET STORAGE EXTERNAL;

-- The papers a congress of a unit kind must have attached before its
-- results are reported, set per round; a kind the round sets nothing for
-- needs the minutes and the report of the results (domain.DefaultRequiredPapers).
CREATE TABLE round_required_papers (
    round_id  bigint NOT NULL REFERENCES rounds(id),
    unit_kind text NOT NULL REFERENCES unit_kinds(code),
    papers    text[] NOT NULL CHECK (papers <@ ARRAY['minutes', 'resolution', 'vote_minutes', 'results_report']),
    PRIMARY KEY (round_id, unit_kind)
);

-- required_papers is the rule: the papers required of a congress of kind in round.
CREATE FUNCTION required_papers(p_round bigint, p_kind text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN coalesce((SELECT r.papers FROM round_required_papers r WHERE r.round_id = p_round AND r.unit_kind = p_kind),
        ARRAY['minutes', 'results_report']);

-- papers_missing lists, in the order of the rule, the required papers of the
-- congress of unit (of kind) in round that have no live paper.
CREATE FUNCTION papers_missing(p_round bigint, p_unit bigint, p_kind text) RETURNS text[]
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN ARRAY(SELECT r.k FROM unnest(required_papers(p_round, p_kind)) WITH ORDINALITY AS r(k, n)
        WHERE NOT EXISTS (SELECT 1 FROM papers p WHERE p.round_id = p_round AND p.unit_id = p_unit
            AND p.kind = r.k AND p.deleted_at IS NULL)
        ORDER BY r.n);
