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
-- Newest first, from the task directory (the grains keep it current).
SELECT task_id, listing::text
FROM task_directory
WHERE CAST(@owner AS text) IS NULL OR created_by = @owner
ORDER BY updated_at DESC
LIMIT @limit;

-- name: TaskListByIdPrefix
-- Ids that start with @prefix, in id order, bounded by @limit. starts_with compares exactly whatever the collation.
SELECT task_id, listing::text
FROM task_directory
WHERE starts_with(task_id, @prefix)
  AND (CAST(@owner AS text) IS NULL OR created_by = @owner)
ORDER BY task_id
LIMIT @limit;

-- name: TaskDirectoryPut
INSERT INTO task_directory (task_id, created_by, listing, updated_at)
VALUES (@task, @created_by, CAST(@listing AS jsonb), @now)
ON CONFLICT (task_id) DO UPDATE SET created_by = excluded.created_by, listing = excluded.listing, updated_at = excluded.updated_at;

-- name: TaskDirectoryDelete
DELETE FROM task_directory WHERE task_id = @task;
