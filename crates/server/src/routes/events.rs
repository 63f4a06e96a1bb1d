//! The change feed: a tenant's domain events in commit order, for integrations that
//! follow Outfield's changes (an ERP syncing visits) instead of re-reading everything.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::visit_views::instant;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::access::{Action, Resource};
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use storage::EventPosition;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_events))
}

#[derive(Serialize, ToSchema)]
pub struct Event {
    /// Stable: a consumer that sees an id twice has seen the same event.
    pub id: Uuid,
    #[serde(rename = "type")]
    #[schema(value_type = crate::openapi::values::EventType)]
    pub kind: String,
    /// The id of what changed: the visit, punch, customer, employee or request; the
    /// person for `plan.published` and `track_day.updated`.
    pub subject_id: Option<Uuid>,
    pub occurred_at: DateTime<Utc>,
    /// What changed; its fields per type are listed under `EventType`.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

#[derive(Serialize, ToSchema)]
pub struct EventPage {
    pub items: Vec<Event>,
    /// Where to read on from: after the last item, or the `after` that was sent when no
    /// event is newer (poll again with it later). Never `null`.
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    /// A `next_cursor` from an earlier page; from the oldest kept event when left out.
    pub after: Option<String>,
    /// Only events of this type.
    #[param(value_type = Option<crate::openapi::values::EventType>)]
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

fn encode(p: EventPosition) -> String {
    format!("{:x}.{:x}", p.tx, p.seq)
}

fn decode(s: &str) -> ApiResult<EventPosition> {
    let bad = || ApiError::bad_request("after", Problem::format(Format::Cursor));
    let (tx, seq) = s.split_once('.').ok_or_else(bad)?;
    Ok(EventPosition {
        tx: i64::from_str_radix(tx, 16).map_err(|_| bad())?,
        seq: i64::from_str_radix(seq, 16).map_err(|_| bad())?,
    })
}

/// The tenant's events after a cursor, oldest first (admins, and API keys with
/// `events:read`). Every event of a committed change appears exactly once in this order;
/// an event may appear a moment after its change while older transactions finish.
#[utoipa::path(get, path = "/api/v1/events", tag = "events", params(EventQuery),
    responses((status = 200, body = EventPage), (status = 403, body = ErrorBody)))]
async fn list_events(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<EventQuery>,
) -> ApiResult<Json<EventPage>> {
    caller.reach(Resource::Events, Action::Read)?;
    let after = q
        .after
        .as_deref()
        .map(decode)
        .transpose()?
        .unwrap_or_default();
    let limit = super::page_limit(q.limit)?;
    if let Some(k) = q.kind.as_deref()
        && !storage::EVENT_TYPES.contains(&k)
    {
        return Err(ApiError::bad_request(
            "type",
            Problem::unknown_value(storage::EVENT_TYPES),
        ));
    }
    let rows = s
        .store
        .events_after(caller.tenant(), after, q.kind.as_deref(), i64::from(limit))
        .await?;
    let last = rows.last().map_or(after, |e| e.position());
    let items = rows
        .into_iter()
        .map(|e| Event {
            id: e.id,
            kind: e.kind,
            subject_id: e.subject_id,
            occurred_at: instant(e.occurred_ms),
            payload: serde_json::from_str(&e.payload).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(EventPage {
        items,
        next_cursor: Some(encode(last)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The document's `EventType` lists exactly the types storage writes.
    #[test]
    fn the_documented_types_are_the_written_ones() {
        let doc = serde_json::to_value(crate::app::document()).unwrap();
        let listed: Vec<&str> = doc["components"]["schemas"]["EventType"]["enum"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v.as_str())
            .collect();
        assert_eq!(listed, storage::EVENT_TYPES);
    }

    #[test]
    fn cursors_round_trip_and_refuse_garbage() {
        let p = EventPosition {
            tx: 123_456_789,
            seq: 42,
        };
        assert_eq!(decode(&encode(p)).unwrap(), p);
        assert!(decode("zz.1").is_err());
        assert!(decode("12").is_err());
    }
}
