//! The console's dashboard: today (or a chosen day) and its month, week or day up to it for a
//! department subtree, from the stored facts (use case in `services::dashboard`).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Query};
use crate::services::dashboard::{self, DashboardView};
use crate::state::AppState;
use axum::extract::State;
use domain::DepartmentId;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_dashboard))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DashboardQuery {
    /// This department and those below it (a manager: within their subtree, which is
    /// also the default; others: everyone).
    pub department_id: Option<DepartmentId>,
    /// The day, `YYYY-MM-DD` (default: today in the tenant's zone); the period ends on it.
    #[param(format = Date)]
    pub date: Option<String>,
    /// The period: `day` (the day alone), `week` (its Monday up to it) or `month` (the
    /// first of its month up to it; the default). A past month whole: `month` with its
    /// last day as `date`.
    #[param(value_type = Option<crate::openapi::values::DashboardSpan>)]
    pub span: Option<String>,
}

/// The dashboard of a day and its period so far (the month by default, or its week, or
/// the day alone): headcount present, visits done against
/// planned, kilometres and flagged days, and one point per date for the charts. Summed
/// from the facts the report pack reads, so every number matches the report's for the
/// same filter. Managers see their subtree, finance and admins everyone, field reps 403.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports", params(DashboardQuery),
    responses((status = 200, body = DashboardView), (status = 400, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn get_dashboard(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<DashboardQuery>,
) -> ApiResult<Json<DashboardView>> {
    Ok(Json(
        dashboard::dashboard(
            &s,
            &caller.principal,
            q.department_id,
            q.date.as_deref(),
            q.span.as_deref(),
        )
        .await?,
    ))
}
