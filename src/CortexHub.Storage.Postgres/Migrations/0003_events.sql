-- CortexHub PostgreSQL schema 3: the event bus's table (recent history; subscribers resume from an id).
CREATE TABLE hub_events (
    id          bigserial   PRIMARY KEY,
    kind        text        NOT NULL,
    source      text        NOT NULL,     -- publishing grain; events of one source are in id order
    node_id     text,
    user_id     text,
    task_id     text,
    payload     text        NOT NULL,     -- JSON
    created_at  timestamptz NOT NULL
);

CREATE INDEX hub_events_created ON hub_events (created_at);
