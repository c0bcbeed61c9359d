-- name: NodeCommandEnqueue
INSERT INTO node_outbox (node_id, command_id, payload, created_at)
VALUES (@node, @command, @payload, @now)
ON CONFLICT (node_id, command_id) DO NOTHING;

-- name: NodeCommandListPending
SELECT command_id, payload FROM node_outbox WHERE node_id = @node ORDER BY id LIMIT @limit;

-- name: NodeCommandDelete
DELETE FROM node_outbox WHERE node_id = @node AND command_id = @command;
