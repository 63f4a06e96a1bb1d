-- SQLite twin of migrations/postgres/0022_sync.sql: BLOB for UUID, INTEGER for BIGINT.
-- ERP/CRM sync (issue 16, item 2). Employees and departments get the external id that
-- customers already have (unique per tenant, so an upsert by it finds one row); the three
-- tables get `row_version`, raised by every write that changes a row, which is the strong
-- ETag of the API's single-resource answers and what `If-Match` is compared with.
-- A deleted department's row is gone, so its deletion is kept as a tombstone for
-- `GET /api/v1/tombstones` (customers are only hidden, `deleted_at`, and need none).
ALTER TABLE customers ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN external_id TEXT;
ALTER TABLE departments ADD COLUMN row_version BIGINT NOT NULL DEFAULT 1;
ALTER TABLE departments ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX employees_tenant_id_external_id_key ON employees (tenant_id, external_id);
CREATE UNIQUE INDEX departments_tenant_id_external_id_key ON departments (tenant_id, external_id);
-- Incremental reads (`updated_since`) walk these in (updated_at, id) order.
CREATE INDEX customers_updated ON customers (tenant_id, updated_at, id);
CREATE INDEX employees_updated ON employees (tenant_id, updated_at, id);

CREATE TABLE department_tombstones (
    tenant_id   BLOB NOT NULL,
    id          BLOB NOT NULL,
    external_id TEXT,
    -- The parent it had, so a manager whose subtree held it sees its deletion.
    parent_id   BLOB,
    deleted_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX department_tombstones_at ON department_tombstones (tenant_id, deleted_at, id);
