-- Mileage reimbursement and expense claims (issue 14). Money is integer minor units (fen);
-- the rules that produce it live in the pure `claims` crate, whose types are stored as JSON
-- where they are read whole (rate versions, computed claims, frozen snapshots).

-- The vehicle each person works with, from a local date on (until the next row).
CREATE TABLE vehicle_assignments (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    employee_id BLOB NOT NULL,
    from_date   TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('private_car', 'company_car', 'motorbike', 'none')),
    plate       TEXT,
    set_by      BLOB,
    set_ms      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, from_date)
);

-- A tenant's rate tables, one per scope (tenant / department / vehicle kind / both).
CREATE TABLE mileage_rate_tables (
    tenant_id     BLOB NOT NULL REFERENCES tenants (id),
    id            BLOB NOT NULL,
    department_id BLOB,
    vehicle       TEXT CHECK (vehicle IN ('private_car', 'company_car', 'motorbike', 'none')),
    currency      TEXT NOT NULL,
    created_ms    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);

-- Immutable, effective-dated versions of a table: `body` is a claims::RateVersion.
CREATE TABLE mileage_rate_versions (
    tenant_id      BLOB NOT NULL REFERENCES tenants (id),
    table_id       BLOB NOT NULL,
    version        BIGINT NOT NULL,
    effective_from TEXT NOT NULL,
    body           TEXT NOT NULL,
    created_by     BLOB,
    created_ms     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, table_id, version)
);

-- One claim per person and period. `status`: draft → submitted → approved | rejected →
-- paid; a rejected claim is edited and submitted again. `approval_id` is the approval
-- request that decides it once the approval engine runs claims (NULL: the single-step
-- decision). `claim` is the latest claims::Claim (recomputed while a draft); `snapshot`
-- the claims::ClaimSnapshot frozen at submission, never changed afterwards.
CREATE TABLE claims (
    tenant_id        BLOB NOT NULL REFERENCES tenants (id),
    id               BLOB NOT NULL,
    employee_id      BLOB NOT NULL,
    period           TEXT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'approved', 'rejected', 'paid')),
    currency         TEXT NOT NULL,
    mileage_minor    BIGINT NOT NULL,
    expenses_minor   BIGINT NOT NULL,
    total_minor      BIGINT NOT NULL,
    paid_m           BIGINT NOT NULL,
    rate_refs        TEXT NOT NULL,
    claim            TEXT NOT NULL,
    snapshot         TEXT,
    approval_id      BLOB,
    created_ms       BIGINT NOT NULL,
    created_by       BLOB,
    computed_ms      BIGINT NOT NULL,
    submitted_ms     BIGINT,
    submitted_by     BLOB,
    decided_ms       BIGINT,
    decided_by       BLOB,
    decision_comment TEXT,
    paid_ms          BIGINT,
    paid_by          BLOB,
    payout_id        BLOB,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX claims_one_per_period ON claims (tenant_id, employee_id, period);
CREATE INDEX claims_by_period ON claims (tenant_id, period, id);
CREATE INDEX claims_by_payout ON claims (tenant_id, payout_id) WHERE payout_id IS NOT NULL;

-- A rep's correction of one day's distance, the recorded figure kept on the line.
CREATE TABLE claim_adjustments (
    tenant_id BLOB NOT NULL REFERENCES tenants (id),
    claim_id  BLOB NOT NULL,
    day       TEXT NOT NULL,
    meters    BIGINT NOT NULL,
    reason    TEXT NOT NULL,
    by_id     BLOB,
    at_ms     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, claim_id, day)
);

-- Tolls, parking, fuel… on a claim. `receipt_hash` is the receipt photo's SHA-256: the
-- index finds an earlier claim of the same receipt anywhere in the tenant.
CREATE TABLE claim_expenses (
    tenant_id    BLOB NOT NULL REFERENCES tenants (id),
    id           BLOB NOT NULL,
    claim_id     BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    category     TEXT NOT NULL CHECK (category IN ('toll', 'parking', 'fuel', 'other')),
    amount_minor BIGINT NOT NULL,
    currency     TEXT NOT NULL,
    day          TEXT NOT NULL,
    photo_id     BLOB,
    receipt_hash TEXT,
    note         TEXT,
    digest       TEXT NOT NULL,
    created_by   BLOB,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX claim_expenses_by_claim ON claim_expenses (tenant_id, claim_id);
CREATE INDEX claim_expenses_by_receipt ON claim_expenses (tenant_id, receipt_hash) WHERE receipt_hash IS NOT NULL;

-- A payout batch: approved claims of one period marked paid under one reference.
CREATE TABLE payouts (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    id          BLOB NOT NULL,
    reference   TEXT NOT NULL,
    period      TEXT NOT NULL,
    currency    TEXT NOT NULL,
    total_minor BIGINT NOT NULL,
    claim_ids   TEXT NOT NULL,
    digest      TEXT NOT NULL,
    paid_by     BLOB,
    paid_ms     BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX payouts_by_reference ON payouts (tenant_id, reference);
