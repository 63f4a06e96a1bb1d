//! The rep's day as the server knows it: the field app restores itself from this after a
//! re-login or on another phone, so nothing of the day lives only on one device —
//! punches, the open visit (whichever session checked in), today's visits, the published
//! plan with what is done, requests still waiting, and the last fix.

use super::attendance::{PunchAnswer, punch_answer};
use super::plan_days::{MyDay, my_day};
use super::requests::RequestView;
use super::visit_views::{VisitView, full_view, list_view};
use crate::error::ApiResult;
use crate::state::AppState;
use crate::tracking::schedule_cache::parse_tz;
use chrono::{DateTime, Utc};
use domain::access::Reach;
use domain::attendance::{local_date, local_instant};
use domain::{EmployeeId, TenantId};
use serde::Serialize;
use utoipa::ToSchema;

/// The newest position the server holds for the rep (WGS-84).
#[derive(Serialize, ToSchema)]
pub struct LastFixView {
    pub t: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: Option<f32>,
}

#[derive(Serialize, ToSchema)]
pub struct Today {
    /// The tenant-local date, `YYYY-MM-DD`.
    pub date: String,
    /// The tenant's IANA time zone, e.g. `Asia/Shanghai`.
    pub timezone: String,
    /// Today's clock-ins and clock-outs, oldest first, as the clock-in answers them.
    pub punches: Vec<PunchAnswer>,
    /// The rep's visit that is checked in but not out (whenever it began), in full, as
    /// `GET /visits/{id}` answers it; any session of the rep may check it out.
    pub open_visit: Option<VisitView>,
    /// Today's visits, newest first, as lists show them.
    pub visits: Vec<VisitView>,
    /// Today's published plan as `GET /me/plan` answers it; null when none is published.
    pub plan: Option<MyDay>,
    /// The rep's requests still waiting for a decision, oldest first.
    pub pending_requests: Vec<RequestView>,
    pub last_fix: Option<LastFixView>,
}

/// The rep's day in the tenant's zone, now.
pub async fn today(s: &AppState, tenant: TenantId, me: EmployeeId) -> ApiResult<Today> {
    let timezone = s.store.tenant(tenant).await?.timezone;
    let tz = parse_tz(&timezone);
    let date = local_date(tz, crate::now_ms());
    let (lo, hi) = (
        local_instant(tz, date, 0),
        local_instant(tz, date.succ_opt().unwrap_or(date), 0),
    );

    let mut punches = Vec::new();
    for p in s.store.punches_between(tenant, me, lo, hi).await? {
        punches.push(punch_answer(s, tenant, &p).await?);
    }
    let open_visit = match s.store.open_visit(tenant, me).await? {
        Some(v) => Some(full_view(s, tenant, v).await?),
        None => None,
    };
    let page = s
        .store
        .list_visits(
            tenant,
            &Reach::Own(me),
            &storage::VisitFilter {
                employee_id: Some(me),
                from_ms: Some(lo),
                to_ms: Some(hi),
                limit: 500,
                ..Default::default()
            },
        )
        .await?;
    let mut visits = Vec::with_capacity(page.items.len());
    for v in page.items {
        visits.push(list_view(s, tenant, v).await?);
    }
    let (day, stored) = my_day(s, tenant, tz, me, date).await?;
    let plan = stored.map(|_| day);
    let pending_requests = s
        .store
        .requests_between(tenant, me, "0000-01-01", "9999-12-31")
        .await?
        .into_iter()
        .filter(|r| r.status == "pending")
        .map(super::requests::view)
        .collect::<ApiResult<_>>()?;
    let last_fix = s.store.last_fix(tenant, me).await?.map(|f| LastFixView {
        t: DateTime::from_timestamp_millis(f.t_ms).unwrap_or_default(),
        lat: f.lat,
        lon: f.lon,
        accuracy_m: f.accuracy_m,
    });
    Ok(Today {
        date: date.to_string(),
        timezone,
        punches,
        open_visit,
        visits,
        plan,
        pending_requests,
        last_fix,
    })
}
