-- CortexHub SQLite schema 8: the task directory for list views (see the PostgreSQL file).
CREATE TABLE task_directory (
    task_id     TEXT    PRIMARY KEY,
    created_by  TEXT    NOT NULL,
    listing     TEXT    NOT NULL,  -- JSON object
    updated_at  INTEGER NOT NULL
) WITHOUT ROWID;

CREATE INDEX task_directory_newest ON task_directory (updated_at DESC);
CREATE INDEX task_directory_owner_newest ON task_directory (created_by, updated_at DESC);

INSERT INTO task_directory (task_id, created_by, listing, updated_at)
SELECT grain_key, json_extract(payload, '$.spec.createdBy'),
       json_object('spec', json(json_extract(payload, '$.spec')), 'state', json_extract(payload, '$.state'),
                   'transitions', json(json_extract(payload, '$.transitions')), 'ackedSequence', json_extract(payload, '$.ackedSequence'),
                   'result', json(json_extract(payload, '$.result'))),
       updated_at
  FROM grain_state
 WHERE grain_type = 'task' AND payload IS NOT NULL AND json_extract(payload, '$.spec.createdBy') IS NOT NULL;
