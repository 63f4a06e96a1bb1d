//! The durable job queue: work that runs outside a request (recomputing a day,
//! retention, delivering events), stored so that it survives a crash and runs once across
//! several servers.
//!
//! A job is enqueued in the transaction of the change that causes it (`enqueue_job!`), is
//! claimed by one worker under a lease, and ends `done`, goes back to `queued` with a
//! later `run_at` after a failure, or ends `dead` after its last attempt. PostgreSQL
//! workers claim with `FOR UPDATE SKIP LOCKED`; SQLite has one writer and needs no lock.

use crate::cursor::{self, MAX_LIMIT, Page};
use crate::pool::{Pool, on_pool, write_on_pool, write_tx};
use crate::time::now_ms;
use crate::{Store, StoreError};
use domain::TenantId;
use serde_json::Value;
use uuid::Uuid;

/// How a new job meets a queued one of the same kind and key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Coalesce {
    /// The queued job stands as it is.
    Keep,
    /// The queued job waits until the key has been quiet for `settle_ms`, but never
    /// longer than `max_delay_ms` after it was first queued (a rep sending fixes all day
    /// still gets a fresh summary every so often).
    Debounce { settle_ms: i64, max_delay_ms: i64 },
}

#[derive(Clone, Debug)]
pub struct NewJob {
    pub tenant: TenantId,
    pub kind: &'static str,
    pub unique_key: Option<String>,
    pub payload: String,
    pub run_at_ms: i64,
    pub max_attempts: i32,
    pub coalesce: Coalesce,
}

impl NewJob {
    /// A job due now, tried up to eight times.
    pub fn new(tenant: TenantId, kind: &'static str, payload: String) -> NewJob {
        NewJob {
            tenant,
            kind,
            unique_key: None,
            payload,
            run_at_ms: now_ms(),
            max_attempts: 8,
            coalesce: Coalesce::Keep,
        }
    }

    pub fn keyed(mut self, key: impl Into<String>) -> NewJob {
        self.unique_key = Some(key.into());
        self
    }

    pub fn debounced(mut self, settle_ms: i64, max_delay_ms: i64) -> NewJob {
        self.run_at_ms = now_ms() + settle_ms;
        self.coalesce = Coalesce::Debounce {
            settle_ms,
            max_delay_ms,
        };
        self
    }
}

/// A job as a worker holds it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct ClaimedJob {
    #[sqlx(rename = "tenant_id")]
    pub tenant: Uuid,
    pub id: Uuid,
    pub kind: String,
    pub unique_key: Option<String>,
    pub payload: String,
    /// This attempt's number, from 1.
    pub attempts: i32,
    pub max_attempts: i32,
}

/// A job as the admin list shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct JobRecord {
    pub id: Uuid,
    pub kind: String,
    pub unique_key: Option<String>,
    pub payload: String,
    pub state: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at_ms: i64,
    pub locked_by: Option<String>,
    pub last_error: Option<String>,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub finished_ms: Option<i64>,
}

/// Inserts a job inside the transaction `$tx` (a `&mut` connection of either engine), so
/// it exists exactly when the change that caused it does.
macro_rules! enqueue_job {
    ($tx:expr, $job:expr) => {{
        let job: &$crate::jobs::NewJob = $job;
        let now = $crate::time::now_ms();
        let (settle, max_delay) = match job.coalesce {
            $crate::jobs::Coalesce::Keep => (None::<i64>, None::<i64>),
            $crate::jobs::Coalesce::Debounce {
                settle_ms,
                max_delay_ms,
            } => (Some(settle_ms), Some(max_delay_ms)),
        };
        // A keyed job meeting a queued twin either leaves it be or pushes its run time
        // to `settle` after now, capped at `max_delay` after the twin was queued.
        sqlx::query(
            "INSERT INTO jobs (tenant_id, id, kind, unique_key, payload, state, attempts, max_attempts,
                run_at_ms, created_ms, updated_ms)
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, $8, $8)
             ON CONFLICT (tenant_id, kind, unique_key) WHERE state = 'queued' DO UPDATE SET
                run_at_ms = CASE WHEN $9 IS NULL THEN jobs.run_at_ms
                    WHEN $8 + $9 < jobs.created_ms + $10 THEN $8 + $9
                    ELSE jobs.created_ms + $10 END,
                updated_ms = $8",
        )
        .bind(job.tenant.0)
        .bind(uuid::Uuid::now_v7())
        .bind(job.kind)
        .bind(job.unique_key.as_deref())
        .bind(&job.payload)
        .bind(job.max_attempts)
        .bind(job.run_at_ms)
        .bind(now)
        .bind(settle)
        .bind(max_delay)
        .execute(&mut *$tx)
        .await?;
    }};
}
// For other modules that enqueue inside their own transactions.
#[allow(unused_imports)]
pub(crate) use enqueue_job;

/// Counts of one kind in one state.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobCount {
    pub kind: String,
    pub state: String,
    pub count: i64,
}

const COLUMNS: &str = "id, kind, unique_key, payload, state, attempts, max_attempts, run_at_ms,
    locked_by, last_error, created_ms, updated_ms, finished_ms";
const CLAIMED: &str = "tenant_id, id, kind, unique_key, payload, attempts, max_attempts";

/// Which jobs a claim may take: due queued ones and running ones whose lease ran out,
/// never one whose key another worker is running.
const CLAIMABLE: &str = "((j.state = 'queued' AND j.run_at_ms <= $3)
        OR (j.state = 'running' AND j.locked_until_ms < $3))
    AND (j.unique_key IS NULL OR NOT EXISTS (
        SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.tenant_id = j.tenant_id AND r.kind = j.kind
            AND r.unique_key = j.unique_key AND r.id <> j.id AND r.locked_until_ms >= $3))";

impl Store {
    pub async fn enqueue(&self, job: &NewJob) -> Result<(), StoreError> {
        write_tx!(self, |tx| enqueue_job!(tx, job));
        Ok(())
    }

    /// Takes up to `limit` jobs for `worker` until `now + lease_ms`, counting an attempt
    /// on each. `due_by` is normally now; a larger value takes jobs early (the demo loader
    /// finishes its summaries before serving).
    pub async fn claim_jobs(
        &self,
        worker: &str,
        due_by: i64,
        lease_ms: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        self.claim_jobs_except(worker, due_by, lease_ms, limit, None)
            .await
    }

    /// [`Store::claim_jobs`], leaving jobs of the kind `skip` where they are (the demo
    /// loader builds report facts in one pass instead of one job per day).
    pub async fn claim_jobs_except(
        &self,
        worker: &str,
        due_by: i64,
        lease_ms: i64,
        limit: i64,
        skip: Option<&str>,
    ) -> Result<Vec<ClaimedJob>, StoreError> {
        let now = now_ms();
        let lock = match self.pool {
            Pool::Sqlite(_) => "",
            Pool::Postgres(_) => "FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1,
                locked_until_ms = $2, updated_ms = $5
             WHERE (tenant_id, id) IN (SELECT j.tenant_id, j.id FROM jobs j WHERE {CLAIMABLE}
                AND ($6 IS NULL OR j.kind <> $6)
                ORDER BY j.run_at_ms LIMIT $4 {lock})
             RETURNING {CLAIMED}"
        );
        Ok(write_on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(worker)
                .bind(now + lease_ms)
                .bind(due_by.max(now))
                .bind(limit)
                .bind(now)
                .bind(skip)
                .fetch_all(p)
                .await?
        }))
    }

    /// Removes a tenant's queued jobs of one kind (the demo loader, once it has built
    /// what they would have); answers how many.
    pub async fn drop_queued_jobs(&self, tenant: TenantId, kind: &str) -> Result<u64, StoreError> {
        Ok(write_on_pool!(self, |p| {
            sqlx::query("DELETE FROM jobs WHERE tenant_id = $1 AND kind = $2 AND state = 'queued'")
                .bind(tenant.0)
                .bind(kind)
                .execute(p)
                .await?
                .rows_affected()
        }))
    }

    /// Marks a job done if `worker` still holds it (a worker whose lease ran out and was
    /// taken over does not overwrite the new holder's outcome); `locked_by` keeps who ran it.
    pub async fn finish_job(&self, job: &ClaimedJob, worker: &str) -> Result<bool, StoreError> {
        let now = now_ms();
        Ok(write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE jobs SET state = 'done', locked_until_ms = NULL,
                    updated_ms = $4, finished_ms = $4
                 WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'",
            )
            .bind(job.tenant)
            .bind(job.id)
            .bind(worker)
            .bind(now)
            .execute(p)
            .await?
            .rows_affected()
                == 1
        }))
    }

    /// Records a failed attempt: the job is queued again at `retry_at_ms`, or `dead` with
    /// the error kept when that was its last attempt (`retry_at_ms` is `None`). A job
    /// whose key was queued again meanwhile is superseded by that twin rather than
    /// queued a second time.
    pub async fn fail_job(
        &self,
        job: &ClaimedJob,
        worker: &str,
        error: &str,
        retry_at_ms: Option<i64>,
    ) -> Result<(), StoreError> {
        let now = now_ms();
        let error: String = error.chars().take(2000).collect();
        write_tx!(self, |tx| {
            sqlx::query(
                "UPDATE jobs SET
                    state = CASE WHEN $5 IS NULL THEN 'dead'
                        WHEN unique_key IS NOT NULL AND EXISTS (SELECT 1 FROM jobs q WHERE q.state = 'queued'
                            AND q.tenant_id = jobs.tenant_id AND q.kind = jobs.kind AND q.unique_key = jobs.unique_key) THEN 'done'
                        ELSE 'queued' END,
                    finished_ms = CASE WHEN $5 IS NULL THEN $6 ELSE NULL END,
                    run_at_ms = COALESCE($5, run_at_ms), last_error = $4,
                    locked_by = NULL, locked_until_ms = NULL, updated_ms = $6
                 WHERE tenant_id = $1 AND id = $2 AND locked_by = $3 AND state = 'running'",
            )
            .bind(job.tenant)
            .bind(job.id)
            .bind(worker)
            .bind(&error)
            .bind(retry_at_ms)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        });
        Ok(())
    }

    /// A tenant's jobs, newest first, optionally of one state and kind.
    pub async fn list_jobs(
        &self,
        tenant: TenantId,
        state: Option<&str>,
        kind: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<JobRecord>, StoreError> {
        let limit = limit.clamp(1, MAX_LIMIT);
        let before = after.map(cursor::decode).transpose()?.map(|(_, id)| id);
        let sql = format!(
            "SELECT {COLUMNS} FROM jobs WHERE tenant_id = $1
                AND ($2 IS NULL OR state = $2) AND ($3 IS NULL OR kind = $3)
                AND ($4 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5"
        );
        let rows: Vec<JobRecord> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(state)
                .bind(kind)
                .bind(before)
                .bind(i64::from(limit) + 1)
                .fetch_all(p)
                .await?
        });
        Ok(Page::from_overfetch(rows, limit, |r| {
            cursor::encode(Value::Null, r.id)
        }))
    }

    /// How many of a tenant's jobs are in each kind and state.
    pub async fn job_counts(&self, tenant: TenantId) -> Result<Vec<JobCount>, StoreError> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT kind, state, COUNT(*) FROM jobs WHERE tenant_id = $1
                 GROUP BY kind, state ORDER BY kind, state",
            )
            .bind(tenant.0)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, state, count)| JobCount { kind, state, count })
            .collect())
    }

    /// Jobs of every tenant in each kind and state (for the metrics endpoint).
    pub async fn job_counts_all(&self) -> Result<Vec<JobCount>, StoreError> {
        let rows: Vec<(String, String, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT kind, state, COUNT(*) FROM jobs WHERE state <> 'done'
                 GROUP BY kind, state ORDER BY kind, state",
            )
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(kind, state, count)| JobCount { kind, state, count })
            .collect())
    }

    pub async fn job(&self, tenant: TenantId, id: Uuid) -> Result<JobRecord, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM jobs WHERE tenant_id = $1 AND id = $2");
        let row: Option<JobRecord> = on_pool!(self, |p| {
            sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()))
                .bind(tenant.0)
                .bind(id)
                .fetch_optional(p)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Gives a dead job a fresh set of attempts, due now. `false` when the job is not
    /// dead (only dead jobs are retried by hand), or a twin of its key is already queued.
    pub async fn retry_job(&self, tenant: TenantId, id: Uuid) -> Result<bool, StoreError> {
        let now = now_ms();
        let changed = write_on_pool!(self, |p| {
            sqlx::query(
                "UPDATE jobs SET state = 'queued', attempts = 0, run_at_ms = $3, updated_ms = $3,
                    finished_ms = NULL
                 WHERE tenant_id = $1 AND id = $2 AND state = 'dead'
                   AND (unique_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs q WHERE q.state = 'queued'
                        AND q.tenant_id = jobs.tenant_id AND q.kind = jobs.kind AND q.unique_key = jobs.unique_key))",
            )
            .bind(tenant.0)
            .bind(id)
            .bind(now)
            .execute(p)
            .await
            .map_err(|e| crate::error::conflict_or(e, &["state"]))?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Forgets a tenant's finished jobs older than `before_ms` (dead ones stay until
    /// someone looks at them).
    pub async fn purge_done_jobs(
        &self,
        tenant: TenantId,
        before_ms: i64,
    ) -> Result<u64, StoreError> {
        Ok(write_on_pool!(self, |p| {
            sqlx::query(
                "DELETE FROM jobs WHERE tenant_id = $1 AND state = 'done' AND finished_ms < $2",
            )
            .bind(tenant.0)
            .bind(before_ms)
            .execute(p)
            .await?
            .rows_affected()
        }))
    }

    /// Keys of a kind's jobs still waiting or running whose key lies in `from..=to`.
    pub async fn pending_job_keys(
        &self,
        tenant: TenantId,
        kind: &str,
        from: &str,
        to: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, |p| {
            sqlx::query_scalar(
                "SELECT DISTINCT unique_key FROM jobs WHERE tenant_id = $1 AND kind = $2
                   AND state IN ('queued', 'running') AND unique_key >= $3 AND unique_key <= $4",
            )
            .bind(tenant.0)
            .bind(kind)
            .bind(from)
            .bind(to)
            .fetch_all(p)
            .await?
        }))
    }

    /// Makes sure `name` is scheduled for every tenant, first at `first_run(tz)` (given
    /// the tenant's time zone name); returns how many schedules were added.
    pub async fn ensure_schedules(
        &self,
        name: &str,
        first_run: impl Fn(&str) -> i64,
    ) -> Result<usize, StoreError> {
        let missing: Vec<(Uuid, String)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT t.id, t.timezone FROM tenants t WHERE NOT EXISTS (
                    SELECT 1 FROM job_schedules s WHERE s.tenant_id = t.id AND s.name = $1)",
            )
            .bind(name)
            .fetch_all(p)
            .await?
        });
        for (tenant, tz) in &missing {
            write_on_pool!(self, |p| {
                sqlx::query(
                    "INSERT INTO job_schedules (tenant_id, name, next_run_ms) VALUES ($1, $2, $3)
                     ON CONFLICT (tenant_id, name) DO NOTHING",
                )
                .bind(tenant)
                .bind(name)
                .bind(first_run(tz))
                .execute(p)
                .await?;
            });
        }
        Ok(missing.len())
    }

    /// Occurrences of `name` that are due: (tenant, its time zone, the due instant).
    pub async fn due_schedules(
        &self,
        name: &str,
        now: i64,
    ) -> Result<Vec<(TenantId, String, i64)>, StoreError> {
        let rows: Vec<(Uuid, String, i64)> = on_pool!(self, |p| {
            sqlx::query_as(
                "SELECT s.tenant_id, t.timezone, s.next_run_ms FROM job_schedules s
                 JOIN tenants t ON t.id = s.tenant_id
                 WHERE s.name = $1 AND s.next_run_ms <= $2",
            )
            .bind(name)
            .bind(now)
            .fetch_all(p)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(t, tz, at)| (TenantId(t), tz, at))
            .collect())
    }

    /// Moves a schedule from the occurrence `due` to `next` and enqueues its job, in one
    /// transaction; `false` when another server moved it first (and enqueued the job).
    pub async fn advance_schedule(
        &self,
        name: &str,
        tenant: TenantId,
        due: i64,
        next: i64,
        job: &NewJob,
    ) -> Result<bool, StoreError> {
        Ok(write_tx!(self, |tx| {
            let moved = sqlx::query(
                "UPDATE job_schedules SET next_run_ms = $4
                 WHERE tenant_id = $1 AND name = $2 AND next_run_ms = $3",
            )
            .bind(tenant.0)
            .bind(name)
            .bind(due)
            .bind(next)
            .execute(&mut *tx)
            .await?
            .rows_affected()
                == 1;
            if moved {
                enqueue_job!(tx, job);
            }
            moved
        }))
    }
}
