//! The append-only fix log, written in batches: one transaction per batch of requests
//! (group commit), multi-row inserts, and a re-sent fix ignored by its key.

use crate::pool::{on_pool, write_tx};
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

/// Rows per INSERT statement: 1,000 rows × 15 values stays under both engines' limits on
/// bound parameters (SQLite 32,766; PostgreSQL 65,535).
const ROWS_PER_STATEMENT: usize = 1000;
const COLS: usize = 15;

fn insert_sql(rows: usize) -> String {
    let mut s = String::with_capacity(64 + rows * 80);
    s.push_str(
        "INSERT INTO fixes (tenant_id, employee_id, t_ms, offset_min, lat, lon, accuracy_m, speed_mps, \
         bearing_deg, altitude_m, provider, mock, battery, source, device_id, received_ms) VALUES ",
    );
    for r in 0..rows {
        if r > 0 {
            s.push(',');
        }
        // received_ms is shared by the whole statement: it is the last parameter.
        let b = r * COLS;
        s.push('(');
        for c in 1..=COLS {
            s.push_str(&format!("${},", b + c));
        }
        s.push_str(&format!("${})", rows * COLS + 1));
    }
    s.push_str(" ON CONFLICT (tenant_id, employee_id, t_ms) DO NOTHING");
    s
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
        write_tx!(self, |tx| {
            for b in batches {
                let mut n = 0;
                for chunk in b.fixes.chunks(ROWS_PER_STATEMENT) {
                    let sql = insert_sql(chunk.len());
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
                            .bind(b.device.map(|d| d.0));
                    }
                    n += q.bind(now).execute(&mut *tx).await?.rows_affected();
                }
                inserted.push(n);
                if n == 0 {
                    continue;
                }
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
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
                for day in &b.days {
                    sqlx::query(
                        "INSERT INTO track_dirty (tenant_id, employee_id, day, marked_ms) VALUES ($1, $2, $3, $4)
                         ON CONFLICT (tenant_id, employee_id, day) DO UPDATE SET marked_ms = excluded.marked_ms",
                    )
                    .bind(b.tenant.0)
                    .bind(b.employee.0)
                    .bind(day)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                }
            }
        });
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
        let rows: Vec<(Uuid, i64, f64, f64, Option<f32>, Option<f32>, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT employee_id, t_ms, lat, lon, accuracy_m, speed_mps, received_ms FROM last_fixes WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(e, t_ms, lat, lon, accuracy_m, speed_mps, received_ms)| LastFix {
                employee: EmployeeId(e),
                t_ms,
                lat,
                lon,
                accuracy_m,
                speed_mps,
                received_ms,
            })
            .collect())
    }

    /// Deletes fixes older than `cutoff_ms` (retention); returns how many went.
    pub async fn delete_fixes_before(&self, cutoff_ms: i64) -> Result<u64, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query("DELETE FROM fixes WHERE t_ms < $1").bind(cutoff_ms).execute(p).await?.rows_affected()
        }))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn insert_sql_numbers_every_value_and_shares_received_ms() {
        let s = super::insert_sql(2);
        assert!(s.contains("($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$31)"));
        assert!(s.contains("($16,$17,$18,$19,$20,$21,$22,$23,$24,$25,$26,$27,$28,$29,$30,$31)"));
    }
}
