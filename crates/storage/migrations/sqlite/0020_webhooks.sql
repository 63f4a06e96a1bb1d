-- SQLite twin of migrations/postgres/0020_webhooks.sql (see there for the why).

CREATE TABLE webhook_endpoints (
    tenant_id           BLOB NOT NULL,
    id                  BLOB NOT NULL,
    url                 TEXT NOT NULL,
    description         TEXT NOT NULL,
    -- Space-separated event types; NULL means every type.
    event_types         TEXT,
    enabled             INTEGER NOT NULL,
    -- Why the server disabled it: `gone` (the receiver answered 410) or `failing` (no
    -- success for five days); NULL when enabled or disabled by an admin.
    disabled_reason     TEXT,
    -- The secret signs deliveries, so it is kept as it is (a hash could not sign).
    secret              TEXT NOT NULL,
    -- The secret a rotation replaced, still signing until `old_secret_until_ms`.
    old_secret          TEXT,
    old_secret_until_ms BIGINT,
    -- The first failure since the last success; NULL while deliveries succeed.
    failing_since_ms    BIGINT,
    -- The last outbox position dispatched to this endpoint (see storage::events).
    cursor_tx           BIGINT NOT NULL,
    cursor_seq          BIGINT NOT NULL,
    created_ms          BIGINT NOT NULL,
    updated_ms          BIGINT NOT NULL,
    body_digest         TEXT,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX webhook_endpoints_enabled ON webhook_endpoints (tenant_id) WHERE enabled = 1;

CREATE TABLE webhook_deliveries (
    tenant_id       BLOB NOT NULL,
    id              BLOB NOT NULL,
    endpoint_id     BLOB NOT NULL,
    event_id        BLOB NOT NULL,
    event_type      TEXT NOT NULL,
    attempt         INTEGER NOT NULL,
    requested_ms    BIGINT NOT NULL,
    -- The receiver's status; NULL when no answer came (refused, timed out).
    status          INTEGER,
    latency_ms      BIGINT NOT NULL,
    error           TEXT,
    -- When the next attempt is due; NULL when none will follow.
    next_attempt_ms BIGINT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, endpoint_id) REFERENCES webhook_endpoints (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (tenant_id, endpoint_id, id);
CREATE INDEX webhook_deliveries_by_time ON webhook_deliveries (tenant_id, requested_ms);

-- Redelivering a time range reads the outbox by time.
CREATE INDEX events_by_time ON events (tenant_id, occurred_ms);
