-- CortexHub SQLite schema 7: the node directory for list views (see the PostgreSQL file).
CREATE TABLE node_directory (
    node_id        TEXT PRIMARY KEY,
    name           TEXT NOT NULL,
    owner          TEXT NOT NULL,
    labels         TEXT NOT NULL,  -- JSON object
    agent_version  TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE INDEX node_directory_owner ON node_directory (owner);

INSERT INTO node_directory (node_id, name, owner, labels, agent_version)
SELECT grain_key, json_extract(payload, '$.name'), json_extract(payload, '$.owner'),
       coalesce(json_extract(payload, '$.labels'), '{}'), coalesce(json_extract(payload, '$.agentVersion'), '')
  FROM grain_state
 WHERE grain_type = 'node' AND payload IS NOT NULL AND json_extract(payload, '$.provisioned');
