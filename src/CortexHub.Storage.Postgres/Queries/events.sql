-- name: EventAppend
INSERT INTO hub_events (kind, source, node_id, user_id, task_id, payload, created_at)
VALUES (@kind, @source, @node, @user, @task, @payload, @now);

-- name: EventRead
-- Ids listed in @ids were skipped earlier (their transactions committed after later ids were read).
SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events
WHERE id > @after OR id = ANY(CAST(@ids AS bigint[]))
ORDER BY id
LIMIT @limit;

-- name: EventLastId
SELECT COALESCE(MAX(id), 0) FROM hub_events;

-- name: EventPrune
DELETE FROM hub_events WHERE created_at < @before;
