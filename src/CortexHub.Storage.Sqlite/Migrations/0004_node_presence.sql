-- CortexHub SQLite schema 4: live presence of node streams (status with a heartbeat TTL).
CREATE TABLE node_presence (
    node_id        TEXT    PRIMARY KEY,
    silo_id        TEXT,
    connection_id  TEXT,
    status         TEXT    NOT NULL CHECK (status IN ('online', 'offline', 'draining')),
    last_seen_at   INTEGER NOT NULL
) WITHOUT ROWID;
