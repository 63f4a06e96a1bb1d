//! Visit plans (拜访计划): generate a department's draft days from visit frequencies
//! (`plan::schedule`), let managers edit and publish them, and give a rep the published
//! day in route order with planned arrival times — reordered from where they stand.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::services::plan_days::{self, DayEdit, MyDay, PlanDay, ReoptimizeInput};
use crate::services::plans::{self, GenerateInput, GenerateReport, PublishInput, PublishReport};
use crate::state::AppState;
use axum::extract::State;
use domain::access::{Action, Resource};
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(generate))
        .routes(routes!(list_plans))
        .routes(routes!(get_day, put_day))
        .routes(routes!(publish))
        .routes(routes!(my_plan))
        .routes(routes!(reoptimize))
}

/// Plans the department's reps over the dates from their customers' visit frequencies
/// (level A weekly, B every two weeks, C every four), last visits, working days, shifts
/// and holidays, and writes the days as drafts. The report says which visits were due,
/// which found a day and why the others did not.
#[utoipa::path(post, path = "/api/v1/plans/generate", tag = "plans", request_body = GenerateInput,
    responses((status = 200, body = GenerateReport), (status = 422, body = ErrorBody)))]
async fn generate(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<GenerateInput>,
) -> ApiResult<Json<GenerateReport>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    Ok(Json(
        plans::generate(&s, caller.tenant(), &reach, input).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlansQuery {
    pub department_id: DepartmentId,
    /// First and last local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    #[param(format = Date)]
    pub to: String,
}

#[derive(Serialize, ToSchema)]
pub struct PlanDayList {
    pub items: Vec<PlanDay>,
    /// Always null: the date range bounds the page.
    pub next_cursor: Option<String>,
}

/// The department's rep-by-day calendar of plans (drafts and published): per day how
/// many stops were planned and done, per stop the visit that fulfilled it, and a
/// `conflict` when the rep's leave covering the day was approved.
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans", params(PlansQuery),
    responses((status = 200, body = PlanDayList), (status = 404, body = ErrorBody)))]
async fn list_plans(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<PlansQuery>,
) -> ApiResult<Json<PlanDayList>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let range = (q.from.as_str(), q.to.as_str());
    let items = plan_days::list(&s, caller.tenant(), &reach, q.department_id, range).await?;
    Ok(Json(PlanDayList {
        items,
        next_cursor: None,
    }))
}

/// One rep's day (draft or published), with its fulfilled stops and any conflict.
#[utoipa::path(get, path = "/api/v1/plans/{employee_id}/{date}", tag = "plans",
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "local day, `YYYY-MM-DD`")),
    responses((status = 200, body = PlanDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn get_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
) -> ApiResult<Json<PlanDay>> {
    Ok(Json(
        plan_days::get_day(&s, &caller.principal, employee, &date).await?,
    ))
}

/// Replaces a day's stops in the given order and re-times it. A published day stays
/// published (the rep sees the change); a day without a plan becomes a draft.
#[utoipa::path(put, path = "/api/v1/plans/{employee_id}/{date}", tag = "plans", request_body = DayEdit,
    params(("employee_id" = EmployeeId, Path, description = "the rep"),
           ("date" = String, Path, format = Date, description = "local day, `YYYY-MM-DD`")),
    responses((status = 200, body = PlanDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_day(
    State(s): State<AppState>,
    caller: Caller,
    Path((employee, date)): Path<(EmployeeId, String)>,
    Json(edit): Json<DayEdit>,
) -> ApiResult<Json<PlanDay>> {
    Ok(Json(
        plan_days::put_day(&s, &caller.principal, employee, &date, edit).await?,
    ))
}

/// Publishes the department's draft days in the range; reps see published days only.
#[utoipa::path(post, path = "/api/v1/plans/publish", tag = "plans", request_body = PublishInput,
    responses((status = 200, body = PublishReport), (status = 422, body = ErrorBody)))]
async fn publish(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<PublishInput>,
) -> ApiResult<Json<PublishReport>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    Ok(Json(
        plans::publish(&s, caller.tenant(), &reach, input).await?,
    ))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MyPlanQuery {
    /// Local day; today when left out.
    #[param(format = Date)]
    pub date: Option<String>,
}

/// The signed-in rep's published plan for a day, in route order with planned times.
#[utoipa::path(get, path = "/api/v1/me/plan", tag = "plans", params(MyPlanQuery),
    responses((status = 200, body = MyDay)))]
async fn my_plan(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<MyPlanQuery>,
) -> ApiResult<Json<MyDay>> {
    let (tenant, me) = (caller.tenant(), caller.person()?);
    Ok(Json(
        plan_days::my_plan(&s, tenant, me, q.date.as_deref()).await?,
    ))
}

/// Reorders the rest of today's published plan (the customers not yet visited) into the
/// shortest route from where the rep stands now, and re-times it from now.
#[utoipa::path(post, path = "/api/v1/me/plan/reoptimize", tag = "plans", request_body = ReoptimizeInput,
    responses((status = 200, body = MyDay), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn reoptimize(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<ReoptimizeInput>,
) -> ApiResult<Json<MyDay>> {
    let (tenant, me) = (caller.tenant(), caller.person()?);
    Ok(Json(plan_days::reoptimize(&s, tenant, me, input).await?))
}
