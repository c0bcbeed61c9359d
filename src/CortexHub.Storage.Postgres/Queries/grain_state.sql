-- The home-made runtime's grain state (JSON), read once per grain when it moves to Orleans (LegacyGrainState).
-- name: GrainStateRead
SELECT payload FROM grain_state WHERE grain_type = @type AND grain_key = @key;

-- Whether the earlier runtime stored any grain of a type (nothing writes this table any more).
-- name: GrainStateAny
SELECT 1 FROM grain_state WHERE grain_type = @type LIMIT 1;
