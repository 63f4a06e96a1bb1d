-- SQLite twin of migrations/postgres/0008_field_visits.sql.
-- Field actions without a fresh fix: a check-in may carry no position (it is judged
-- `uncertain` and flagged `no_fix`), so the check-in position becomes nullable. SQLite
-- cannot drop NOT NULL in place: the table is rebuilt with every row and index kept
-- (no other table references visits, so the rename is safe with foreign keys on).
-- `flags` is the visit's one flag set (domain::visit_flags), rewritten whenever a part
-- changes; the list, the detail and the `flag` filter read it. NULL: not computed yet
-- (a row written before this version), computed on first read.
CREATE TABLE visits_0008 (
    tenant_id        BLOB NOT NULL,
    id               BLOB NOT NULL,
    employee_id      BLOB NOT NULL,
    customer_id      BLOB NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('planned', 'ad_hoc', 'prospect')),
    in_t_ms          BIGINT NOT NULL,
    in_offset_min    INTEGER,
    in_lat           REAL,
    in_lon           REAL,
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
    flags            TEXT,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id)
);
INSERT INTO visits_0008 (tenant_id, id, employee_id, customer_id, kind, in_t_ms, in_offset_min, in_lat, in_lon,
    in_accuracy_m, in_status, in_judgement, in_flags, in_device, in_digest, in_received_ms, out_id, out_t_ms,
    out_offset_min, out_lat, out_lon, out_accuracy_m, out_judgement, out_flags, out_digest, report_id,
    report_form_id, report_form_version, report_answers, report_t_ms, report_digest, flags)
SELECT tenant_id, id, employee_id, customer_id, kind, in_t_ms, in_offset_min, in_lat, in_lon,
    in_accuracy_m, in_status, in_judgement, in_flags, in_device, in_digest, in_received_ms, out_id, out_t_ms,
    out_offset_min, out_lat, out_lon, out_accuracy_m, out_judgement, out_flags, out_digest, report_id,
    report_form_id, report_form_version, report_answers, report_t_ms, report_digest, NULL
FROM visits;
DROP TABLE visits;
ALTER TABLE visits_0008 RENAME TO visits;
CREATE INDEX visits_by_person ON visits (tenant_id, employee_id, in_t_ms);
CREATE INDEX visits_by_customer ON visits (tenant_id, customer_id, in_t_ms);
CREATE INDEX visits_by_time ON visits (tenant_id, in_t_ms);
-- The rep's open visit, found at once after a re-login (GET /me/today).
CREATE INDEX visits_open_by_person ON visits (tenant_id, employee_id, in_t_ms) WHERE out_id IS NULL;

-- How a photo came: `camera` (live, in the app) or `gallery` (picked from storage).
ALTER TABLE photos ADD COLUMN capture TEXT NOT NULL DEFAULT 'gallery'
    CHECK (capture IN ('camera', 'gallery'));
