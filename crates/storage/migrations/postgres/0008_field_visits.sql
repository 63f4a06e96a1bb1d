-- Field actions without a fresh fix: a check-in may carry no position (it is judged
-- `uncertain` and flagged `no_fix`), so the check-in position becomes nullable.
-- `flags` is the visit's one flag set (domain::visit_flags), rewritten whenever a part
-- changes; the list, the detail and the `flag` filter read it. NULL: not computed yet
-- (a row written before this version), computed on first read.
ALTER TABLE visits ALTER COLUMN in_lat DROP NOT NULL;
ALTER TABLE visits ALTER COLUMN in_lon DROP NOT NULL;
ALTER TABLE visits ADD COLUMN flags TEXT;
-- The rep's open visit, found at once after a re-login (GET /me/today).
CREATE INDEX visits_open_by_person ON visits (tenant_id, employee_id, in_t_ms) WHERE out_id IS NULL;

-- How a photo came: `camera` (live, in the app) or `gallery` (picked from storage).
ALTER TABLE photos ADD COLUMN capture TEXT NOT NULL DEFAULT 'gallery'
    CHECK (capture IN ('camera', 'gallery'));
