//! Recurring work per tenant, run at a fixed hour of the tenant's wall clock: retention
//! (old fixes, audit entries past the tenant's audit retention, finished jobs, webhook
//! delivery attempts older than 30 days) at 03:00,
//! when a field team sleeps; and at 01:00 on the first day of a claim period (a month,
//! half-month or ISO week: the tenant's setting), the mileage claim drafts of the period
//! that ended, for every active rep; every hour, the sweep of open
//! approval requests (reminders, deactivated approvers); at 00:20, yesterday's report facts
//! of every active rep (a day nobody touched still turns from pending into absent) and the
//! month facts of every customer.

use crate::state::AppState;
use chrono::NaiveTime;
use chrono_tz::Tz;
use domain::TenantId;
use storage::{NewJob, Store, StoreError};

pub const RETENTION_JOB: &str = "retention";
pub const CLAIMS_JOB: &str = "claims_generate";
pub const REPORT_FACTS_DAILY_JOB: &str = "report_facts_daily";

/// Finished jobs are kept this long for the admin list, then forgotten.
const KEEP_DONE_JOBS_MS: i64 = 7 * 86_400_000;

/// Webhook delivery attempts are kept this long in the endpoints' logs.
const KEEP_DELIVERIES_MS: i64 = 30 * 86_400_000;

fn three_am() -> NaiveTime {
    NaiveTime::from_hms_opt(3, 0, 0).unwrap_or_default()
}

fn one_am() -> NaiveTime {
    NaiveTime::from_hms_opt(1, 0, 0).unwrap_or_default()
}

fn twenty_past_midnight() -> NaiveTime {
    NaiveTime::from_hms_opt(0, 20, 0).unwrap_or_default()
}

fn zone(name: &str) -> Tz {
    name.parse().unwrap_or(chrono_tz::Asia::Shanghai)
}

/// Gives every tenant a retention schedule, and enqueues each occurrence that is due
/// (once across servers: the schedule is moved with a compare-and-set).
pub async fn enqueue_due(store: &Store) -> Result<(), StoreError> {
    let now = crate::now_ms();
    for (name, at) in [
        (RETENTION_JOB, three_am()),
        (CLAIMS_JOB, one_am()),
        (REPORT_FACTS_DAILY_JOB, twenty_past_midnight()),
    ] {
        store
            .ensure_schedules(name, |tz| domain::jobs::next_daily(now, zone(tz), at))
            .await?;
        for (tenant, tz, due) in store.due_schedules(name, now).await? {
            let next = domain::jobs::next_daily(now.max(due), zone(&tz), at);
            let job = NewJob::new(tenant, name, "{}".into()).keyed(format!("{due}"));
            store
                .advance_schedule(name, tenant, due, next, &job)
                .await?;
        }
    }
    // Scheduled reports: each due schedule's run, at the hour its owner chose.
    crate::services::report_schedules::queue_due(store, now).await?;
    // Open approvals are swept every hour on the hour: reminders and escalations.
    let hour = 3_600_000;
    let next_hour = |t: i64| (t / hour + 1) * hour;
    let name = storage::APPROVALS_SWEEP_JOB;
    store.ensure_schedules(name, |_| next_hour(now)).await?;
    for (tenant, _, due) in store.due_schedules(name, now).await? {
        let job = NewJob::new(tenant, name, "{}".into()).keyed(format!("{due}"));
        store
            .advance_schedule(name, tenant, due, next_hour(now.max(due)), &job)
            .await?;
    }
    Ok(())
}

/// The hourly sweep of a tenant's open approval requests (also queued when someone is
/// deactivated): seats of deactivated approvers go to stand-ins, and approvers who kept a
/// request waiting past the tenant's delay are reminded.
pub async fn approvals(state: &AppState, tenant: TenantId) -> Result<(), String> {
    let n = crate::services::approvals::sweep(state, tenant)
        .await
        .map_err(|e| e.message)?;
    if n > 0 {
        tracing::info!(tenant = %tenant.0, requests = n, "approval requests swept");
    }
    Ok(())
}

/// The daily claims job: on the first day of a claim period (the tenant's setting: month,
/// half-month or ISO week; its zone), drafts for every active rep for the period that
/// ended. The day is the occurrence's (`at_ms`, the schedule's instant the job is keyed
/// by), not the day the job happens to run: a job that waited for a stopped server still
/// drafts the period it was scheduled for. Idempotent: a second run updates the same
/// drafts.
pub async fn claims(state: &AppState, tenant: TenantId, at_ms: Option<i64>) -> Result<(), String> {
    let tz = zone(
        &state
            .store
            .tenant(tenant)
            .await
            .map_err(|e| e.to_string())?
            .timezone,
    );
    let at = at_ms.unwrap_or_else(crate::now_ms);
    let day = chrono::DateTime::<chrono::Utc>::from_timestamp_millis(at)
        .unwrap_or_default()
        .with_timezone(&tz)
        .date_naive();
    let kind = crate::services::claim_setup::period_kind(state, tenant)
        .await
        .map_err(|e| e.message)?;
    let current = claims::Period::containing(kind, day);
    if current.first() != day {
        return Ok(());
    }
    let period = current.previous();
    let done = crate::services::claims::generate(state, tenant, period)
        .await
        .map_err(|e| e.message)?;
    tracing::info!(tenant = %tenant.0, %period, ?done, "claim drafts generated");
    Ok(())
}

/// Deletes the tenant's fixes older than the configured retention, its audit entries
/// older than its own audit retention, and its finished jobs older than a week.
pub async fn retention(state: &AppState, tenant: TenantId) -> Result<(), String> {
    let now = crate::now_ms();
    if let Some(days) = state.config.retention_days {
        let cutoff = now - i64::from(days) * 86_400_000;
        let n = state
            .store
            .delete_tenant_fixes_before(tenant, cutoff)
            .await
            .map_err(|e| e.to_string())?;
        if n > 0 {
            tracing::info!(deleted = n, days, tenant = %tenant.0, "retention removed old fixes");
        }
    }
    crate::audit::retention::prune(&state.store, tenant)
        .await
        .map_err(|e| e.to_string())?;
    state
        .store
        .purge_done_jobs(tenant, now - KEEP_DONE_JOBS_MS)
        .await
        .map_err(|e| e.to_string())?;
    state
        .store
        .purge_webhook_deliveries(tenant, now - KEEP_DELIVERIES_MS)
        .await
        .map_err(|e| e.to_string())?;
    Ok(())
}

/// The nightly report facts: yesterday's, for every active field rep, and the customers'
/// month facts. Idempotent: a second run writes the same rows.
pub async fn report_facts(state: &AppState, tenant: TenantId) -> Result<(), String> {
    let tz = zone(
        &state
            .store
            .tenant(tenant)
            .await
            .map_err(|e| e.to_string())?
            .timezone,
    );
    let day = crate::services::report_facts::yesterday(tz);
    let done = crate::services::report_facts::refresh_day(state, tenant, day)
        .await
        .map_err(|e| e.message)?;
    tracing::info!(tenant = %tenant.0, %day, ?done, "report facts refreshed");
    Ok(())
}
