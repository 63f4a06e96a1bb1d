-- Tracking: devices, the append-only fix log, tracking rules and per-day summaries.

CREATE TABLE devices (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    id           UUID NOT NULL,
    employee_id  UUID NOT NULL,
    -- What the phone or GPS client sends as its id (OsmAnd `id`, the app's install id).
    identifier   TEXT NOT NULL,
    name         TEXT,
    platform     TEXT,
    created_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, identifier),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

-- OsmAnd-protocol clients send only their identifier, so finding the tenant needs one
-- global lookup (a reference table on Citus). Identifiers are therefore unique across tenants.
CREATE TABLE device_identifiers (
    identifier  TEXT PRIMARY KEY,
    tenant_id   UUID NOT NULL,
    device_id   UUID NOT NULL
);

-- One row per accepted fix. The key (employee, instant) makes a re-sent fix a no-op.
CREATE TABLE fixes (
    tenant_id    UUID NOT NULL,
    employee_id  UUID NOT NULL,
    t_ms         BIGINT NOT NULL,
    -- The device's UTC offset in minutes when the client said it (time is data).
    offset_min   SMALLINT,
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    accuracy_m   REAL,
    speed_mps    REAL,
    bearing_deg  REAL,
    altitude_m   REAL,
    provider     TEXT NOT NULL,
    mock         BOOLEAN NOT NULL,
    battery      REAL,
    source       TEXT NOT NULL,
    device_id    UUID,
    received_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, t_ms)
);

-- The newest fix per person, for the live map without scanning the log.
CREATE TABLE last_fixes (
    tenant_id    UUID NOT NULL,
    employee_id  UUID NOT NULL,
    t_ms         BIGINT NOT NULL,
    lat          DOUBLE PRECISION NOT NULL,
    lon          DOUBLE PRECISION NOT NULL,
    accuracy_m   REAL,
    speed_mps    REAL,
    received_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id)
);

CREATE TABLE tracking_rules (
    tenant_id             UUID NOT NULL REFERENCES tenants (id),
    -- 'tenant' for the tenant-wide rule, otherwise the department id as text.
    scope                 TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

-- Derived from fixes; recomputed from the stored fixes whenever a day is marked dirty.
CREATE TABLE track_days (
    tenant_id      UUID NOT NULL,
    employee_id    UUID NOT NULL,
    day            TEXT NOT NULL,
    summary        TEXT NOT NULL,
    mileage_m      DOUBLE PRECISION NOT NULL,
    work_mileage_m DOUBLE PRECISION NOT NULL,
    computed_ms    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, day)
);

CREATE TABLE track_dirty (
    tenant_id    UUID NOT NULL,
    employee_id  UUID NOT NULL,
    day          TEXT NOT NULL,
    -- The latest and the first mark since the last summary: a day is summarised once it
    -- has been quiet for a moment, or at the latest a minute after its first mark.
    marked_ms    BIGINT NOT NULL,
    first_marked_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, day)
);
