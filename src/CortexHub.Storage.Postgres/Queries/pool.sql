-- Work pool. Every statement that changes a claimed item names its lease term, so an outcome
-- from a claimer whose lease already ended (expired, returned, cancelled) changes nothing.
-- Column order of every item read: see RelationalPoolStore.ReadItem.

-- name: PoolInsert
INSERT INTO pool_items (item_id, shard, state, priority, required_labels, work, created_by, idempotency_key,
                        max_attempts, visibility_ms, available_at, created_at)
VALUES (@item, @shard, 'available', @priority, CAST(@labels AS jsonb), @work, @created_by, @idempotency_key,
        @max_attempts, @visibility_ms, @available_at, @now)
ON CONFLICT DO NOTHING -- the item id (a repeated submit) or the submitter's idempotency key
RETURNING item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
          visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
          created_at, finished_at, dispatched;

-- name: PoolGet
SELECT item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
       visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
       created_at, finished_at, dispatched
FROM pool_items WHERE item_id = @item;

-- name: PoolGetByKey
SELECT item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
       visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
       created_at, finished_at, dispatched
FROM pool_items WHERE created_by = @created_by AND idempotency_key = @idempotency_key;

-- name: PoolClaim
-- Claims for the free slots of one or more nodes of one owner with the same labels: @nodes has one
-- entry per slot (a node with three free slots appears three times), in the order they asked.
-- Highest priority first, FIFO within a priority, only the owner's items, only items whose
-- required labels the nodes have; the best item goes to the first slot.
-- SKIP LOCKED: concurrent claimers (any silo) each take different rows and never wait on each other.
WITH candidates AS (
    SELECT item_id, row_number() OVER (ORDER BY priority DESC, seq) AS slot
    FROM (SELECT item_id, priority, seq FROM pool_items
          WHERE state = 'available' AND available_at <= @now AND created_by = @owner AND required_labels <@ CAST(@labels AS jsonb)
          ORDER BY priority DESC, seq
          LIMIT cardinality(CAST(@nodes AS text[]))
          FOR UPDATE SKIP LOCKED) best)
UPDATE pool_items i
SET state = 'claimed', attempts = i.attempts + 1, lease_term = i.lease_term + 1, claimed_by = (CAST(@nodes AS text[]))[c.slot],
    claimed_at = @now, lease_expires_at = @now + i.visibility_ms * interval '1 millisecond', dispatched = false,
    task_id = i.item_id || '.' || (i.lease_term + 1)
FROM candidates c
WHERE i.item_id = c.item_id
RETURNING i.item_id, i.seq, i.shard, i.state, i.priority, i.required_labels, i.work, i.created_by, i.idempotency_key, i.max_attempts,
          i.attempts, i.visibility_ms, i.available_at, i.lease_term, i.claimed_by, i.claimed_at, i.lease_expires_at, i.task_id,
          i.last_error, i.exit_code, i.created_at, i.finished_at, i.dispatched;

-- name: PoolMarkDispatched
UPDATE pool_items SET dispatched = true
WHERE state = 'claimed' AND item_id = ANY(@items) AND task_id = ANY(@tasks);

-- name: PoolExtend
-- One statement per silo per heartbeat flush: the beating nodes' dispatched claims live on.
UPDATE pool_items SET lease_expires_at = @now + visibility_ms * interval '1 millisecond'
WHERE state = 'claimed' AND dispatched AND claimed_by = ANY(@nodes);

-- name: PoolFinish
-- Ends many leases in one statement (the silo's group commit of outcomes). @outcomes is a JSON
-- array of {item, term, ok, error, exit_code}, each item at most once. Success: done. Failure:
-- retry after base * 2^(attempts-1) (capped), or dead-letter once the attempts are used up.
-- Only an item whose current lease term is the one named changes (and is returned); an outcome
-- naming an ended lease matches no row.
-- "state || ''" keeps the state indexes out of the plan: the outcomes drive the join (one primary
-- key probe each) however many items are claimed, even when the statistics are stale.
UPDATE pool_items i
SET state = CASE WHEN o.ok THEN 'done' WHEN i.attempts >= i.max_attempts THEN 'dead' ELSE 'available' END,
    available_at = CASE WHEN o.ok THEN i.available_at
                        ELSE @now + LEAST(@backoff_max_ms, @backoff_base_ms * (CAST(1 AS bigint) << LEAST(i.attempts - 1, 30))) * interval '1 millisecond' END,
    finished_at = CASE WHEN o.ok OR i.attempts >= i.max_attempts THEN @now END,
    last_error = o.error, exit_code = o.exit_code, lease_expires_at = NULL
FROM json_to_recordset(CAST(@outcomes AS json)) AS o(item text, term bigint, ok boolean, error text, exit_code integer)
WHERE i.item_id = o.item AND i.state || '' = 'claimed' AND i.lease_term = o.term
RETURNING i.item_id, i.seq, i.shard, i.state, i.priority, i.required_labels, i.work, i.created_by, i.idempotency_key, i.max_attempts,
          i.attempts, i.visibility_ms, i.available_at, i.lease_term, i.claimed_by, i.claimed_at, i.lease_expires_at, i.task_id,
          i.last_error, i.exit_code, i.created_at, i.finished_at, i.dispatched;

-- name: PoolCancel
UPDATE pool_items SET state = 'cancelled', last_error = @reason, lease_expires_at = NULL, finished_at = @now
WHERE item_id = @item AND state IN ('available', 'claimed')
RETURNING item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
          visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
          created_at, finished_at, dispatched;

-- name: PoolRequeue
-- A dead letter gets a fresh set of attempts (its lease term keeps growing, so old task ids never repeat).
UPDATE pool_items SET state = 'available', attempts = 0, available_at = @now, finished_at = NULL
WHERE item_id = @item AND state = 'dead'
RETURNING item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
          visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
          created_at, finished_at, dispatched;

-- name: PoolDelete
DELETE FROM pool_items WHERE item_id = @item AND state IN ('dead', 'done', 'cancelled');

-- name: PoolList
SELECT item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
       visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
       created_at, finished_at, dispatched
FROM pool_items
WHERE (CAST(@state AS text) IS NULL OR state = @state) AND (CAST(@created_by AS text) IS NULL OR created_by = @created_by) AND seq > @after
ORDER BY seq
LIMIT @limit;

-- name: PoolClaimedBy
SELECT item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
       visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
       created_at, finished_at, dispatched
FROM pool_items WHERE state = 'claimed' AND claimed_by = @node
ORDER BY seq;

-- name: PoolExpired
-- Claims whose lease ran out, or whose node's stream has been gone (no presence refresh) since @orphan_cutoff.
SELECT i.item_id, i.lease_term, i.task_id, i.claimed_by,
       CASE WHEN i.lease_expires_at < @now THEN 'expired' ELSE 'orphaned' END
FROM pool_items i
LEFT JOIN node_presence p ON p.node_id = i.claimed_by
WHERE i.state = 'claimed'
  AND (i.lease_expires_at < @now
       OR (i.claimed_at < @orphan_cutoff AND (p.node_id IS NULL OR p.last_seen_at < @orphan_cutoff)))
LIMIT @limit;

-- name: PoolUndispatched
-- Claims still unmarked long after they were made: their silo failed between claim and dispatch.
SELECT item_id, lease_term, task_id, claimed_by FROM pool_items
WHERE state = 'claimed' AND NOT dispatched AND claimed_at < @cutoff
ORDER BY claimed_at
LIMIT @limit;

-- name: PoolStaleClaims
SELECT item_id, task_id FROM pool_items
WHERE state = 'claimed' AND claimed_at < @cutoff
ORDER BY claimed_at
LIMIT @limit;

-- name: PoolPurge
DELETE FROM pool_items WHERE state IN ('done', 'cancelled') AND finished_at < @cutoff;

-- name: PoolStats
-- kind 's': items per state; 'p': available items per priority (with the oldest creation time); 'n': claims per node.
SELECT 's', state, CAST(NULL AS integer), count(*), CAST(NULL AS timestamptz) FROM pool_items GROUP BY state
UNION ALL
SELECT 'p', CAST(NULL AS text), priority, count(*), min(created_at) FROM pool_items WHERE state = 'available' GROUP BY priority
UNION ALL
SELECT 'n', claimed_by, CAST(NULL AS integer), count(*), CAST(NULL AS timestamptz) FROM pool_items WHERE state = 'claimed' GROUP BY claimed_by;
