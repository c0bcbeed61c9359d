-- CortexHub SQLite schema 5: the global work pool and cluster-wide leases (see the PostgreSQL file for the design).
CREATE TABLE pool_items (
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,  -- FIFO within a priority
    item_id           TEXT    NOT NULL UNIQUE,
    shard             INTEGER NOT NULL,
    state             TEXT    NOT NULL CHECK (state IN ('available', 'claimed', 'done', 'dead', 'cancelled')),
    priority          INTEGER NOT NULL,
    required_labels   TEXT    NOT NULL,                   -- JSON object; '{}' = any node
    work              TEXT    NOT NULL,
    created_by        TEXT    NOT NULL,
    idempotency_key   TEXT,
    max_attempts      INTEGER NOT NULL CHECK (max_attempts > 0),
    attempts          INTEGER NOT NULL DEFAULT 0,
    visibility_ms     INTEGER NOT NULL CHECK (visibility_ms > 0),
    available_at      INTEGER NOT NULL,
    lease_term        INTEGER NOT NULL DEFAULT 0,
    claimed_by        TEXT,
    claimed_at        INTEGER,
    lease_expires_at  INTEGER,
    dispatched        INTEGER NOT NULL DEFAULT 0,
    task_id           TEXT,
    last_error        TEXT,
    exit_code         INTEGER,
    created_at        INTEGER NOT NULL,
    finished_at       INTEGER
);

CREATE UNIQUE INDEX pool_items_idempotency ON pool_items (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX pool_items_available ON pool_items (priority DESC, seq) WHERE state = 'available';
CREATE INDEX pool_items_claimed ON pool_items (claimed_by, lease_expires_at) WHERE state = 'claimed';
CREATE INDEX pool_items_state ON pool_items (state, seq);

CREATE TABLE cluster_leases (
    name        TEXT    PRIMARY KEY,
    holder      TEXT    NOT NULL,
    term        INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
) WITHOUT ROWID;
