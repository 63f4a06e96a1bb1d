-- Issue 14: receipt photos and what each round of a request asked.

-- A photo's purpose gains `receipt` (an expense's receipt: hashed and compared like every
-- photo, never part of a visit or of a day's anti-cheat verdict). SQLite cannot change a
-- CHECK constraint, so the table is rebuilt with its rowids (the photo index's positions).
CREATE TABLE photos_0025 (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    visit_id     BLOB,
    purpose      TEXT NOT NULL CHECK (purpose IN ('visit', 'attendance', 'receipt')),
    t_ms         BIGINT NOT NULL,
    offset_min   INTEGER,
    lat          REAL,
    lon          REAL,
    sha256       TEXT NOT NULL,
    phash        BIGINT NOT NULL,
    format       TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    bytes        BIGINT NOT NULL,
    exif         TEXT,
    flags        TEXT NOT NULL,
    digest       TEXT NOT NULL,
    received_ms  BIGINT NOT NULL,
    capture      TEXT NOT NULL DEFAULT 'gallery' CHECK (capture IN ('camera', 'gallery')),
    band0        INTEGER,
    band1        INTEGER,
    band2        INTEGER,
    band3        INTEGER,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
INSERT INTO photos_0025 (rowid, tenant_id, id, employee_id, visit_id, purpose, t_ms, offset_min, lat, lon,
        sha256, phash, format, width, height, bytes, exif, flags, digest, received_ms, capture,
        band0, band1, band2, band3)
    SELECT rowid, tenant_id, id, employee_id, visit_id, purpose, t_ms, offset_min, lat, lon,
        sha256, phash, format, width, height, bytes, exif, flags, digest, received_ms, capture,
        band0, band1, band2, band3
    FROM photos;
DROP TABLE photos;
ALTER TABLE photos_0025 RENAME TO photos;
CREATE INDEX photos_by_visit ON photos (tenant_id, visit_id);
CREATE INDEX photos_by_sha ON photos (tenant_id, sha256);
CREATE INDEX photos_band0 ON photos (tenant_id, band0);
CREATE INDEX photos_band1 ON photos (tenant_id, band1);
CREATE INDEX photos_band2 ON photos (tenant_id, band2);
CREATE INDEX photos_band3 ON photos (tenant_id, band3);
CREATE INDEX photos_by_person ON photos (tenant_id, employee_id, t_ms);

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
    tenant_id    BLOB NOT NULL REFERENCES tenants (id),
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    kind         TEXT NOT NULL,
    dedupe       TEXT NOT NULL,
    request_id   BLOB,
    request_type TEXT,
    status       TEXT,
    claim_id     BLOB,
    actor_id     BLOB,
    created_ms   BIGINT NOT NULL,
    read_ms      BIGINT,
    PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX notifications_once ON notifications (tenant_id, employee_id, dedupe);
CREATE INDEX notifications_by_person ON notifications (tenant_id, employee_id, id);

-- How far each tenant's outbox has been turned into notifications.
CREATE TABLE notification_cursors (
    tenant_id  BLOB NOT NULL REFERENCES tenants (id),
    cursor_tx  BIGINT NOT NULL,
    cursor_seq BIGINT NOT NULL,
    PRIMARY KEY (tenant_id)
);
