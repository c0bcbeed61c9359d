-- CortexHub PostgreSQL schema 5: the global work pool and cluster-wide leases.

-- One row per work item. A claim is a lease: (claimed_by, lease_term, lease_expires_at); every
-- outcome names the lease term it ends, so a stale claimer can never finish someone else's lease.
CREATE TABLE pool_items (
    item_id           text        PRIMARY KEY,
    seq               bigint      GENERATED ALWAYS AS IDENTITY,  -- FIFO within a priority
    shard             integer     NOT NULL,                      -- the pool shard grain that owns the item
    state             text        NOT NULL CHECK (state IN ('available', 'claimed', 'done', 'dead', 'cancelled')),
    priority          integer     NOT NULL,
    required_labels   jsonb       NOT NULL,                      -- {} = any node
    work              text        NOT NULL,                      -- JSON: command, working directory, environment, timeout
    created_by        text        NOT NULL,
    idempotency_key   text,
    max_attempts      integer     NOT NULL CHECK (max_attempts > 0),
    attempts          integer     NOT NULL DEFAULT 0,
    visibility_ms     bigint      NOT NULL CHECK (visibility_ms > 0),
    available_at      timestamptz NOT NULL,                      -- delay and retry backoff
    lease_term        bigint      NOT NULL DEFAULT 0,
    claimed_by        text,
    claimed_at        timestamptz,
    lease_expires_at  timestamptz,
    dispatched        boolean     NOT NULL DEFAULT false,        -- the claim's task exists; only then do heartbeats extend the lease
    task_id           text,
    last_error        text,
    exit_code         integer,
    created_at        timestamptz NOT NULL,
    finished_at       timestamptz
);

CREATE UNIQUE INDEX pool_items_idempotency ON pool_items (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX pool_items_available ON pool_items (priority DESC, seq) WHERE state = 'available';
CREATE INDEX pool_items_claimed ON pool_items (claimed_by, lease_expires_at) WHERE state = 'claimed';
CREATE INDEX pool_items_state ON pool_items (state, seq);

-- Named leases for work that runs on one silo at a time (e.g. the pool reaper).
CREATE TABLE cluster_leases (
    name        text        PRIMARY KEY,
    holder      text        NOT NULL,
    term        bigint      NOT NULL,
    expires_at  timestamptz NOT NULL
);
