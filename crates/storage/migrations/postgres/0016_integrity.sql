-- The anti-cheat centre (issue 13): one verdict per rep-day, its review and appeal, the
-- tenant's settings, and what the verdict job reads as history without scanning.

-- One row per rep and local day. `revision` counts the verdict's changes (1, 2, …): a
-- recomputation that answers the same level, score and reasons keeps it, anything else
-- makes a new revision and reopens the day. A review and an appeal each name the
-- revision they were about; `status` is kept in step so the queue filters on it.
CREATE TABLE integrity_days (
    tenant_id        UUID NOT NULL,
    employee_id      UUID NOT NULL,
    day              TEXT COLLATE "C" NOT NULL,
    checks_version   INTEGER NOT NULL,
    revision         INTEGER NOT NULL,
    level            TEXT NOT NULL CHECK (level IN ('clean', 'review', 'likely_cheat')),
    score            DOUBLE PRECISION NOT NULL,
    reasons          TEXT NOT NULL,
    signature        TEXT NOT NULL,
    computed_ms      BIGINT NOT NULL,
    changed_ms       BIGINT NOT NULL,
    status           TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'dismissed', 'appealed')),
    review_decision  TEXT CHECK (review_decision IN ('confirmed', 'dismissed')),
    review_note      TEXT,
    review_by        UUID,
    review_ms        BIGINT,
    review_revision  INTEGER,
    appeal_text      TEXT,
    appeal_photo_ids TEXT,
    appeal_ms        BIGINT,
    appeal_revision  INTEGER,
    PRIMARY KEY (tenant_id, employee_id, day),
    FOREIGN KEY (tenant_id, employee_id) REFERENCES employees (tenant_id, id)
);
-- The queue, newest day first, and the team's recent signatures.
CREATE INDEX integrity_days_by_day ON integrity_days (tenant_id, day, employee_id);

-- The tenant's integrity::Settings as JSON; no row: the defaults.
CREATE TABLE integrity_settings (
    tenant_id   UUID PRIMARY KEY REFERENCES tenants (id),
    body        TEXT NOT NULL,
    updated_ms  BIGINT NOT NULL
);

-- Every field action that named its device (punches, check-ins, check-outs): who used
-- which device when, found by device for proxy punching.
CREATE TABLE integrity_device_uses (
    tenant_id    UUID NOT NULL,
    action_id    UUID NOT NULL,
    device_key   TEXT COLLATE "C" NOT NULL,
    employee_id  UUID NOT NULL,
    t_ms         BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, action_id)
);
CREATE INDEX integrity_device_uses_by_device ON integrity_device_uses (tenant_id, device_key, t_ms);
INSERT INTO integrity_device_uses (tenant_id, action_id, device_key, employee_id, t_ms)
SELECT tenant_id, id, btrim(device::json->>'id'), employee_id, t_ms FROM attendance_punches
WHERE device IS NOT NULL AND btrim(COALESCE(device::json->>'id', '')) <> ''
ON CONFLICT DO NOTHING;
INSERT INTO integrity_device_uses (tenant_id, action_id, device_key, employee_id, t_ms)
SELECT tenant_id, id, btrim(in_device::json->>'id'), employee_id, in_t_ms FROM visits
WHERE in_device IS NOT NULL AND btrim(COALESCE(in_device::json->>'id', '')) <> ''
ON CONFLICT DO NOTHING;

-- The check-out's device facts and receive time, as the check-in has them.
ALTER TABLE visits ADD COLUMN out_device TEXT;
ALTER TABLE visits ADD COLUMN out_received_ms BIGINT;

-- The perceptual hash's four 16-bit bands (integrity::phash_bands), each indexed: two
-- hashes within 3 bits share a band, so reuse candidates are four index lookups.
ALTER TABLE photos ADD COLUMN band0 INTEGER;
ALTER TABLE photos ADD COLUMN band1 INTEGER;
ALTER TABLE photos ADD COLUMN band2 INTEGER;
ALTER TABLE photos ADD COLUMN band3 INTEGER;
UPDATE photos SET band0 = (phash & 65535)::int, band1 = ((phash >> 16) & 65535)::int,
    band2 = ((phash >> 32) & 65535)::int, band3 = ((phash >> 48) & 65535)::int;
CREATE INDEX photos_band0 ON photos (tenant_id, band0);
CREATE INDEX photos_band1 ON photos (tenant_id, band1);
CREATE INDEX photos_band2 ON photos (tenant_id, band2);
CREATE INDEX photos_band3 ON photos (tenant_id, band3);
-- The day's photos of a person.
CREATE INDEX photos_by_person ON photos (tenant_id, employee_id, t_ms);
