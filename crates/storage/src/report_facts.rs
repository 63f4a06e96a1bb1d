//! The facts reports are built from (`report_person_days`, `report_customer_months`), the
//! `report_facts` job that keeps a person-day current, the departments people were in
//! before a move, the tenant's report settings, and the reads the facts are computed from.
//!
//! Facts are stored as the pure `reports` crate's values in JSON, with the figures reports
//! filter and sort on as columns beside them. A write replaces what was stored for the same
//! keys: facts are recomputed from their full inputs, never incremented.

use crate::jobs::NewJob;
use crate::pool::{on_pool, write_on_pool, write_tx};
use crate::sql::{Arg, Sql, bind_all};
use crate::time::now_ms;
use crate::{Store, StoreError};
use chrono::{DateTime, NaiveDate};
use domain::{DepartmentId, EmployeeId, TenantId};
use uuid::Uuid;

/// The job kind that recomputes one person-day's fact (and the month facts of the
/// customers visited that day).
pub const REPORT_FACTS_JOB: &str = "report_facts";

/// The `report_facts` job of a person's local day (`YYYY-MM-DD`) whose inputs changed:
/// keyed by person and day, run when the day has been quiet for three seconds or at the
/// latest 45 s after it was first queued (facts follow the data within a minute).
pub fn report_facts_job(tenant: TenantId, employee: EmployeeId, day: &str) -> NewJob {
    let payload = serde_json::json!({ "employee_id": employee.0, "day": day }).to_string();
    NewJob::new(tenant, REPORT_FACTS_JOB, payload)
        .keyed(format!("{}/{day}", employee.0))
        .debounced(3_000, 45_000)
}

/// The local date (`YYYY-MM-DD`) of an instant in the zone named `tz` (Asia/Shanghai when
/// the name is unknown, as everywhere else).
pub fn local_day(tz: &str, t_ms: i64) -> String {
    let zone: chrono_tz::Tz = tz.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    DateTime::from_timestamp_millis(t_ms)
        .unwrap_or_default()
        .with_timezone(&zone)
        .date_naive()
        .to_string()
}

/// The day before a `YYYY-MM-DD` day (a night shift's clock-out and track reach into the
/// next date, so a change there changes the day before); `None` for bad text.
pub fn day_before(day: &str) -> Option<String> {
    day.parse::<NaiveDate>()
        .ok()
        .and_then(|d| d.pred_opt())
        .map(|d| d.to_string())
}

/// Inside a change's transaction: enqueues the facts job of a person's day, unless the
/// store defers facts ([`Store::defer_report_facts`]).
macro_rules! enqueue_facts {
    ($store:expr, $tx:expr, $tenant:expr, $employee:expr, $day:expr) => {{
        if !$store.facts_deferred() {
            let job = $crate::report_facts::report_facts_job($tenant, $employee, $day);
            $crate::jobs::enqueue_job!($tx, &job);
        }
    }};
}

/// While it lives, the store's changes queue no report-facts jobs (see
/// [`Store::defer_report_facts`]).
#[must_use = "facts are deferred only while the guard lives"]
pub struct FactsDeferred(std::sync::Arc<std::sync::atomic::AtomicBool>);

impl Drop for FactsDeferred {
    fn drop(&mut self) {
        self.0.store(false, std::sync::atomic::Ordering::Relaxed);
    }
}

impl Store {
    /// For a bulk load that rebuilds the facts of every day it touched when it ends (the
    /// demo's history): until the guard drops, no change queues a report-facts job. A
    /// job per action would cost a statement in the writer's turn of every check-in,
    /// check-out, report and punch, all for facts the rebuild replaces.
    pub fn defer_report_facts(&self) -> FactsDeferred {
        self.facts_deferred
            .store(true, std::sync::atomic::Ordering::Relaxed);
        FactsDeferred(self.facts_deferred.clone())
    }

    pub(crate) fn facts_deferred(&self) -> bool {
        self.facts_deferred
            .load(std::sync::atomic::Ordering::Relaxed)
    }
}

pub(crate) use enqueue_facts;

/// A person-day fact as stored.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredPersonDay {
    pub employee_id: Uuid,
    pub day: String,
    pub department_id: Uuid,
    /// `workday`, `day_off` or `holiday`.
    pub day_type: String,
    pub attendance_status: Option<String>,
    pub visits: i32,
    pub completed_visits: i32,
    pub planned_visits: i32,
    pub planned_done: i32,
    pub total_m: Option<f64>,
    pub work_m: Option<f64>,
    pub integrity_level: Option<String>,
    /// `reports::facts::PersonDay` as JSON, its `visit_rows` empty.
    pub fact: String,
    /// The day's `visit_rows` as a JSON array.
    pub visit_rows: String,
    /// `fact` in the server's binary form; when it is there, reads answer `fact` empty.
    pub fact_bin: Option<Vec<u8>>,
    /// `visit_rows` in the server's binary form; when it is there, reads answer
    /// `visit_rows` empty.
    pub visits_bin: Option<Vec<u8>>,
}

/// A person-day fact as reports read it: the stored value alone (the columns beside it
/// repeat what it holds, and decoding them for every row of a period cost a report time).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredFact {
    /// `reports::facts::PersonDay` as JSON; empty when `fact_bin` is there.
    pub fact: String,
    pub fact_bin: Option<Vec<u8>>,
    /// The day's visit rows as JSON (`[]` unless asked for); empty when `visits_bin` is
    /// there.
    pub visit_rows: String,
    pub visits_bin: Option<Vec<u8>>,
}

/// A customer's month fact as stored (every field of `reports::facts::CustomerPeriod`
/// but the period, which the month is).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct StoredCustomerMonth {
    pub customer_id: Uuid,
    /// `YYYY-MM`.
    pub month: String,
    pub owner_id: Option<Uuid>,
    pub level: String,
    /// JSON array of strings.
    pub tags: String,
    pub visits: i32,
    pub visitors: i32,
    pub due_visits: i32,
    pub due_met: i32,
    pub last_visit: Option<String>,
    pub outcome_sum: Option<f64>,
    pub visits_with_outcome: i32,
}

/// Customers of one owner, level and tag set summed over a period's months
/// (`Store::customer_coverage_sums`).
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CoverageSum {
    pub owner_id: Option<Uuid>,
    pub level: String,
    /// JSON array of strings.
    pub tags: String,
    pub customers: i64,
    pub visited: i64,
    pub visits: i64,
    pub due_visits: i64,
    pub due_met: i64,
}

/// Which person-day facts to read.
#[derive(Clone, Debug, Default)]
pub struct PersonDayQuery {
    pub from: String,
    pub to: String,
    /// Days spent in this department or below it.
    pub subtree: Option<DepartmentId>,
    pub employee: Option<EmployeeId>,
    /// Read the visit rows too (only reports that list visits need them).
    pub with_visits: bool,
}

/// A visit as a person-day fact reads it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct FactVisit {
    pub id: Uuid,
    pub customer_id: Uuid,
    pub kind: String,
    pub in_t_ms: i64,
    pub out_t_ms: Option<i64>,
    pub in_status: String,
    /// The check-out judgement (JSON), with the rule's `min_duration_s`.
    pub out_judgement: Option<String>,
    /// The report's answers (JSON object by field key).
    pub report_answers: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

/// A visit as a customer's month fact reads it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct CustomerVisitRow {
    pub customer_id: Uuid,
    pub employee_id: Uuid,
    pub in_t_ms: i64,
    pub report_answers: Option<String>,
}

/// A customer as reports name and filter it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReportCustomer {
    pub id: Uuid,
    pub name: String,
    pub level: String,
    /// JSON array of strings.
    pub tags: String,
    pub owner_id: Option<Uuid>,
    /// `active` or `pending` (a prospect).
    pub status: String,
}

/// A request as the approval-turnaround report reads it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ReportRequest {
    pub id: Uuid,
    pub employee_id: Uuid,
    pub kind: String,
    pub status: String,
    pub created_ms: i64,
    pub decided_ms: Option<i64>,
}

const PERSON_DAY_COLUMNS: &str = "employee_id, day, department_id, day_type, attendance_status, visits, \
    completed_visits, planned_visits, planned_done, total_m, work_m, integrity_level, fact, visit_rows, \
    fact_bin, visits_bin";
/// The columns of a read: the JSON forms only where the binary ones are missing.
const PERSON_DAY_READ: &str = "f.employee_id, f.day, f.department_id, f.day_type, \
    f.attendance_status, f.visits, f.completed_visits, f.planned_visits, f.planned_done, f.total_m, \
    f.work_m, f.integrity_level, CASE WHEN f.fact_bin IS NULL THEN f.fact ELSE '' END AS fact, \
    f.fact_bin, CASE WHEN f.visits_bin IS NULL THEN f.visit_rows ELSE '' END AS visit_rows, \
    f.visits_bin";
const CUSTOMER_MONTH_COLUMNS: &str = "customer_id, month, owner_id, level, tags, visits, visitors, \
    due_visits, due_met, last_visit, outcome_sum, visits_with_outcome";
/// Rows per multi-row INSERT: 16 values each stays far below both engines' bind limits.
const CHUNK: usize = 200;
/// Ids in one `IN (…)` list (SQLite allows 32,766 bound values, PostgreSQL 65,535).
const IDS_PER_STATEMENT: usize = 1_000;

fn person_day_insert(n: usize) -> String {
    let mut sql = format!(
        "INSERT INTO report_person_days (tenant_id, {PERSON_DAY_COLUMNS}, computed_ms) VALUES "
    );
    let per = 18;
    let rows: Vec<String> = (0..n)
        .map(|r| {
            let cells: Vec<String> = (1..=per).map(|c| format!("${}", r * per + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    sql.push_str(&rows.join(", "));
    sql
}

fn customer_month_insert(n: usize) -> String {
    let mut sql = format!(
        "INSERT INTO report_customer_months (tenant_id, {CUSTOMER_MONTH_COLUMNS}, computed_ms) VALUES "
    );
    let per = 14;
    let rows: Vec<String> = (0..n)
        .map(|r| {
            let cells: Vec<String> = (1..=per).map(|c| format!("${}", r * per + c)).collect();
            format!("({})", cells.join(", "))
        })
        .collect();
    sql.push_str(&rows.join(", "));
    sql
}

impl Store {
    /// Replaces the facts of `employee` on days `from..=to` with `rows` (days without a
    /// row end up with no fact), in one transaction.
    pub async fn replace_person_days(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        (from, to): (&str, &str),
        rows: &[StoredPersonDay],
    ) -> Result<(), StoreError> {
        self.replace_people_days(tenant, &[employee.0], (from, to), rows)
            .await
    }

    /// Replaces the facts of these people on days `from..=to` with `rows` (a person or day
    /// without a row ends up with no fact), in one transaction: the nightly refresh writes
    /// every rep's day in one commit instead of one commit per rep.
    pub async fn replace_people_days(
        &self,
        tenant: TenantId,
        employees: &[Uuid],
        (from, to): (&str, &str),
        rows: &[StoredPersonDay],
    ) -> Result<(), StoreError> {
        let now = now_ms();
        // SQLite keeps a row's columns in its page: the JSON forms would make each row four
        // times as long as the binary ones reports read, and no view reads them there (the
        // BI views are PostgreSQL's, where long values live apart).
        let json_too = !matches!(self.pool, crate::pool::Pool::Sqlite(_));
        let json = |text: &str, bin: &Option<Vec<u8>>| {
            if json_too || bin.is_none() {
                text.to_owned()
            } else {
                String::new()
            }
        };
        write_tx!(self, |tx| {
            for people in employees.chunks(IDS_PER_STATEMENT) {
                let mut sql = Sql::new("DELETE FROM report_person_days WHERE tenant_id = ");
                sql.bind(Arg::Uuid(tenant.0))
                    .push(" AND day >= ")
                    .bind(Arg::Text(from.to_owned()))
                    .push(" AND day <= ")
                    .bind(Arg::Text(to.to_owned()))
                    .push(" AND employee_id IN ")
                    .bind_ids(people);
                let Sql { text, args } = sql;
                bind_all(sqlx::query(sqlx::AssertSqlSafe(text)), args)
                    .execute(&mut *tx)
                    .await?;
            }
            for chunk in rows.chunks(CHUNK) {
                let sql = person_day_insert(chunk.len());
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(tenant.0)
                        .bind(r.employee_id)
                        .bind(&r.day)
                        .bind(r.department_id)
                        .bind(&r.day_type)
                        .bind(&r.attendance_status)
                        .bind(r.visits)
                        .bind(r.completed_visits)
                        .bind(r.planned_visits)
                        .bind(r.planned_done)
                        .bind(r.total_m)
                        .bind(r.work_m)
                        .bind(&r.integrity_level)
                        .bind(json(&r.fact, &r.fact_bin))
                        .bind(json(&r.visit_rows, &r.visits_bin))
                        .bind(&r.fact_bin)
                        .bind(&r.visits_bin)
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// One person-day's stored fact, if any.
    pub async fn person_day_fact(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        day: &str,
    ) -> Result<Option<StoredPersonDay>, StoreError> {
        let sql = format!(
            "SELECT {PERSON_DAY_READ} FROM report_person_days f WHERE f.tenant_id = $1 AND f.employee_id = $2 AND f.day = $3"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(employee.0)
                .bind(day)
                .fetch_optional(p)
                .await?
        }))
    }

    /// Person-day facts of `q.from..=q.to`, by person then day; `visit_rows` is `[]`
    /// unless asked for.
    pub async fn person_days(
        &self,
        tenant: TenantId,
        q: &PersonDayQuery,
    ) -> Result<Vec<StoredPersonDay>, StoreError> {
        let visits = if q.with_visits {
            "CASE WHEN f.visits_bin IS NULL THEN f.visit_rows ELSE '' END AS visit_rows, f.visits_bin"
        } else {
            "'[]' AS visit_rows, NULL AS visits_bin"
        };
        let mut sql = Sql::new(&format!(
            "SELECT f.employee_id, f.day, f.department_id, f.day_type, f.attendance_status, f.visits,
                f.completed_visits, f.planned_visits, f.planned_done, f.total_m, f.work_m,
                f.integrity_level, CASE WHEN f.fact_bin IS NULL THEN f.fact ELSE '' END AS fact,
                f.fact_bin, {visits}
             FROM report_person_days f WHERE f.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND f.day >= ")
            .bind(Arg::Text(q.from.clone()))
            .push(" AND f.day <= ")
            .bind(Arg::Text(q.to.clone()));
        if let Some(root) = q.subtree {
            sql.push(" AND f.department_id IN ");
            crate::reach::subtree(&mut sql, tenant, root.0);
        }
        if let Some(e) = q.employee {
            sql.push(" AND f.employee_id = ").bind(Arg::Uuid(e.0));
        }
        sql.push(" ORDER BY f.employee_id, f.day");
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text)), args)
                .fetch_all(p)
                .await?
        }))
    }

    /// The stored values of the person-day facts of `q.from..=q.to`, in no particular
    /// order (the values hold person and day; sorting them after decoding costs far less
    /// than the database's sort of their bytes); `visit_rows` is `[]` unless asked for.
    /// What reports read.
    pub async fn person_day_facts(
        &self,
        tenant: TenantId,
        q: &PersonDayQuery,
    ) -> Result<Vec<StoredFact>, StoreError> {
        // On SQLite the JSON forms are empty beside the binary ones, so the columns are read
        // as they are: all of them are in `report_person_days_read` (migration 0028), and the
        // read never leaves that index.
        let sqlite = matches!(self.pool, crate::pool::Pool::Sqlite(_));
        let (fact, visits) = match (sqlite, q.with_visits) {
            (true, true) => ("f.fact", "f.visit_rows, f.visits_bin"),
            (false, true) => (
                "CASE WHEN f.fact_bin IS NULL THEN f.fact ELSE '' END AS fact",
                "CASE WHEN f.visits_bin IS NULL THEN f.visit_rows ELSE '' END AS visit_rows, f.visits_bin",
            ),
            (true, false) => ("f.fact", "'[]' AS visit_rows, NULL AS visits_bin"),
            (false, false) => (
                "CASE WHEN f.fact_bin IS NULL THEN f.fact ELSE '' END AS fact",
                "'[]' AS visit_rows, NULL AS visits_bin",
            ),
        };
        let mut sql = Sql::new(&format!(
            "SELECT {fact}, f.fact_bin, {visits}
             FROM report_person_days f WHERE f.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND f.day >= ")
            .bind(Arg::Text(q.from.clone()))
            .push(" AND f.day <= ")
            .bind(Arg::Text(q.to.clone()));
        if let Some(root) = q.subtree {
            sql.push(" AND f.department_id IN ");
            crate::reach::subtree(&mut sql, tenant, root.0);
        }
        if let Some(e) = q.employee {
            sql.push(" AND f.employee_id = ").bind(Arg::Uuid(e.0));
        }
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text)), args)
                .fetch_all(p)
                .await?
        }))
    }

    /// Replaces the month facts of these customers for `month`; with `whole_month`, every
    /// other customer's row of that month goes too (a full refresh of the month).
    pub async fn replace_customer_months(
        &self,
        tenant: TenantId,
        month: &str,
        rows: &[StoredCustomerMonth],
        whole_month: bool,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        write_tx!(self, |tx| {
            if whole_month {
                sqlx::query(
                    "DELETE FROM report_customer_months WHERE tenant_id = $1 AND month = $2",
                )
                .bind(tenant.0)
                .bind(month)
                .execute(&mut *tx)
                .await?;
            } else {
                // One statement per thousand customers, not one per customer (a nightly
                // refresh rewrites thousands of them).
                let ids: Vec<Uuid> = rows.iter().map(|r| r.customer_id).collect();
                for chunk in ids.chunks(IDS_PER_STATEMENT) {
                    let mut sql = Sql::new("DELETE FROM report_customer_months WHERE tenant_id = ");
                    sql.bind(Arg::Uuid(tenant.0))
                        .push(" AND month = ")
                        .bind(Arg::Text(month.to_owned()))
                        .push(" AND customer_id IN ")
                        .bind_ids(chunk);
                    let Sql { text, args } = sql;
                    bind_all(sqlx::query(sqlx::AssertSqlSafe(text)), args)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            for chunk in rows.chunks(CHUNK) {
                let sql = customer_month_insert(chunk.len());
                let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
                for r in chunk {
                    q = q
                        .bind(tenant.0)
                        .bind(r.customer_id)
                        .bind(&r.month)
                        .bind(r.owner_id)
                        .bind(&r.level)
                        .bind(&r.tags)
                        .bind(r.visits)
                        .bind(r.visitors)
                        .bind(r.due_visits)
                        .bind(r.due_met)
                        .bind(&r.last_visit)
                        .bind(r.outcome_sum)
                        .bind(r.visits_with_outcome)
                        .bind(now);
                }
                q.execute(&mut *tx).await?;
            }
        });
        Ok(())
    }

    /// Active customers whose month fact of `month` is missing or was computed from other
    /// attributes than they have now (level, tags, owner, or whether an outcome is
    /// tracked): the ones a refresh must recompute although nobody visited them.
    pub async fn stale_customer_months(
        &self,
        tenant: TenantId,
        month: &str,
        outcome_tracked: bool,
    ) -> Result<Vec<Uuid>, StoreError> {
        let rows: Vec<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT c.id FROM customers c
                 LEFT JOIN report_customer_months m
                    ON m.tenant_id = c.tenant_id AND m.customer_id = c.id AND m.month = $2
                 WHERE c.tenant_id = $1 AND c.deleted_at IS NULL AND c.status = 'active'
                    AND (m.customer_id IS NULL OR m.level <> c.level OR m.tags <> c.tags
                         OR m.owner_id IS DISTINCT FROM c.owner_id
                         OR (m.outcome_sum IS NULL) = $3)
                 ORDER BY c.id",
            )
            .bind(tenant.0)
            .bind(month)
            .bind(outcome_tracked)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    /// Removes the month facts of `month` whose customer is no longer an active one
    /// (deleted, or back to pending): what a whole-month refresh would not write again.
    pub async fn prune_customer_months(
        &self,
        tenant: TenantId,
        month: &str,
    ) -> Result<u64, StoreError> {
        let done = write_on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM report_customer_months WHERE tenant_id = $1 AND month = $2
                    AND customer_id NOT IN (SELECT id FROM customers
                        WHERE tenant_id = $1 AND deleted_at IS NULL AND status = 'active')",
            )
            .bind(tenant.0)
            .bind(month)
            .execute(p)
            .await?
            .rows_affected()
        });
        Ok(done)
    }

    /// The customers' month facts of `from_month..=to_month` (`YYYY-MM`).
    pub async fn customer_months(
        &self,
        tenant: TenantId,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<StoredCustomerMonth>, StoreError> {
        let sql = format!(
            "SELECT {CUSTOMER_MONTH_COLUMNS} FROM report_customer_months
             WHERE tenant_id = $1 AND month >= $2 AND month <= $3 ORDER BY customer_id, month"
        );
        Ok(on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(from_month)
                .bind(to_month)
                .fetch_all(p)
                .await?
        }))
    }

    /// The customers' month facts of `from_month..=to_month` (`YYYY-MM`) merged into one
    /// row per customer, in SQL: counts summed, the most visitors of a month, the latest
    /// visit, outcomes summed (`NULL` when no month tracked one), and the level, tags and
    /// owner of the customer's latest month, whose key is `month`. By customer.
    pub async fn customer_month_sums(
        &self,
        tenant: TenantId,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<StoredCustomerMonth>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT g.customer_id, g.month, l.owner_id, l.level, l.tags,
                    CAST(g.visits AS INTEGER) AS visits, g.visitors,
                    CAST(g.due_visits AS INTEGER) AS due_visits,
                    CAST(g.due_met AS INTEGER) AS due_met, g.last_visit, g.outcome_sum,
                    CAST(g.visits_with_outcome AS INTEGER) AS visits_with_outcome
                 FROM (SELECT customer_id, MAX(month) AS month, SUM(visits) AS visits,
                        MAX(visitors) AS visitors, SUM(due_visits) AS due_visits,
                        SUM(due_met) AS due_met, MAX(last_visit) AS last_visit,
                        SUM(outcome_sum) AS outcome_sum,
                        SUM(visits_with_outcome) AS visits_with_outcome
                       FROM report_customer_months
                       WHERE tenant_id = $1 AND month >= $2 AND month <= $3
                       GROUP BY customer_id) g
                 JOIN report_customer_months l
                    ON l.tenant_id = $1 AND l.customer_id = g.customer_id AND l.month = g.month
                 ORDER BY g.customer_id",
            )
            .bind(tenant.0)
            .bind(from_month)
            .bind(to_month)
            .fetch_all(p)
            .await?
        }))
    }

    /// The customers' month facts of `from_month..=to_month` merged per customer as
    /// [`Store::customer_month_sums`] merges them, then summed by the latest month's owner,
    /// level and tags: what the coverage report needs, a few rows per owner instead of
    /// one per customer.
    pub async fn customer_coverage_sums(
        &self,
        tenant: TenantId,
        from_month: &str,
        to_month: &str,
    ) -> Result<Vec<CoverageSum>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT l.owner_id, l.level, l.tags, CAST(COUNT(*) AS BIGINT) AS customers,
                    CAST(SUM(CASE WHEN g.visits > 0 THEN 1 ELSE 0 END) AS BIGINT) AS visited,
                    CAST(SUM(g.visits) AS BIGINT) AS visits,
                    CAST(SUM(g.due_visits) AS BIGINT) AS due_visits,
                    CAST(SUM(g.due_met) AS BIGINT) AS due_met
                 FROM (SELECT customer_id, MAX(month) AS month, SUM(visits) AS visits,
                        SUM(due_visits) AS due_visits, SUM(due_met) AS due_met
                       FROM report_customer_months
                       WHERE tenant_id = $1 AND month >= $2 AND month <= $3
                       GROUP BY customer_id) g
                 JOIN report_customer_months l
                    ON l.tenant_id = $1 AND l.customer_id = g.customer_id AND l.month = g.month
                 GROUP BY l.owner_id, l.level, l.tags
                 ORDER BY l.owner_id, l.level, l.tags",
            )
            .bind(tenant.0)
            .bind(from_month)
            .bind(to_month)
            .fetch_all(p)
            .await?
        }))
    }

    /// The published plan days of a person in `from..=to`: `(date, stops JSON)`.
    pub async fn published_plans(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT date, stops FROM plans WHERE tenant_id = $1 AND employee_id = $2
                    AND date >= $3 AND date <= $4 AND status = 'published' ORDER BY date",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?
        }))
    }

    /// Everyone of the tenant as reports name them: `(id, name, employee number,
    /// current department)`.
    pub async fn report_people(
        &self,
        tenant: TenantId,
    ) -> Result<Vec<(Uuid, String, Option<String>, Uuid)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, name, employee_no, department_id FROM employees WHERE tenant_id = $1 ORDER BY id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        }))
    }

    /// Active field reps of the tenant: the people facts are kept for.
    pub async fn field_reps(&self, tenant: TenantId) -> Result<Vec<EmployeeId>, StoreError> {
        let rows: Vec<(Uuid,)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id FROM employees WHERE tenant_id = $1 AND role = 'field' AND active ORDER BY id",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(rows.into_iter().map(|(id,)| EmployeeId(id)).collect())
    }

    /// Every department move of the tenant's people: `(employee, until_day, department)`,
    /// by person then day.
    pub async fn department_moves(
        &self,
        tenant: TenantId,
        employee: Option<EmployeeId>,
    ) -> Result<Vec<(Uuid, String, Uuid)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT employee_id, until_day, department_id FROM employee_department_moves
                 WHERE tenant_id = $1 AND ($2 IS NULL OR employee_id = $2) ORDER BY employee_id, until_day",
            )
            .bind(tenant.0)
            .bind(employee.map(|e| e.0))
            .fetch_all(p)
            .await?
        }))
    }

    /// A person's visits with a check-in in `[lo_ms, hi_ms)`, with the customer's place.
    pub async fn fact_visits(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        lo_ms: i64,
        hi_ms: i64,
    ) -> Result<Vec<FactVisit>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT v.id, v.customer_id, v.kind, v.in_t_ms, v.out_t_ms, v.in_status, v.out_judgement,
                    v.report_answers, c.lat, c.lon
                 FROM visits v LEFT JOIN customers c ON c.tenant_id = v.tenant_id AND c.id = v.customer_id
                 WHERE v.tenant_id = $1 AND v.employee_id = $2 AND v.in_t_ms >= $3 AND v.in_t_ms < $4
                 ORDER BY v.in_t_ms, v.id",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(lo_ms)
            .bind(hi_ms)
            .fetch_all(p)
            .await?
        }))
    }

    /// Check-ins in `[lo_ms, hi_ms)` of these customers (all customers when `None`), by
    /// customer then instant; the answers only when `with_answers` (an outcome is tracked).
    pub async fn customer_visits(
        &self,
        tenant: TenantId,
        customers: Option<&[Uuid]>,
        (lo_ms, hi_ms): (i64, i64),
        with_answers: bool,
    ) -> Result<Vec<CustomerVisitRow>, StoreError> {
        let answers = if with_answers {
            "v.report_answers"
        } else {
            "NULL AS report_answers"
        };
        let mut sql = Sql::new(&format!(
            "SELECT v.customer_id, v.employee_id, v.in_t_ms, {answers} FROM visits v WHERE v.tenant_id = "
        ));
        sql.bind(Arg::Uuid(tenant.0))
            .push(" AND v.in_t_ms >= ")
            .bind(Arg::I64(lo_ms))
            .push(" AND v.in_t_ms < ")
            .bind(Arg::I64(hi_ms));
        if let Some(ids) = customers {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            sql.push(" AND v.customer_id IN ").bind_ids(ids);
        }
        sql.push(" ORDER BY v.customer_id, v.in_t_ms");
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text)), args)
                .fetch_all(p)
                .await?
        }))
    }

    /// The tenant's customers (all of them, or these), not deleted.
    pub async fn report_customers(
        &self,
        tenant: TenantId,
        ids: Option<&[Uuid]>,
    ) -> Result<Vec<ReportCustomer>, StoreError> {
        let mut sql = Sql::new(
            "SELECT c.id, c.name, c.level, c.tags, c.owner_id, c.status FROM customers c
             WHERE c.deleted_at IS NULL AND c.tenant_id = ",
        );
        sql.bind(Arg::Uuid(tenant.0));
        if let Some(ids) = ids {
            if ids.is_empty() {
                return Ok(Vec::new());
            }
            sql.push(" AND c.id IN ").bind_ids(ids);
        }
        sql.push(" ORDER BY c.id");
        let Sql { text, args } = sql;
        Ok(on_pool!(self, |p| {
            bind_all(sqlx::query_as(sqlx::AssertSqlSafe(text)), args)
                .fetch_all(p)
                .await?
        }))
    }

    /// The anti-cheat level of a person's assessed days in `from..=to`.
    pub async fn verdict_levels(
        &self,
        tenant: TenantId,
        employee: EmployeeId,
        from: &str,
        to: &str,
    ) -> Result<Vec<(String, String)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT day, level FROM integrity_days
                 WHERE tenant_id = $1 AND employee_id = $2 AND day >= $3 AND day <= $4 ORDER BY day",
            )
            .bind(tenant.0)
            .bind(employee.0)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?
        }))
    }

    /// Requests created in `[lo_ms, hi_ms)`, for the approval-turnaround report.
    pub async fn report_requests(
        &self,
        tenant: TenantId,
        lo_ms: i64,
        hi_ms: i64,
    ) -> Result<Vec<ReportRequest>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT id, employee_id, kind, status, created_ms, decided_ms FROM attendance_requests
                 WHERE tenant_id = $1 AND created_ms >= $2 AND created_ms < $3 ORDER BY created_ms, id",
            )
            .bind(tenant.0)
            .bind(lo_ms)
            .bind(hi_ms)
            .fetch_all(p)
            .await?
        }))
    }

    /// The tenant's insight thresholds (JSON) and outcome field; `None`: never set.
    pub async fn report_settings(
        &self,
        tenant: TenantId,
    ) -> Result<Option<(String, Option<String>)>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT insights, outcome_field FROM report_settings WHERE tenant_id = $1",
            )
            .bind(tenant.0)
            .fetch_optional(p)
            .await?
        }))
    }

    pub async fn put_report_settings(
        &self,
        tenant: TenantId,
        insights: &str,
        outcome_field: Option<&str>,
    ) -> Result<(), StoreError> {
        write_on_pool!(self, |p| {
            sqlx::query(
                "INSERT INTO report_settings (tenant_id, insights, outcome_field, updated_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (tenant_id) DO UPDATE SET insights = excluded.insights,
                    outcome_field = excluded.outcome_field, updated_ms = excluded.updated_ms",
            )
            .bind(tenant.0)
            .bind(insights)
            .bind(outcome_field)
            .bind(now_ms())
            .execute(p)
            .await?;
        });
        Ok(())
    }

    /// Enqueues many jobs in one transaction (the nightly facts of every rep, a rebuild's
    /// follow-ups), coalescing by key as `enqueue` does.
    pub async fn enqueue_many(&self, jobs: &[NewJob]) -> Result<(), StoreError> {
        if jobs.is_empty() {
            return Ok(());
        }
        match &self.pool {
            crate::pool::Pool::Sqlite(p) => {
                let writer = crate::pool::turn(&self.sqlite_writer, p).await;
                let mut tx = writer.pool().begin_with("BEGIN IMMEDIATE").await?;
                crate::job_batch::sqlite(&mut tx, jobs).await?;
                tx.commit().await?;
            }
            crate::pool::Pool::Postgres(p) => {
                let mut tx = p.begin().await?;
                crate::job_batch::postgres(&mut tx, jobs).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_the_tenants_zone() {
        // 2026-11-02 16:30 UTC is 00:30 on the 3rd in Shanghai.
        let ms = DateTime::parse_from_rfc3339("2026-11-02T16:30:00Z")
            .unwrap()
            .timestamp_millis();
        assert_eq!(local_day("Asia/Shanghai", ms), "2026-11-03");
        assert_eq!(local_day("Europe/London", ms), "2026-11-02");
        assert_eq!(day_before("2026-03-01").as_deref(), Some("2026-02-28"));
        assert_eq!(day_before("March"), None);
    }

    #[test]
    fn placeholders_run_on_across_rows() {
        let sql = person_day_insert(2);
        assert!(sql.contains("($1, $2,"), "{sql}");
        assert!(sql.ends_with("$35, $36)"), "{sql}");
    }
}
