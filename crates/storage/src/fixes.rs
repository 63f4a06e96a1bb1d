//! The append-only fix log, written in batches: one transaction per batch of requests
//! (group commit), multi-row inserts, and a re-sent fix ignored by its key.

use crate::fix_group::{FixKey, Group, GroupRow, SideWrites, cacheable_chunks};
use crate::job_batch;
use crate::pool::{Pool, on_pool, write_on_pool};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::fix::{FixRecord, FixSource, Provider};
use domain::{DeviceId, EmployeeId, TenantId};
use std::collections::HashSet;
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

const INSERT_COLUMNS: &str = "INSERT INTO fixes (tenant_id, employee_id, t_ms, offset_min, lat, lon, accuracy_m, \
    speed_mps, bearing_deg, altitude_m, provider, mock, battery, source, device_id, received_ms)";

/// A multi-row INSERT of one chunk of one request's fixes for SQLite, with anonymous `?`
/// placeholders: SQLite looks named parameters (`$n`) up by a linear scan, which made a
/// 1,000-row statement with 16,000 of them take ~400 ms to bind. One statement per
/// request, not per group: its text depends only on the batch size, so phones' usual
/// sizes hit sqlx's statement cache, where a group-sized statement was prepared anew
/// every commit (measured: 0.8× the throughput). `rows_affected` counts what was new.
fn sqlite_insert<'a>(b: &'a FixBatch, chunk: &'a [FixRecord], now: i64) -> SqliteQuery<'a> {
    let mut sql = format!("{INSERT_COLUMNS} VALUES ");
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

/// The PostgreSQL insert of a whole group in one statement: per-row values as arrays
/// that UNNEST turns into rows. Parsing a VALUES list with 16,000 placeholders cost
/// PostgreSQL more than the insert itself. It answers the keys it stored.
fn pg_unnest(rows: &[GroupRow<'_>], now: i64) -> PgQuery<'static> {
    fn col<T>(rows: &[GroupRow<'_>], f: impl Fn(&GroupRow<'_>) -> T) -> Vec<T> {
        rows.iter().map(f).collect()
    }
    sqlx::query(
        "INSERT INTO fixes (tenant_id, employee_id, t_ms, offset_min, lat, lon, accuracy_m, speed_mps,
            bearing_deg, altitude_m, provider, mock, battery, source, device_id, received_ms)
         SELECT u.tenant, u.employee, u.t, u.o, u.lat, u.lon, u.acc, u.speed, u.bearing, u.alt, u.prov,
                u.mock, u.batt, u.source, u.device, $16
         FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::int2[], $5::float8[], $6::float8[], $7::float4[],
                     $8::float4[], $9::float4[], $10::float4[], $11::text[], $12::bool[], $13::float4[],
                     $14::text[], $15::uuid[])
              AS u(tenant, employee, t, o, lat, lon, acc, speed, bearing, alt, prov, mock, batt, source, device)
         ON CONFLICT (tenant_id, employee_id, t_ms) DO NOTHING
         RETURNING tenant_id, employee_id, t_ms",
    )
    .bind(col(rows, |r| r.batch.tenant.0))
    .bind(col(rows, |r| r.batch.employee.0))
    .bind(col(rows, |r| r.fix.t_ms))
    .bind(col(rows, |r| r.fix.offset_min))
    .bind(col(rows, |r| r.fix.lat))
    .bind(col(rows, |r| r.fix.lon))
    .bind(col(rows, |r| r.fix.accuracy_m))
    .bind(col(rows, |r| r.fix.speed_mps))
    .bind(col(rows, |r| r.fix.bearing_deg))
    .bind(col(rows, |r| r.fix.altitude_m))
    .bind(col(rows, |r| r.fix.provider.as_str()))
    .bind(col(rows, |r| r.fix.mock))
    .bind(col(rows, |r| r.fix.battery))
    .bind(col(rows, |r| r.batch.source.as_str()))
    .bind(col(rows, |r| r.batch.device.map(|d| d.0)))
    .bind(now)
}

/// Each person's newest position for the live map, in one upsert (the group holds each
/// person once). Kept only when newer than the stored one: batches arrive out of order.
const LAST_FIXES_UPSERT: &str = " ON CONFLICT (tenant_id, employee_id) DO UPDATE SET t_ms = excluded.t_ms, \
    lat = excluded.lat, lon = excluded.lon, accuracy_m = excluded.accuracy_m, speed_mps = excluded.speed_mps, \
    received_ms = excluded.received_ms WHERE excluded.t_ms > last_fixes.t_ms";

fn sqlite_last_fixes<'a>(newest: &'a [(&'a FixBatch, &'a FixRecord)], now: i64) -> SqliteQuery<'a> {
    let mut sql = String::from(
        "INSERT INTO last_fixes (tenant_id, employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms) VALUES ",
    );
    sql.push_str(&vec!["(?,?,?,?,?,?,?,?)"; newest.len()].join(","));
    sql.push_str(LAST_FIXES_UPSERT);
    let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
    for (b, f) in newest {
        q = q
            .bind(b.tenant.0)
            .bind(b.employee.0)
            .bind(f.t_ms)
            .bind(f.lat)
            .bind(f.lon)
            .bind(f.accuracy_m)
            .bind(f.speed_mps)
            .bind(now);
    }
    q
}

fn pg_last_fixes(newest: &[(&FixBatch, &FixRecord)], now: i64) -> PgQuery<'static> {
    let sql = format!(
        "INSERT INTO last_fixes (tenant_id, employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms)
         SELECT u.tenant, u.employee, u.t, u.lat, u.lon, u.acc, u.speed, $7
         FROM UNNEST($1::uuid[], $2::uuid[], $3::int8[], $4::float8[], $5::float8[], $6::float4[], $8::float4[])
              AS u(tenant, employee, t, lat, lon, acc, speed){LAST_FIXES_UPSERT}"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(newest.iter().map(|(b, _)| b.tenant.0).collect::<Vec<_>>())
        .bind(newest.iter().map(|(b, _)| b.employee.0).collect::<Vec<_>>())
        .bind(newest.iter().map(|(_, f)| f.t_ms).collect::<Vec<_>>())
        .bind(newest.iter().map(|(_, f)| f.lat).collect::<Vec<_>>())
        .bind(newest.iter().map(|(_, f)| f.lon).collect::<Vec<_>>())
        .bind(newest.iter().map(|(_, f)| f.accuracy_m).collect::<Vec<_>>())
        .bind(now)
        .bind(newest.iter().map(|(_, f)| f.speed_mps).collect::<Vec<_>>())
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

/// A stored fix's key as an insert's RETURNING answers it.
fn key_of<'r, R>(row: &'r R) -> FixKey
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Uuid: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    // The columns are ours and typed by the table: a decoding failure is a bug.
    (
        row.get::<Uuid, _>(0),
        row.get::<Uuid, _>(1),
        row.get::<i64, _>(2),
    )
}

impl Store {
    /// Writes every batch in one transaction and returns, per batch, how many fixes were
    /// new (the rest were already stored, or carried by an earlier batch of the same
    /// group). Nothing is acknowledged before the commit.
    pub async fn insert_fix_batches(&self, batches: &[FixBatch]) -> Result<Vec<u64>, StoreError> {
        let now = now_ms();
        match &self.pool {
            Pool::Sqlite(p) => {
                // One writer holds the database, so each request's insert counts exactly
                // what it stored (a key an earlier request of the group stored is not new).
                let writer = crate::pool::turn(&self.sqlite_writer, p).await;
                let mut tx = writer.pool().begin_with("BEGIN IMMEDIATE").await?;
                let mut counts = Vec::with_capacity(batches.len());
                for b in batches {
                    let mut n = 0;
                    for chunk in b.fixes.chunks(ROWS_PER_STATEMENT) {
                        n += sqlite_insert(b, chunk, now)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                    }
                    counts.push(n);
                }
                let side = SideWrites::of(batches, &counts);
                for chunk in cacheable_chunks(&side.newest) {
                    sqlite_last_fixes(chunk, now).execute(&mut *tx).await?;
                }
                job_batch::sqlite(&mut tx, &side.day_jobs).await?;
                tx.commit().await?;
                Ok(counts)
            }
            Pool::Postgres(p) => {
                let group = Group::new(batches);
                let mut stored: HashSet<FixKey> = HashSet::with_capacity(group.rows.len());
                let mut tx = p.begin().await?;
                if !group.rows.is_empty() {
                    let rows = pg_unnest(&group.rows, now).fetch_all(&mut *tx).await?;
                    stored.extend(rows.iter().map(key_of));
                }
                let counts = group.new_per_batch(&stored);
                let side = SideWrites::of(batches, &counts);
                if !side.newest.is_empty() {
                    pg_last_fixes(&side.newest, now).execute(&mut *tx).await?;
                }
                job_batch::postgres(&mut tx, &side.day_jobs).await?;
                tx.commit().await?;
                Ok(counts)
            }
        }
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
        Ok(write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM fixes WHERE tenant_id = $1 AND t_ms < $2")
                .bind(tenant.0)
                .bind(cutoff_ms)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }
}
