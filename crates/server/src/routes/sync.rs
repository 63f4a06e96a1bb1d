//! ERP/CRM sync: customers, people and departments read and written by their external id
//! (`…/by-external-id/{external_id}`: GET, PUT to create or replace, PATCH with a JSON
//! Merge Patch), bulk upserts of up to 1,000 rows (`…/bulk`), and the deletions an
//! incremental reader applies (`/tombstones`). Single answers carry a strong `ETag`;
//! writes take an optional `If-Match` (412 `precondition_failed` when stale).

use super::tagged;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::services::sync::{
    self, SyncBulkAnswer, SyncBulkCustomers, SyncBulkDepartments, SyncBulkEmployees, Synced,
};
use crate::services::sync_rows::Writer;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, Resource};
use domain::customer::{Customer, CustomerInput};
use domain::department::{Department, DepartmentInput};
use domain::employee::{Employee, EmployeeInput};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use storage::{TombstoneOf, Written};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            get_customer_by_external_id,
            put_customer_by_external_id,
            patch_customer_by_external_id
        ))
        .routes(routes!(bulk_customers))
        .routes(routes!(
            get_employee_by_external_id,
            put_employee_by_external_id,
            patch_employee_by_external_id
        ))
        .routes(routes!(bulk_employees))
        .routes(routes!(
            get_department_by_external_id,
            put_department_by_external_id,
            patch_department_by_external_id
        ))
        .routes(routes!(bulk_departments))
        .routes(routes!(list_tombstones))
}

/// A JSON Merge Patch (RFC 7396): the members to change; `null` removes an optional
/// member. Sent as `application/merge-patch+json` or `application/json`.
#[derive(ToSchema)]
#[schema(value_type = Object)]
#[allow(dead_code)]
pub struct SyncMergePatch(Value);

fn answer<T: Serialize>(synced: Synced<T>, version: i64) -> Response {
    let status = match synced.written {
        Written::Created => StatusCode::CREATED,
        _ => StatusCode::OK,
    };
    tagged(status, version, synced.item)
}

fn bulk_answer(a: SyncBulkAnswer) -> Response {
    let status = if a.refused() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    (status, axum::Json(a)).into_response_ok()
}

trait IntoResponseOk {
    fn into_response_ok(self) -> Response;
}

impl<T: axum::response::IntoResponse> IntoResponseOk for T {
    fn into_response_ok(self) -> Response {
        self.into_response()
    }
}

// ---- customers ----------------------------------------------------------------------

/// The customer with this external id.
#[utoipa::path(get, path = "/api/v1/customers/by-external-id/{external_id}", tag = "sync",
    params(("external_id" = String, Path, description = "The id in your ERP/CRM")),
    responses((status = 200, body = Customer, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))),
              (status = 404, body = ErrorBody)))]
async fn get_customer_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Read)?;
    let w = writer(&caller, &reach);
    let c = sync::customer(&s, w, &ext).await?;
    Ok(tagged(StatusCode::OK, c.version, c))
}

/// Creates (201) or replaces (200) the customer with this external id; a deleted one
/// comes back. Same rules as `POST /customers`; `If-Match` makes it conditional.
#[utoipa::path(put, path = "/api/v1/customers/by-external-id/{external_id}", tag = "sync",
    request_body = CustomerInput,
    params(("external_id" = String, Path, description = "The id in your ERP/CRM"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 201, body = Customer, headers(("ETag" = String))),
              (status = 200, body = Customer, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_customer_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(input): Json<CustomerInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    let synced = sync::put_customer(&s, writer(&caller, &reach), &ext, expected, &input).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Changes some fields of the customer with this external id (JSON Merge Patch).
#[utoipa::path(patch, path = "/api/v1/customers/by-external-id/{external_id}", tag = "sync",
    request_body(content((SyncMergePatch = "application/merge-patch+json"), (SyncMergePatch = "application/json"))),
    params(("external_id" = String, Path, description = "The id in your ERP/CRM"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Customer, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_customer_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    let synced = sync::patch_customer(&s, writer(&caller, &reach), &ext, expected, &patch).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Upserts up to 1,000 customers by external id, one result per row. `per_row` (default)
/// writes every good row; `all_or_nothing` writes nothing when a row is bad (422).
#[utoipa::path(post, path = "/api/v1/customers/bulk", tag = "sync", request_body = SyncBulkCustomers,
    responses((status = 200, body = SyncBulkAnswer), (status = 422, body = ErrorBody, description = "Bad input; or an all_or_nothing batch with bad rows: nothing written, and beside `error` (each bad field named `items[i].field`) the same `mode`, counts and `results` as the 200 answer")))]
async fn bulk_customers(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<SyncBulkCustomers>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    let a = sync::bulk_customers(&s, writer(&caller, &reach), body.mode, &body.items).await?;
    Ok(bulk_answer(a))
}

// ---- employees ----------------------------------------------------------------------

/// The person with this external id.
#[utoipa::path(get, path = "/api/v1/employees/by-external-id/{external_id}", tag = "sync",
    params(("external_id" = String, Path, description = "The id in your ERP/HR system")),
    responses((status = 200, body = Employee, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))),
              (status = 404, body = ErrorBody)))]
async fn get_employee_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Read)?;
    let e = sync::employee(&s, writer(&caller, &reach), &ext).await?;
    Ok(tagged(StatusCode::OK, e.version, e))
}

/// Creates (201) or replaces (200) the person with this external id. Same rules as
/// `POST /employees`; `active: false` deactivates them.
#[utoipa::path(put, path = "/api/v1/employees/by-external-id/{external_id}", tag = "sync",
    request_body = EmployeeInput,
    params(("external_id" = String, Path, description = "The id in your ERP/HR system"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 201, body = Employee, headers(("ETag" = String))),
              (status = 200, body = Employee, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_employee_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(input): Json<EmployeeInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let synced = sync::put_employee(&s, writer(&caller, &reach), &ext, expected, &input).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Changes some fields of the person with this external id (JSON Merge Patch).
#[utoipa::path(patch, path = "/api/v1/employees/by-external-id/{external_id}", tag = "sync",
    request_body(content((SyncMergePatch = "application/merge-patch+json"), (SyncMergePatch = "application/json"))),
    params(("external_id" = String, Path, description = "The id in your ERP/HR system"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Employee, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_employee_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let synced = sync::patch_employee(&s, writer(&caller, &reach), &ext, expected, &patch).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Upserts up to 1,000 people by external id, one result per row.
#[utoipa::path(post, path = "/api/v1/employees/bulk", tag = "sync", request_body = SyncBulkEmployees,
    responses((status = 200, body = SyncBulkAnswer), (status = 422, body = ErrorBody, description = "Bad input; or an all_or_nothing batch with bad rows: nothing written, and beside `error` (each bad field named `items[i].field`) the same `mode`, counts and `results` as the 200 answer")))]
async fn bulk_employees(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<SyncBulkEmployees>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let a = sync::bulk_employees(&s, writer(&caller, &reach), body.mode, &body.items).await?;
    Ok(bulk_answer(a))
}

// ---- departments --------------------------------------------------------------------

/// The department with this external id.
#[utoipa::path(get, path = "/api/v1/departments/by-external-id/{external_id}", tag = "sync",
    params(("external_id" = String, Path, description = "The id in your ERP/HR system")),
    responses((status = 200, body = Department, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))),
              (status = 404, body = ErrorBody)))]
async fn get_department_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Read)?;
    let d = sync::department(&s, writer(&caller, &reach), &ext).await?;
    Ok(tagged(StatusCode::OK, d.version, d))
}

/// Creates (201) or replaces — renames, moves — (200) the department with this external
/// id.
#[utoipa::path(put, path = "/api/v1/departments/by-external-id/{external_id}", tag = "sync",
    request_body = DepartmentInput,
    params(("external_id" = String, Path, description = "The id in your ERP/HR system"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 201, body = Department, headers(("ETag" = String))),
              (status = 200, body = Department, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_department_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(input): Json<DepartmentInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let synced = sync::put_department(&s, writer(&caller, &reach), &ext, expected, &input).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Changes some fields of the department with this external id (JSON Merge Patch).
#[utoipa::path(patch, path = "/api/v1/departments/by-external-id/{external_id}", tag = "sync",
    request_body(content((SyncMergePatch = "application/merge-patch+json"), (SyncMergePatch = "application/json"))),
    params(("external_id" = String, Path, description = "The id in your ERP/HR system"),
           ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Department, headers(("ETag" = String))),
              (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_department_by_external_id(
    State(s): State<AppState>,
    caller: Caller,
    Path(ext): Path<String>,
    IfMatch(expected): IfMatch,
    Json(patch): Json<Value>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let synced =
        sync::patch_department(&s, writer(&caller, &reach), &ext, expected, &patch).await?;
    let v = synced.item.version;
    Ok(answer(synced, v))
}

/// Upserts up to 1,000 departments by external id, one result per row, in order (a row
/// may name as `parent_id` the `id` it gave an earlier row).
#[utoipa::path(post, path = "/api/v1/departments/bulk", tag = "sync", request_body = SyncBulkDepartments,
    responses((status = 200, body = SyncBulkAnswer), (status = 422, body = ErrorBody, description = "Bad input; or an all_or_nothing batch with bad rows: nothing written, and beside `error` (each bad field named `items[i].field`) the same `mode`, counts and `results` as the 200 answer")))]
async fn bulk_departments(
    State(s): State<AppState>,
    caller: Caller,
    Json(body): Json<SyncBulkDepartments>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let a = sync::bulk_departments(&s, writer(&caller, &reach), body.mode, &body.items).await?;
    Ok(bulk_answer(a))
}

// ---- deletions ----------------------------------------------------------------------

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TombstoneQuery {
    /// `customers`, `employees` or `departments`.
    #[param(value_type = TombstoneResource)]
    pub resource: String,
    /// Removals at or after this instant (RFC 3339).
    #[param(value_type = DateTime<Utc>)]
    pub since: String,
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

/// Which resource's removals to list.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TombstoneResource {
    Customers,
    Employees,
    Departments,
}

/// One removal: a deleted customer or department, or a deactivated person.
#[derive(Serialize, ToSchema)]
pub struct Tombstone {
    #[schema(value_type = TombstoneResource)]
    pub resource: &'static str,
    pub id: Uuid,
    pub external_id: Option<String>,
    /// `deleted` (customers, departments) or `deactivated` (people).
    #[schema(value_type = TombstoneKind)]
    pub kind: &'static str,
    pub at: DateTime<Utc>,
}

/// What a removal was.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
#[allow(dead_code)]
pub enum TombstoneKind {
    Deleted,
    Deactivated,
}

#[derive(Serialize, ToSchema)]
pub struct TombstonePage {
    pub items: Vec<Tombstone>,
    pub next_cursor: Option<String>,
}

/// What an incremental sync must remove on its side: customers and departments deleted,
/// and people deactivated, at or after `since`, oldest first, within the caller's read
/// reach of the resource (API keys: its `read` scope). Changed and created rows come from
/// the lists' `updated_since`.
#[utoipa::path(get, path = "/api/v1/tombstones", tag = "sync", params(TombstoneQuery),
    responses((status = 200, body = TombstonePage), (status = 400, body = ErrorBody)))]
async fn list_tombstones(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<TombstoneQuery>,
) -> ApiResult<axum::Json<TombstonePage>> {
    let (of, resource, label, kind) = match q.resource.as_str() {
        "customers" => (
            TombstoneOf::Customers,
            Resource::Customers,
            "customers",
            "deleted",
        ),
        "employees" => (
            TombstoneOf::Employees,
            Resource::Employees,
            "employees",
            "deactivated",
        ),
        "departments" => (
            TombstoneOf::Departments,
            Resource::Departments,
            "departments",
            "deleted",
        ),
        _ => {
            return Err(ApiError::bad_request(
                "resource",
                Problem::unknown_value(&["customers", "employees", "departments"]),
            ));
        }
    };
    let since = super::instant_ms("since", Some(&q.since))?.unwrap_or_default();
    let limit = super::page_limit(q.limit)?;
    let reach = caller.reach(resource, Action::Read)?;
    let page = sync::tombstones(
        &s,
        caller.tenant(),
        &reach,
        of,
        since,
        q.cursor.as_deref(),
        limit,
    )
    .await?;
    Ok(axum::Json(TombstonePage {
        items: page
            .items
            .into_iter()
            .map(|t| Tombstone {
                resource: label,
                id: t.id,
                external_id: t.external_id,
                kind,
                at: crate::services::visit_views::instant(t.at_ms),
            })
            .collect(),
        next_cursor: page.next_cursor,
    }))
}

fn writer<'a>(caller: &'a Caller, reach: &'a domain::access::Reach) -> Writer<'a> {
    Writer {
        tenant: caller.tenant(),
        principal: &caller.principal,
        reach,
    }
}
