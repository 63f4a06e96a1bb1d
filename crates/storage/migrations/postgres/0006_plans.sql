-- Visit plans: one row per rep and local day. Generation writes drafts (never touching a
-- published day); managers edit and publish; the rep reads the published day in order.
CREATE TABLE plans (
    tenant_id     UUID NOT NULL,
    employee_id   UUID NOT NULL,
    date          TEXT NOT NULL,
    status        TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    -- Ordered stops with planned times and why each customer was due (JSON array).
    stops         TEXT NOT NULL,
    start_lat     DOUBLE PRECISION NOT NULL,
    start_lon     DOUBLE PRECISION NOT NULL,
    km            DOUBLE PRECISION NOT NULL,
    updated_ms    BIGINT NOT NULL,
    published_ms  BIGINT,
    PRIMARY KEY (tenant_id, employee_id, date),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX plans_by_date ON plans (tenant_id, date);
