//! Per-day track summaries and the queue of days whose summary must be recomputed.

use crate::pool::on_pool;
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use uuid::Uuid;

/// A day waiting for its summary, with the mark time that must still hold when clearing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DirtyDay {
    pub tenant: TenantId,
    pub employee: EmployeeId,
    pub day: String,
    pub marked_ms: i64,
}

/// A stored summary: its JSON and the two figures reports filter and sum on.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredDay {
    pub summary_json: String,
    pub mileage_m: f64,
    pub work_mileage_m: f64,
    pub computed_ms: i64,
}

impl Store {
    /// Days quiet for `settle_ms`, or first marked more than `max_delay_ms` ago (so a
    /// person sending all day still gets a fresh summary every so often).
    pub async fn dirty_days(
        &self,
        settle_ms: i64,
        max_delay_ms: i64,
        limit: i64,
    ) -> Result<Vec<DirtyDay>, StoreError> {
        let now = now_ms();
        let rows: Vec<(Uuid, Uuid, String, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT tenant_id, employee_id, day, marked_ms FROM track_dirty
                 WHERE marked_ms <= $1 OR first_marked_ms <= $2
                 ORDER BY first_marked_ms LIMIT $3",
            )
            .bind(now - settle_ms)
            .bind(now - max_delay_ms)
            .bind(limit)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(t, e, day, marked_ms)| DirtyDay {
                tenant: TenantId(t),
                employee: EmployeeId(e),
                day,
                marked_ms,
            })
            .collect())
    }

    /// Stores a recomputed summary and clears the mark unless it was renewed meanwhile
    /// (then the day is recomputed again on the next round).
    pub async fn save_day(&self, d: &DirtyDay, day: &StoredDay) -> Result<(), StoreError> {
        on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO track_days (tenant_id, employee_id, day, summary, mileage_m, work_mileage_m, computed_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (tenant_id, employee_id, day) DO UPDATE SET summary = excluded.summary,
                    mileage_m = excluded.mileage_m, work_mileage_m = excluded.work_mileage_m,
                    computed_ms = excluded.computed_ms",
            )
            .bind(d.tenant.0)
            .bind(d.employee.0)
            .bind(&d.day)
            .bind(&day.summary_json)
            .bind(day.mileage_m)
            .bind(day.work_mileage_m)
            .bind(day.computed_ms)
            .execute(p)
            .await?;
        });
        on_pool!(self, |p| {
            sqlx::query("DELETE FROM track_dirty WHERE tenant_id = $1 AND employee_id = $2 AND day = $3 AND marked_ms = $4")
                .bind(d.tenant.0)
                .bind(d.employee.0)
                .bind(&d.day)
                .bind(d.marked_ms)
                .execute(p)
                .await?;
        });
        Ok(())
    }

    /// Stored summaries of days `from..=to` (`YYYY-MM-DD`, which sorts as text), by day.
    pub async fn days_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, StoredDay)>, StoreError> {
        let rows: Vec<(String, String, f64, f64, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT day, summary, mileage_m, work_mileage_m, computed_ms FROM track_days
                 WHERE tenant_id = $1 AND employee_id = $2 AND day >= $3 AND day <= $4 ORDER BY day",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(day, summary_json, mileage_m, work_mileage_m, computed_ms)| {
                    (
                        day,
                        StoredDay {
                            summary_json,
                            mileage_m,
                            work_mileage_m,
                            computed_ms,
                        },
                    )
                },
            )
            .collect())
    }

    /// Days of `from..=to` still waiting for recomputation.
    pub async fn dirty_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT day FROM track_dirty WHERE tenant_id = $1 AND employee_id = $2 AND day >= $3 AND day <= $4",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?
        }))
    }
}
