//! Approval flows and requests: the flow of each request type, the tenant's exception
//! rules, requests of every type (submit, decide, withdraw, resubmit, read) and the
//! approval inbox. Thin handlers over `services::approvals`.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::idem::CreateJson;
use crate::routes::{created_or_ok, default_limit, page_limit};
use crate::services::approval_views::{InboxItem, RequestDetail, RequestSummary};
use crate::services::approvals::{
    self, ApprovalSettings, DecisionInput, FlowInput, FlowView, ListQuery, NewRequest,
    ResubmitInput, WithdrawInput,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_approval_flow, put_approval_flow))
        .routes(routes!(get_approval_settings, put_approval_settings))
        .routes(routes!(list_approval_requests, create_approval_request))
        .routes(routes!(get_approval_request))
        .routes(routes!(decide_approval_request))
        .routes(routes!(withdraw_approval_request))
        .routes(routes!(resubmit_approval_request))
        .routes(routes!(approval_inbox))
}

/// The flow new requests of a type start under, with its readable preview in Chinese and
/// English; the built-in one (the submitter's first-level manager) until an admin saves
/// one.
#[utoipa::path(get, path = "/api/v1/approval-flows/{type}", tag = "approvals",
    params(("type" = String, Path, description = "the request type, e.g. `mileage_claim`, `leave`")),
    responses((status = 200, body = FlowView)))]
async fn get_approval_flow(
    State(s): State<AppState>,
    caller: Caller,
    Path(t): Path<String>,
) -> ApiResult<Json<FlowView>> {
    Ok(Json(approvals::get_flow(&s, &caller.principal, &t).await?))
}

/// Saves a new version of a type's flow (admins). Requests already started keep the
/// version they started under; problems name their field (`steps[1].approvers.level`).
#[utoipa::path(put, path = "/api/v1/approval-flows/{type}", tag = "approvals", request_body = FlowInput,
    params(("type" = String, Path, description = "the request type")),
    responses((status = 200, body = FlowView), (status = 409, body = ErrorBody)))]
async fn put_approval_flow(
    State(s): State<AppState>,
    caller: Caller,
    Path(t): Path<String>,
    Json(input): Json<FlowInput>,
) -> ApiResult<Json<FlowView>> {
    Ok(Json(
        approvals::put_flow(&s, &caller.principal, &t, input).await?,
    ))
}

/// The tenant's exception rules (no approver found, the submitter among the approvers,
/// the same approver twice) and the reminder delay.
#[utoipa::path(get, path = "/api/v1/approval-settings", tag = "approvals",
    responses((status = 200, body = ApprovalSettings)))]
async fn get_approval_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<ApprovalSettings>> {
    Ok(Json(approvals::get_settings(&s, &caller.principal).await?))
}

/// Replaces the tenant's exception rules and reminder delay (admins); they apply to
/// requests submitted afterwards (and to reminders from now on).
#[utoipa::path(put, path = "/api/v1/approval-settings", tag = "approvals", request_body = ApprovalSettings,
    responses((status = 200, body = ApprovalSettings)))]
async fn put_approval_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ApprovalSettings>,
) -> ApiResult<Json<ApprovalSettings>> {
    Ok(Json(
        approvals::put_settings(&s, &caller.principal, input).await?,
    ))
}

/// Submits a request of any type; it routes by the tenant's flow for the type. Sending
/// the same body under the same id again answers the stored request (200).
#[utoipa::path(post, path = "/api/v1/requests", tag = "approvals", request_body = NewRequest,
    responses((status = 201, body = RequestDetail), (status = 200, body = RequestDetail),
              (status = 409, body = ErrorBody)))]
async fn create_approval_request(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson { body, digest }: CreateJson<NewRequest>,
) -> ApiResult<(StatusCode, Json<RequestDetail>)> {
    approvals::create(&s, &caller.principal, body, &digest)
        .await
        .map(created_or_ok)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestListQuery {
    /// `mine`, or `reachable` (the default): requests of everyone the caller reaches — a
    /// manager's subtree, a rep's own, everyone for admins and finance.
    #[param(value_type = Option<crate::openapi::values::RequestScope>)]
    pub scope: Option<String>,
    /// One request type.
    #[serde(rename = "type")]
    pub request_type: Option<String>,
    #[param(value_type = Option<crate::openapi::values::ApprovalStatus>)]
    pub status: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct RequestPage {
    pub items: Vec<RequestSummary>,
    pub next_cursor: Option<String>,
}

/// Requests, newest first: the caller's own or those of everyone they reach.
#[utoipa::path(get, path = "/api/v1/requests", tag = "approvals", params(RequestListQuery),
    responses((status = 200, body = RequestPage)))]
async fn list_approval_requests(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RequestListQuery>,
) -> ApiResult<Json<RequestPage>> {
    let page = approvals::list(
        &s,
        &caller.principal,
        ListQuery {
            scope: q.scope,
            request_type: q.request_type,
            status: q.status,
            cursor: q.cursor,
            limit: page_limit(q.limit)?,
        },
    )
    .await?;
    Ok(Json(RequestPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One request: its payload, every round's steps with approvers, decisions, comments and
/// times (names resolved), who it waits for, who is copied, and its full history.
#[utoipa::path(get, path = "/api/v1/requests/{id}", tag = "approvals",
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestDetail)))]
async fn get_approval_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(approvals::get(&s, &caller.principal, id).await?))
}

/// Approves or rejects as one of the approvers the request waits for. 403 for someone who
/// is not an approver, 409 when it is not their turn or already decided.
#[utoipa::path(post, path = "/api/v1/requests/{id}/decision", tag = "approvals", request_body = DecisionInput,
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestDetail), (status = 409, body = ErrorBody)))]
async fn decide_approval_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<DecisionInput>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        approvals::decide(&s, &caller.principal, id, input).await?,
    ))
}

/// The submitter takes the request back before its final decision (409 after it).
#[utoipa::path(post, path = "/api/v1/requests/{id}/withdraw", tag = "approvals", request_body = WithdrawInput,
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestDetail), (status = 409, body = ErrorBody)))]
async fn withdraw_approval_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<WithdrawInput>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        approvals::withdraw(&s, &caller.principal, id, input).await?,
    ))
}

/// The submitter sends a rejected or withdrawn request again: a new round under the flow
/// version it is pinned to (a mileage claim is recomputed and frozen again).
#[utoipa::path(post, path = "/api/v1/requests/{id}/resubmit", tag = "approvals", request_body = ResubmitInput,
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestDetail), (status = 409, body = ErrorBody)))]
async fn resubmit_approval_request(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<ResubmitInput>,
) -> ApiResult<Json<RequestDetail>> {
    Ok(Json(
        approvals::resubmit(&s, &caller.principal, id, input).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    /// One request type.
    #[serde(rename = "type")]
    pub request_type: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct InboxPage {
    pub items: Vec<InboxItem>,
    pub next_cursor: Option<String>,
}

/// What waits for the caller's decision, longest waiting first: type, submitter, figures
/// (a claim's amount, leave's dates), when it was submitted and since when it waits.
#[utoipa::path(get, path = "/api/v1/approvals/inbox", tag = "approvals", params(InboxQuery),
    responses((status = 200, body = InboxPage)))]
async fn approval_inbox(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<InboxQuery>,
) -> ApiResult<Json<InboxPage>> {
    let page = approvals::inbox(
        &s,
        &caller.principal,
        q.request_type,
        q.cursor,
        page_limit(q.limit)?,
    )
    .await?;
    Ok(Json(InboxPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}
