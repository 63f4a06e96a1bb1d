//! `GET /api/v1/live`: a server-sent-events stream with the newest position and status
//! (moving, stopped, offline, off-shift) of every person the caller may see. It opens with
//! a snapshot, then sends each new position and, every 30 s, statuses that changed.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Query;
use crate::routes::customers::output_system;
use crate::state::AppState;
use crate::tracking::summary::rfc3339;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use domain::access::{Action, Resource};
use domain::employee::Employee;
use domain::tracking::{LiveStatus, live_status};
use domain::{CoordSystem, DepartmentId, EmployeeId, Wgs84};
use futures_util::Stream;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::convert::Infallible;
use std::time::Duration;
use storage::EmployeeFilter;
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(live))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LiveQuery {
    /// Coordinates of the events: wgs84 (default), gcj02, bd09.
    pub coord_system: Option<String>,
}

/// The data of each `position` event.
#[derive(Clone, Serialize, ToSchema, PartialEq)]
pub struct LivePosition {
    pub employee_id: EmployeeId,
    pub name: String,
    pub status: LiveStatus,
    /// Time of the newest fix; null when the person has never sent one.
    pub t: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    pub speed_mps: Option<f32>,
}

struct Person {
    name: String,
    department: DepartmentId,
    last: Option<(i64, f64, f64, Option<f32>, Option<f32>)>,
    sent: Option<LivePosition>,
}

/// Server-sent events: `position` events with [`LivePosition`] data.
#[utoipa::path(get, path = "/api/v1/live", tag = "tracking", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of `position` events", body = LivePosition),
              (status = 403, body = ErrorBody)))]
async fn live(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<LiveQuery>,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let system = output_system(q.coord_system.as_deref())?;
    let tenant = caller.tenant();
    let mut people: HashMap<EmployeeId, Person> = HashMap::new();
    let mut f = EmployeeFilter { limit: 500, active: Some(true), ..Default::default() };
    loop {
        let page = s.store.list_employees(tenant, &reach, &f).await?;
        for e in page.items {
            let Employee { id, name, department_id, .. } = e;
            people.insert(id, Person { name, department: department_id, last: None, sent: None });
        }
        match page.next_cursor {
            Some(c) => f.cursor = Some(c),
            None => break,
        }
    }
    for l in s.store.last_fixes(tenant).await? {
        if let Some(p) = people.get_mut(&l.employee) {
            p.last = Some((l.t_ms, l.lat, l.lon, l.accuracy_m, l.speed_mps));
        }
    }
    // Subscribe before the snapshot is sent so no position falls between the two.
    let mut positions = s.tracking.live.subscribe();
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(256);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        loop {
            // Each round sends what changed: everything at first, then news and status flips.
            for (id, p) in people.iter_mut() {
                let working = match s.tracking.schedules.get(&s.store, tenant, p.department).await {
                    Ok(a) => a.schedule.is_working(a.tz, crate::now_ms()),
                    Err(_) => true,
                };
                let now = crate::now_ms();
                let status = live_status(working, p.last.map(|l| l.0), p.last.and_then(|l| l.4), now);
                let pos = render(*id, p, status, system);
                if p.sent.as_ref() != Some(&pos) {
                    let ev = Event::default().event("position").json_data(&pos).unwrap_or_default();
                    if tx.send(Ok(ev)).await.is_err() {
                        return;
                    }
                    p.sent = Some(pos);
                }
            }
            tokio::select! {
                _ = tick.tick() => {}
                got = positions.recv() => match got {
                    Ok(pos) if pos.tenant == tenant => {
                        if let Some(p) = people.get_mut(&pos.employee) {
                            if p.last.is_none_or(|l| pos.t_ms >= l.0) {
                                p.last = Some((pos.t_ms, pos.lat, pos.lon, pos.accuracy_m, pos.speed_mps));
                            }
                        }
                    }
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => return,
                },
                _ = tx.closed() => return,
            }
        }
    });
    Ok(Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::default()))
}

fn render(id: EmployeeId, p: &Person, status: LiveStatus, system: CoordSystem) -> LivePosition {
    let (t, lat, lon, accuracy_m, speed_mps) = match p.last {
        Some((t, lat, lon, acc, speed)) => {
            let q = Wgs84::from_stored(lat, lon).to_system(system);
            (Some(rfc3339(&chrono::Utc, t)), Some(q.lat), Some(q.lon), acc, speed)
        }
        None => (None, None, None, None, None),
    };
    LivePosition { employee_id: id, name: p.name.clone(), status, t, lat, lon, accuracy_m, speed_mps }
}
