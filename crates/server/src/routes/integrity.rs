//! The anti-cheat centre: the review queue of rep-day verdicts, one day's verdict with its
//! evidence, review, appeal and the tenant's settings (use cases in
//! `services::integrity`).

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{default_limit, output_system, page_limit};
use crate::services::integrity::{
    self, AppealInput, IntegrityDayPage, IntegrityDayView, IntegritySettingsInput,
    IntegritySettingsView, QueueQuery, ReviewInput,
};
use crate::state::AppState;
use axum::extract::State;
use domain::access::{Action, Resource};
use domain::{DepartmentId, EmployeeId};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_days))
        .routes(routes!(get_day))
        .routes(routes!(review_day))
        .routes(routes!(appeal_day))
        .routes(routes!(get_settings, put_settings))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    /// First and last local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    #[param(format = Date)]
    pub to: Option<String>,
    /// People of this department and the departments below it.
    pub department_id: Option<DepartmentId>,
    pub employee_id: Option<EmployeeId>,
    /// One level, or `all`; without it, days at `review` or worse.
    #[param(value_type = Option<crate::openapi::values::IntegrityLevelFilter>)]
    pub level: Option<String>,
    #[param(value_type = Option<crate::openapi::values::IntegrityStatus>)]
    pub status: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500, default = 50)]
    pub limit: u32,
}

/// The review queue: rep-day verdicts of the people the caller reaches (admins and
/// finance everyone, managers their department subtree, reps their own days), newest
/// day first.
#[utoipa::path(get, path = "/api/v1/integrity/days", tag = "integrity", params(DaysQuery),
    responses((status = 200, body = IntegrityDayPage)))]
async fn list_days(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<IntegrityDayPage>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let query = QueueQuery {
        from: q.from,
        to: q.to,
        department_id: q.department_id,
        employee_id: q.employee_id,
        level: q.level,
        status: q.status,
        cursor: q.cursor,
        limit: page_limit(q.limit)?,
    };
    Ok(Json(
        integrity::queue(&s, caller.tenant(), &reach, query).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DayQuery {
    /// The coordinate system of the positions in the answer (default `wgs84`).
    #[param(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
}

/// One rep-day's verdict: reasons with their evidence, the review and appeal, and the
/// day as stored (fixes, actions, the customers' pins, photos) to draw it.
#[utoipa::path(get, path = "/api/v1/integrity/days/{employee_id}/{date}", tag = "integrity",
    operation_id = "get_integrity_day",
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "the rep's local day"), DayQuery),
    responses((status = 200, body = IntegrityDayView), (status = 404, body = ErrorBody)))]
async fn get_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
    Query(q): Query<DayQuery>,
) -> ApiResult<Json<IntegrityDayView>> {
    let system = output_system(q.coord_system.as_deref())?;
    Ok(Json(
        integrity::day(&s, &caller.principal, employee, &date, system).await?,
    ))
}

/// A manager or admin who reaches the rep (and is not the rep) confirms or dismisses
/// this version of the verdict: once per version (409 `already_reviewed`; an appeal
/// after the review opens one more), 409 `verdict_clean` for a clean day.
#[utoipa::path(post, path = "/api/v1/integrity/days/{employee_id}/{date}/review", tag = "integrity",
    request_body = ReviewInput,
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "the rep's local day")),
    responses((status = 200, body = IntegrityDayView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn review_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
    Json(input): Json<ReviewInput>,
) -> ApiResult<Json<IntegrityDayView>> {
    Ok(Json(
        integrity::review(&s, &caller.principal, employee, &date, input).await?,
    ))
}

/// The rep appeals this version of their own day's verdict, with photos of theirs:
/// once per version (409 `already_appealed`), within the tenant's window (409
/// `appeal_window_closed`); anyone but the rep 403.
#[utoipa::path(post, path = "/api/v1/integrity/days/{employee_id}/{date}/appeal", tag = "integrity",
    request_body = AppealInput,
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "the rep's local day")),
    responses((status = 200, body = IntegrityDayView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody)))]
async fn appeal_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
    Json(input): Json<AppealInput>,
) -> ApiResult<Json<IntegrityDayView>> {
    Ok(Json(
        integrity::appeal(&s, &caller.principal, employee, &date, input).await?,
    ))
}

/// The tenant's anti-cheat settings in force, with each check's default weight.
#[utoipa::path(get, path = "/api/v1/integrity/settings", tag = "integrity",
    operation_id = "get_integrity_settings",
    responses((status = 200, body = IntegritySettingsView)))]
async fn get_settings(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<IntegritySettingsView>> {
    caller.reach(Resource::Tracks, Action::Read)?;
    Ok(Json(integrity::get_settings(&s, caller.tenant()).await?))
}

/// Replaces the tenant's anti-cheat settings (admins only); verdicts computed from then
/// on use them.
#[utoipa::path(put, path = "/api/v1/integrity/settings", tag = "integrity",
    operation_id = "put_integrity_settings",
    request_body = IntegritySettingsInput,
    responses((status = 200, body = IntegritySettingsView)))]
async fn put_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<IntegritySettingsInput>,
) -> ApiResult<Json<IntegritySettingsView>> {
    caller.reach(Resource::Departments, Action::Write)?;
    Ok(Json(
        integrity::put_settings(&s, caller.tenant(), input).await?,
    ))
}
