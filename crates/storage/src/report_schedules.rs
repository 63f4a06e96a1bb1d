//! Scheduled reports (migration 0021): the schedules, their runs, and the one transaction
//! that moves a due schedule on, records its run and queues the `report_delivery` job.
//! Lists are scoped by the schedule owner's department (a manager reaches the schedules
//! of people in their subtree).

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::jobs::{NewJob, enqueue_job};
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::reach;
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::access::Reach;
use domain::{ReportScheduleId, TenantId};
use serde_json::Value;
use uuid::Uuid;

/// The kind of the job that builds and sends one run.
pub const REPORT_DELIVERY_JOB: &str = "report_delivery";

/// A schedule as stored (JSON columns as text).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredSchedule {
    pub id: Uuid,
    pub owner_id: Uuid,
    pub report: String,
    pub filters: String,
    pub cadence: String,
    pub weekday: Option<i32>,
    pub month_day: Option<i32>,
    pub hour: i32,
    pub format: String,
    pub language: String,
    pub recipients: String,
    pub enabled: bool,
    pub next_run_ms: Option<i64>,
    pub created_ms: i64,
    pub updated_ms: i64,
    /// The tenant's webhook endpoint each run is also (or only) posted to.
    pub webhook_id: Option<Uuid>,
}

/// What a create or an update writes (`next_run_ms` already computed, `None` when off).
#[derive(Clone, Debug)]
pub struct ScheduleWrite {
    pub owner_id: Uuid,
    pub report: String,
    pub filters: String,
    pub cadence: String,
    pub weekday: Option<i32>,
    pub month_day: Option<i32>,
    pub hour: i32,
    pub format: String,
    pub language: String,
    pub recipients: String,
    pub enabled: bool,
    pub next_run_ms: Option<i64>,
    pub webhook_id: Option<Uuid>,
}

/// One run of a schedule.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredRun {
    pub id: Uuid,
    pub schedule_id: Uuid,
    pub due_ms: i64,
    pub period_from: String,
    pub period_to: String,
    pub status: String,
    pub attempts: i32,
    pub error_code: Option<String>,
    pub error: Option<String>,
    pub recipients: String,
    pub rows: Option<i32>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub sent_ms: Option<i64>,
    /// The endpoint the run was queued for, if any.
    pub webhook_id: Option<Uuid>,
    /// When the mail went out, and when the endpoint took the report (2xx); a retry
    /// sends only what has not gone yet.
    pub mailed_ms: Option<i64>,
    pub posted_ms: Option<i64>,
    /// The endpoint's answer to the last attempt.
    pub webhook_status: Option<i32>,
}

/// A schedule that is due, with what moving it on needs.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueSchedule {
    pub tenant_id: Uuid,
    pub timezone: String,
    #[sqlx(flatten)]
    pub schedule: StoredSchedule,
}

/// A run's outcome, written by the delivery job.
#[derive(Clone, Debug)]
pub struct RunOutcome<'a> {
    pub status: &'a str,
    pub attempts: i32,
    pub error_code: Option<&'a str>,
    pub error: Option<&'a str>,
    pub rows: Option<i32>,
    pub sent_ms: Option<i64>,
    /// Set once each channel has gone out (kept when `None`).
    pub mailed_ms: Option<i64>,
    pub posted_ms: Option<i64>,
    pub webhook_status: Option<i32>,
}

/// A run as the job needs it to start: its period and recipients as queued.
pub struct QueuedRun {
    pub due_ms: i64,
    pub period: (String, String),
    pub recipients: String,
    pub webhook_id: Option<Uuid>,
}

const COLUMNS: &str = "s.id, s.owner_id, s.report, s.filters, s.cadence, s.weekday, s.month_day,
    s.hour, s.format, s.language, s.recipients, s.enabled, s.next_run_ms, s.created_ms, s.updated_ms,
    s.webhook_id";
const RUN_COLUMNS: &str = "id, schedule_id, due_ms, period_from, period_to, status, attempts,
    error_code, error, recipients, rows, created_ms, updated_ms, sent_ms, webhook_id, mailed_ms,
    posted_ms, webhook_status";

impl Store {
    /// Inserts a schedule; `None` when the client id is already taken (see `idem`).
    pub async fn create_report_schedule(
        &self,
        tenant: TenantId,
        id: ReportScheduleId,
        digest: Option<&str>,
        w: &ScheduleWrite,
    ) -> Result<Option<StoredSchedule>, StoreError> {
        let now = now_ms();
        let inserted = write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO report_schedules (tenant_id, id, body_digest, owner_id, report, filters,
                    cadence, weekday, month_day, hour, format, language, recipients, enabled,
                    next_run_ms, created_ms, updated_ms, webhook_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16,
                    $17)
                 ON CONFLICT (tenant_id, id) DO NOTHING",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(digest)
            .bind(w.owner_id)
            .bind(&w.report)
            .bind(&w.filters)
            .bind(&w.cadence)
            .bind(w.weekday)
            .bind(w.month_day)
            .bind(w.hour)
            .bind(&w.format)
            .bind(&w.language)
            .bind(&w.recipients)
            .bind(w.enabled)
            .bind(w.next_run_ms)
            .bind(now)
            .bind(w.webhook_id)
            .execute(p)
            .await?
            .rows_affected()
        });
        if inserted == 0 {
            return Ok(None);
        }
        self.report_schedule(tenant, id, &Reach::Tenant)
            .await
            .map(Some)
    }

    /// One schedule, if the caller reaches its owner; otherwise `NotFound`.
    pub async fn report_schedule(
        &self,
        tenant: TenantId,
        id: ReportScheduleId,
        reach: &Reach,
    ) -> Result<StoredSchedule, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM report_schedules s
             JOIN employees e ON e.tenant_id = s.tenant_id AND e.id = s.owner_id
             WHERE s.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND s.id = ")
            .bind(Arg::Uuid(id.0));
        reach::employees(&mut sql, tenant, reach);
        let Sql { text, args } = sql;
        let row: Option<StoredSchedule> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// The schedules the caller reaches, oldest first.
    pub async fn list_report_schedules(
        &self,
        tenant: TenantId,
        reach: &Reach,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<StoredSchedule>, StoreError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS} FROM report_schedules s
             JOIN employees e ON e.tenant_id = s.tenant_id AND e.id = s.owner_id
             WHERE s.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0));
        reach::employees(&mut sql, tenant, reach);
        if let Some(c) = after {
            let (_, id) = cursor::decode(c)?;
            sql.push(" AND s.id > ").bind(Arg::Uuid(id));
        }
        sql.push(" ORDER BY s.id LIMIT ")
            .bind(Arg::I64(i64::from(limit) + 1));
        let Sql { text, args } = sql;
        let rows: Vec<StoredSchedule> = on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text.as_str())), args)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |r| {
            cursor::encode(Value::Null, r.id)
        }))
    }

    /// Replaces a schedule's settings (the caller has checked its reach).
    pub async fn update_report_schedule(
        &self,
        tenant: TenantId,
        id: ReportScheduleId,
        w: &ScheduleWrite,
    ) -> Result<(), StoreError> {
        let changed = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE report_schedules SET owner_id = $3, report = $4, filters = $5, cadence = $6,
                    weekday = $7, month_day = $8, hour = $9, format = $10, language = $11,
                    recipients = $12, enabled = $13, next_run_ms = $14, updated_ms = $15,
                    webhook_id = $16
                 WHERE tenant_id = $1 AND id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(w.owner_id)
            .bind(&w.report)
            .bind(&w.filters)
            .bind(&w.cadence)
            .bind(w.weekday)
            .bind(w.month_day)
            .bind(w.hour)
            .bind(&w.format)
            .bind(&w.language)
            .bind(&w.recipients)
            .bind(w.enabled)
            .bind(w.next_run_ms)
            .bind(now_ms())
            .bind(w.webhook_id)
            .execute(p)
            .await?
            .rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Deletes a schedule and its runs; a run still queued finds it gone and does nothing.
    pub async fn delete_report_schedule(
        &self,
        tenant: TenantId,
        id: ReportScheduleId,
    ) -> Result<(), StoreError> {
        let gone = write_tx!(self, |tx| {
            sqlx::query(
                "DELETE FROM report_schedule_runs WHERE tenant_id = $1 AND schedule_id = $2",
            )
            .bind(tenant.0)
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM report_schedules WHERE tenant_id = $1 AND id = $2")
                .bind(tenant.0)
                .bind(id.0)
                .execute(&mut *tx)
                .await?
                .rows_affected()
        });
        if gone == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    /// Enabled schedules of every tenant whose next run is at or before `now`.
    pub async fn due_report_schedules(&self, now: i64) -> Result<Vec<DueSchedule>, StoreError> {
        let sql = format!(
            "SELECT s.tenant_id, t.timezone, {COLUMNS} FROM report_schedules s
             JOIN tenants t ON t.id = s.tenant_id
             WHERE s.enabled AND s.next_run_ms <= $1 ORDER BY s.next_run_ms LIMIT 500"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(now)
                .fetch_all(p)
                .await?
        }))
    }

    /// Moves a due schedule from `run.due_ms` to `next_ms`, records the run as queued and
    /// queues `job`, in one transaction; `false` when another server moved it first (or
    /// it was changed meanwhile), which then did all three.
    pub async fn queue_report_run(
        &self,
        tenant: TenantId,
        id: ReportScheduleId,
        run: &QueuedRun,
        next_ms: i64,
        job: &NewJob,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        Ok(write_tx!(self, |tx| {
            let moved = sqlx::query(
                "UPDATE report_schedules SET next_run_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND enabled AND next_run_ms = $3",
            )
            .bind(tenant.0)
            .bind(id.0)
            .bind(run.due_ms)
            .bind(next_ms)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if moved {
                sqlx::query(
                    "INSERT INTO report_schedule_runs (tenant_id, id, schedule_id, due_ms, period_from,
                        period_to, status, attempts, recipients, created_ms, updated_ms, webhook_id)
                     VALUES ($1, $2, $3, $4, $5, $6, 'queued', 0, $7, $8, $8, $9)
                     ON CONFLICT (tenant_id, schedule_id, due_ms) DO NOTHING",
                )
                .bind(tenant.0)
                .bind(Uuid::now_v7())
                .bind(id.0)
                .bind(run.due_ms)
                .bind(&run.period.0)
                .bind(&run.period.1)
                .bind(&run.recipients)
                .bind(now)
                .bind(run.webhook_id)
                .execute(&mut *tx)
                .await?;
                enqueue_job!(tx, job);
            }
            moved
        }))
    }

    /// The run of a schedule due at `due_ms`.
    pub async fn report_run(
        &self,
        tenant: TenantId,
        schedule: ReportScheduleId,
        due_ms: i64,
    ) -> Result<StoredRun, StoreError> {
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM report_schedule_runs
             WHERE tenant_id = $1 AND schedule_id = $2 AND due_ms = $3"
        );
        let row: Option<StoredRun> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(schedule.0)
                .bind(due_ms)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Records how a run went (each attempt writes its own outcome).
    pub async fn finish_report_run(
        &self,
        tenant: TenantId,
        schedule: ReportScheduleId,
        due_ms: i64,
        o: &RunOutcome<'_>,
    ) -> Result<(), StoreError> {
        let error: Option<String> = o.error.map(|e| e.chars().take(2000).collect());
        write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE report_schedule_runs SET status = $4, attempts = $5, error_code = $6,
                    error = $7, rows = $8, sent_ms = $9, updated_ms = $10,
                    mailed_ms = COALESCE($11, mailed_ms), posted_ms = COALESCE($12, posted_ms),
                    webhook_status = COALESCE($13, webhook_status)
                 WHERE tenant_id = $1 AND schedule_id = $2 AND due_ms = $3",
            )
            .bind(tenant.0)
            .bind(schedule.0)
            .bind(due_ms)
            .bind(o.status)
            .bind(o.attempts)
            .bind(o.error_code)
            .bind(error.as_deref())
            .bind(o.rows)
            .bind(o.sent_ms)
            .bind(now_ms())
            .bind(o.mailed_ms)
            .bind(o.posted_ms)
            .bind(o.webhook_status)
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// A schedule's runs, newest first.
    pub async fn list_report_runs(
        &self,
        tenant: TenantId,
        schedule: ReportScheduleId,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<StoredRun>, StoreError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let before = after.map(cursor::decode).transpose()?.map(|(_, id)| id);
        let sql = format!(
            "SELECT {RUN_COLUMNS} FROM report_schedule_runs
             WHERE tenant_id = $1 AND schedule_id = $2 AND ($3 IS NULL OR id < $3)
             ORDER BY id DESC LIMIT $4"
        );
        let rows: Vec<StoredRun> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(schedule.0)
                .bind(before)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |r| {
            cursor::encode(Value::Null, r.id)
        }))
    }
}
