//! Running the durable jobs (`storage::jobs`): each server runs one worker that claims
//! due jobs under a lease, runs each through its kind's handler and records the outcome,
//! and moves the tenants' schedules forward. Handlers must be idempotent: a job may run
//! again after a crash (its lease expires) or a failure (it is retried with back-off).

mod scheduled;

pub use scheduled::enqueue_due as enqueue_scheduled;

use crate::state::AppState;
use std::time::Duration;
use storage::{ClaimedJob, Store};
use tokio::sync::Notify;

/// The kinds this server runs.
pub const KINDS: [&str; 11] = [
    storage::TRACK_DAY_JOB,
    storage::APPROVALS_SWEEP_JOB,
    storage::PLAN_CHANGE_JOB,
    storage::INTEGRITY_DAY_JOB,
    storage::REPORT_FACTS_JOB,
    storage::REPORT_DELIVERY_JOB,
    scheduled::RETENTION_JOB,
    scheduled::CLAIMS_JOB,
    scheduled::REPORT_FACTS_DAILY_JOB,
    storage::WEBHOOK_DELIVERY_JOB,
    storage::NOTIFICATIONS_JOB,
];

/// How often an idle worker looks for due jobs, and how often it moves schedules on.
const IDLE_POLL: Duration = Duration::from_secs(1);
const SCHEDULE_EVERY_MS: i64 = 30_000;
/// Jobs taken per claim: enough to amortise the claim, few enough that a stopped server
/// strands little work until its leases expire.
const CLAIM_BATCH: i64 = 16;

/// This server's worker: its name in leases, and a bell the code that enqueues rings.
pub struct Jobs {
    pub worker: String,
    wake: Notify,
    lease: Duration,
    /// A kind the background worker leaves queued for now (see [`Jobs::hold`]).
    held: std::sync::Mutex<Option<&'static str>>,
}

/// While alive, the background worker leaves jobs of one kind queued.
pub struct Hold<'a>(&'a Jobs);

impl Drop for Hold<'_> {
    fn drop(&mut self) {
        *self.0.held.lock().unwrap_or_else(|e| e.into_inner()) = None;
    }
}

impl Jobs {
    pub fn new(lease: Duration) -> Jobs {
        Jobs {
            worker: format!("{}-{}", hostname(), uuid::Uuid::now_v7().simple()),
            wake: Notify::new(),
            lease,
            held: std::sync::Mutex::new(None),
        }
    }

    /// Leaves the jobs of `kind` to whoever holds the answer: the demo loader builds
    /// report facts in one pass at the end, and the worker running each rep-day's facts
    /// job during the load would only compute what that pass replaces.
    pub fn hold(&self, kind: &'static str) -> Hold<'_> {
        *self.held.lock().unwrap_or_else(|e| e.into_inner()) = Some(kind);
        Hold(self)
    }

    fn held(&self) -> Option<&'static str> {
        *self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Asks the worker to look for jobs now rather than at its next poll.
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "outfield".into())
}

/// Starts the worker; it ends when the database closes.
pub fn spawn(state: AppState) {
    tokio::spawn(async move {
        rejudge_outdated(&state).await;
        let mut next_schedule_ms = 0;
        loop {
            if state.store.is_closed() {
                return;
            }
            let now = crate::now_ms();
            if now >= next_schedule_ms {
                next_schedule_ms = now + SCHEDULE_EVERY_MS;
                if let Err(e) = scheduled::enqueue_due(&state.store).await {
                    log_unless_closed(&state.store, "moving schedules on failed", &e);
                }
            }
            match run_due_except(&state, now, Pace::InTurn, state.jobs.held()).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => log_unless_closed(&state.store, "claiming jobs failed", &e),
            }
            let _ = tokio::time::timeout(IDLE_POLL, state.jobs.wake.notified()).await;
        }
    });
}

/// Verdicts of the last five weeks made by older anti-cheat checks are made again.
async fn rejudge_outdated(state: &AppState) {
    const WEEKS_BACK: i64 = 5;
    let since = (chrono::Utc::now() - chrono::Duration::weeks(WEEKS_BACK))
        .date_naive()
        .to_string();
    let version = i32::try_from(integrity::CHECKS_VERSION).unwrap_or(i32::MAX);
    match state.store.rejudge_outdated(version, &since).await {
        Ok(0) => {}
        Ok(n) => tracing::info!(
            days = n,
            version,
            "anti-cheat checks changed: days queued to be judged again"
        ),
        Err(e) => log_unless_closed(&state.store, "queueing outdated verdicts failed", &e),
    }
}

fn log_unless_closed(store: &Store, what: &str, e: &dyn std::fmt::Display) {
    if !store.is_closed() {
        tracing::warn!(error = %e, "{what}");
    }
}

/// How a claimed batch runs.
#[derive(Clone, Copy)]
pub enum Pace {
    /// One job after another: the background worker leaves the other core to requests
    /// (with batches side by side, 20-fix PostgreSQL ingest measured 1.25× the old
    /// writer's throughput instead of 1.78× in turn: day summaries took both cores).
    InTurn,
    /// Side by side, the CPU parts on the blocking pool: catching up (the demo loader
    /// drains ~500 day summaries at the end of its load) uses every core.
    SideBySide,
}

/// Claims and runs the jobs due by `due_by` but those of kind `skip`; returns how many ran.
async fn run_due_except(
    state: &AppState,
    due_by: i64,
    pace: Pace,
    skip: Option<&str>,
) -> Result<usize, storage::StoreError> {
    // New events become webhook deliveries first, so this pass runs them too.
    if let Err(e) = crate::webhooks::dispatch(state).await {
        log_unless_closed(&state.store, "dispatching webhooks failed", &e);
    }
    let jobs = &state.jobs;
    let lease_ms = i64::try_from(jobs.lease.as_millis()).unwrap_or(i64::MAX);
    let claimed = state
        .store
        .claim_jobs_except(&jobs.worker, due_by, lease_ms, CLAIM_BATCH, skip)
        .await?;
    match pace {
        Pace::InTurn => {
            for job in &claimed {
                run_one(state, job).await?;
            }
        }
        Pace::SideBySide => {
            let runs = claimed.iter().map(|job| run_one(state, job));
            futures_util::future::join_all(runs)
                .await
                .into_iter()
                .collect::<Result<Vec<()>, _>>()?;
        }
    }
    Ok(claimed.len())
}

/// Runs every job due within `ahead`, until none is left (the demo loader, tests).
pub async fn drain(state: &AppState, ahead: Duration) -> Result<usize, storage::StoreError> {
    drain_except(state, ahead, None).await
}

/// [`drain`], leaving the jobs of kind `skip` queued.
pub async fn drain_except(
    state: &AppState,
    ahead: Duration,
    skip: Option<&str>,
) -> Result<usize, storage::StoreError> {
    let mut total = 0;
    loop {
        let due_by = crate::now_ms() + i64::try_from(ahead.as_millis()).unwrap_or(0);
        match run_due_except(state, due_by, Pace::SideBySide, skip).await? {
            0 => return Ok(total),
            n => total += n,
        }
    }
}

async fn run_one(state: &AppState, job: &ClaimedJob) -> Result<(), storage::StoreError> {
    let worker = &state.jobs.worker;
    // A job taken over from a server that died holding it has used up its attempts there.
    let outcome = if job.attempts > job.max_attempts {
        Err("its last attempt never finished (the server running it stopped)".to_owned())
    } else {
        handle(state, job).await
    };
    match outcome {
        Ok(()) => {
            state.store.finish_job(job, worker).await?;
        }
        Err(error) => {
            let retry_at = (job.attempts < job.max_attempts).then(|| {
                let unit = getrandom::u64().unwrap_or(0) as f64 / u64::MAX as f64;
                crate::now_ms() + domain::jobs::retry_delay_ms(job.attempts, unit)
            });
            tracing::warn!(kind = %job.kind, id = %job.id, attempt = job.attempts, %error,
                dead = retry_at.is_none(), "job failed");
            state.store.fail_job(job, worker, &error, retry_at).await?;
        }
    }
    Ok(())
}

/// The handlers, by kind. An unknown kind fails (and ends dead), so a job written by a
/// newer server is kept for it rather than lost.
async fn handle(state: &AppState, job: &ClaimedJob) -> Result<(), String> {
    let tenant = domain::TenantId(job.tenant);
    match job.kind.as_str() {
        storage::TRACK_DAY_JOB => crate::tracking::days::run_day_job(state, tenant, &job.payload)
            .await
            .map_err(|e| e.message),
        storage::INTEGRITY_DAY_JOB => {
            crate::services::integrity_day::run_day_job(state, tenant, &job.payload)
                .await
                .map_err(|e| e.message)
        }
        storage::REPORT_FACTS_JOB => {
            crate::services::report_facts::run_job(state, tenant, &job.payload)
                .await
                .map_err(|e| e.message)
        }
        storage::REPORT_DELIVERY_JOB => {
            crate::services::report_schedules::run_job(state, job).await
        }
        scheduled::RETENTION_JOB => scheduled::retention(state, tenant).await,
        scheduled::REPORT_FACTS_DAILY_JOB => scheduled::report_facts(state, tenant).await,
        scheduled::CLAIMS_JOB => {
            let at = job.unique_key.as_deref().and_then(|k| k.parse().ok());
            scheduled::claims(state, tenant, at).await
        }
        storage::APPROVALS_SWEEP_JOB => scheduled::approvals(state, tenant).await,
        storage::WEBHOOK_DELIVERY_JOB => {
            crate::webhooks::run_delivery_job(
                state,
                tenant,
                job.unique_key.as_deref(),
                &job.payload,
            )
            .await
        }
        storage::NOTIFICATIONS_JOB => crate::services::notifications::run_job(state, tenant).await,
        storage::PLAN_CHANGE_JOB => {
            crate::services::plan_changes::run_job(state, tenant, &job.payload)
                .await
                .map_err(|e| e.message)
        }
        other => Err(format!("no handler for jobs of kind {other}")),
    }
}
