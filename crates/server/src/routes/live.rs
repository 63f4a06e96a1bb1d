//! `GET /api/v1/live`: a server-sent-events stream with the newest position and status
//! (moving, stopped, offline, off-shift) of every person the caller may see. It opens with
//! a snapshot, then sends each new position and, every 30 s, statuses that changed.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Query;
use crate::routes::output_system;
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
use storage::{EmployeeFilter, LastFix};
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
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Coordinates of the events: wgs84 (default), gcj02, bd09.
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
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
    last: Option<LastFix>,
    sent: Option<LivePosition>,
}

/// Server-sent events: `position` events with [`LivePosition`] data.
#[utoipa::path(get, path = "/api/v1/live", tag = "tracking", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of `position` events", body = LivePosition,
               content_type = "text/event-stream"),
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
    let mut f = EmployeeFilter {
        limit: 500,
        active: Some(true),
        ..Default::default()
    };
    loop {
        let page = s.store.list_employees(tenant, &reach, &f).await?;
        for e in page.items {
            let Employee {
                id,
                name,
                department_id,
                ..
            } = e;
            people.insert(
                id,
                Person {
                    name,
                    department: department_id,
                    last: None,
                    sent: None,
                },
            );
        }
        match page.next_cursor {
            Some(c) => f.cursor = Some(c),
            None => break,
        }
    }
    for l in s.store.last_fixes(tenant).await? {
        if let Some(p) = people.get_mut(&l.employee) {
            p.last = Some(l);
        }
    }
    // Subscribe before the snapshot is sent so no position falls between the two.
    let mut positions = s.tracking.live.subscribe();
    let (tx, rx) = mpsc::channel::<Result<Event, Infallible>>(256);
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(30));
        // `None`: sweep everyone (the snapshot, then every tick, for status flips such as
        // going offline); `Some(id)`: only the person whose position just arrived.
        let mut due: Option<EmployeeId> = None;
        loop {
            let ids: Vec<EmployeeId> = match due {
                Some(id) => vec![id],
                None => people.keys().copied().collect(),
            };
            for id in ids {
                let Some(p) = people.get_mut(&id) else {
                    continue;
                };
                let working = match s
                    .tracking
                    .schedules
                    .get(&s.store, tenant, p.department)
                    .await
                {
                    Ok(a) => a.schedule.is_working(a.tz, crate::now_ms()),
                    Err(_) => true,
                };
                let status = live_status(
                    working,
                    p.last.as_ref().map(|l| l.t_ms),
                    p.last.as_ref().and_then(|l| l.speed_mps),
                    crate::now_ms(),
                );
                let pos = render(id, p, status, system);
                if p.sent.as_ref() != Some(&pos) {
                    let ev = Event::default()
                        .event("position")
                        .json_data(&pos)
                        .unwrap_or_default();
                    if tx.send(Ok(ev)).await.is_err() {
                        return;
                    }
                    p.sent = Some(pos);
                }
            }
            due = loop {
                tokio::select! {
                    _ = tick.tick() => break None,
                    got = positions.recv() => match got {
                        Ok(pos) if pos.tenant == tenant => {
                            if let Some(p) = people.get_mut(&pos.employee)
                                && p.last.as_ref().is_none_or(|l| pos.t_ms >= l.t_ms)
                            {
                                p.last = Some(LastFix {
                                    employee: pos.employee,
                                    t_ms: pos.t_ms,
                                    lat: pos.lat,
                                    lon: pos.lon,
                                    accuracy_m: pos.accuracy_m,
                                    speed_mps: pos.speed_mps,
                                    received_ms: crate::now_ms(),
                                });
                                break Some(pos.employee);
                            }
                        }
                        // Fell behind and lost positions: reread the newest ones, then sweep.
                        Err(broadcast::error::RecvError::Lagged(_)) => {
                            if let Ok(last) = s.store.last_fixes(tenant).await {
                                for l in last {
                                    if let Some(p) = people.get_mut(&l.employee) {
                                        p.last = Some(l);
                                    }
                                }
                            }
                            break None;
                        }
                        Ok(_) => {}
                        Err(broadcast::error::RecvError::Closed) => return,
                    },
                    _ = tx.closed() => return,
                }
            };
        }
    });
    Ok(Sse::new(ReceiverStream::new(rx)).keep_alive(KeepAlive::default()))
}

fn render(id: EmployeeId, p: &Person, status: LiveStatus, system: CoordSystem) -> LivePosition {
    let (t, lat, lon, accuracy_m, speed_mps) = match &p.last {
        Some(l) => {
            let q = Wgs84::from_stored(l.lat, l.lon).to_system(system);
            (
                Some(rfc3339(&chrono::Utc, l.t_ms)),
                Some(q.lat),
                Some(q.lon),
                l.accuracy_m,
                l.speed_mps,
            )
        }
        None => (None, None, None, None, None),
    };
    LivePosition {
        employee_id: id,
        name: p.name.clone(),
        status,
        t,
        lat,
        lon,
        accuracy_m,
        speed_mps,
    }
}
