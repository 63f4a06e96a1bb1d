//! Attendance corrections (补卡) and leave (请假), stored as asked and waiting for approval
//! (the approval flow comes later). Approved leave makes the day `on_leave`.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{created_or_ok, default_limit, page_limit};
use crate::services::requests::{self, CorrectionInput, LeaveInput, RequestFilter, RequestView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::EmployeeId;
use domain::access::{Action, Resource};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_correction))
        .routes(routes!(request_leave))
        .routes(routes!(list_requests))
        .routes(routes!(decide))
}

/// Asks for a missed or wrong punch to be corrected; it waits for approval.
#[utoipa::path(post, path = "/api/v1/attendance/corrections", tag = "attendance", request_body = CorrectionInput,
    responses((status = 201, body = RequestView), (status = 200, body = RequestView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn request_correction(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CorrectionInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    requests::request_correction(&s, &caller.principal, input)
        .await
        .map(created_or_ok)
}

/// Asks for leave over local days; it waits for approval.
#[utoipa::path(post, path = "/api/v1/attendance/leave", tag = "attendance", request_body = LeaveInput,
    responses((status = 201, body = RequestView), (status = 200, body = RequestView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn request_leave(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<LeaveInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    requests::request_leave(&s, &caller.principal, input)
        .await
        .map(created_or_ok)
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// One person; everyone the caller reaches when left out.
    pub employee_id: Option<EmployeeId>,
    /// First and last local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    #[param(format = Date)]
    pub to: String,
    /// `pending`, `approved` or `rejected`.
    #[param(value_type = Option<crate::openapi::values::RequestStatus>)]
    pub status: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceRequestPage {
    pub items: Vec<RequestView>,
    pub next_cursor: Option<String>,
}

/// Corrections and leave overlapping the days: of one person, or of everyone the caller
/// reaches (a manager's subtree, a rep's own), by first day.
#[utoipa::path(get, path = "/api/v1/attendance/requests", tag = "attendance", params(RequestQuery),
    responses((status = 200, body = AttendanceRequestPage), (status = 400, body = ErrorBody),
              (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_requests(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RequestQuery>,
) -> ApiResult<Json<AttendanceRequestPage>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let filter = RequestFilter {
        employee_id: q.employee_id,
        from: q.from,
        to: q.to,
        status: q.status,
        cursor: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let page = requests::list(&s, caller.tenant(), &reach, filter).await?;
    Ok(Json(AttendanceRequestPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approved` or `rejected`.
    #[schema(value_type = crate::openapi::values::DecisionStatus)]
    pub status: String,
}

/// A manager (or admin) who reaches the person approves or rejects a pending request;
/// approved leave makes those days `on_leave`. Deciding again answers 409.
#[utoipa::path(post, path = "/api/v1/attendance/requests/{id}/decision", tag = "attendance", request_body = Decision,
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(d): Json<Decision>,
) -> ApiResult<Json<RequestView>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    Ok(Json(
        requests::decide(&s, &caller.principal, &reach, id, &d.status).await?,
    ))
}
