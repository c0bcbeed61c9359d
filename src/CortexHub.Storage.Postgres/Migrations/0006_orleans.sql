-- CortexHub PostgreSQL schema 6: what the Orleans 10.4.2 ADO.NET providers execute (clustering,
-- grain state, reminders), beside the domain tables.
--
-- The providers ship no SQL. At start each one reads its statements from orleans_query's fixed
-- shape, OrleansQuery(QueryKey, QueryText), by key; every other name below is ours. Parameters
-- arrive by name (@Name) typed from their .NET values; results are read by column name (Npgsql
-- matches unquoted, lower-cased aliases case-insensitively). A "boolean" statement returns one
-- row with one column. Orleans silo status numbers: 3 Active, 6 Dead.

CREATE TABLE OrleansQuery (
    QueryKey  varchar(64) PRIMARY KEY,
    QueryText text        NOT NULL
);

-- Grain state. A grain is named by its type and its key: the key text joins the provider's
-- three key parts (n0, n1 and the string key or extension) so one primary key covers string,
-- integer, Guid and compound keys alike. The payload is the Orleans binary serializer's output.
CREATE TABLE orleans_state (
    service_id  text        NOT NULL,
    grain_type  text        NOT NULL,
    grain_key   text        NOT NULL,
    payload     bytea,                 -- NULL: cleared (the row stays so the version keeps growing)
    version     integer     NOT NULL,  -- the ETag Orleans checks on every write
    written_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_key)
);

-- Cluster membership. orleans_cluster.version is the table's ETag: every insert or update of a
-- silo names the version it read and moves it on by one in the same statement, so two silos
-- changing membership at once cannot both win. Heartbeats (IAmAlive) leave it alone.
CREATE TABLE orleans_cluster (
    cluster_id  text        PRIMARY KEY,
    version     integer     NOT NULL DEFAULT 0,
    changed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orleans_silo (
    cluster_id     text        NOT NULL REFERENCES orleans_cluster ON DELETE CASCADE,
    address        text        NOT NULL,
    port           integer     NOT NULL,
    generation     integer     NOT NULL,
    silo_name      text        NOT NULL,
    host_name      text        NOT NULL,
    status         integer     NOT NULL,
    gateway_port   integer,
    suspect_times  text,                  -- Orleans' own encoding of who suspects this silo since when
    started_at     timestamptz NOT NULL,
    alive_at       timestamptz NOT NULL,
    PRIMARY KEY (cluster_id, address, port, generation)
);

-- Reminders. The grain hash places a reminder on the ring of silos; each silo reads its ranges.
CREATE TABLE orleans_reminder (
    service_id  text        NOT NULL,
    grain_id    text        NOT NULL,
    name        text        NOT NULL,
    starts_at   timestamptz NOT NULL,
    period_ms   bigint      NOT NULL,
    grain_hash  integer     NOT NULL,
    version     integer     NOT NULL,
    PRIMARY KEY (service_id, grain_id, name)
);

CREATE INDEX orleans_reminder_ring ON orleans_reminder (service_id, grain_hash);

-- The pool reaper is a grain now (one activation, kept alive by a reminder): its lease table goes.
DROP TABLE cluster_leases;

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES

-- ---- grain state ---------------------------------------------------------------------------
('ReadFromStorageKey', $sql$
SELECT payload AS PayloadBinary, version AS Version
  FROM orleans_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0::text || '/' || @GrainIdN1::text || '/' || coalesce(@GrainIdExtensionString, '')
$sql$),

-- A first write (no ETag) inserts version 1 unless a row exists; a later write replaces the row
-- only while it still holds the ETag. No row back means "someone else wrote": Orleans raises
-- InconsistentStateException.
('WriteToStorageKey', $sql$
INSERT INTO orleans_state AS s (service_id, grain_type, grain_key, payload, version)
SELECT @ServiceId, @GrainTypeString,
       @GrainIdN0::text || '/' || @GrainIdN1::text || '/' || coalesce(@GrainIdExtensionString, ''),
       @PayloadBinary, 1
 WHERE @GrainStateVersion IS NULL
    OR EXISTS (SELECT FROM orleans_state
                WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
                  AND grain_key = @GrainIdN0::text || '/' || @GrainIdN1::text || '/' || coalesce(@GrainIdExtensionString, ''))
ON CONFLICT (service_id, grain_type, grain_key) DO UPDATE
   SET payload = excluded.payload, version = s.version + 1, written_at = now()
 WHERE s.version = @GrainStateVersion
RETURNING s.version AS NewGrainStateVersion
$sql$),

('ClearStorageKey', $sql$
UPDATE orleans_state
   SET payload = NULL, version = version + 1, written_at = now()
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0::text || '/' || @GrainIdN1::text || '/' || coalesce(@GrainIdExtensionString, '')
   AND version = @GrainStateVersion
RETURNING version AS NewGrainStateVersion
$sql$),

-- Only with DeleteStateOnClear; Orleans wants a version other than the ETag it sent.
('DeleteStorageKey', $sql$
DELETE FROM orleans_state
 WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
   AND grain_key = @GrainIdN0::text || '/' || @GrainIdN1::text || '/' || coalesce(@GrainIdExtensionString, '')
   AND version = @GrainStateVersion
RETURNING version + 1 AS NewGrainStateVersion
$sql$),

-- ---- membership ----------------------------------------------------------------------------
('InsertMembershipVersionKey', $sql$
WITH created AS (
    INSERT INTO orleans_cluster (cluster_id) VALUES (@DeploymentId)
    ON CONFLICT (cluster_id) DO NOTHING
    RETURNING 1
)
SELECT count(*) > 0 FROM created
$sql$),

-- The version moves only when the silo row goes in (a duplicate row leaves both untouched).
('InsertMembershipKey', $sql$
WITH fresh AS (
    SELECT 1 FROM orleans_cluster
     WHERE cluster_id = @DeploymentId AND version = @Version
       AND NOT EXISTS (SELECT FROM orleans_silo
                        WHERE cluster_id = @DeploymentId AND address = @Address
                          AND port = @Port AND generation = @Generation)
), bumped AS (
    UPDATE orleans_cluster SET version = version + 1, changed_at = now()
     WHERE cluster_id = @DeploymentId AND EXISTS (SELECT FROM fresh)
    RETURNING 1
), added AS (
    INSERT INTO orleans_silo (cluster_id, address, port, generation, silo_name, host_name,
                              status, gateway_port, started_at, alive_at)
    SELECT @DeploymentId, @Address, @Port, @Generation, @SiloName, @HostName,
           @Status, @ProxyPort, @StartTime, @IAmAliveTime
      FROM bumped
    RETURNING 1
)
SELECT count(*) > 0 FROM added
$sql$),

('UpdateMembershipKey', $sql$
WITH present AS (
    SELECT 1 FROM orleans_cluster
     WHERE cluster_id = @DeploymentId AND version = @Version
       AND EXISTS (SELECT FROM orleans_silo
                    WHERE cluster_id = @DeploymentId AND address = @Address
                      AND port = @Port AND generation = @Generation)
), bumped AS (
    UPDATE orleans_cluster SET version = version + 1, changed_at = now()
     WHERE cluster_id = @DeploymentId AND EXISTS (SELECT FROM present)
    RETURNING 1
), changed AS (
    UPDATE orleans_silo
       SET status = @Status, suspect_times = @SuspectTimes, alive_at = @IAmAliveTime
     WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port
       AND generation = @Generation AND EXISTS (SELECT FROM bumped)
    RETURNING 1
)
SELECT count(*) > 0 FROM changed
$sql$),

('UpdateIAmAlivetimeKey', $sql$
UPDATE orleans_silo SET alive_at = @IAmAliveTime
 WHERE cluster_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation
$sql$),

-- Both reads return at least the version row: a cluster with no silos is a row of NULL silo
-- columns (Orleans reads StartTime NULL as "no member").
('MembershipReadRowKey', $sql$
SELECT s.address AS Address, s.port AS Port, s.generation AS Generation, s.silo_name AS SiloName,
       s.host_name AS HostName, s.status AS Status, s.gateway_port AS ProxyPort,
       s.suspect_times AS SuspectTimes, s.started_at AS StartTime, s.alive_at AS IAmAliveTime,
       c.version AS Version
  FROM orleans_cluster c
  LEFT JOIN orleans_silo s ON s.cluster_id = c.cluster_id
       AND s.address = @Address AND s.port = @Port AND s.generation = @Generation
 WHERE c.cluster_id = @DeploymentId
$sql$),

('MembershipReadAllKey', $sql$
SELECT s.address AS Address, s.port AS Port, s.generation AS Generation, s.silo_name AS SiloName,
       s.host_name AS HostName, s.status AS Status, s.gateway_port AS ProxyPort,
       s.suspect_times AS SuspectTimes, s.started_at AS StartTime, s.alive_at AS IAmAliveTime,
       c.version AS Version
  FROM orleans_cluster c
  LEFT JOIN orleans_silo s ON s.cluster_id = c.cluster_id
 WHERE c.cluster_id = @DeploymentId
$sql$),

('GatewaysQueryKey', $sql$
SELECT address AS Address, gateway_port AS ProxyPort, generation AS Generation
  FROM orleans_silo
 WHERE cluster_id = @DeploymentId AND status = @Status AND gateway_port > 0
$sql$),

('DeleteMembershipTableEntriesKey', $sql$
DELETE FROM orleans_cluster WHERE cluster_id = @DeploymentId
$sql$),

-- Dead silos whose last sign of life is older than the cut-off.
('CleanupDefunctSiloEntriesKey', $sql$
DELETE FROM orleans_silo
 WHERE cluster_id = @DeploymentId AND status = 6 AND alive_at < @IAmAliveTime
$sql$),

-- ---- reminders -----------------------------------------------------------------------------
('UpsertReminderRowKey', $sql$
INSERT INTO orleans_reminder AS r (service_id, grain_id, name, starts_at, period_ms, grain_hash, version)
VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
ON CONFLICT (service_id, grain_id, name) DO UPDATE
   SET starts_at = excluded.starts_at, period_ms = excluded.period_ms,
       grain_hash = excluded.grain_hash, version = r.version + 1
RETURNING r.version AS Version
$sql$),

('ReadReminderRowsKey', $sql$
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId
$sql$),

('ReadReminderRowKey', $sql$
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_id = @GrainId AND name = @ReminderName
$sql$),

-- The ring range (begin, end] ...
('ReadRangeRows1Key', $sql$
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$sql$),

-- ... and the same range when it wraps past the top of the ring.
('ReadRangeRows2Key', $sql$
SELECT grain_id AS GrainId, name AS ReminderName, starts_at AS StartTime, period_ms AS Period, version AS Version
  FROM orleans_reminder
 WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$sql$),

('DeleteReminderRowKey', $sql$
WITH removed AS (
    DELETE FROM orleans_reminder
     WHERE service_id = @ServiceId AND grain_id = @GrainId AND name = @ReminderName AND version = @Version
    RETURNING 1
)
SELECT count(*) > 0 FROM removed
$sql$),

('DeleteReminderRowsKey', $sql$
DELETE FROM orleans_reminder WHERE service_id = @ServiceId
$sql$);
