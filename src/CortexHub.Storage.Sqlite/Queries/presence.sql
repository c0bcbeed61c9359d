-- name: PresenceSet
INSERT INTO node_presence (node_id, silo_id, connection_id, status, last_seen_at)
VALUES (@node, @silo, @connection, @status, @now)
ON CONFLICT (node_id) DO UPDATE
SET silo_id = excluded.silo_id, connection_id = excluded.connection_id, status = excluded.status, last_seen_at = excluded.last_seen_at;

-- name: PresenceClear
UPDATE node_presence SET status = @status, silo_id = NULL, last_seen_at = @now
WHERE node_id = @node AND connection_id = @connection;

-- name: PresenceTouch
UPDATE node_presence SET last_seen_at = @now WHERE silo_id = @silo AND node_id IN (SELECT value FROM json_each(@nodes));

-- name: NodeList
-- Directory + presence: one round trip for any number of nodes (whether the silo lives is Orleans' membership's answer).
SELECT d.node_id, d.name, d.owner, d.labels, d.agent_version, p.status, p.silo_id, p.last_seen_at
FROM node_directory d
LEFT JOIN node_presence p ON p.node_id = d.node_id
WHERE (@owner IS NULL OR d.owner = @owner)
ORDER BY d.node_id;

-- name: NodeDirectoryPut
INSERT INTO node_directory (node_id, name, owner, labels, agent_version)
VALUES (@node, @name, @owner, @labels, @agent)
ON CONFLICT (node_id) DO UPDATE
SET name = excluded.name, owner = excluded.owner, labels = excluded.labels, agent_version = excluded.agent_version;
