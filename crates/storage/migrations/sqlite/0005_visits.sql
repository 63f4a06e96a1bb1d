-- SQLite twin of migrations/postgres/0005_visits.sql.
-- Visits (拜访): check-in, check-out and report on one row, each part with the client's
-- action id and a digest of the body it came with, so a replay answers the first result
-- and a different body under the same id is refused. Report forms by version, photos,
-- device facts, and requests (attendance corrections, leave) waiting for approval.

-- A prospect created by a rep on the spot waits for a manager's approval.
ALTER TABLE customers ADD COLUMN status TEXT NOT NULL DEFAULT 'active'
    CHECK (status IN ('active', 'pending'));

-- Attendance punches gain the same exactly-once and evidence columns as visits.
ALTER TABLE attendance_punches ADD COLUMN digest TEXT;
ALTER TABLE attendance_punches ADD COLUMN device TEXT;
ALTER TABLE attendance_punches ADD COLUMN flags TEXT NOT NULL DEFAULT '[]';
ALTER TABLE attendance_punches ADD COLUMN photo_id BLOB;

-- Every version of a form; reports point at the version they were filled in.
CREATE TABLE forms (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    id          BLOB NOT NULL,
    version     INTEGER NOT NULL,
    name        TEXT NOT NULL,
    fields      TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id, version)
);

CREATE TABLE visits (
    tenant_id        BLOB NOT NULL,
    id               BLOB NOT NULL,
    employee_id      BLOB NOT NULL,
    customer_id      BLOB NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('planned', 'ad_hoc', 'prospect')),
    in_t_ms          BIGINT NOT NULL,
    in_offset_min    INTEGER,
    in_lat           REAL NOT NULL,
    in_lon           REAL NOT NULL,
    in_accuracy_m    REAL,
    in_status        TEXT NOT NULL CHECK (in_status IN ('within', 'outside', 'uncertain')),
    in_judgement     TEXT NOT NULL,
    in_flags         TEXT NOT NULL,
    in_device        TEXT,
    in_digest        TEXT NOT NULL,
    in_received_ms   BIGINT NOT NULL,
    out_id           BLOB,
    out_t_ms         BIGINT,
    out_offset_min   INTEGER,
    out_lat          REAL,
    out_lon          REAL,
    out_accuracy_m   REAL,
    out_judgement    TEXT,
    out_flags        TEXT,
    out_digest       TEXT,
    report_id        BLOB,
    report_form_id   BLOB,
    report_form_version INTEGER,
    report_answers   TEXT,
    report_t_ms      BIGINT,
    report_digest    TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
CREATE INDEX visits_by_person ON visits (tenant_id, employee_id, in_t_ms);
CREATE INDEX visits_by_customer ON visits (tenant_id, customer_id, in_t_ms);
CREATE INDEX visits_by_time ON visits (tenant_id, in_t_ms);

-- Photo files live under the data directory, named by tenant and id; the row keeps what
-- was learnt from the bytes (digest, perceptual hash, EXIF) and the flags raised.
CREATE TABLE photos (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    visit_id     BLOB,
    purpose      TEXT NOT NULL CHECK (purpose IN ('visit', 'attendance')),
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
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX photos_by_visit ON photos (tenant_id, visit_id);
CREATE INDEX photos_by_sha ON photos (tenant_id, sha256);

-- Which people used a device, and when last: `device_shared` evidence.
CREATE TABLE device_users (
    tenant_id    BLOB NOT NULL,
    device_key   TEXT NOT NULL,
    employee_id  BLOB NOT NULL,
    last_ms      BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, device_key, employee_id)
);

-- Attendance corrections and leave, stored as asked; approval comes with its own flow.
CREATE TABLE attendance_requests (
    tenant_id    BLOB NOT NULL,
    id           BLOB NOT NULL,
    employee_id  BLOB NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('correction', 'leave')),
    status       TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    from_date    TEXT NOT NULL,
    to_date      TEXT NOT NULL,
    body         TEXT NOT NULL,
    digest       TEXT NOT NULL,
    created_ms   BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
CREATE INDEX attendance_requests_by_person ON attendance_requests (tenant_id, employee_id, from_date);
