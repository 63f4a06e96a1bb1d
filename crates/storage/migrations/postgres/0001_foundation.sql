-- Foundation schema. Every tenant-owned table starts its primary and unique keys with
-- tenant_id so the schema can be distributed by tenant (Citus: create_distributed_table
-- on tenant_id; tenants becomes a reference table). Instants are epoch milliseconds (UTC).

CREATE TABLE tenants (
    id          UUID PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    timezone    TEXT NOT NULL,
    created_at  BIGINT NOT NULL
);

CREATE TABLE departments (
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    id          UUID NOT NULL,
    parent_id   UUID,
    name        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, parent_id) REFERENCES departments (tenant_id, id)
);
CREATE INDEX departments_parent ON departments (tenant_id, parent_id);

CREATE TABLE employees (
    tenant_id     UUID NOT NULL REFERENCES tenants (id),
    id            UUID NOT NULL,
    department_id UUID NOT NULL,
    name          TEXT COLLATE "C" NOT NULL,
    username      TEXT,
    password_hash TEXT,
    phone         TEXT,
    email         TEXT,
    employee_no   TEXT,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'field', 'finance')),
    active        BOOLEAN NOT NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, username),
    UNIQUE (tenant_id, employee_no),
    FOREIGN KEY (tenant_id, department_id) REFERENCES departments (tenant_id, id)
);
CREATE INDEX employees_department ON employees (tenant_id, department_id);
CREATE INDEX employees_name ON employees (tenant_id, name, id);

CREATE TABLE customers (
    tenant_id        UUID NOT NULL REFERENCES tenants (id),
    id               UUID NOT NULL,
    name             TEXT COLLATE "C" NOT NULL,
    code             TEXT COLLATE "C",
    external_id      TEXT COLLATE "C",
    address          TEXT,
    lat              DOUBLE PRECISION,
    lon              DOUBLE PRECISION,
    level            TEXT NOT NULL CHECK (level IN ('A', 'B', 'C')),
    -- Tags are also rows of customer_tags (for filtering); both are written together.
    tags             TEXT NOT NULL,
    contacts         TEXT NOT NULL,
    owner_id         UUID,
    checkin_radius_m DOUBLE PRECISION,
    created_at       BIGINT NOT NULL,
    updated_at       BIGINT NOT NULL,
    deleted_at       BIGINT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, code),
    UNIQUE (tenant_id, external_id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX customers_owner ON customers (tenant_id, owner_id);
CREATE INDEX customers_name ON customers (tenant_id, name, id);
CREATE INDEX customers_created ON customers (tenant_id, created_at, id);
CREATE INDEX customers_lat ON customers (tenant_id, lat);

CREATE TABLE customer_tags (
    tenant_id   UUID NOT NULL,
    customer_id UUID NOT NULL,
    tag         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, tag),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX customer_tags_tag ON customer_tags (tenant_id, tag);

CREATE TABLE sessions (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    token_hash   BYTEA NOT NULL,
    employee_id  UUID NOT NULL,
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    client_addr  TEXT,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

CREATE TABLE api_keys (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    id           UUID NOT NULL,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     BYTEA NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   UUID,
    created_at   BIGINT NOT NULL,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, key_hash)
);

-- Keyed by account ("acct:<tenant>:<username>") or client address ("addr:<ip>"), so it is
-- not tenant-owned: an address is throttled across tenants.
CREATE TABLE login_throttle (
    key             TEXT PRIMARY KEY,
    window_start_ms BIGINT NOT NULL,
    failures        INTEGER NOT NULL,
    locked_until_ms BIGINT NOT NULL
);
