//! Per-day track summaries, and the `track_day` jobs that keep them current.

use crate::events::{NewEvent, record_event};
use crate::jobs::NewJob;
use crate::pool::{on_pool, write_tx};
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};

/// The job kind that recomputes one person's day summary.
pub const TRACK_DAY_JOB: &str = "track_day";

/// The `track_day` job for a day (`YYYY-MM-DD`) whose fixes changed: keyed by person and
/// day so it waits once, run when the day has been quiet for a second or at the latest a
/// minute after it was first queued.
pub fn day_job(tenant: TenantId, employee: EmployeeId, day: &str) -> NewJob {
    let payload = serde_json::json!({ "employee_id": employee.0, "day": day }).to_string();
    NewJob::new(tenant, TRACK_DAY_JOB, payload)
        .keyed(day_key(employee, day))
        .debounced(1000, 60_000)
}

fn day_key(employee: EmployeeId, day: &str) -> String {
    format!("{}/{day}", employee.0)
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
    /// Stores a recomputed summary of a day (`YYYY-MM-DD`) and, when it differs from
    /// the stored one, records `track_day.updated` with it.
    pub async fn save_day(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
        stored: &StoredDay,
    ) -> Result<(), StoreError> {
        self.save_day_then(tenant, employee, day, stored, &[]).await
    }

    /// [`Store::save_day`], queueing the jobs that follow a summary (the day's verdict and
    /// facts) in the same transaction; report-facts jobs are left out while deferred.
    pub async fn save_day_then(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
        stored: &StoredDay,
        follow_ups: &[crate::NewJob],
    ) -> Result<(), StoreError> {
        write_tx!(self, |tx| {
            for job in follow_ups {
                if job.kind != crate::REPORT_FACTS_JOB || !self.facts_deferred() {
                    crate::jobs::enqueue_job!(tx, job);
                }
            }
            let changed = sqlx::query(
                "INSERT INTO track_days (tenant_id, employee_id, day, summary, mileage_m, work_mileage_m, computed_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (tenant_id, employee_id, day) DO UPDATE SET summary = excluded.summary,
                    mileage_m = excluded.mileage_m, work_mileage_m = excluded.work_mileage_m,
                    computed_ms = excluded.computed_ms
                 WHERE track_days.summary <> excluded.summary",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(day)
            .bind(&stored.summary_json)
            .bind(stored.mileage_m)
            .bind(stored.work_mileage_m)
            .bind(stored.computed_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if changed {
                let payload = serde_json::json!({
                    "employee_id": employee.0, "day": day,
                    "mileage_m": stored.mileage_m, "work_mileage_m": stored.work_mileage_m,
                });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "track_day.updated", employee.0, payload)
                );
            }
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

    /// Days of `from..=to` whose summary is waiting for (or in) recomputation.
    pub async fn dirty_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<String>, StoreError> {
        let (lo, hi) = (day_key(employee, from), day_key(employee, to));
        let keys = self
            .pending_job_keys(tenant, TRACK_DAY_JOB, &lo, &hi)
            .await?;
        Ok(keys
            .iter()
            .filter_map(|k| k.rsplit_once('/').map(|(_, d)| d.to_owned()))
            .collect())
    }
}
