//! Attendance (考勤): rules per tenant/department, the work calendar, clock-in/out judged
//! against shifts, grace and geofences (with the fix's accuracy), and daily records.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::created_or_ok;
use crate::services::attendance::{self, PunchAnswer, PunchInput};
use crate::services::rules;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::EmployeeId;
use domain::access::{Action, Resource};
use domain::attendance::{AttendanceRule, DailyAttendance, PunchKind};
use domain::calendar::WorkCalendarInput;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rule, put_rule, delete_rule))
        .routes(routes!(get_calendar, put_calendar))
        .routes(routes!(clock_in))
        .routes(routes!(clock_out))
        .routes(routes!(days))
}

/// The attendance rule stored for the tenant (`scope` = `tenant`) or a department; the
/// default (weekdays 09:00–18:00, anywhere) when none is stored there.
#[utoipa::path(get, path = "/api/v1/attendance-rules/{scope}", operation_id = "get_attendance_rule", tag = "attendance",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = AttendanceRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<AttendanceRule>> {
    caller.reach(Resource::Departments, Action::Read)?;
    Ok(Json(
        rules::stored_rule(&s, caller.tenant(), attendance::RULE, &raw).await?,
    ))
}

/// Removes the attendance rule stored for the tenant or a department; it then inherits.
#[utoipa::path(delete, path = "/api/v1/attendance-rules/{scope}", operation_id = "delete_attendance_rule", tag = "attendance",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    rules::delete_rule(&s, caller.tenant(), attendance::RULE, &raw).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sets the attendance rule of the tenant (`scope` = `tenant`) or of a department.
#[utoipa::path(put, path = "/api/v1/attendance-rules/{scope}", operation_id = "put_attendance_rule", tag = "attendance", request_body = AttendanceRule,
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = AttendanceRule), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Json(rule): Json<AttendanceRule>,
) -> ApiResult<Json<AttendanceRule>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let dept = rules::scope(&s, caller.tenant(), &raw).await?;
    rule.validate()?;
    for (i, f) in rule.fence_ids.iter().enumerate() {
        crate::refs::geofence(&s, caller.tenant(), format!("fence_ids[{i}]"), *f).await?;
    }
    s.store
        .put_rule(
            caller.tenant(),
            attendance::RULE,
            dept,
            &serde_json::to_string(&rule).map_err(ApiError::internal)?,
        )
        .await?;
    Ok(Json(rule))
}

#[utoipa::path(get, path = "/api/v1/calendar", tag = "attendance",
    responses((status = 200, body = WorkCalendarInput), (status = 403, body = ErrorBody)))]
async fn get_calendar(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<WorkCalendarInput>> {
    caller.reach(Resource::Tracks, Action::Read)?;
    Ok(Json(attendance::calendar(&s, caller.tenant()).await?.0))
}

/// Replaces the tenant's holidays and make-up working days (调休).
#[utoipa::path(put, path = "/api/v1/calendar", tag = "attendance", request_body = WorkCalendarInput,
    responses((status = 200, body = WorkCalendarInput), (status = 422, body = ErrorBody)))]
async fn put_calendar(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<WorkCalendarInput>,
) -> ApiResult<Json<WorkCalendarInput>> {
    caller.reach(Resource::Departments, Action::Write)?;
    input.validate()?;
    s.store
        .put_rule(
            caller.tenant(),
            attendance::CALENDAR,
            None,
            &serde_json::to_string(&input).map_err(ApiError::internal)?,
        )
        .await?;
    Ok(Json(input))
}

/// Clocks the signed-in person in, judged against their attendance rule: on time or late
/// (after grace), on a work day or not, inside an allowed geofence, outside, or uncertain.
#[utoipa::path(post, path = "/api/v1/attendance/clock-in", tag = "attendance", request_body = PunchInput,
    responses((status = 201, body = PunchAnswer), (status = 200, body = PunchAnswer), (status = 422, body = ErrorBody)))]
async fn clock_in(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<PunchInput>,
) -> ApiResult<(StatusCode, Json<PunchAnswer>)> {
    let saved = attendance::punch(&s, caller.user()?, PunchKind::ClockIn, input).await?;
    Ok(created_or_ok(saved))
}

/// Clocks the signed-in person out (early leave judged against the shift's end and grace).
#[utoipa::path(post, path = "/api/v1/attendance/clock-out", tag = "attendance", request_body = PunchInput,
    responses((status = 201, body = PunchAnswer), (status = 200, body = PunchAnswer), (status = 422, body = ErrorBody)))]
async fn clock_out(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<PunchInput>,
) -> ApiResult<(StatusCode, Json<PunchAnswer>)> {
    let saved = attendance::punch(&s, caller.user()?, PunchKind::ClockOut, input).await?;
    Ok(created_or_ok(saved))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DaysQuery {
    pub employee_id: EmployeeId,
    /// First local date, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    /// Last local date (inclusive), at most 92 days after `from`.
    #[param(format = Date)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceDays {
    pub employee_id: EmployeeId,
    pub items: Vec<DailyAttendance>,
    /// Always null: the date range (at most 92 days) bounds the page.
    pub next_cursor: Option<String>,
}

/// Daily attendance records (present, late, early leave, absent, on leave, day off),
/// derived from the stored punches.
#[utoipa::path(get, path = "/api/v1/attendance/days", tag = "attendance", params(DaysQuery),
    responses((status = 200, body = AttendanceDays), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody)))]
async fn days(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<DaysQuery>,
) -> ApiResult<Json<AttendanceDays>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let items =
        attendance::days(&s, caller.tenant(), &reach, q.employee_id, (&q.from, &q.to)).await?;
    Ok(Json(AttendanceDays {
        employee_id: q.employee_id,
        items,
        next_cursor: None,
    }))
}
