-- name: EventAppend
INSERT INTO hub_events (kind, source, node_id, user_id, task_id, payload, created_at)
VALUES (@kind, @source, @node, @user, @task, @payload, @now);

-- name: EventRead
SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events
WHERE id > @after OR id IN (SELECT CAST(value AS INTEGER) FROM json_each(@ids))
ORDER BY id
LIMIT @limit;

-- name: EventLastId
SELECT COALESCE(MAX(id), 0) FROM hub_events;

-- name: EventPrune
DELETE FROM hub_events WHERE created_at < @before;
