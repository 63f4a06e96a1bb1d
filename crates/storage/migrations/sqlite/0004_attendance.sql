-- SQLite twin of migrations/postgres/0004_attendance.sql.
-- Field-execution rules by kind ('attendance', 'calendar', …) and scope ('tenant' or a
-- department id), stored as their validated JSON; and attendance punches.
CREATE TABLE rules (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    kind        TEXT NOT NULL,
    scope       TEXT NOT NULL,
    body        TEXT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, kind, scope)
);

-- One row per clock-in or clock-out; the client generates the id, so a retried request
-- from a phone that lost its answer stores nothing twice.
CREATE TABLE attendance_punches (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('clock_in', 'clock_out')),
    t_ms         BIGINT NOT NULL,
    offset_min   INTEGER,
    lat          REAL,
    lon          REAL,
    accuracy_m   REAL,
    judgement    TEXT NOT NULL,
    received_ms  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX attendance_punches_by_person ON attendance_punches (tenant_id, employee_id, t_ms);
