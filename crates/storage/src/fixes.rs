//! The append-only fix log, written in batches: one transaction per batch of requests
//! (group commit), multi-row inserts, and a re-sent fix ignored by its key.

use crate::pool::{Pool, on_pool};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::fix::{FixRecord, FixSource, Provider};
use domain::{DeviceId, EmployeeId, TenantId};
use uuid::Uuid;

/// One request's fixes for one person, with the local days they fall on (whose
/// summaries must be recomputed).
pub struct FixBatch {
    pub tenant: TenantId,
    pub employee: EmployeeId,
    pub device: Option<DeviceId>,
    pub source: FixSource,
    pub fixes: Vec<FixRecord>,
    pub days: Vec<String>,
}

/// Rows per SQLite INSERT: 1,000 rows × 16 values stays under its 32,766 parameters.
const ROWS_PER_STATEMENT: usize = 1000;

/// A multi-row INSERT of one chunk for SQLite, with anonymous `?` placeholders and the
/// receive time bound on every row: SQLite looks named parameters (`$n`) up by a linear
/// scan, which made a 1,000-row statement with 16,000 of them take ~400 ms to bind.
fn sqlite_insert<'a>(b: &'a FixBatch, chunk: &'a [FixRecord], now: i64) -> SqliteQuery<'a> {
    let mut sql = String::from(
        "INSERT INTO fixes (tenant_id, employee_id, t_ms, offset_min, lat, lon, accuracy_m, speed_mps, \
         bearing_deg, altitude_m, provider, mock, battery, source, device_id, received_ms) VALUES ",
    );
    sql.push_str(&vec!["(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"; chunk.len()].join(","));
    sql.push_str(" ON CONFLICT (tenant_id, employee_id, t_ms) DO NOTHING");
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for f in chunk {
        q = q
            .bind(b.tenant.0)
            .bind(b.employee.0)
            .bind(f.t_ms)
            .bind(f.offset_min)
            .bind(f.lat)
            .bind(f.lon)
            .bind(f.accuracy_m)
            .bind(f.speed_mps)
            .bind(f.bearing_deg)
            .bind(f.altitude_m)
            .bind(f.provider.as_str())
            .bind(f.mock)
            .bind(f.battery)
            .bind(b.source.as_str())
            .bind(b.device.map(|d| d.0))
            .bind(now);
    }
    q
}

type SqliteQuery<'a> =
    sqlx::query::Query<'a, sqlx::Sqlite, <sqlx::Sqlite as sqlx::Database>::Arguments>;
type PgQuery<'a> =
    sqlx::query::Query<'a, sqlx::Postgres, <sqlx::Postgres as sqlx::Database>::Arguments>;

/// The PostgreSQL insert of one batch in one statement: per-fix values as arrays that
/// UNNEST turns into rows, per-batch values as scalars. Parsing a VALUES list with 16,000
/// placeholders cost PostgreSQL more than the insert itself.
fn pg_unnest(b: &FixBatch, now: i64) -> PgQuery<'static> {
    let col = |f: fn(&FixRecord) -> Option<f32>| b.fixes.iter().map(f).collect::<Vec<_>>();
    sqlx::query(
        "INSERT INTO fixes (tenant_id, employee_id, t_ms, offset_min, lat, lon, accuracy_m, speed_mps,
            bearing_deg, altitude_m, provider, mock, battery, source, device_id, received_ms)
         SELECT $1, $2, u.t, u.o, u.lat, u.lon, u.acc, u.speed, u.bearing, u.alt, u.prov, u.mock, u.batt, $14, $15, $16
         FROM UNNEST($3::int8[], $4::int2[], $5::float8[], $6::float8[], $7::float4[], $8::float4[], $9::float4[],
                     $10::float4[], $11::text[], $12::bool[], $13::float4[])
              AS u(t, o, lat, lon, acc, speed, bearing, alt, prov, mock, batt)
         ON CONFLICT (tenant_id, employee_id, t_ms) DO NOTHING",
    )
    .bind(b.tenant.0)
    .bind(b.employee.0)
    .bind(b.fixes.iter().map(|f| f.t_ms).collect::<Vec<_>>())
    .bind(b.fixes.iter().map(|f| f.offset_min).collect::<Vec<_>>())
    .bind(b.fixes.iter().map(|f| f.lat).collect::<Vec<_>>())
    .bind(b.fixes.iter().map(|f| f.lon).collect::<Vec<_>>())
    .bind(col(|f| f.accuracy_m))
    .bind(col(|f| f.speed_mps))
    .bind(col(|f| f.bearing_deg))
    .bind(col(|f| f.altitude_m))
    .bind(b.fixes.iter().map(|f| f.provider.as_str().to_owned()).collect::<Vec<_>>())
    .bind(b.fixes.iter().map(|f| f.mock).collect::<Vec<_>>())
    .bind(col(|f| f.battery))
    .bind(b.source.as_str())
    .bind(b.device.map(|d| d.0))
    .bind(now)
}

/// After a batch's fixes: the newest position for the live map and the days to summarise.
/// Written the same way on both engines, inside the batch's transaction.
macro_rules! side_writes {
    ($tx:ident, $b:expr, $n:expr, $now:expr) => {{
        let b: &FixBatch = $b;
        if $n > 0 {
            if let Some(last) = b.fixes.iter().max_by_key(|f| f.t_ms) {
                sqlx::query(
                    "INSERT INTO last_fixes (tenant_id, employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                     ON CONFLICT (tenant_id, employee_id) DO UPDATE SET t_ms = excluded.t_ms, lat = excluded.lat,
                        lon = excluded.lon, accuracy_m = excluded.accuracy_m, speed_mps = excluded.speed_mps,
                        received_ms = excluded.received_ms
                     WHERE excluded.t_ms > last_fixes.t_ms",
                )
                .bind(b.tenant.0)
                .bind(b.employee.0)
                .bind(last.t_ms)
                .bind(last.lat)
                .bind(last.lon)
                .bind(last.accuracy_m)
                .bind(last.speed_mps)
                .bind($now)
                .execute(&mut *$tx)
                .await?;
            }
            for day in &b.days {
                let job = $crate::track_days::day_job(b.tenant, b.employee, day);
                $crate::jobs::enqueue_job!($tx, &job);
            }
        }
    }};
}

#[derive(sqlx::FromRow)]
struct Row {
    t_ms: i64,
    offset_min: Option<i16>,
    lat: f64,
    lon: f64,
    accuracy_m: Option<f32>,
    speed_mps: Option<f32>,
    bearing_deg: Option<f32>,
    altitude_m: Option<f32>,
    provider: String,
    mock: bool,
    battery: Option<f32>,
}

#[derive(sqlx::FromRow)]
struct LastRow {
    employee_id: Uuid,
    t_ms: i64,
    lat: f64,
    lon: f64,
    accuracy_m: Option<f32>,
    speed_mps: Option<f32>,
    received_ms: i64,
}

/// The newest fix of a person, for the live map.
#[derive(Clone, Debug, PartialEq)]
pub struct LastFix {
    pub employee: EmployeeId,
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
    pub speed_mps: Option<f32>,
    pub received_ms: i64,
}

impl Store {
    /// Writes every batch in one transaction and returns, per batch, how many fixes were
    /// new (the rest were already stored). Nothing is acknowledged before the commit.
    pub async fn insert_fix_batches(&self, batches: &[FixBatch]) -> Result<Vec<u64>, StoreError> {
        let now = now_ms();
        let mut inserted = Vec::with_capacity(batches.len());
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut tx = p.begin_with("BEGIN IMMEDIATE").await?;
                for b in batches {
                    let mut n = 0;
                    for chunk in b.fixes.chunks(ROWS_PER_STATEMENT) {
                        n += sqlite_insert(b, chunk, now)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                    side_writes!(tx, b, n, now);
                    inserted.push(n);
                }
                tx.commit().await?;
            }
            Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                for b in batches {
                    let n = match b.fixes.is_empty() {
                        true => 0,
                        false => pg_unnest(b, now).execute(&mut *tx).await?.rows_affected(),
                    };
                    side_writes!(tx, b, n, now);
                    inserted.push(n);
                }
                tx.commit().await?;
            }
        }
        Ok(inserted)
    }

    /// A person's fixes with `from_ms <= t < to_ms`, oldest first.
    pub async fn fixes_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<FixRecord>, StoreError> {
        let rows: Vec<Row> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT t_ms, offset_min, lat, lon, accuracy_m, speed_mps, bearing_deg, altitude_m, provider, mock, battery
                 FROM fixes WHERE tenant_id = $1 AND employee_id = $2 AND t_ms >= $3 AND t_ms < $4 ORDER BY t_ms",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from_ms)
            .bind(to_ms)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| FixRecord {
                t_ms: r.t_ms,
                offset_min: r.offset_min,
                lat: r.lat,
                lon: r.lon,
                accuracy_m: r.accuracy_m,
                speed_mps: r.speed_mps,
                bearing_deg: r.bearing_deg,
                altitude_m: r.altitude_m,
                provider: Provider::parse(&r.provider).unwrap_or(Provider::Unknown),
                mock: r.mock,
                battery: r.battery,
            })
            .collect())
    }

    /// The newest fix of every person of the tenant that has one.
    pub async fn last_fixes(&self, tenant: TenantId) -> Result<Vec<LastFix>, StoreError> {
        let rows: Vec<LastRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms FROM last_fixes WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|r| LastFix {
                employee: EmployeeId(r.employee_id),
                t_ms: r.t_ms,
                lat: r.lat,
                lon: r.lon,
                accuracy_m: r.accuracy_m,
                speed_mps: r.speed_mps,
                received_ms: r.received_ms,
            })
            .collect())
    }

    /// The newest fix of one person, if any.
    pub async fn last_fix(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Option<LastFix>, StoreError> {
        let row: Option<LastRow> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms FROM last_fixes
                 WHERE tenant_id = $1 AND employee_id = $2",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_optional(p)
            .await?
        });
        Ok(row.map(|r| LastFix {
            employee: EmployeeId(r.employee_id),
            t_ms: r.t_ms,
            lat: r.lat,
            lon: r.lon,
            accuracy_m: r.accuracy_m,
            speed_mps: r.speed_mps,
            received_ms: r.received_ms,
        }))
    }

    /// Deletes fixes older than `cutoff_ms` (retention); returns how many went.
    /// Retention: deletes a tenant's fixes taken before `cutoff_ms`.
    pub async fn delete_tenant_fixes_before(
        &self,
        tenant: TenantId,
        cutoff_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query("DELETE FROM fixes WHERE tenant_id = $1 AND t_ms < $2")
                .bind(tenant.0)
                .bind(cutoff_ms)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }
}
