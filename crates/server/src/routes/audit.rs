//! The audit log (admins only): entries newest first, and the tenant's retention. Entries
//! are never changed or deleted through the API; see `crate::audit` for what is recorded.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::routes::default_limit;
use crate::state::AppState;
use axum::extract::State;
use chrono::{DateTime, Utc};
use domain::access::{Action, Resource};
use domain::audit::ActorKind;
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use storage::{AuditEntry, AuditFilter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_audit))
        .routes(routes!(get_settings, put_settings))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// The resource as entries name it, e.g. `customers`, `attendance/requests`.
    pub resource: Option<String>,
    /// An employee's or an API key's id.
    pub actor: Option<Uuid>,
    /// First instant (RFC 3339), inclusive.
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Last instant (RFC 3339), exclusive.
    #[param(format = DateTime)]
    pub to: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct AuditActor {
    pub kind: ActorKind,
    /// The employee's or the API key's id.
    pub id: Uuid,
    /// Their name now; `null` if they no longer exist.
    pub name: Option<String>,
    /// The role they acted in (`admin`, `manager`, `finance`), or `api_key`.
    pub role: String,
}

/// One changed field. A created field has no `old`, a removed one no `new`; secrets show
/// as `"[redacted]"`.
#[derive(Serialize, Deserialize, ToSchema)]
pub struct FieldChange {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
}

#[derive(Serialize, ToSchema)]
pub struct AuditEntryView {
    /// The tenant's entries are numbered 1, 2, 3… with no gaps (until retention cuts).
    pub seq: i64,
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor: AuditActor,
    /// e.g. `customers`, `employees`, `plans`, `attendance/requests`.
    pub resource: String,
    /// The changed object's id (path parameters joined by `/`).
    pub resource_id: Option<String>,
    /// `create`, `update`, `delete`, or the route's own word (`approve`, `publish`, …).
    pub action: String,
    /// Changed fields by path (`name`, `location.lat`).
    pub diff: BTreeMap<String, FieldChange>,
    /// The client's address.
    pub address: Option<String>,
    /// The request's `X-Request-Id`, when it had one.
    pub request_id: Option<String>,
    /// SHA-256 of the previous entry's hash and this entry (hex).
    pub hash: String,
}

impl From<AuditEntry> for AuditEntryView {
    fn from(e: AuditEntry) -> Self {
        AuditEntryView {
            seq: e.seq,
            id: e.id,
            at: e.at,
            actor: AuditActor {
                kind: e.actor_kind,
                id: e.actor_id,
                name: e.actor_name,
                role: e.actor_role,
            },
            resource: e.resource,
            resource_id: e.resource_id,
            action: e.action,
            diff: serde_json::from_str(&e.diff).unwrap_or_default(),
            address: e.address,
            request_id: e.request_id,
            hash: e.hash,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<AuditEntryView>,
    pub next_cursor: Option<String>,
}

fn instant(field: &str, v: &Option<String>) -> ApiResult<Option<i64>> {
    v.as_deref()
        .map(|t| {
            DateTime::parse_from_rfc3339(t)
                .map(|t| t.timestamp_millis())
                .map_err(|_| ApiError::bad_request(field, Problem::format(Format::Instant)))
        })
        .transpose()
}

/// Changes made by admins, managers, finance and API keys, newest first.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = AuditPage), (status = 403, body = ErrorBody)))]
async fn list_audit(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditPage>> {
    caller.reach(Resource::Audit, Action::Read)?;
    let filter = AuditFilter {
        resource: q.resource,
        actor: q.actor,
        from_ms: instant("from", &q.from)?,
        to_ms: instant("to", &q.to)?,
        cursor: q.cursor,
        limit: crate::routes::page_limit(q.limit)?,
    };
    let page = s.store.list_audit(caller.tenant(), &filter).await?;
    Ok(Json(AuditPage {
        items: page.items.into_iter().map(AuditEntryView::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditSettings {
    /// Days entries are kept; `null` keeps them forever (the default). The server deletes
    /// older entries hourly; verification then starts at the oldest kept entry.
    #[schema(minimum = 1, maximum = 36500)]
    pub retention_days: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/audit/settings", tag = "audit",
    responses((status = 200, body = AuditSettings), (status = 403, body = ErrorBody)))]
async fn get_settings(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<AuditSettings>> {
    caller.reach(Resource::Audit, Action::Read)?;
    Ok(Json(AuditSettings {
        retention_days: s.store.audit_retention(caller.tenant()).await?,
    }))
}

#[utoipa::path(put, path = "/api/v1/audit/settings", tag = "audit", request_body = AuditSettings,
    responses((status = 200, body = AuditSettings), (status = 403, body = ErrorBody),
        (status = 422, body = ErrorBody)))]
async fn put_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<AuditSettings>,
) -> ApiResult<Json<AuditSettings>> {
    caller.reach(Resource::Audit, Action::Write)?;
    if let Some(d) = req.retention_days
        && !(1..=36_500).contains(&d)
    {
        return Err(ApiError::invalid_one(
            "retention_days",
            Problem::range(1.0, 36_500.0, ""),
        ));
    }
    s.store
        .set_audit_retention(caller.tenant(), req.retention_days)
        .await?;
    Ok(Json(req))
}
