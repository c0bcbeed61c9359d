-- CortexHub SQLite schema 2: node outbox, terminal rings, task journal.

CREATE TABLE node_outbox (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,   -- delivery order
    node_id     TEXT    NOT NULL,
    command_id  TEXT    NOT NULL,
    payload     BLOB    NOT NULL,                    -- serialized cortexhub.v1.HubMessage
    created_at  INTEGER NOT NULL,
    UNIQUE (node_id, command_id)
);

CREATE TABLE node_terminal (
    node_id     TEXT    NOT NULL,
    slot        INTEGER NOT NULL,
    sequence    INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (node_id, slot)
) WITHOUT ROWID;

CREATE TABLE task_events (
    task_id     TEXT    NOT NULL,
    sequence    INTEGER NOT NULL,
    kind        INTEGER NOT NULL,
    stream      INTEGER NOT NULL,
    data        BLOB    NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (task_id, sequence)
) WITHOUT ROWID;
