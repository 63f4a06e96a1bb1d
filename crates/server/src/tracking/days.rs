//! Computing a person's day from the stored fixes, and the `track_day` job that keeps
//! stored day summaries current as fixes arrive (in any order, late or twice): a day is
//! always recomputed from everything stored for it, so arrival order cannot matter.

use super::schedule_cache::ScheduleCache;
use super::summary::{DaySummary, summarize, to_track_fix};
use crate::error::ApiError;
use crate::state::AppState;
use chrono::NaiveDate;
use domain::access::Reach;
use domain::fix::FixRecord;
use domain::tracking::day_start;
use domain::{EmployeeId, TenantId};
use storage::{Store, StoredDay};

pub struct ComputedDay {
    pub summary: DaySummary,
    pub analysis: track::Analysis,
    /// The day's fixes as analysed (sorted, de-duplicated).
    pub fixes: Vec<track::Fix>,
}

pub async fn compute_day(
    store: &Store,
    schedules: &ScheduleCache,
    tenant: TenantId,
    employee: EmployeeId,
    date: NaiveDate,
) -> Result<ComputedDay, ApiError> {
    let person = store.employee(tenant, employee, &Reach::Tenant).await?;
    let applied = schedules.get(store, tenant, person.department_id).await?;
    let tz = applied.tz;
    let from = day_start(tz, date);
    let to = day_start(tz, date.succ_opt().unwrap_or(date));
    let stored: Vec<FixRecord> = store.fixes_between(tenant, employee, from, to).await?;
    let mut fixes: Vec<track::Fix> = stored.iter().map(to_track_fix).collect();
    let windows = applied.schedule.windows_touching(tz, date);
    // Analysing a day is milliseconds of CPU: off the async threads, so the job worker
    // can analyse several days at once and requests are not held behind it.
    tokio::task::spawn_blocking(move || {
        let (summary, analysis) = summarize(
            &date.to_string(),
            &mut fixes,
            &windows,
            &tz,
            crate::now_ms(),
        );
        ComputedDay {
            summary,
            analysis,
            fixes,
        }
    })
    .await
    .map_err(ApiError::internal)
}

#[derive(serde::Deserialize)]
struct DayJob {
    employee_id: uuid::Uuid,
    day: NaiveDate,
}

/// The `track_day` job: recomputes one person's day from everything stored for it and
/// stores the summary (idempotent: running it twice stores the same summary).
pub async fn run_day_job(
    state: &AppState,
    tenant: TenantId,
    payload: &str,
) -> Result<(), ApiError> {
    let job: DayJob = serde_json::from_str(payload).map_err(ApiError::internal)?;
    let employee = EmployeeId(job.employee_id);
    let day = compute_day(
        &state.store,
        &state.tracking.schedules,
        tenant,
        employee,
        job.day,
    )
    .await?;
    let stored = StoredDay {
        summary_json: serde_json::to_string(&day.summary).map_err(ApiError::internal)?,
        mileage_m: day.summary.mileage_m,
        work_mileage_m: day.summary.work_mileage_m,
        computed_ms: crate::now_ms(),
    };
    let day = job.day.to_string();
    // The day's fixes changed: its anti-cheat verdict follows the summary, and so do the
    // report facts of the day and the day before (a night shift reads the next date's
    // summary too) — queued in the summary's own transaction.
    let mut follow_ups = vec![
        storage::integrity_job(tenant, employee, &day),
        storage::report_facts_job(tenant, employee, &day),
    ];
    if let Some(before) = storage::day_before(&day) {
        follow_ups.push(storage::report_facts_job(tenant, employee, &before));
    }
    state
        .store
        .save_day_then(tenant, employee, &day, &stored, &follow_ups)
        .await?;
    // A draft claim of the month follows its days (a submitted one never changes).
    crate::services::claims::day_changed(state, tenant, employee, job.day).await?;
    Ok(())
}
