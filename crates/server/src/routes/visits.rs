//! Visits (拜访): check in at a customer (planned, ad hoc, or a new prospect created on the
//! spot) judged against the radius with the fix's accuracy; check out judged against the
//! minimum duration; the report against its form version; lists for managers. Every
//! action carries a client id: a replay answers the first result, a different body under
//! the same id is a 409, an action arriving late is judged at the time it happened.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::{created_or_ok, default_limit, page_limit};
use crate::services::rules;
use crate::services::visit_views::{self, RULE, VisitSearch, VisitView};
use crate::services::visits::{self, CheckinInput, CheckoutInput, ReportInput};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::access::{Action, Resource};
use domain::visit_rule::VisitRule;
use domain::{CustomerId, EmployeeId};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rule, put_rule, delete_rule))
        .routes(routes!(list_visits, check_in))
        .routes(routes!(get_visit))
        .routes(routes!(check_out))
        .routes(routes!(put_report))
        .routes(routes!(approve_prospect))
}

// ---- rules ----

/// The visit rule stored for the tenant (`scope` = `tenant`) or a department; the default
/// (200 m, no minimum, no photos, no form) when none is stored there.
#[utoipa::path(get, path = "/api/v1/visit-rules/{scope}", operation_id = "get_visit_rule", tag = "visits",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = VisitRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<VisitRule>> {
    caller.reach(Resource::Departments, Action::Read)?;
    Ok(Json(
        rules::stored_rule(&s, caller.tenant(), RULE, &raw).await?,
    ))
}

/// Sets the visit rule of the tenant or of a department (its sub-departments inherit it
/// unless they have their own).
#[utoipa::path(put, path = "/api/v1/visit-rules/{scope}", operation_id = "put_visit_rule", tag = "visits", request_body = VisitRule,
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = VisitRule), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Json(rule): Json<VisitRule>,
) -> ApiResult<Json<VisitRule>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let dept = rules::scope(&s, caller.tenant(), &raw).await?;
    let policy = rule.validate()?;
    let forms = policy
        .forms
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("forms[{i}].form_id"), m.form_id))
        .chain(
            policy
                .default_form_id
                .map(|f| ("default_form_id".to_owned(), f)),
        );
    for (field, form) in forms {
        crate::refs::form(&s, caller.tenant(), field, form).await?;
    }
    s.store
        .put_rule(
            caller.tenant(),
            RULE,
            dept,
            &crate::actions::to_json(&rule)?,
        )
        .await?;
    Ok(Json(rule))
}

/// Removes the visit rule stored for the tenant or a department; it then inherits.
#[utoipa::path(delete, path = "/api/v1/visit-rules/{scope}", operation_id = "delete_visit_rule", tag = "visits",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    rules::delete_rule(&s, caller.tenant(), RULE, &raw).await?;
    Ok(StatusCode::NO_CONTENT)
}

// ---- field actions ----

/// Checks in at a customer. The answer carries the distance to the customer, the radius
/// that applied and the judgement (`within`, `outside`, `uncertain` — never a confident
/// answer from a poor fix), with evidence flags.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", request_body = CheckinInput,
    responses((status = 201, body = VisitView), (status = 200, body = VisitView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn check_in(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CheckinInput>,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    visits::check_in(&s, &caller.principal, input)
        .await
        .map(created_or_ok)
}

/// Checks out of a visit; the duration is judged against the rule's minimum.
#[utoipa::path(post, path = "/api/v1/visits/{id}/check-out", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")), request_body = CheckoutInput,
    responses((status = 201, body = VisitView), (status = 200, body = VisitView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_out(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<CheckoutInput>,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    visits::check_out(&s, caller.user()?, id, input)
        .await
        .map(created_or_ok)
}

/// Submits the visit's report, validated against its form version; each problem names
/// the field's key.
#[utoipa::path(put, path = "/api/v1/visits/{id}/report", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")), request_body = ReportInput,
    responses((status = 200, body = VisitView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn put_report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<ReportInput>,
) -> ApiResult<Json<VisitView>> {
    Ok(Json(
        visits::put_report(&s, caller.user()?, id, input).await?,
    ))
}

// ---- reading ----

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    pub employee_id: Option<EmployeeId>,
    pub customer_id: Option<CustomerId>,
    /// First local date (tenant's zone), `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last local date, inclusive.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Check-in judgement: `within`, `outside` or `uncertain`.
    #[param(value_type = Option<crate::openapi::values::Judgement>)]
    pub judgement: Option<String>,
    /// A flag code, e.g. `mock_location`.
    pub flag: Option<String>,
    /// Only visits checked in or changed (check-out, report, a photo) at or
    /// after this instant (RFC 3339), for incremental sync; the page is then in
    /// `updated_at` order, oldest change first.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub updated_since: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct VisitPage {
    pub items: Vec<VisitView>,
    pub next_cursor: Option<String>,
}

/// Visits of the people the caller reaches (admins: all; managers: their department
/// subtree; reps: their own), newest first; with `updated_since`, oldest change first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", params(VisitQuery),
    responses((status = 200, body = VisitPage), (status = 400, body = ErrorBody)))]
async fn list_visits(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<VisitQuery>,
) -> ApiResult<Json<VisitPage>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let search = VisitSearch {
        employee_id: q.employee_id,
        customer_id: q.customer_id,
        from: q.from,
        to: q.to,
        judgement: q.judgement,
        flag: q.flag,
        updated_since: super::instant_ms("updated_since", q.updated_since.as_deref())?,
        cursor: q.cursor,
        limit: page_limit(q.limit)?,
    };
    let page = visit_views::list(&s, caller.tenant(), &reach, search).await?;
    Ok(Json(VisitPage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

/// One visit with its photos and every flag.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")),
    responses((status = 200, body = VisitView), (status = 404, body = ErrorBody)))]
async fn get_visit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<VisitView>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    Ok(Json(
        visit_views::get(&s, caller.tenant(), &reach, id).await?,
    ))
}

/// Approves a prospect a rep created: it becomes an active customer.
#[utoipa::path(post, path = "/api/v1/customers/{id}/approve", tag = "customers",
    params(("id" = Uuid, Path, description = "the customer")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn approve_prospect(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CustomerId>,
) -> ApiResult<StatusCode> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    visits::approve_prospect(&s, caller.tenant(), &reach, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
