-- CortexHub SQLite schema 1: grain state, reminders, cluster table.
-- Times are Unix milliseconds (UTC); versions start at 1 for the first write.

CREATE TABLE grain_state (
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,
    version     INTEGER NOT NULL CHECK (version > 0),
    payload     TEXT,             -- JSON; NULL marks a cleared state (tombstone keeps the version growing)
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE reminders (
    grain_type        TEXT    NOT NULL,
    grain_key         TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    period_ms         INTEGER,          -- NULL: one-shot
    next_due_at       INTEGER NOT NULL,
    lease_holder      TEXT,             -- silo id firing the current due time
    lease_expires_at  INTEGER,
    PRIMARY KEY (grain_type, grain_key, name)
);

CREATE INDEX reminders_due ON reminders (next_due_at);

CREATE TABLE silos (
    silo_id       TEXT    NOT NULL PRIMARY KEY,
    address       TEXT    NOT NULL,
    started_at    INTEGER NOT NULL,
    heartbeat_at  INTEGER NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('active', 'left', 'dead'))
);
