//! Rules stored as JSON by kind and scope, and attendance punches.

use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{DepartmentId, EmployeeId, TenantId};
use std::collections::HashMap;
use uuid::Uuid;

fn scope(dept: Option<DepartmentId>) -> String {
    dept.map(|d| d.to_string())
        .unwrap_or_else(|| "tenant".into())
}

/// A punch as stored: kind (`clock_in`/`clock_out`), instant, fix and judgement JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredPunch {
    pub id: Uuid,
    pub employee: EmployeeId,
    pub kind: String,
    pub t_ms: i64,
    pub offset_min: Option<i16>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    pub judgement_json: String,
    /// SHA-256 of the request body: a replay under the same id must carry the same one.
    pub digest: Option<String>,
    pub device_json: Option<String>,
    pub flags_json: String,
    pub photo_id: Option<Uuid>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    employee_id: Uuid,
    kind: String,
    t_ms: i64,
    offset_min: Option<i16>,
    lat: Option<f64>,
    lon: Option<f64>,
    accuracy_m: Option<f32>,
    judgement: String,
    digest: Option<String>,
    device: Option<String>,
    flags: String,
    photo_id: Option<Uuid>,
}

impl From<Row> for StoredPunch {
    fn from(r: Row) -> Self {
        StoredPunch {
            id: r.id,
            employee: EmployeeId(r.employee_id),
            kind: r.kind,
            t_ms: r.t_ms,
            offset_min: r.offset_min,
            lat: r.lat,
            lon: r.lon,
            accuracy_m: r.accuracy_m,
            judgement_json: r.judgement,
            digest: r.digest,
            device_json: r.device,
            flags_json: r.flags,
            photo_id: r.photo_id,
        }
    }
}

const COLUMNS: &str = "id, employee_id, kind, t_ms, offset_min, lat, lon, accuracy_m, judgement, digest, device, flags, photo_id";

impl Store {
    pub async fn put_rule(
        &self,
        tenant: TenantId,
        kind: &str,
        dept: Option<DepartmentId>,
        body: &str,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO rules (tenant_id, kind, scope, body, updated_at) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (tenant_id, kind, scope) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            )
            .bind(tenant.0)
            .bind(kind)
            .bind(scope(dept))
            .bind(body)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        self.config.forget(tenant);
        Ok(())
    }

    /// Removes the rule of a kind stored for a scope (its scope then inherits); `false`
    /// when none was stored.
    pub async fn delete_rule(
        &self,
        tenant: TenantId,
        kind: &str,
        dept: Option<DepartmentId>,
    ) -> Result<bool, StoreError> {
        let n = write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM rules WHERE tenant_id = $1 AND kind = $2 AND scope = $3")
                .bind(tenant.0)
                .bind(kind)
                .bind(scope(dept))
                .execute(p)
                .await?
                .rows_affected()
        });
        self.config.forget(tenant);
        Ok(n > 0)
    }

    /// Every stored rule of a kind, by scope (`None` = the tenant's).
    pub async fn rules(
        &self,
        tenant: TenantId,
        kind: &str,
    ) -> Result<HashMap<Option<DepartmentId>, String>, StoreError> {
        let cache = self.config_cache();
        if let Some(rules) = cache.and_then(|c| c.rules(tenant, kind)) {
            return Ok(rules);
        }
        let started = cache.map(|c| c.start());
        let rows: Vec<(String, String)> = on_pool!(self, |p| {
            sqlx::query_as("SELECT scope, body FROM rules WHERE tenant_id = $1 AND kind = $2")
                .bind(tenant.0)
                .bind(kind)
                .fetch_all(p)
                .await?
        });
        let rules: HashMap<_, _> = rows
            .into_iter()
            .filter_map(|(s, b)| {
                let dept = if s == "tenant" {
                    None
                } else {
                    Some(s.parse().ok()?)
                };
                Some((dept, b))
            })
            .collect();
        if let (Some(c), Some(at)) = (cache, started) {
            c.keep_rules(at, tenant, kind, &rules);
        }
        Ok(rules)
    }

    /// Stores a punch unless its id exists; returns the stored punch and whether it is new.
    /// A new punch enqueues the verdict of its local `day` (`YYYY-MM-DD`); `received_ms`
    /// is when the server received it (its clock, which a replayed past sets).
    pub async fn insert_punch(
        &self,
        tenant: TenantId,
        p: &StoredPunch,
        day: &str,
        received_ms: i64,
    ) -> Result<(StoredPunch, bool), StoreError> {
        let created = write_tx!(self, |tx| {
            let created = sqlx::query(
                "INSERT INTO attendance_punches (tenant_id, id, employee_id, kind, t_ms, offset_min, lat, lon, accuracy_m,
                    judgement, received_ms, digest, device, flags, photo_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(p.id)
            .bind(p.employee.0)
            .bind(&p.kind)
            .bind(p.t_ms)
            .bind(p.offset_min)
            .bind(p.lat)
            .bind(p.lon)
            .bind(p.accuracy_m)
            .bind(&p.judgement_json)
            .bind(received_ms)
            .bind(&p.digest)
            .bind(&p.device_json)
            .bind(&p.flags_json)
            .bind(p.photo_id)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if created {
                let payload = serde_json::json!({
                    "punch_id": p.id, "employee_id": p.employee.0, "kind": p.kind,
                    "at": crate::time::from_ms(p.t_ms),
                });
                record_event!(
                    tx,
                    &NewEvent::new(tenant, "attendance.punched", p.id, payload)
                );
                crate::integrity::integrity_side_writes!(
                    tx,
                    tenant,
                    p.employee,
                    p.id,
                    p.t_ms,
                    p.device_json.as_deref(),
                    day
                );
                // The punch's day, and the day before: a night shift's clock-out is on
                // the next date but belongs to the shift's day.
                crate::report_facts::enqueue_facts!(self, tx, tenant, p.employee, day);
                if let Some(before) = crate::report_facts::day_before(day) {
                    crate::report_facts::enqueue_facts!(self, tx, tenant, p.employee, &before);
                }
            }
            created
        });
        let sql =
            format!("SELECT {COLUMNS} FROM attendance_punches WHERE tenant_id = $1 AND id = $2");
        let row: Option<Row> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(p.id)
                .fetch_optional(pool)
                .await?
        });
        let stored = row.map(StoredPunch::from).ok_or(StoreError::NotFound)?;
        // An id reused by someone else is not a retry: it must not reveal their punch.
        if stored.employee != p.employee {
            return Err(StoreError::Conflict { field: "id" });
        }
        Ok((stored, created))
    }

    /// A person's punches with `from_ms <= t < to_ms`, oldest first.
    pub async fn punches_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from_ms: i64,
        to_ms: i64,
    ) -> Result<Vec<StoredPunch>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM attendance_punches WHERE tenant_id = $1 AND employee_id = $2 AND t_ms >= $3 AND t_ms < $4
             ORDER BY t_ms, id"
        );
        let rows: Vec<Row> = on_pool!(self, |pool| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(from_ms)
                .bind(to_ms)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(StoredPunch::from).collect())
    }

    /// The instant of a person's earliest punch, if any: a record that predates the
    /// person's own (imported history) moves their start date back.
    pub async fn first_punch_ms(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
    ) -> Result<Option<i64>, StoreError> {
        let row: (Option<i64>,) = on_pool!(self, |pool| {
            sqlx::query_as(
                "SELECT MIN(t_ms) FROM attendance_punches WHERE tenant_id = $1 AND employee_id = $2",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .fetch_one(pool)
            .await?
        });
        Ok(row.0)
    }
}
