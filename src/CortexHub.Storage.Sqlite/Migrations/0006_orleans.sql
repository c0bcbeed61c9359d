-- CortexHub SQLite schema 6: what the Orleans 10.4.2 ADO.NET providers execute for the embedded
-- silo (grain state and reminders; one silo needs no membership table). Orleans reaches this file
-- through Microsoft.Data.Sqlite (invariant "System.Data.SQLite"). See the PostgreSQL file for the
-- contract; the statements here keep its names and shapes in SQLite's dialect.

CREATE TABLE OrleansQuery (
    QueryKey  TEXT PRIMARY KEY,
    QueryText TEXT NOT NULL
);

CREATE TABLE orleans_state (
    service_id  TEXT    NOT NULL,
    grain_type  TEXT    NOT NULL,
    grain_key   TEXT    NOT NULL,  -- n0/n1/string key: one key for every kind of grain id
    payload     BLOB,              -- NULL: cleared
    version     INTEGER NOT NULL,
    written_at  INTEGER NOT NULL,  -- Unix milliseconds
    PRIMARY KEY (service_id, grain_type, grain_key)
) WITHOUT ROWID;

CREATE TABLE orleans_reminder (
    service_id  TEXT    NOT NULL,
    grain_id    TEXT    NOT NULL,
    name        TEXT    NOT NULL,
    starts_at   TEXT    NOT NULL,  -- as Microsoft.Data.Sqlite writes a DateTime
    period_ms   INTEGER NOT NULL,
    grain_hash  INTEGER NOT NULL,
    version     INTEGER NOT NULL,
    PRIMARY KEY (service_id, grain_id, name)
) WITHOUT ROWID;

CREATE INDEX orleans_reminder_ring ON orleans_reminder (service_id, grain_hash);

-- The pool reaper is a grain now (one activation, kept alive by a reminder): its lease table goes.
DROP TABLE cluster_leases;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

('ReadFromStorageKey', '
SELECT payload AS PayloadBinary, version AS Version
  FROM orleans_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0 || ''/'' || @GrainIdN1 || ''/'' || ifnull(@GrainIdExtensionString, '''')
'),

-- First write without an ETag, or a write naming the version the row still holds; else no row.
('WriteToStorageKey', '
INSERT INTO orleans_state (service_id, grain_type, grain_key, payload, version, written_at)
SELECT @ServiceId, @GrainTypeString,
       @GrainIdN0 || ''/'' || @GrainIdN1 || ''/'' || ifnull(@GrainIdExtensionString, ''''),
       @PayloadBinary, 1, CAST(unixepoch(''subsec'') * 1000 AS INTEGER)
 WHERE @GrainStateVersion IS NULL
    OR EXISTS (SELECT 1 FROM orleans_state
                WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                  AND grain_key = @GrainIdN0 || ''/'' || @GrainIdN1 || ''/'' || ifnull(@GrainIdExtensionString, ''''))
ON CONFLICT (service_id, grain_type, grain_key) DO UPDATE
   SET payload = excluded.payload, version = orleans_state.version + 1, written_at = excluded.written_at
 WHERE orleans_state.version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
'),

('ClearStorageKey', '
UPDATE orleans_state
   SET payload = NULL, version = version + 1, written_at = CAST(unixepoch(''subsec'') * 1000 AS INTEGER)
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0 || ''/'' || @GrainIdN1 || ''/'' || ifnull(@GrainIdExtensionString, '''')
   AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
'),

('DeleteStorageKey', '
DELETE FROM orleans_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0 || ''/'' || @GrainIdN1 || ''/'' || ifnull(@GrainIdExtensionString, '''')
   AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion
'),

('UpsertReminderRowKey', '
INSERT INTO orleans_reminder (service_id, grain_id, name, starts_at, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, name) DO UPDATE
   SET starts_at = excluded.starts_at, period_ms = excluded.period_ms,
       grain_hash = excluded.grain_hash, version = orleans_reminder.version + 1
RETURNING version AS Version
'),

('ReadReminderRowsKey', '
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId
'),

('ReadReminderRowKey', '
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND name = @ReminderName
'),

('ReadRangeRows1Key', '
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
'),

('ReadRangeRows2Key', '
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
'),

-- SQLite has no DELETE inside a CTE: delete, then report whether a row went.
('DeleteReminderRowKey', '
DELETE FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND name = @ReminderName AND version = @Version;
SELECT changes() > 0;
'),

('DeleteReminderRowsKey', '
DELETE FROM orleans_reminder WHERE service_id = @ServiceId
');
