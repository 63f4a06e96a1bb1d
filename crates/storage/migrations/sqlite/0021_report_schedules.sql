-- SQLite twin of migrations/postgres/0021_report_schedules.sql: BLOB for UUID, INTEGER for
-- BIGINT and BOOLEAN.
-- Scheduled reports (issue 15, item 4): a report with its filters sent by e-mail on a
-- cadence of the tenant's wall clock, and one row per run (what was sent, to whom, how it
-- went). The worker moves `next_run_ms` on and queues a `report_delivery` job in one
-- transaction, so a run is queued once across servers.
CREATE TABLE report_schedules (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    body_digest  TEXT,
    -- Whose reach the report is built with when it runs (a manager: their subtree).
    owner_id     BLOB NOT NULL,
    report       TEXT NOT NULL,
    -- JSON: department_id, employee_id, customer_level, customer_tag (each optional).
    filters      TEXT NOT NULL,
    cadence      TEXT NOT NULL CHECK (cadence IN ('daily', 'weekly', 'monthly')),
    -- 1 Monday … 7 Sunday, for weekly schedules.
    weekday      INTEGER CHECK (weekday BETWEEN 1 AND 7),
    month_day    INTEGER CHECK (month_day BETWEEN 1 AND 28),
    hour         INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    format       TEXT NOT NULL CHECK (format IN ('xlsx', 'csv')),
    language     TEXT NOT NULL CHECK (language IN ('zh-CN', 'en')),
    -- JSON array of addresses.
    recipients   TEXT NOT NULL,
    enabled      INTEGER NOT NULL,
    -- The next run; NULL while disabled.
    next_run_ms  INTEGER,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX report_schedules_due ON report_schedules (next_run_ms) WHERE enabled;

-- One row per run of a schedule (its due instant): queued when the run is queued, then
-- `sent`, or `failed` with the last error's code and detail (the job retries a failed send with back-off;
-- `attempts` counts them). Deleted with its schedule.
CREATE TABLE report_schedule_runs (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    schedule_id  BLOB NOT NULL,
    due_ms       INTEGER NOT NULL,
    period_from  TEXT NOT NULL,
    period_to    TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed')),
    attempts     INTEGER NOT NULL,
    -- A stable code (smtp_not_configured, smtp_failed, owner_inactive, report_refused) and
    -- the detail of the last failure.
    error_code   TEXT,
    error        TEXT,
    -- JSON array of the addresses it went (or was to go) to.
    recipients   TEXT NOT NULL,
    rows         INTEGER,
    created_ms   INTEGER NOT NULL,
    updated_ms   INTEGER NOT NULL,
    sent_ms      INTEGER,
    PRIMARY KEY (tenant_id, id),
    UNIQUE (tenant_id, schedule_id, due_ms),
    FOREIGN KEY (tenant_id, schedule_id) REFERENCES report_schedules (tenant_id, id) ON DELETE CASCADE
);
