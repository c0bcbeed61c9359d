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
