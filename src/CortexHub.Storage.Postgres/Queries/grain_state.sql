-- name: GrainStateRead
SELECT payload, version FROM grain_state WHERE grain_type = @type AND grain_key = @key;

-- name: GrainStateInsert
INSERT INTO grain_state (grain_type, grain_key, version, payload, updated_at)
VALUES (@type, @key, 1, @payload, @now)
ON CONFLICT (grain_type, grain_key) DO NOTHING
RETURNING version;

-- name: GrainStateUpdate
UPDATE grain_state SET version = version + 1, payload = @payload, updated_at = @now
WHERE grain_type = @type AND grain_key = @key AND version = @expected
RETURNING version;

-- name: GrainStateVersion
SELECT version FROM grain_state WHERE grain_type = @type AND grain_key = @key;
