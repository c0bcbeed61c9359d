-- CortexHub PostgreSQL schema 4: live presence of node streams (status with a heartbeat TTL).
CREATE TABLE node_presence (
    node_id        text        PRIMARY KEY,
    silo_id        text,
    connection_id  text,
    status         text        NOT NULL CHECK (status IN ('online', 'offline', 'draining')),
    last_seen_at   timestamptz NOT NULL
);
