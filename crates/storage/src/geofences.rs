//! Geofences, stored as a circle or as WGS-84 GeoJSON and rebuilt through the same
//! validation as input, so a stored fence is always a valid one.

use crate::pool::{on_pool, write_on_pool};
use crate::time::{from_ms, now_ms};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use domain::TenantId;
use domain::customer::PointInput;
use domain::geofence::{Fence, GeofenceInput, Shape};
use domain::ids::GeofenceId;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq)]
pub struct StoredFence {
    pub id: GeofenceId,
    pub fence: Fence,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    center_lat: Option<f64>,
    center_lon: Option<f64>,
    radius_m: Option<f64>,
    geojson: Option<String>,
    created_at: i64,
    updated_at: i64,
}

impl Row {
    fn into_stored(self) -> Option<StoredFence> {
        let input = GeofenceInput {
            id: None,
            name: self.name,
            center: match (self.center_lat, self.center_lon) {
                (Some(lat), Some(lon)) => Some(PointInput {
                    lat,
                    lon,
                    coord_system: None,
                }),
                _ => None,
            },
            radius_m: self.radius_m,
            geojson: self.geojson.and_then(|g| serde_json::from_str(&g).ok()),
            coord_system: None,
        };
        Some(StoredFence {
            id: GeofenceId(self.id),
            fence: input.validate().ok()?,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
        })
    }
}

fn columns(f: &Fence) -> (Option<f64>, Option<f64>, Option<f64>, Option<String>) {
    match &f.shape {
        Shape::Circle { center, radius_m } => (
            Some(center.lat()),
            Some(center.lon()),
            Some(*radius_m),
            None,
        ),
        Shape::Polygons(_) => (None, None, None, f.geojson().map(|g| g.to_string())),
    }
}

const COLUMNS: &str = "id, name, center_lat, center_lon, radius_m, geojson, created_at, updated_at";

impl Store {
    /// Creates a fence; with a client-chosen id that exists, returns it and `false`.
    pub async fn create_geofence(
        &self,
        tenant: TenantId,
        id: Option<GeofenceId>,
        digest: Option<&str>,
        f: &Fence,
    ) -> Result<Option<StoredFence>, StoreError> {
        let id = id.unwrap_or_default();
        let (lat, lon, r, g) = columns(f);
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO geofences (tenant_id, id, name, center_lat, center_lon, radius_m, geojson, created_at, updated_at, body_digest)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&f.name)
            .bind(lat)
            .bind(lon)
            .bind(r)
            .bind(g)
            .bind(now_ms())
            .bind(digest)
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Ok(None);
        }
        Ok(Some(self.geofence(tenant, id).await?))
    }

    pub async fn update_geofence(
        &self,
        tenant: TenantId,
        id: GeofenceId,
        f: &Fence,
    ) -> Result<StoredFence, StoreError> {
        let (lat, lon, r, g) = columns(f);
        let n = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE geofences SET name = $3, center_lat = $4, center_lon = $5, radius_m = $6, geojson = $7, updated_at = $8
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(&f.name)
            .bind(lat)
            .bind(lon)
            .bind(r)
            .bind(g)
            .bind(now_ms())
            .execute(p)
            .await?
            .rows_affected()
        });
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        self.geofence(tenant, id).await
    }

    pub async fn geofence(
        &self,
        tenant: TenantId,
        id: GeofenceId,
    ) -> Result<StoredFence, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM geofences WHERE tenant_id = $1 AND id = $2");
        let row: Option<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id.0)
                .fetch_optional(p)
                .await?
        });
        row.and_then(Row::into_stored).ok_or(StoreError::NotFound)
    }

    pub async fn list_geofences(&self, tenant: TenantId) -> Result<Vec<StoredFence>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM geofences WHERE tenant_id = $1 ORDER BY name, id");
        let rows: Vec<Row> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .fetch_all(p)
                .await?
        });
        Ok(rows.into_iter().filter_map(Row::into_stored).collect())
    }

    pub async fn delete_geofence(
        &self,
        tenant: TenantId,
        id: GeofenceId,
    ) -> Result<(), StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM geofences WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .execute(p)
                .await?
                .rows_affected()
        });
        if n == 0 {
            Err(StoreError::NotFound)
        } else {
            Ok(())
        }
    }
}
