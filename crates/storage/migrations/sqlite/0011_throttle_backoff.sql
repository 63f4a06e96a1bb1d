-- Login back-off replaces lockouts (issue 11): counters keyed per (tenant, account,
-- address), per account, per (tenant, address) and per known device, holding a failure
-- count and the last failure's instant; the delay is computed by domain::throttle.
DROP TABLE login_throttle;
CREATE TABLE login_backoff (
    key             TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    last_failure_ms BIGINT NOT NULL
);
CREATE INDEX login_backoff_last ON login_backoff (last_failure_ms);

-- Where an account logged in successfully before: its devices (SHA-256 of the device
-- token, hex) and client addresses. Attempts from these are not slowed by failures
-- elsewhere.
CREATE TABLE login_known (
    tenant_id     BLOB NOT NULL,
    employee_id   BLOB NOT NULL,
    kind          TEXT NOT NULL CHECK (kind IN ('device', 'address')),
    value         TEXT NOT NULL,
    last_login_ms BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, kind, value),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
