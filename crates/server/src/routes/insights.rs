//! Insights (优化): what the facts suggest changing, each with the person-days or
//! customers it rests on, and the tenant's thresholds (use cases in
//! `services::report_pack`).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::report_pack::{self, InsightSettingsBody, InsightView, ReportQuery};
use crate::state::AppState;
use axum::extract::State;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_insights))
        .routes(routes!(get_settings, put_settings))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InsightQuery {
    /// First local date (tenant's zone), `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last local date, inclusive; at most 92 days after `from`.
    #[param(format = Date)]
    pub to: String,
    /// The team: this department and those below it (a manager: within their subtree,
    /// which is also the default).
    pub department_id: Option<DepartmentId>,
    /// Only insights about this person (the team they are compared with stays the same).
    pub employee_id: Option<EmployeeId>,
    /// Only customers of this level.
    #[param(value_type = Option<crate::openapi::values::CustomerLevel>)]
    pub customer_level: Option<String>,
    /// Only customers with this tag.
    pub customer_tag: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct InsightPage {
    pub items: Vec<InsightView>,
    /// Always `null`: every insight of the period is on one page.
    pub next_cursor: Option<String>,
}

/// The insights of the period over the caller's reach, in a fixed order (by rule, then
/// subject), each with its figures, the suggested action and links to the person-days
/// (visits, track replay) and customers it rests on.
#[utoipa::path(get, path = "/api/v1/insights", tag = "reports", params(InsightQuery),
    responses((status = 200, body = InsightPage), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn list_insights(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<InsightQuery>,
) -> ApiResult<Json<InsightPage>> {
    let query = ReportQuery::parse(
        (&q.from, &q.to),
        q.department_id,
        q.employee_id,
        q.customer_level.as_deref(),
        q.customer_tag.as_deref(),
    )?;
    let items = report_pack::insights(&s, &caller.principal, &query).await?;
    Ok(Json(InsightPage {
        items,
        next_cursor: None,
    }))
}

/// The insight thresholds in force (the published defaults until an admin sets them)
/// and the report-form field counted as a visit's outcome.
#[utoipa::path(get, path = "/api/v1/insights/settings", tag = "reports",
    operation_id = "get_insight_settings",
    responses((status = 200, body = InsightSettingsBody)))]
async fn get_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<InsightSettingsBody>> {
    Ok(Json(
        report_pack::get_settings(&s, &caller.principal).await?,
    ))
}

/// Replaces the thresholds (admins only): a value left out takes its published default;
/// each value out of range is named and nothing is stored.
#[utoipa::path(put, path = "/api/v1/insights/settings", tag = "reports",
    operation_id = "put_insight_settings",
    request_body = InsightSettingsBody,
    responses((status = 200, body = InsightSettingsBody)))]
async fn put_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<InsightSettingsBody>,
) -> ApiResult<Json<InsightSettingsBody>> {
    Ok(Json(
        report_pack::put_settings(&s, &caller.principal, body).await?,
    ))
}
