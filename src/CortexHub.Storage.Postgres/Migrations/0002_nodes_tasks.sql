-- CortexHub PostgreSQL schema 2: node outbox, terminal rings, task journal.

-- Hub-to-node commands, kept until the node confirms them (survives the death of any silo).
CREATE TABLE node_outbox (
    id          bigserial   PRIMARY KEY,          -- delivery order
    node_id     text        NOT NULL,
    command_id  text        NOT NULL,
    payload     bytea       NOT NULL,             -- serialized cortexhub.v1.HubMessage
    created_at  timestamptz NOT NULL,
    UNIQUE (node_id, command_id)
);

-- Each node's terminal history: chunk n lives in slot n mod capacity (append = one upsert).
CREATE TABLE node_terminal (
    node_id     text        NOT NULL,
    slot        integer     NOT NULL,
    sequence    bigint      NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (node_id, slot)
);

-- The task journal: one row per event, unique per (task, sequence) so a resent event is stored once.
CREATE TABLE task_events (
    task_id     text        NOT NULL,
    sequence    bigint      NOT NULL,
    kind        smallint    NOT NULL,
    stream      smallint    NOT NULL,
    data        bytea       NOT NULL,
    created_at  timestamptz NOT NULL,
    PRIMARY KEY (task_id, sequence)
);
