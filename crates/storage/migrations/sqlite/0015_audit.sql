-- The audit log (issue: tamper-evident audit log). Append-only: entries are written by the
-- server after a change succeeds and removed only by the tenant's retention. Each entry's
-- hash covers its facts and the previous entry's hash (domain::audit::chain); seq numbers a
-- tenant's entries 1, 2, 3… so a deleted row leaves a gap.
CREATE TABLE audit_log (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    seq         BIGINT NOT NULL,
    id          BLOB NOT NULL,
    at_ms       BIGINT NOT NULL,
    actor_kind  TEXT NOT NULL CHECK (actor_kind IN ('user', 'api_key')),
    actor_id    BLOB NOT NULL,
    actor_role  TEXT NOT NULL,
    resource    TEXT NOT NULL,
    resource_id TEXT,
    action      TEXT NOT NULL,
    diff        TEXT NOT NULL,
    address     TEXT,
    request_id  TEXT,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_resource ON audit_log (tenant_id, resource, seq);
CREATE INDEX audit_log_actor ON audit_log (tenant_id, actor_id, seq);
CREATE INDEX audit_log_at ON audit_log (tenant_id, at_ms);

-- The newest entry of each tenant, kept apart from the log: appends lock this row (so a
-- tenant's entries are numbered and chained one at a time), deleting the newest entries
-- shows as a head past the last row, and first_seq records where retention last cut.
CREATE TABLE audit_heads (
    tenant_id BLOB PRIMARY KEY REFERENCES tenants (id),
    seq       BIGINT NOT NULL,
    hash      TEXT NOT NULL,
    first_seq BIGINT NOT NULL
);

-- Days the tenant keeps audit entries; NULL keeps them forever (the default).
ALTER TABLE tenants ADD COLUMN audit_retention_days BIGINT;
