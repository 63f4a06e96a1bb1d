//! Mileage and expense claims (开车报销): drafts, adjustments, expenses, submission and the
//! decision. Thin handlers over `services::claims`.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{created_or_ok, default_limit, page_limit};
use crate::services::claim_views::{ClaimSummary, ClaimView, ExpenseView};
use crate::services::claims::{
    self, ClaimDecision, ClaimQuery, LineAdjustment, NewClaim, NewExpense,
};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_claims, create_claim))
        .routes(routes!(get_claim))
        .routes(routes!(adjust_line))
        .routes(routes!(add_expense))
        .routes(routes!(submit_claim))
        .routes(routes!(decide_claim))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ClaimListQuery {
    /// `2026-11` (or `2026-11-H1`, `2026-W47`).
    pub period: Option<String>,
    pub employee_id: Option<EmployeeId>,
    /// This department and those below it.
    pub department_id: Option<DepartmentId>,
    #[param(value_type = Option<crate::openapi::values::ClaimStatus>)]
    pub status: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct ClaimPage {
    pub items: Vec<ClaimSummary>,
    pub next_cursor: Option<String>,
}

/// Claims of the people the caller reaches (a rep's own, a manager's subtree, everyone
/// for finance and admins), oldest first.
#[utoipa::path(get, path = "/api/v1/claims", tag = "claims", params(ClaimListQuery),
    responses((status = 200, body = ClaimPage), (status = 400, body = ErrorBody)))]
async fn list_claims(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<ClaimListQuery>,
) -> ApiResult<Json<ClaimPage>> {
    let page = claims::list(
        &s,
        &caller.principal,
        ClaimQuery {
            period: q.period,
            employee_id: q.employee_id,
            department_id: q.department_id,
            status: q.status,
            cursor: q.cursor,
            limit: page_limit(q.limit)?,
        },
    )
    .await?;
    Ok(Json(ClaimPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// The rep's draft for a period, built from the recorded day data; the existing claim
/// when there is one (200), so it is safe to repeat.
#[utoipa::path(post, path = "/api/v1/claims", tag = "claims", request_body = NewClaim,
    responses((status = 201, body = ClaimView), (status = 200, body = ClaimView), (status = 422, body = ErrorBody)))]
async fn create_claim(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<NewClaim>,
) -> ApiResult<(StatusCode, Json<ClaimView>)> {
    claims::create(&s, &caller.principal, input)
        .await
        .map(created_or_ok)
}

/// One claim: day lines (km in and outside working hours, visits in order, start and end,
/// trips, coverage, anti-cheat level when known, adjustments beside the recorded figure,
/// amount), expenses, totals; a submitted claim also shows the difference against a
/// recomputation from today's data.
#[utoipa::path(get, path = "/api/v1/claims/{id}", tag = "claims",
    params(("id" = Uuid, Path, description = "the claim")),
    responses((status = 200, body = ClaimView), (status = 404, body = ErrorBody)))]
async fn get_claim(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ClaimView>> {
    Ok(Json(claims::get(&s, &caller.principal, id).await?))
}

/// Replaces one working day's distance with the rep's, with a reason; the recorded
/// distance is kept beside it. Only while the claim is a draft (or rejected): 409 after.
#[utoipa::path(post, path = "/api/v1/claims/{id}/lines/{date}/adjust", tag = "claims",
    request_body = LineAdjustment,
    params(("id" = Uuid, Path, description = "the claim"),
           ("date" = String, Path, format = Date, description = "the day, `YYYY-MM-DD`")),
    responses((status = 200, body = ClaimView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn adjust_line(
    State(s): State<AppState>,
    caller: Caller,
    Path((id, date)): Path<(Uuid, String)>,
    Json(a): Json<LineAdjustment>,
) -> ApiResult<Json<ClaimView>> {
    Ok(Json(
        claims::adjust(&s, &caller.principal, id, &date, a).await?,
    ))
}

/// Adds a toll, parking, fuel or other expense, optionally with its receipt photo; a
/// receipt already claimed in the tenant is flagged. Idempotent by the client id.
#[utoipa::path(post, path = "/api/v1/claims/{id}/expenses", tag = "claims", request_body = NewExpense,
    params(("id" = Uuid, Path, description = "the claim")),
    responses((status = 201, body = ExpenseView), (status = 200, body = ExpenseView),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn add_expense(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(e): Json<NewExpense>,
) -> ApiResult<(StatusCode, Json<ExpenseView>)> {
    claims::add_expense(&s, &caller.principal, id, e)
        .await
        .map(created_or_ok)
}

/// Submits the claim: it is frozen as a snapshot (its input and the rate versions used)
/// that recomputes exactly whatever changes later. 409 when already submitted.
#[utoipa::path(post, path = "/api/v1/claims/{id}/submit", tag = "claims",
    params(("id" = Uuid, Path, description = "the claim")),
    responses((status = 200, body = ClaimView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn submit_claim(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<ClaimView>> {
    Ok(Json(claims::submit(&s, &caller.principal, id).await?))
}

/// A manager who reaches the rep (or an admin) approves or rejects a submitted claim;
/// the rep never decides their own. 409 when it is not waiting for a decision.
#[utoipa::path(post, path = "/api/v1/claims/{id}/decision", tag = "claims", request_body = ClaimDecision,
    params(("id" = Uuid, Path, description = "the claim")),
    responses((status = 200, body = ClaimView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide_claim(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(d): Json<ClaimDecision>,
) -> ApiResult<Json<ClaimView>> {
    Ok(Json(claims::decide(&s, &caller.principal, id, d).await?))
}
