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
-- Newest first, from the task directory (the grains keep it current).
SELECT task_id, listing
FROM task_directory
WHERE @owner IS NULL OR created_by = @owner
ORDER BY updated_at DESC
LIMIT @limit;

-- name: TaskListByIdPrefix
-- Ids that start with @prefix, in id order: a range on the primary key (BINARY collation: byte order), bounded by
-- @limit; the substr test keeps the match exact past the range's upper bound (U+10FFFF).
SELECT task_id, listing
FROM task_directory
WHERE task_id >= @prefix AND task_id < @prefix || char(1114111) AND substr(task_id, 1, length(@prefix)) = @prefix
  AND (@owner IS NULL OR created_by = @owner)
ORDER BY task_id
LIMIT @limit;

-- name: TaskDirectoryPut
INSERT INTO task_directory (task_id, created_by, listing, updated_at)
VALUES (@task, @created_by, @listing, @now)
ON CONFLICT (task_id) DO UPDATE SET created_by = excluded.created_by, listing = excluded.listing, updated_at = excluded.updated_at;

-- name: TaskDirectoryDelete
DELETE FROM task_directory WHERE task_id = @task;
