-- Work pool (SQLite dialect; same query names as PostgreSQL). Every statement that changes a claimed item names its lease term, so an outcome
-- from a claimer whose lease already ended (expired, returned, cancelled) changes nothing.
-- Column order of every item read: see RelationalPoolStore.ReadItem.

-- name: PoolInsert
INSERT INTO pool_items (item_id, shard, state, priority, required_labels, work, created_by, idempotency_key,
                        max_attempts, visibility_ms, available_at, created_at)
VALUES (@item, @shard, 'available', @priority, @labels, @work, @created_by, @idempotency_key,
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
-- Claims for the free slots of one or more nodes of one owner with the same labels: @nodes (a JSON
-- array) has one entry per slot (a node with three free slots appears three times), in the order
-- they asked. Highest priority first, FIFO within a priority, only the owner's items, only items
-- whose required labels the nodes have; the best item goes to the first slot.
-- One silo per store (the file lock) and one writer at a time, so one UPDATE is the whole claim.
-- Labels: every required key/value pair must be among the nodes' (@labels, a JSON object).
UPDATE pool_items
SET state = 'claimed', attempts = attempts + 1, lease_term = lease_term + 1,
    claimed_by = json_extract(@nodes, '$[' || (c.slot - 1) || ']'), claimed_at = @now,
    lease_expires_at = @now + visibility_ms, dispatched = 0, task_id = item_id || '.' || (lease_term + 1)
FROM (SELECT claim_seq, row_number() OVER (ORDER BY priority DESC, claim_seq) AS slot
      FROM (SELECT seq AS claim_seq, priority FROM pool_items p INDEXED BY pool_items_available
            WHERE state = 'available' AND available_at <= @now AND created_by = @owner
              AND (p.required_labels = '{}' OR NOT EXISTS (
                  SELECT 1 FROM json_each(p.required_labels) r
                  WHERE NOT EXISTS (SELECT 1 FROM json_each(@labels) n WHERE n.key = r.key AND n.value = r.value)))
            ORDER BY priority DESC, seq
            LIMIT json_array_length(@nodes))) AS c
WHERE pool_items.seq = c.claim_seq
RETURNING item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
          visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
          created_at, finished_at, dispatched;

-- name: PoolMarkDispatched
-- "+state": probe the listed ids, never scan every claimed item (the state index would).
UPDATE pool_items SET dispatched = 1
WHERE +state = 'claimed' AND item_id IN (SELECT value FROM json_each(@items)) AND task_id IN (SELECT value FROM json_each(@tasks));

-- name: PoolExtend
-- One statement per silo per heartbeat flush: the beating nodes' dispatched claims live on.
UPDATE pool_items SET lease_expires_at = @now + visibility_ms
WHERE state = 'claimed' AND dispatched = 1 AND claimed_by IN (SELECT value FROM json_each(@nodes));

-- name: PoolFinish
-- Ends many leases in one statement (the silo's group commit of outcomes). @outcomes is a JSON
-- array of {item, term, ok, error, exit_code}, each item at most once. Success: done. Failure:
-- retry after base * 2^(attempts-1) (capped), or dead-letter once the attempts are used up.
-- Only an item whose current lease term is the one named changes (and is returned); an outcome
-- naming an ended lease matches no row.
-- "+state" keeps the state indexes out of the plan: the outcomes drive the join (one item_id
-- probe each) however many items are claimed.
UPDATE pool_items
SET state = CASE WHEN o.ok THEN 'done' WHEN attempts >= max_attempts THEN 'dead' ELSE 'available' END,
    available_at = CASE WHEN o.ok THEN available_at
                        ELSE @now + MIN(@backoff_max_ms, @backoff_base_ms * (1 << MIN(attempts - 1, 30))) END,
    finished_at = CASE WHEN o.ok OR attempts >= max_attempts THEN @now END,
    last_error = o.error, exit_code = o.exit_code, lease_expires_at = NULL
FROM (SELECT json_extract(value, '$.item') AS item, json_extract(value, '$.term') AS term, json_extract(value, '$.ok') AS ok,
             json_extract(value, '$.error') AS error, json_extract(value, '$.exit_code') AS exit_code
      FROM json_each(@outcomes)) AS o
WHERE pool_items.item_id = o.item AND +pool_items.state = 'claimed' AND pool_items.lease_term = o.term
RETURNING item_id, seq, shard, state, priority, required_labels, work, created_by, idempotency_key, max_attempts, attempts,
          visibility_ms, available_at, lease_term, claimed_by, claimed_at, lease_expires_at, task_id, last_error, exit_code,
          created_at, finished_at, dispatched;

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
WHERE (@state IS NULL OR state = @state) AND (@created_by IS NULL OR created_by = @created_by) AND seq > @after
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
WHERE state = 'claimed' AND dispatched = 0 AND claimed_at < @cutoff
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
SELECT 's', state, NULL, count(*), NULL FROM pool_items GROUP BY state
UNION ALL
SELECT 'p', NULL, priority, count(*), min(created_at) FROM pool_items WHERE state = 'available' GROUP BY priority
UNION ALL
SELECT 'n', claimed_by, NULL, count(*), NULL FROM pool_items WHERE state = 'claimed' GROUP BY claimed_by;
