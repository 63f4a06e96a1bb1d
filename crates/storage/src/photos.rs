//! Photo records: what was learnt from the bytes (the files themselves live on disk, the
//! server's business) and the flags raised; and which people used which device.

use crate::pool::{Pool, on_pool, write_tx};
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredPhoto {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub visit_id: Option<Uuid>,
    /// `visit` or `attendance`.
    pub purpose: String,
    pub t_ms: i64,
    pub offset_min: Option<i16>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub sha256: String,
    /// The 64-bit perceptual hash, its bits stored as a signed integer.
    pub phash: i64,
    pub format: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub exif: Option<String>,
    pub flags: String,
    pub digest: String,
    pub received_ms: i64,
    /// `camera` (a live capture in the app) or `gallery`.
    pub capture: String,
}

pub(crate) const COLUMNS: &str = "id, employee_id, visit_id, purpose, t_ms, offset_min, lat, lon, sha256, phash, format, \
                       width, height, bytes, exif, flags, digest, received_ms, capture";

impl Store {
    /// Stores a photo record unless its id exists; returns the stored one and whether new.
    /// A new photo enqueues the verdict of its local `day` (`YYYY-MM-DD`); its
    /// perceptual hash's bands are indexed for reuse search.
    ///
    /// With a `device` key, records this use of the device; with `visit_flags`, stores
    /// the photo's visit's new flag set when it still applies, and says so.
    pub async fn insert_photo(
        &self,
        tenant: TenantId,
        p: &StoredPhoto,
        day: &str,
        device: Option<&str>,
        visit_flags: Option<&crate::FlagWrite>,
    ) -> Result<(StoredPhoto, bool, bool), StoreError> {
        let band = |i| i64::from(crate::integrity::band_of(p.phash as u64, i));
        let n = write_tx!(self, |tx| {
            let n = sqlx::query(
                "INSERT INTO photos (tenant_id, id, employee_id, visit_id, purpose, t_ms, offset_min, lat, lon, sha256,
                    phash, format, width, height, bytes, exif, flags, digest, received_ms, capture,
                    band0, band1, band2, band3)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20,
                    $21, $22, $23, $24)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(p.id)
            .bind(p.employee_id)
            .bind(p.visit_id)
            .bind(&p.purpose)
            .bind(p.t_ms)
            .bind(p.offset_min)
            .bind(p.lat)
            .bind(p.lon)
            .bind(&p.sha256)
            .bind(p.phash)
            .bind(&p.format)
            .bind(p.width)
            .bind(p.height)
            .bind(p.bytes)
            .bind(&p.exif)
            .bind(&p.flags)
            .bind(&p.digest)
            .bind(p.received_ms)
            .bind(&p.capture)
            .bind(band(0))
            .bind(band(1))
            .bind(band(2))
            .bind(band(3))
            .execute(&mut *tx)
            .await?
            .rows_affected();
            let mut flagged = false;
            if n > 0
                && let Some(visit) = p.visit_id
            {
                // A visit's photos are part of it: a sync by `updated_since` sees it again.
                sqlx::query("UPDATE visits SET updated_at = $3 WHERE tenant_id = $1 AND id = $2")
                    .bind(tenant.0)
                    .bind(visit)
                    .bind(crate::time::now_ms())
                    .execute(&mut *tx)
                    .await?;
            }
            if n > 0 {
                let employee = EmployeeId(p.employee_id);
                let job = crate::integrity::integrity_job(tenant, employee, day);
                crate::jobs::enqueue_job!(tx, &job);
                if let Some(key) = device {
                    crate::photos::note_device_use!(tx, tenant, key, employee, p.t_ms);
                }
                if let (Some(visit), Some(f)) = (p.visit_id, visit_flags) {
                    flagged = crate::visits::write_flags!(tx, tenant, visit, f);
                }
            }
            (n, flagged)
        });
        let (n, flagged) = n;
        Ok((self.photo(tenant, p.id).await?, n > 0, flagged))
    }

    pub async fn photo(&self, tenant: TenantId, id: Uuid) -> Result<StoredPhoto, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM photos WHERE tenant_id = $1 AND id = $2");
        let row: Option<StoredPhoto> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// A visit's photos, in the order they were taken.
    pub async fn visit_photos(
        &self,
        tenant: TenantId,
        visit: Uuid,
    ) -> Result<Vec<StoredPhoto>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM photos WHERE tenant_id = $1 AND visit_id = $2 ORDER BY t_ms, id"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(visit)
                .fetch_all(p)
                .await?
        }))
    }

    /// Every earlier photo of the tenant as (id, SHA-256, perceptual hash), for reuse
    /// checks. A scan: fine for the photo counts of one tenant's months; an index on hash
    /// bands is the next step when it is not.
    /// A stored photo of the tenant with exactly these bytes (the indexed SHA-256), if any.
    pub async fn photo_with_sha256(
        &self,
        tenant: TenantId,
        sha256: &str,
    ) -> Result<Option<Uuid>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar("SELECT id FROM photos WHERE tenant_id = $1 AND sha256 = $2 LIMIT 1")
                .bind(tenant.0)
                .bind(sha256)
                .fetch_optional(p)
                .await?
        }))
    }

    /// The perceptual hashes of the tenant's photos stored after position `after`, with
    /// their positions, oldest first. Positions grow with each insert (SQLite's rowid,
    /// PostgreSQL's `seq`); on PostgreSQL two inserts may commit out of order, so a
    /// caller keeping up incrementally re-reads a margin behind its last position.
    pub async fn photo_phashes_after(
        &self,
        tenant: TenantId,
        after: i64,
    ) -> Result<Vec<(i64, Uuid, i64)>, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(p) => {
                sqlx::query_as(
                    "SELECT rowid, id, phash FROM photos WHERE tenant_id = $1 AND rowid > $2 ORDER BY rowid",
                )
                .bind(tenant.0)
                .bind(after)
                .fetch_all(p)
                .await?
            }
            Pool::Postgres(p) => {
                sqlx::query_as(
                    "SELECT seq, id, phash FROM photos WHERE tenant_id = $1 AND seq > $2 ORDER BY seq",
                )
                .bind(tenant.0)
                .bind(after)
                .fetch_all(p)
                .await?
            }
        })
    }

    /// The other people who used the device, with when they last did. Read before an
    /// action's transaction, which then records this use ([`note_device_use`]): two
    /// people's actions on one phone in the same instant could miss each other here, and
    /// the day's verdict, which reads every use, still sees them.
    pub async fn device_others(
        &self,
        tenant: TenantId,
        device_key: &str,
        employee: EmployeeId,
    ) -> Result<Vec<(EmployeeId, i64)>, StoreError> {
        let others: Vec<(Uuid, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT employee_id, last_ms FROM device_users
                 WHERE tenant_id = $1 AND device_key = $2 AND employee_id <> $3",
            )
            .bind(tenant.0)
            .bind(device_key)
            .bind(employee.0)
            .fetch_all(p)
            .await?
        });
        Ok(others
            .into_iter()
            .map(|(e, t)| (EmployeeId(e), t))
            .collect())
    }
}

/// Inside an action's transaction: `employee` used the device `key` at `t_ms`.
macro_rules! note_device_use {
    ($tx:expr, $tenant:expr, $key:expr, $employee:expr, $t_ms:expr) => {{
        sqlx::query(
            "INSERT INTO device_users (tenant_id, device_key, employee_id, last_ms) VALUES ($1, $2, $3, $4)
             ON CONFLICT (tenant_id, device_key, employee_id)
             DO UPDATE SET last_ms = CASE WHEN excluded.last_ms > device_users.last_ms
                 THEN excluded.last_ms ELSE device_users.last_ms END",
        )
        .bind($tenant.0)
        .bind($key)
        .bind($employee.0)
        .bind($t_ms)
        .execute(&mut *$tx)
        .await?;
    }};
}
pub(crate) use note_device_use;
