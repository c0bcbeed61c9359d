-- name: TaskEventInsert
INSERT INTO task_events (task_id, sequence, kind, stream, data, created_at)
VALUES (@task, @sequence, @kind, @stream, @data, @now)
ON CONFLICT (task_id, sequence) DO NOTHING;

-- name: TaskEventInsertMany
-- A whole group commit in one statement: parallel arrays, one element per event.
INSERT INTO task_events (task_id, sequence, kind, stream, data, created_at)
SELECT * FROM unnest(@tasks::text[], @sequences::bigint[], @kinds::smallint[], @streams::smallint[], @data::bytea[], @times::timestamptz[])
ON CONFLICT (task_id, sequence) DO NOTHING;

-- name: TaskEventsRead
SELECT sequence, kind, stream, data, created_at FROM task_events
WHERE task_id = @task AND sequence > @after
ORDER BY sequence
LIMIT @limit;

-- name: TaskEventsLastSequence
SELECT COALESCE(MAX(sequence), 0) FROM task_events WHERE task_id = @task;

-- name: TaskEventsDelete
DELETE FROM task_events WHERE task_id = @task;

-- name: TaskList
-- Newest first; only the fields a listing shows (the state also holds output buffers).
SELECT grain_key,
       jsonb_build_object('spec', p -> 'spec', 'state', p -> 'state', 'transitions', p -> 'transitions',
                          'ackedSequence', p -> 'ackedSequence', 'result', p -> 'result')::text
FROM (SELECT grain_key, updated_at, CAST(payload AS jsonb) AS p FROM grain_state WHERE grain_type = 'task' AND payload IS NOT NULL) t
WHERE CAST(@owner AS text) IS NULL OR p -> 'spec' ->> 'createdBy' = @owner
ORDER BY updated_at DESC
LIMIT @limit;
