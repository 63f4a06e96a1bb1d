//! Reps moving on the live map while `serve --demo` runs, at any hour: a few of the
//! demo's field reps clock in for today and drive laps through their shops, their
//! simulated phones posting fixes every few seconds through `POST /api/v1/locations`
//! like any phone. Stops when `stop` turns true.

use super::client::Client;
use crate::error::ApiResult;
use crate::state::AppState;
use ::demo::history::{HistoryOptions, live_lap};
use ::demo::{DemoCompany, DemoRole};
use domain::TenantId;
use serde_json::json;
use std::time::Duration;
use tokio::sync::watch;

/// How often each phone posts what it recorded since its last post.
const EVERY: Duration = Duration::from_secs(5);

/// Starts the movers of the demo tenant; returns when they have all stopped.
pub async fn run_movers(
    state: AppState,
    tenant: TenantId,
    reps: usize,
    stop: watch::Receiver<bool>,
) {
    let company = ::demo::demo_company(::demo::DEFAULT_SEED);
    let tz = crate::tracking::schedule_cache::parse_tz(company.timezone);
    let today = domain::tracking::local_date(tz, crate::now_ms());
    // Only the territories are needed; the schedule of one day is cheap.
    let plan = ::demo::history::history(
        &company,
        &HistoryOptions {
            seed: ::demo::DEFAULT_SEED,
            last_day: today,
            days: 1,
            reps,
        },
    );
    let mut tasks = tokio::task::JoinSet::new();
    for rep in plan.reps {
        let (state, company, stop) = (state.clone(), company.clone(), stop.clone());
        tasks.spawn(async move {
            if let Err(e) = mover(&state, tenant, &company, rep, stop).await {
                tracing::warn!(error = %e.message, "a demo mover stopped");
            }
        });
    }
    while tasks.join_next().await.is_some() {}
}

async fn mover(
    state: &AppState,
    tenant: TenantId,
    company: &DemoCompany,
    rep: ::demo::history::RepHistory,
    mut stop: watch::Receiver<bool>,
) -> ApiResult<()> {
    let person = &company.employees[rep.employee];
    debug_assert_eq!(person.role, DemoRole::Field);
    let Some(candidate) = state
        .store
        .login_candidate(tenant, &person.username)
        .await?
    else {
        return Ok(());
    };
    let client = Client::new(state, tenant, candidate.id).await?;
    let mut lap = 0u64;
    let mut fixes = live_lap(company, rep.employee, &rep.routes, crate::now_ms(), lap);
    let mut next = 0usize;
    // On shift: today's clock-in, where the rep is now (one per day; a restart on the
    // same day finds it already there).
    if let Some(first) = fixes.first() {
        let tz = crate::tracking::schedule_cache::parse_tz(company.timezone);
        let today = domain::tracking::local_date(tz, crate::now_ms());
        let body = json!({"id": super::history::id(&format!("live:{}:{today}:clock-in", rep.employee)),
                          "t": super::history::text(crate::now_ms()), "lat": first.lat, "lon": first.lon,
                          "accuracy_m": first.accuracy_m,
                          "device": {"id": format!("demo-{}", person.username), "platform": "android",
                                     "app_version": "1.4.2"}});
        if let Err(e) = client.post("/api/v1/attendance/clock-in", &body).await {
            tracing::debug!(error = %e.message, "demo mover already clocked in today");
        }
    }
    loop {
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = stop.changed() => break,
        }
        if *stop.borrow() {
            break;
        }
        let now = crate::now_ms();
        let due = fixes[next..].iter().take_while(|f| f.t_ms <= now).count();
        if due > 0 {
            let batch: Vec<_> = fixes[next..next + due]
                .iter()
                .map(|f| {
                    json!({"t": f.t_ms, "lat": f.lat, "lon": f.lon, "accuracy_m": f.accuracy_m,
                           "speed_mps": f.speed_mps, "bearing_deg": f.bearing_deg,
                           "provider": f.provider.as_str()})
                })
                .collect();
            if let Err(e) = client
                .post("/api/v1/locations", &json!({"fixes": batch}))
                .await
            {
                tracing::warn!(error = %e.message, "demo mover could not post its fixes");
            }
            next += due;
        }
        if next >= fixes.len() {
            lap += 1;
            fixes = live_lap(company, rep.employee, &rep.routes, now, lap);
            next = 0;
        }
    }
    client.close().await
}
