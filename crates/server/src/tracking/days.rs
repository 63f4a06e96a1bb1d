//! Computing a person's day from the stored fixes, and the background loop that keeps
//! stored day summaries current as fixes arrive (in any order, late or twice): a day is
//! always recomputed from everything stored for it, so arrival order cannot matter.

use super::schedule_cache::ScheduleCache;
use super::summary::{DaySummary, summarize, to_track_fix};
use crate::error::ApiError;
use chrono::NaiveDate;
use domain::access::Reach;
use domain::fix::FixRecord;
use domain::tracking::day_start;
use domain::{EmployeeId, TenantId};
use std::sync::Arc;
use std::time::Duration;
use storage::{DirtyDay, Store, StoredDay};

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
    let (summary, analysis) = summarize(
        &date.to_string(),
        &mut fixes,
        &windows,
        &tz,
        crate::now_ms(),
    );
    Ok(ComputedDay {
        summary,
        analysis,
        fixes,
    })
}

/// Recomputes up to a hundred days that have been quiet for a second, or waited a
/// minute; returns how many.
pub async fn summarize_dirty(store: &Store, schedules: &ScheduleCache) -> Result<usize, ApiError> {
    let dirty: Vec<DirtyDay> = store.dirty_days(1000, 60_000, 100).await?;
    for d in &dirty {
        let Ok(date) = d.day.parse::<NaiveDate>() else {
            continue;
        };
        let day = compute_day(store, schedules, d.tenant, d.employee, date).await?;
        let stored = StoredDay {
            summary_json: serde_json::to_string(&day.summary).map_err(ApiError::internal)?,
            mileage_m: day.summary.mileage_m,
            work_mileage_m: day.summary.work_mileage_m,
            computed_ms: crate::now_ms(),
        };
        store.save_day(d, &stored).await?;
    }
    Ok(dirty.len())
}

/// Background work of the tracking engine: day summaries (polled every half second) and
/// retention (hourly). Ends quietly when the database closes.
pub fn spawn(store: Store, schedules: Arc<ScheduleCache>, retention_days: Option<u32>) {
    let s = store.clone();
    tokio::spawn(async move {
        loop {
            if s.is_closed() {
                return;
            }
            match summarize_dirty(&s, &schedules).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => {
                    if s.is_closed() {
                        return;
                    }
                    tracing::warn!(error = %e.message, "summarising days failed");
                }
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    });
    if let Some(days) = retention_days {
        tokio::spawn(async move {
            loop {
                let cutoff = crate::now_ms() - i64::from(days) * 86_400_000;
                if store.is_closed() {
                    return;
                }
                match store.delete_fixes_before(cutoff).await {
                    Ok(n) if n > 0 => {
                        tracing::info!(deleted = n, days, "retention removed old fixes")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "retention failed"),
                }
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
        });
    }
}
