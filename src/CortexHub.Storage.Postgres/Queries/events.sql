-- name: EventAppend
-- A whole group commit in one statement: @events is a JSON array of drafts, and ids follow its
-- order (events of one source keep the order they were published in).
INSERT INTO hub_events (kind, source, node_id, user_id, task_id, payload, created_at)
SELECT e.kind, e.source, e.node_id, e.user_id, e.task_id, e.payload, @now
FROM ROWS FROM (json_to_recordset(CAST(@events AS json))
                AS (kind text, source text, node_id text, user_id text, task_id text, payload text))
     WITH ORDINALITY AS e(kind, source, node_id, user_id, task_id, payload, n)
ORDER BY e.n;

-- name: EventRead
-- Ids listed in @ids were skipped earlier (their transactions committed after later ids were read).
-- Two index range reads, not one OR (which scans the whole key from the start on every read).
SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM (
    (SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events WHERE id > @after ORDER BY id LIMIT @limit)
    UNION ALL
    (SELECT id, kind, source, node_id, user_id, task_id, payload, created_at FROM hub_events WHERE id = ANY(CAST(@ids AS bigint[])) AND id <= @after)) e
ORDER BY id
LIMIT @limit;

-- name: EventLastId
SELECT COALESCE(MAX(id), 0) FROM hub_events;

-- name: EventPrune
-- Removes events older than @before and raises the horizon to the highest id removed.
WITH removed AS (DELETE FROM hub_events WHERE created_at < @before RETURNING id)
UPDATE hub_event_horizon SET pruned_through = GREATEST(pruned_through, (SELECT MAX(id) FROM removed))
WHERE EXISTS (SELECT 1 FROM removed);

-- name: EventPrunedThrough
SELECT pruned_through FROM hub_event_horizon;
