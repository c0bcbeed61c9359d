-- CortexHub PostgreSQL schema 8: the task directory, a table for list views. The task grain's
-- state is Orleans' (binary, in orleans_state); what a listing shows of each task (spec, state,
-- transitions, durable position, result, as JSON) the grain also writes here at every state write,
-- so listing tasks newest first stays one query without activating them.
CREATE TABLE task_directory (
    task_id     text        PRIMARY KEY,
    created_by  text        NOT NULL,
    listing     jsonb       NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX task_directory_newest ON task_directory (updated_at DESC);
CREATE INDEX task_directory_owner_newest ON task_directory (created_by, updated_at DESC);

-- Tasks stored before the task grain moved to Orleans (their state is JSON in grain_state).
INSERT INTO task_directory (task_id, created_by, listing, updated_at)
SELECT grain_key, p -> 'spec' ->> 'createdBy',
       jsonb_build_object('spec', p -> 'spec', 'state', p -> 'state', 'transitions', p -> 'transitions',
                          'ackedSequence', p -> 'ackedSequence', 'result', p -> 'result'),
       updated_at
  FROM (SELECT grain_key, updated_at, CAST(payload AS jsonb) AS p FROM grain_state WHERE grain_type = 'task' AND payload IS NOT NULL) t
 WHERE p -> 'spec' ->> 'createdBy' IS NOT NULL;
