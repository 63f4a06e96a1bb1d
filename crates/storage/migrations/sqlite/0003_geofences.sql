-- SQLite twin of migrations/postgres/0003_geofences.sql.
-- Geofences (电子围栏): a circle (centre + radius) or polygons (GeoJSON, WGS-84).
CREATE TABLE geofences (
    tenant_id   BLOB NOT NULL REFERENCES tenants (id),
    id          BLOB NOT NULL,
    name        TEXT NOT NULL,
    center_lat  REAL,
    center_lon  REAL,
    radius_m    REAL,
    geojson     TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((radius_m IS NULL) <> (geojson IS NULL))
);
