//! Scheduled reports (定时报表): a report with its filters mailed (or posted to a webhook
//! endpoint) on a cadence of the tenant's clock, and the record of each run (use cases in `services::report_schedules`).

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::idem::{self, CreateJson};
use crate::services::report_schedules::{self, RunView, ScheduleInput, ScheduleView};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::ReportScheduleId;
use serde::{Deserialize, Serialize};
use storage::CreateKind;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_schedules, create_schedule))
        .routes(routes!(get_schedule, update_schedule, delete_schedule))
        .routes(routes!(list_runs))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct SchedulePage {
    pub items: Vec<ScheduleView>,
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RunPage {
    pub items: Vec<RunView>,
    pub next_cursor: Option<String>,
}

/// The schedules the caller reaches, oldest first: every one for admins and finance,
/// those owned by people in their subtree for managers.
#[utoipa::path(get, path = "/api/v1/report-schedules", tag = "reports", params(PageQuery),
    responses((status = 200, body = SchedulePage), (status = 403, body = ErrorBody)))]
async fn list_schedules(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<SchedulePage>> {
    let limit = super::page_limit(q.limit)?;
    let (items, next_cursor) =
        report_schedules::list(&s, &caller.principal, q.cursor.as_deref(), limit).await?;
    Ok(Json(SchedulePage { items, next_cursor }))
}

/// Schedules a report: what (a standard report and its filters), when (daily, weekly on
/// a weekday, monthly on a day, at an hour of the tenant's clock; each run covers the
/// period that just ended), how (XLSX or CSV, Chinese or English) and where (1–50
/// addresses, and/or one of the tenant's webhook endpoints, which receives a signed
/// `report.delivered` event: `ReportDeliveredEvent`). The owner's reach applies when it
/// runs. A client `id` makes retries safe.
#[utoipa::path(post, path = "/api/v1/report-schedules", tag = "reports", request_body = ScheduleInput,
    responses((status = 201, body = ScheduleView), (status = 200, body = ScheduleView),
              (status = 403, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create_schedule(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson { body, digest }: CreateJson<ScheduleInput>,
) -> ApiResult<(StatusCode, Json<ScheduleView>)> {
    let tenant = caller.tenant();
    let principal = &caller.principal;
    let insert = async { report_schedules::create(&s, principal, &body, &digest).await };
    let read = |id| {
        let s = &s;
        async move { report_schedules::get(s, principal, ReportScheduleId(id)).await }
    };
    let id = body.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::ReportSchedule,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/report-schedules/{id}", tag = "reports",
    params(("id" = ReportScheduleId, Path)),
    responses((status = 200, body = ScheduleView), (status = 404, body = ErrorBody)))]
async fn get_schedule(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportScheduleId>,
) -> ApiResult<Json<ScheduleView>> {
    Ok(Json(
        report_schedules::get(&s, &caller.principal, id).await?,
    ))
}

/// Replaces a schedule's settings (the owner stays unless `owner_id` is sent); its next
/// run is computed afresh.
#[utoipa::path(put, path = "/api/v1/report-schedules/{id}", tag = "reports", request_body = ScheduleInput,
    params(("id" = ReportScheduleId, Path)),
    responses((status = 200, body = ScheduleView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_schedule(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportScheduleId>,
    Json(body): Json<ScheduleInput>,
) -> ApiResult<Json<ScheduleView>> {
    if body.id.is_some_and(|b| b != id) {
        return Err(ApiError::invalid_one(
            "id",
            domain::Problem::DiffersFromPath,
        ));
    }
    Ok(Json(
        report_schedules::update(&s, &caller.principal, id, &body).await?,
    ))
}

/// Deletes a schedule and its runs.
#[utoipa::path(delete, path = "/api/v1/report-schedules/{id}", tag = "reports",
    params(("id" = ReportScheduleId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_schedule(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportScheduleId>,
) -> ApiResult<StatusCode> {
    report_schedules::delete(&s, &caller.principal, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A schedule's runs, newest first: when each was due, the period it covered, whether it
/// was sent, the attempts, and why the last one failed (`error_code`, `error`).
#[utoipa::path(get, path = "/api/v1/report-schedules/{id}/runs", tag = "reports",
    params(("id" = ReportScheduleId, Path), PageQuery),
    responses((status = 200, body = RunPage), (status = 404, body = ErrorBody)))]
async fn list_runs(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ReportScheduleId>,
    Query(q): Query<PageQuery>,
) -> ApiResult<Json<RunPage>> {
    let limit = super::page_limit(q.limit)?;
    let (items, next_cursor) =
        report_schedules::runs(&s, &caller.principal, id, q.cursor.as_deref(), limit).await?;
    Ok(Json(RunPage { items, next_cursor }))
}
