-- name: ReminderUpsert
INSERT INTO reminders (grain_type, grain_key, name, period_ms, next_due_at, lease_holder, lease_expires_at)
VALUES (@type, @key, @name, @period_ms, @next_due_at, NULL, NULL)
ON CONFLICT (grain_type, grain_key, name) DO UPDATE
SET period_ms = excluded.period_ms, next_due_at = excluded.next_due_at, lease_holder = NULL, lease_expires_at = NULL;

-- name: ReminderDelete
DELETE FROM reminders WHERE grain_type = @type AND grain_key = @key AND name = @name;

-- name: ReminderList
SELECT name, next_due_at, period_ms FROM reminders WHERE grain_type = @type AND grain_key = @key ORDER BY name;

-- name: ReminderClaimDue
-- SKIP LOCKED: silos claiming at the same moment each get different rows, none waits on another.
WITH due AS (
    SELECT grain_type, grain_key, name FROM reminders
    WHERE next_due_at <= @now AND (lease_expires_at IS NULL OR lease_expires_at < @now)
    ORDER BY next_due_at
    LIMIT @limit
    FOR UPDATE SKIP LOCKED)
UPDATE reminders r SET lease_holder = @silo, lease_expires_at = @expires
FROM due
WHERE r.grain_type = due.grain_type AND r.grain_key = due.grain_key AND r.name = due.name
RETURNING r.grain_type, r.grain_key, r.name, r.period_ms, r.next_due_at;

-- name: ReminderCompleteAdvance
UPDATE reminders SET next_due_at = @next_due_at, lease_holder = NULL, lease_expires_at = NULL
WHERE grain_type = @type AND grain_key = @key AND name = @name AND lease_holder = @holder AND next_due_at = @due;

-- name: ReminderCompleteDelete
DELETE FROM reminders
WHERE grain_type = @type AND grain_key = @key AND name = @name AND lease_holder = @holder AND next_due_at = @due;

-- name: ReminderReleaseLeases
UPDATE reminders SET lease_holder = NULL, lease_expires_at = NULL WHERE lease_holder = ANY(@silos);
