-- name: NodeCommandEnqueue
INSERT INTO node_outbox (node_id, command_id, payload, created_at)
VALUES (@node, @command, @payload, @now)
ON CONFLICT (node_id, command_id) DO NOTHING;

-- name: NodeCommandListPending
SELECT command_id, payload FROM node_outbox WHERE node_id = @node ORDER BY id LIMIT @limit;

-- name: NodeCommandDelete
DELETE FROM node_outbox WHERE node_id = @node AND command_id = @command;

-- name: TerminalPut
INSERT INTO node_terminal (node_id, slot, sequence, data, created_at)
VALUES (@node, @slot, @sequence, @data, @now)
ON CONFLICT (node_id, slot) DO UPDATE
SET sequence = excluded.sequence, data = excluded.data, created_at = excluded.created_at;

-- name: TerminalList
SELECT sequence, created_at, data FROM node_terminal WHERE node_id = @node AND sequence > @after ORDER BY sequence;
