-- Reports and insights (issue 15): facts kept current by the `report_facts` job, the
-- department each person was in before a move, and the tenant's report settings.

-- One row per field rep and local day: `reports::facts::PersonDay` as JSON (`fact`, without
-- its visits, which are in `visit_rows` so a report that does not list visits reads less),
-- with the columns reports filter and sort on beside it. Always recomputed from the full
-- inputs of the day, never incremented; a rebuild writes the same rows.
CREATE TABLE report_person_days (
    tenant_id         UUID NOT NULL,
    employee_id       UUID NOT NULL,
    day               TEXT COLLATE "C" NOT NULL,
    -- The department the person was in on that day.
    department_id     UUID NOT NULL,
    day_type          TEXT NOT NULL CHECK (day_type IN ('workday', 'day_off', 'holiday')),
    attendance_status TEXT,
    visits            INTEGER NOT NULL,
    completed_visits  INTEGER NOT NULL,
    planned_visits    INTEGER NOT NULL,
    planned_done      INTEGER NOT NULL,
    total_m           DOUBLE PRECISION,
    work_m            DOUBLE PRECISION,
    integrity_level   TEXT,
    fact              TEXT NOT NULL,
    visit_rows        TEXT NOT NULL,
    computed_ms       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, day),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX report_person_days_by_day ON report_person_days (tenant_id, day, department_id);

-- One row per customer and calendar month (`YYYY-MM`): `reports::facts::CustomerPeriod`,
-- every field a column (coverage reads tens of thousands of them per request).
CREATE TABLE report_customer_months (
    tenant_id            UUID NOT NULL,
    customer_id          UUID NOT NULL,
    month                TEXT COLLATE "C" NOT NULL,
    owner_id             UUID,
    level                TEXT NOT NULL,
    -- JSON array of the customer's tags.
    tags                 TEXT NOT NULL,
    visits               INTEGER NOT NULL,
    visitors             INTEGER NOT NULL,
    due_visits           INTEGER NOT NULL,
    due_met              INTEGER NOT NULL,
    last_visit           TEXT,
    outcome_sum          DOUBLE PRECISION,
    visits_with_outcome  INTEGER NOT NULL,
    computed_ms          BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, customer_id, month),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX report_customer_months_by_month ON report_customer_months (tenant_id, month);

-- Where a person was before each move: days before `until_day` (the mover's local date of
-- the move) belong to `department_id`, unless an earlier row covers them. A person's
-- department on a day is that of the first row with `until_day` after it, else the
-- current one. Two moves on one day keep the first department (the second held no day).
CREATE TABLE employee_department_moves (
    tenant_id      UUID NOT NULL,
    employee_id    UUID NOT NULL,
    until_day      TEXT COLLATE "C" NOT NULL,
    department_id  UUID NOT NULL,
    moved_ms       BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, until_day),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);

-- The tenant's insight thresholds (`reports::insights::InsightSettings` as JSON) and the
-- report-form field whose number is a visit's outcome; no row: the defaults, no outcome.
CREATE TABLE report_settings (
    tenant_id      UUID PRIMARY KEY REFERENCES tenants (id),
    insights       TEXT NOT NULL,
    outcome_field  TEXT,
    updated_ms     BIGINT NOT NULL
);

-- When a request was decided, for the approval-turnaround report (requests decided before
-- this migration have none).
ALTER TABLE attendance_requests ADD COLUMN decided_ms BIGINT;
