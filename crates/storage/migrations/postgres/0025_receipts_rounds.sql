-- Issue 14: receipt photos and what each round of a request asked.

-- A photo's purpose gains `receipt` (an expense's receipt: hashed and compared like every
-- photo, never part of a visit or of a day's anti-cheat verdict).
ALTER TABLE photos DROP CONSTRAINT photos_purpose_check;
ALTER TABLE photos ADD CONSTRAINT photos_purpose_check
    CHECK (purpose IN ('visit', 'attendance', 'receipt'));

-- What a submission or resubmission asked (the payload and the figures a list shows), on
-- its event, so a request edited when resubmitted keeps each earlier round's version.
-- NULL on other events and on events stored before this migration.
ALTER TABLE approval_events ADD COLUMN payload TEXT;
ALTER TABLE approval_events ADD COLUMN summary TEXT;

-- In-app notifications: what a person should see (a request waits for them, was decided,
-- a reminder, their claim was paid), filled by the `notifications` job from the outbox
-- events. `dedupe` names the fact (`wait:<request>:<round>:<step>`, …) so a job run
-- twice, or two events about the same wait, notify once.
CREATE TABLE notifications (
    tenant_id    UUID NOT NULL REFERENCES tenants (id),
    id           UUID NOT NULL,
    employee_id  UUID NOT NULL,
    kind         TEXT NOT NULL,
    dedupe       TEXT COLLATE "C" NOT NULL,
    request_id   UUID,
    request_type TEXT,
    status       TEXT,
    claim_id     UUID,
    actor_id     UUID,
    created_ms   BIGINT NOT NULL,
    read_ms      BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX notifications_once ON notifications (tenant_id, employee_id, dedupe);
CREATE INDEX notifications_by_person ON notifications (tenant_id, employee_id, id);

-- How far each tenant's outbox has been turned into notifications.
CREATE TABLE notification_cursors (
    tenant_id  UUID NOT NULL REFERENCES tenants (id),
    cursor_tx  BIGINT NOT NULL,
    cursor_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id)
);
