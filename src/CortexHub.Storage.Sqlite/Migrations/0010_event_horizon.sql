-- CortexHub SQLite schema 10: the highest event id retention has removed (see the PostgreSQL schema).
CREATE TABLE hub_event_horizon (
    only_row        INTEGER PRIMARY KEY CHECK (only_row = 1),
    pruned_through  INTEGER NOT NULL
);

INSERT OR IGNORE INTO hub_event_horizon (only_row, pruned_through) VALUES (1, 0);
