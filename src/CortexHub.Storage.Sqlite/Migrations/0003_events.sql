-- CortexHub SQLite schema 3: the event bus's table.
CREATE TABLE hub_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    kind        TEXT    NOT NULL,
    source      TEXT    NOT NULL,
    node_id     TEXT,
    user_id     TEXT,
    task_id     TEXT,
    payload     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE INDEX hub_events_created ON hub_events (created_at);
