//! Attendance corrections and leave as the employee asked for them. Approval comes with
//! its own flow; until then a request is `pending` (a manager's own entry is `approved`).

use crate::events::{NewEvent, record_event};
use crate::pool::{on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::{EmployeeId, TenantId};
use uuid::Uuid;

#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredRequest {
    pub id: Uuid,
    pub employee_id: Uuid,
    /// `correction` or `leave`.
    pub kind: String,
    /// `pending`, `approved` or `rejected`.
    pub status: String,
    /// Local dates `YYYY-MM-DD`, inclusive.
    pub from_date: String,
    pub to_date: String,
    /// The request as sent (JSON).
    pub body: String,
    pub digest: String,
    pub created_ms: i64,
}

const COLUMNS: &str = "id, employee_id, kind, status, from_date, to_date, body, digest, created_ms";

impl Store {
    /// Stores a request unless its id exists; returns the stored one and whether new.
    pub async fn insert_request(
        &self,
        tenant: TenantId,
        r: &StoredRequest,
    ) -> Result<(StoredRequest, bool), StoreError> {
        let created = write_tx!(self, |tx| {
            let created = sqlx::query(
                "INSERT INTO attendance_requests (tenant_id, id, employee_id, kind, status, from_date, to_date, body,
                    digest, created_ms)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(r.id)
            .bind(r.employee_id)
            .bind(&r.kind)
            .bind(&r.status)
            .bind(&r.from_date)
            .bind(&r.to_date)
            .bind(&r.body)
            .bind(&r.digest)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?
            .rows_affected()
                > 0;
            if created {
                let payload = serde_json::json!({
                    "request_id": r.id, "employee_id": r.employee_id, "kind": r.kind,
                });
                record_event!(tx, &NewEvent::new(tenant, "request.created", r.id, payload));
            }
            created
        });
        let sql =
            format!("SELECT {COLUMNS} FROM attendance_requests WHERE tenant_id = $1 AND id = $2");
        let row: Option<StoredRequest> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(r.id)
                .fetch_optional(p)
                .await?
        });
        Ok((row.ok_or(StoreError::NotFound)?, created))
    }

    /// A person's requests overlapping `[from, to]` (dates as `YYYY-MM-DD`, which sort as text).
    pub async fn requests_between(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<StoredRequest>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM attendance_requests
             WHERE tenant_id = $1 AND employee_id = $2 AND from_date <= $4 AND to_date >= $3
             ORDER BY from_date, id"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(from)
                .bind(to)
                .fetch_all(p)
                .await?
        }))
    }
}

impl Store {
    /// One request by id.
    pub async fn request(&self, tenant: TenantId, id: Uuid) -> Result<StoredRequest, StoreError> {
        let sql =
            format!("SELECT {COLUMNS} FROM attendance_requests WHERE tenant_id = $1 AND id = $2");
        let row: Option<StoredRequest> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Decides a pending request; `false` when it was no longer pending.
    pub async fn decide_request(
        &self,
        tenant: TenantId,
        id: Uuid,
        status: &str,
    ) -> Result<bool, StoreError> {
        Ok(write_tx!(self, |tx| {
            let decided: Option<(Uuid, String, String, String)> = sqlx::query_as(
                "UPDATE attendance_requests SET status = $3, decided_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND status = 'pending'
                 RETURNING employee_id, kind, from_date, to_date",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(status)
            .bind(crate::time::now_ms())
            .fetch_optional(&mut *tx)
            .await?;
            if let Some((employee, kind, from, to)) = &decided {
                let payload = serde_json::json!({ "request_id": id, "status": status });
                record_event!(tx, &NewEvent::new(tenant, "request.decided", id, payload));
                // Approved leave changes the attendance of each of its days (a correction
                // changes it through the punch it records).
                if kind == "leave" && status == "approved" {
                    for day in leave_days(from, to) {
                        crate::report_facts::enqueue_facts!(
                            self,
                            tx,
                            tenant,
                            domain::EmployeeId(*employee),
                            &day
                        );
                    }
                }
            }
            decided.is_some()
        }))
    }
}

/// Which requests a page lists: overlapping `[from, to]` (`YYYY-MM-DD`), of one person
/// or of everyone the reach covers, optionally of one status.
pub struct RequestSpan<'a> {
    pub employee: Option<EmployeeId>,
    pub from: &'a str,
    pub to: &'a str,
    pub status: Option<&'a str>,
    pub cursor: Option<&'a str>,
    pub limit: u32,
}

impl Store {
    /// A page of the requests the caller reaches in a span, by first day then id.
    pub async fn requests_reached(
        &self,
        tenant: TenantId,
        reach: &domain::access::Reach,
        q: &RequestSpan<'_>,
    ) -> Result<crate::Page<StoredRequest>, StoreError> {
        use crate::sql::Arg;
        let mut sql = crate::sql::Sql::new(
            "SELECT r.id, r.employee_id, r.kind, r.status, r.from_date, r.to_date, r.body, r.digest, r.created_ms
             FROM attendance_requests r JOIN employees e ON e.tenant_id = r.tenant_id AND e.id = r.employee_id
             WHERE r.tenant_id = ",
        );
        sql.bind(Arg::Uuid(tenant.0));
        crate::reach::employees(&mut sql, tenant, reach);
        if let Some(e) = q.employee {
            sql.push(" AND r.employee_id = ").bind(Arg::Uuid(e.0));
        }
        sql.push(" AND r.from_date <= ")
            .bind(Arg::Text(q.to.into()))
            .push(" AND r.to_date >= ")
            .bind(Arg::Text(q.from.into()));
        if let Some(st) = q.status {
            sql.push(" AND r.status = ").bind(Arg::Text(st.into()));
        }
        if let Some(c) = q.cursor {
            let (day, id) = crate::cursor::decode(c)?;
            let day = day.as_str().map(str::to_owned).ok_or_else(|| {
                StoreError::invalid("cursor", domain::Problem::format(domain::Format::Cursor))
            })?;
            sql.push(" AND (r.from_date > ")
                .bind(Arg::Text(day.clone()))
                .push(" OR (r.from_date = ")
                .bind(Arg::Text(day))
                .push(" AND r.id > ")
                .bind(Arg::Uuid(id))
                .push("))");
        }
        let limit = q.limit.clamp(1, crate::cursor::MAX_LIMIT);
        sql.push(&format!(" ORDER BY r.from_date, r.id LIMIT {}", limit + 1));
        let crate::sql::Sql { text, args } = sql;
        let rows: Vec<StoredRequest> = on_pool!(self, |p| {
            crate::sql::bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        Ok(crate::Page::from_overfetch(rows, limit, |r| {
            crate::cursor::encode(serde_json::Value::String(r.from_date.clone()), r.id)
        }))
    }
}

/// The days of a leave, `from..=to` (at most a year of them; bad text gives none).
pub(crate) fn leave_days(from: &str, to: &str) -> Vec<String> {
    let (Ok(a), Ok(b)) = (
        from.parse::<chrono::NaiveDate>(),
        to.parse::<chrono::NaiveDate>(),
    ) else {
        return Vec::new();
    };
    a.iter_days()
        .take_while(|d| *d <= b)
        .take(366)
        .map(|d| d.to_string())
        .collect()
}
