-- CortexHub PostgreSQL schema 10: the highest event id retention has removed, so a subscriber
-- resuming from an older id is told that events it asked for are gone (ids alone cannot tell a
-- removed event from an id a rolled-back insert never used).
CREATE TABLE hub_event_horizon (
    only_row        boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    pruned_through  bigint  NOT NULL
);

INSERT INTO hub_event_horizon (only_row, pruned_through) VALUES (true, 0) ON CONFLICT DO NOTHING;
