-- name: PresenceSet
INSERT INTO node_presence (node_id, silo_id, connection_id, status, last_seen_at)
VALUES (@node, @silo, @connection, @status, @now)
ON CONFLICT (node_id) DO UPDATE
SET silo_id = excluded.silo_id, connection_id = excluded.connection_id, status = excluded.status, last_seen_at = excluded.last_seen_at;

-- name: PresenceClear
UPDATE node_presence SET status = @status, silo_id = NULL, last_seen_at = @now
WHERE node_id = @node AND connection_id = @connection;

-- name: PresenceTouch
-- One statement per silo per flush, however many nodes sent heartbeats.
UPDATE node_presence SET last_seen_at = @now WHERE silo_id = @silo AND node_id = ANY(@nodes);

-- name: NodeList
-- Registration (grain state) + presence + the silo's liveness: one round trip for any number of nodes.
SELECT g.grain_key, g.payload, p.status, p.silo_id, p.last_seen_at, s.status
FROM grain_state g
LEFT JOIN node_presence p ON p.node_id = g.grain_key
LEFT JOIN silos s ON s.silo_id = p.silo_id
WHERE g.grain_type = 'node' AND g.payload IS NOT NULL
  AND (CAST(@owner AS text) IS NULL OR CAST(g.payload AS jsonb) ->> 'owner' = @owner)
ORDER BY g.grain_key;
