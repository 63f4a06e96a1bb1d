-- Integration keys: an optional expiry and a per-key rate limit (requests per minute;
-- NULL takes the tenant's default, and a NULL tenant default the server's).
-- Scopes keep their names: the families added beside them need no mapping.
ALTER TABLE api_keys ADD COLUMN expires_at BIGINT;
ALTER TABLE api_keys ADD COLUMN rate_limit_per_minute BIGINT;
ALTER TABLE tenants ADD COLUMN api_key_rate_limit BIGINT;

-- Visits get `updated_at` for incremental reads (`GET /api/v1/visits?updated_since=`):
-- set by check-in, check-out, report and a photo. Existing visits
-- take the newest of the times they were last written.
ALTER TABLE visits ADD COLUMN updated_at BIGINT NOT NULL DEFAULT 0;
UPDATE visits SET updated_at = GREATEST(in_received_ms, COALESCE(out_received_ms, 0), COALESCE(report_t_ms, 0));
CREATE INDEX visits_updated ON visits (tenant_id, updated_at, id);
