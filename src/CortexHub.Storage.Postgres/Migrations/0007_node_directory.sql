-- CortexHub PostgreSQL schema 7: the node directory, a table for list views. The node grain's state
-- is Orleans' (binary, in orleans_state); what a listing needs of each node (name, owner, labels,
-- agent version) the grain also writes here, so listing any number of nodes stays one query.
CREATE TABLE node_directory (
    node_id        text  PRIMARY KEY,
    name           text  NOT NULL,
    owner          text  NOT NULL,
    labels         jsonb NOT NULL,
    agent_version  text  NOT NULL DEFAULT ''
);

CREATE INDEX node_directory_owner ON node_directory (owner);

-- Nodes registered before the node grain moved to Orleans (their state is JSON in grain_state).
INSERT INTO node_directory (node_id, name, owner, labels, agent_version)
SELECT grain_key, CAST(payload AS jsonb) ->> 'name', CAST(payload AS jsonb) ->> 'owner',
       coalesce(CAST(payload AS jsonb) -> 'labels', '{}'), coalesce(CAST(payload AS jsonb) ->> 'agentVersion', '')
  FROM grain_state
 WHERE grain_type = 'node' AND payload IS NOT NULL AND CAST(CAST(payload AS jsonb) ->> 'provisioned' AS boolean);
