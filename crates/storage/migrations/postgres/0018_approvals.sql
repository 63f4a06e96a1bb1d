-- The approval-flow engine (issue 14, item 4). The rules are the pure `approvals` crate's;
-- its types are stored as JSON where they are read whole (flow definitions, exception
-- rules, the instance snapshot, each event).

-- A tenant's flow per request type, one row per version: every PUT adds version + 1 and
-- never changes an earlier one, so a request pinned to its version routes the same way
-- however the flow changes afterwards. `body` is an approvals::FlowDefinition.
CREATE TABLE approval_flows (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    request_type TEXT COLLATE "C" NOT NULL,
    version      BIGINT NOT NULL,
    body         TEXT NOT NULL,
    created_by   UUID,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, request_type, version)
);

-- The tenant's exception rules (approvals::ExceptionRules) and reminder delay (0: none).
-- No row: the engine's defaults and 24 hours.
CREATE TABLE approval_settings (
    tenant_id          UUID NOT NULL REFERENCES tenants (id),
    rules              TEXT NOT NULL,
    remind_after_hours BIGINT NOT NULL,
    updated_by         UUID,
    updated_ms         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id)
);

-- One request going through a flow. `state` is the approvals::Instance after the first
-- `seq` events of `approval_events` (a snapshot: readers never replay; a command is a
-- compare-and-set on `seq`). `subject_id` is what the request decides (the claim, the
-- leave or correction row, which shares the request's id); `payload` what was asked,
-- `summary` the few figures a list shows (amount, dates).
CREATE TABLE approval_requests (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    id           UUID NOT NULL,
    request_type TEXT COLLATE "C" NOT NULL,
    submitter_id UUID NOT NULL,
    subject_id   UUID,
    payload      TEXT NOT NULL,
    summary      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('in_progress', 'approved', 'rejected', 'withdrawn')),
    flow_version BIGINT NOT NULL,
    round        BIGINT NOT NULL,
    state        TEXT NOT NULL,
    seq          BIGINT NOT NULL,
    digest       TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    updated_ms   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX approval_requests_by_submitter ON approval_requests (tenant_id, submitter_id, id);
CREATE INDEX approval_requests_by_status ON approval_requests (tenant_id, status, id);
CREATE UNIQUE INDEX approval_requests_by_subject ON approval_requests (tenant_id, subject_id)
    WHERE subject_id IS NOT NULL;

-- The append-only log of each request: `body` is one approvals::Event. Never updated.
CREATE TABLE approval_events (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    request_id UUID NOT NULL,
    seq        BIGINT NOT NULL,
    round      BIGINT NOT NULL,
    at_ms      BIGINT NOT NULL,
    actor_id   UUID,
    kind       TEXT NOT NULL,
    body       TEXT NOT NULL,
    PRIMARY KEY (tenant_id, request_id, seq)
);

-- Who can act on which open request now (the inbox), rewritten with every change of the
-- request; `since_ms` is when their oldest open seat started waiting.
CREATE TABLE approval_waiting (
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    employee_id UUID NOT NULL,
    request_id  UUID NOT NULL,
    since_ms    BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, employee_id, request_id)
);
CREATE INDEX approval_waiting_by_request ON approval_waiting (tenant_id, request_id);

-- Leave and corrections now go through the engine, which lets the submitter withdraw
-- them: the status gains `withdrawn`. Rows stored before keep their status (and a
-- pending one without a request keeps the single decision by a manager).
ALTER TABLE attendance_requests DROP CONSTRAINT attendance_requests_status_check;
ALTER TABLE attendance_requests ADD CONSTRAINT attendance_requests_status_check
    CHECK (status IN ('pending', 'approved', 'rejected', 'withdrawn'));
