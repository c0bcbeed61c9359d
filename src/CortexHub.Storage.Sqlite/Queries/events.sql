-- name: EventAppend
-- A whole group commit in one statement: @events is a JSON array of drafts, and ids follow its
-- order (events of one source keep the order they were published in).
INSERT INTO hub_events (kind, source, node_id, user_id, task_id, payload, created_at)
SELECT json_extract(e.value, '$.kind'), json_extract(e.value, '$.source'), json_extract(e.value, '$.node_id'),
       json_extract(e.value, '$.user_id'), json_extract(e.value, '$.task_id'), json_extract(e.value, '$.payload'), @now
FROM json_each(@events) e
ORDER BY e.key;

-- name: EventRead
-- Two rowid range reads, not one OR (which scans the whole table on every read).
SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM (
    SELECT * FROM (SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events WHERE id > @after ORDER BY id LIMIT @limit)
    UNION ALL
    SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events WHERE id IN (SELECT CAST(value AS INTEGER) FROM json_each(@ids)) AND id <= @after)
ORDER BY id
LIMIT @limit;

-- name: EventLastId
SELECT COALESCE(MAX(id), 0) FROM hub_events;

-- name: EventPrune
-- Raises the horizon to the highest id about to be removed, then removes events older than @before
-- (events stored in between are stamped now, newer than @before, so both statements see the same rows).
UPDATE hub_event_horizon SET pruned_through = MAX(pruned_through, (SELECT MAX(id) FROM hub_events WHERE created_at < @before))
WHERE EXISTS (SELECT 1 FROM hub_events WHERE created_at < @before);
DELETE FROM hub_events WHERE created_at < @before;

-- name: EventPrunedThrough
SELECT pruned_through FROM hub_event_horizon;
