-- name: SiloRegister
INSERT INTO silos (silo_id, address, started_at, heartbeat_at, status)
VALUES (@silo, @address, @started_at, @now, 'active')
ON CONFLICT (silo_id) DO UPDATE
SET address = excluded.address, started_at = excluded.started_at, heartbeat_at = excluded.heartbeat_at, status = 'active';

-- name: SiloHeartbeat
UPDATE silos SET heartbeat_at = @now WHERE silo_id = @silo AND status = 'active';

-- name: SiloMarkDead
UPDATE silos SET status = 'dead'
WHERE status = 'active' AND heartbeat_at < @deadline AND silo_id <> @silo
RETURNING silo_id;

-- name: SiloMarkOthersDead
UPDATE silos SET status = 'dead' WHERE status = 'active' AND silo_id <> @silo RETURNING silo_id;

-- name: SiloLeave
UPDATE silos SET status = 'left', heartbeat_at = @now WHERE silo_id = @silo;

-- name: SiloList
SELECT silo_id, address, started_at, heartbeat_at, status FROM silos ORDER BY started_at, silo_id;
