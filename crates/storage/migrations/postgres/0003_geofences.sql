-- Geofences (电子围栏): a circle (centre + radius) or polygons (GeoJSON, WGS-84).
CREATE TABLE geofences (
    tenant_id   UUID NOT NULL REFERENCES tenants (id),
    id          UUID NOT NULL,
    name        TEXT NOT NULL,
    center_lat  DOUBLE PRECISION,
    center_lon  DOUBLE PRECISION,
    radius_m    DOUBLE PRECISION,
    geojson     TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CHECK ((radius_m IS NULL) <> (geojson IS NULL))
);
