-- SQLite twin of migrations/postgres/0002_tracking.sql. `fixes` is WITHOUT ROWID so a
-- day of one person's fixes is stored contiguously in key order.

-- Tracking: devices, the append-only fix log, tracking rules and per-day summaries.

CREATE TABLE devices (
    tenant_id    BLOB NOT NULL REFERENCES tenants (id),
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
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
    tenant_id   BLOB NOT NULL,
    device_id   BLOB NOT NULL
);

-- One row per accepted fix. The key (employee, instant) makes a re-sent fix a no-op.
CREATE TABLE fixes (
    tenant_id    BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    t_ms         BIGINT NOT NULL,
    -- The device's UTC offset in minutes when the client said it (time is data).
    offset_min   INTEGER,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    accuracy_m   REAL,
    speed_mps    REAL,
    bearing_deg  REAL,
    altitude_m   REAL,
    provider     TEXT NOT NULL,
    mock         INTEGER NOT NULL,
    battery      REAL,
    source       TEXT NOT NULL,
    device_id    BLOB,
    received_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, t_ms)
) WITHOUT ROWID;

-- The newest fix per person, for the live map without scanning the log.
CREATE TABLE last_fixes (
    tenant_id    BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    t_ms         BIGINT NOT NULL,
    lat          REAL NOT NULL,
    lon          REAL NOT NULL,
    accuracy_m   REAL,
    speed_mps    REAL,
    received_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id)
);

CREATE TABLE tracking_rules (
    tenant_id             BLOB NOT NULL REFERENCES tenants (id),
    -- 'tenant' for the tenant-wide rule, otherwise the department id as text.
    scope                 TEXT NOT NULL,
    rule                  TEXT NOT NULL,
    updated_at            BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, scope)
);

-- Derived from fixes; recomputed from the stored fixes whenever a day is marked dirty.
CREATE TABLE track_days (
    tenant_id      BLOB NOT NULL,
    employee_id    BLOB NOT NULL,
    day            TEXT NOT NULL,
    summary        TEXT NOT NULL,
    mileage_m      REAL NOT NULL,
    work_mileage_m REAL NOT NULL,
    computed_ms    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, day)
);

CREATE TABLE track_dirty (
    tenant_id    BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    day          TEXT NOT NULL,
    -- The latest and the first mark since the last summary: a day is summarised once it
    -- has been quiet for a moment, or at the latest a minute after its first mark.
    marked_ms    BIGINT NOT NULL,
    first_marked_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, day)
);
