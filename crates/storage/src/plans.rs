//! Visit plans by rep and local day. A generated plan never replaces a published one.

use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use std::collections::HashMap;
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredPlan {
    pub employee_id: Uuid,
    /// `YYYY-MM-DD`, the tenant's local day.
    pub date: String,
    /// `draft` or `published`.
    pub status: String,
    /// Ordered stops (JSON array).
    pub stops: String,
    pub start_lat: f64,
    pub start_lon: f64,
    pub km: f64,
    pub updated_ms: i64,
    pub published_ms: Option<i64>,
}

const COLUMNS: &str =
    "employee_id, date, status, stops, start_lat, start_lon, km, updated_ms, published_ms";

impl Store {
    /// Writes generated drafts; days already published are left as they are. Returns how
    /// many days were written.
    pub async fn save_drafts(
        &self,
        tenant: TenantId,
        plans: &[StoredPlan],
    ) -> Result<u64, StoreError> {
        let now = now_ms();
        let written = write_tx!(self, |tx| {
            let mut n = 0;
            for p in plans {
                n += sqlx::query(
                    "INSERT INTO plans (tenant_id, employee_id, date, status, stops, start_lat, start_lon, km, updated_ms)
                     VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8)
                     ON CONFLICT (tenant_id, employee_id, date) DO UPDATE SET stops = excluded.stops,
                        start_lat = excluded.start_lat, start_lon = excluded.start_lon, km = excluded.km,
                        updated_ms = excluded.updated_ms
                     WHERE plans.status = 'draft'",
                )
                .bind(tenant.0)
                .bind(p.employee_id)
                .bind(&p.date)
                .bind(&p.stops)
                .bind(p.start_lat)
                .bind(p.start_lon)
                .bind(p.km)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            }
            n
        });
        Ok(written)
    }

    /// Replaces one day's stops (an edit), keeping its status; creates a draft day.
    pub async fn put_plan(
        &self,
        tenant: TenantId,
        p: &StoredPlan,
    ) -> Result<StoredPlan, StoreError> {
        write_tx!(self, |tx| {
            let (status,): (String,) = sqlx::query_as(
                "INSERT INTO plans (tenant_id, employee_id, date, status, stops, start_lat, start_lon, km, updated_ms)
                 VALUES ($1, $2, $3, 'draft', $4, $5, $6, $7, $8)
                 ON CONFLICT (tenant_id, employee_id, date) DO UPDATE SET stops = excluded.stops,
                    start_lat = excluded.start_lat, start_lon = excluded.start_lon, km = excluded.km,
                    updated_ms = excluded.updated_ms
                 RETURNING status",
            )
            .bind(tenant.0)
            .bind(p.employee_id)
            .bind(&p.date)
            .bind(&p.stops)
            .bind(p.start_lat)
            .bind(p.start_lon)
            .bind(p.km)
            .bind(now_ms())
            .fetch_one(&mut *tx)
            .await?;
            // An edit of a published day changes what its facts count as planned.
            if status == "published" {
                crate::report_facts::enqueue_facts!(
                    self,
                    tx,
                    tenant,
                    EmployeeId(p.employee_id),
                    &p.date
                );
            }
        });
        self.plan(tenant, EmployeeId(p.employee_id), &p.date).await
    }

    pub async fn plan(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        date: &str,
    ) -> Result<StoredPlan, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM plans WHERE tenant_id = $1 AND employee_id = $2 AND date = $3"
        );
        let row: Option<StoredPlan> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(date)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The days of these people in `[from, to]` (dates as `YYYY-MM-DD`), by person and date.
    pub async fn plans_between(
        &self,
        tenant: TenantId,
        employees: &[EmployeeId],
        from: &str,
        to: &str,
    ) -> Result<Vec<StoredPlan>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM plans WHERE tenant_id = $1 AND date >= $2 AND date <= $3 ORDER BY employee_id, date"
        );
        let rows: Vec<StoredPlan> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?
        });
        let wanted: std::collections::HashSet<Uuid> = employees.iter().map(|e| e.0).collect();
        Ok(rows
            .into_iter()
            .filter(|r| wanted.contains(&r.employee_id))
            .collect())
    }

    /// Publishes the draft days of these people in `[from, to]` and records
    /// `plan.published` for each person who had any; returns how many days.
    pub async fn publish_plans(
        &self,
        tenant: TenantId,
        employees: &[EmployeeId],
        from: &str,
        to: &str,
    ) -> Result<u64, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let mut n = 0;
            for e in employees {
                let rows: Vec<(String,)> = sqlx::query_as(
                    "UPDATE plans SET status = 'published', published_ms = $5
                     WHERE tenant_id = $1 AND employee_id = $2 AND date >= $3 AND date <= $4 AND status = 'draft'
                     RETURNING date",
                )
                .bind(tenant.0)
                .bind(e.0)
                .bind(from)
                .bind(to)
                .bind(now)
                .fetch_all(&mut *tx)
                .await?;
                if rows.is_empty() {
                    continue;
                }
                let mut days: Vec<String> = rows.into_iter().map(|(d,)| d).collect();
                days.sort();
                n += days.len() as u64;
                // A published plan is what a day's facts count as planned.
                for day in &days {
                    crate::report_facts::enqueue_facts!(self, tx, tenant, *e, day);
                }
                let payload = serde_json::json!({ "employee_id": e.0, "days": days });
                record_event!(tx, &NewEvent::new(tenant, "plan.published", e.0, payload));
            }
            n
        }))
    }

    /// The newest check-in instant per customer (for due dates).
    pub async fn last_visits(&self, tenant: TenantId) -> Result<HashMap<Uuid, i64>, StoreError> {
        let rows: Vec<(Uuid, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT customer_id, MAX(in_t_ms) FROM visits WHERE tenant_id = $1 GROUP BY customer_id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().collect())
    }
}
