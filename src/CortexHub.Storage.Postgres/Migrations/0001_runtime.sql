-- CortexHub PostgreSQL schema 1: grain state, reminders, cluster table.
-- Applied inside the configured schema (search_path) under an advisory lock.

CREATE TABLE grain_state (
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    version     bigint      NOT NULL CHECK (version > 0),
    payload     text,                 -- JSON; NULL marks a cleared state (tombstone keeps the version growing)
    updated_at  timestamptz NOT NULL,
    -- Unique per grain: two activations can never both insert version 1 (Orleans' AdoNet table lacks this).
    PRIMARY KEY (grain_type, grain_key)
);

CREATE TABLE reminders (
    grain_type        text        NOT NULL,
    grain_key         text        NOT NULL,
    name              text        NOT NULL,
    period_ms         bigint,               -- NULL: one-shot
    next_due_at       timestamptz NOT NULL,
    lease_holder      text,                 -- silo id firing the current due time
    lease_expires_at  timestamptz,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX reminders_due ON reminders (next_due_at);

CREATE TABLE silos (
    silo_id       text        NOT NULL PRIMARY KEY,
    address       text        NOT NULL,
    started_at    timestamptz NOT NULL,
    heartbeat_at  timestamptz NOT NULL,
    status        text        NOT NULL CHECK (status IN ('active', 'left', 'dead'))
);
