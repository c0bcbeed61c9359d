-- The home-made runtime's grain state (JSON), read once per grain when it moves to Orleans (LegacyGrainState).
-- name: GrainStateRead
SELECT payload FROM grain_state WHERE grain_type = @type AND grain_key = @key;
