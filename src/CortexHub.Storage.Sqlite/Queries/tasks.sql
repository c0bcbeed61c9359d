-- name: TaskEventInsert
INSERT INTO task_events (task_id, sequence, kind, stream, data, created_at)
VALUES (@task, @sequence, @kind, @stream, @data, @now)
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
SELECT grain_key,
       json_object('spec', json(json_extract(payload, '$.spec')), 'state', json_extract(payload, '$.state'),
                   'transitions', json(json_extract(payload, '$.transitions')), 'ackedSequence', json_extract(payload, '$.ackedSequence'),
                   'result', json(json_extract(payload, '$.result')))
FROM grain_state
WHERE grain_type = 'task' AND payload IS NOT NULL
  AND (@owner IS NULL OR json_extract(payload, '$.spec.createdBy') = @owner)
ORDER BY updated_at DESC
LIMIT @limit;
