//! People: listing, creating, editing, deactivating.

use crate::auth::{Caller, passwords};
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{IfMatch, Json, Path, Query};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::Problem;
use domain::access::{self, Action, Principal, Reach, Resource};
use domain::employee::{Employee, EmployeeDraft, EmployeeInput, Role};
use domain::{DepartmentId, EmployeeId, Invalid};
use serde::{Deserialize, Serialize};
use storage::{CreateKind, EmployeeFilter};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_employees, create_employee))
        .routes(routes!(get_employee, update_employee))
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct EmployeeQuery {
    pub department_id: Option<DepartmentId>,
    #[param(value_type = Option<Role>)]
    pub role: Option<String>,
    pub active: Option<bool>,
    /// Substring of name, username, employee number, phone or email.
    pub q: Option<String>,
    /// Only people created or changed (deactivated included) at or after this instant
    /// (RFC 3339), for incremental sync; the page is then in `updated_at` order.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub updated_since: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct EmployeePage {
    pub items: Vec<Employee>,
    pub next_cursor: Option<String>,
}

/// People the caller reaches, by name. Managers see their department subtree, field reps
/// themselves, finance everyone (read-only).
#[utoipa::path(get, path = "/api/v1/employees", tag = "employees", params(EmployeeQuery),
    responses((status = 200, body = EmployeePage), (status = 400, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn list_employees(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<EmployeeQuery>,
) -> ApiResult<Json<EmployeePage>> {
    let reach = caller.reach(Resource::Employees, Action::Read)?;
    let role = q
        .role
        .as_deref()
        .map(Role::parse)
        .transpose()
        .map_err(|p| ApiError::bad_request("role", p))?;
    let filter = EmployeeFilter {
        department_id: q.department_id,
        role,
        active: q.active,
        q: q.q,
        updated_since: super::instant_ms("updated_since", q.updated_since.as_deref())?,
        cursor: q.cursor,
        limit: super::page_limit(q.limit)?,
    };
    let page = s
        .store
        .list_employees(caller.tenant(), &reach, &filter)
        .await?;
    Ok(Json(EmployeePage {
        items: page.items,
        next_cursor: page.next_cursor,
    }))
}

#[utoipa::path(get, path = "/api/v1/employees/{id}", tag = "employees", params(("id" = EmployeeId, Path)),
    responses((status = 200, body = Employee, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody)))]
async fn get_employee(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Read)?;
    let e = s.store.employee(caller.tenant(), id, &reach).await?;
    Ok(super::tagged(StatusCode::OK, e.version, e))
}

/// Checks what only the stored tree can tell: a manager may place people only in their
/// own subtree, and nobody hands out a role above their own.
async fn check_placement(
    s: &AppState,
    caller: &Caller,
    reach: &Reach,
    d: &EmployeeDraft,
) -> ApiResult<()> {
    if !access::may_assign_role(&caller.principal, d.role) {
        return Err(ApiError::invalid(Invalid::one("role", Problem::NotAllowed)));
    }
    // A department outside a manager's subtree answers like a missing one.
    if let Reach::Subtree(_) = reach {
        crate::refs::department(s, caller.tenant(), reach, "department_id", d.department_id)
            .await?;
    }
    Ok(())
}

/// Creates a person. A password makes them able to log in (it needs a username). Retries
/// with the same client-generated `id` answer 200 with the first result.
#[utoipa::path(post, path = "/api/v1/employees", tag = "employees", request_body = EmployeeInput,
    responses((status = 201, body = Employee), (status = 200, body = Employee),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_employee(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<EmployeeInput>,
) -> ApiResult<(StatusCode, Json<Employee>)> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let draft = input.validate()?;
    let tenant = caller.tenant();
    let insert = async {
        check_placement(&s, &caller, &reach, &draft).await?;
        let hash = match draft.password.clone() {
            Some(p) => Some(passwords::hash(p).await?),
            None => None,
        };
        idem::stored(
            s.store
                .create_employee(tenant, input.id, Some(&digest), &draft, hash.as_deref())
                .await,
        )
    };
    let read = |id| {
        let (s, reach) = (&s, &reach);
        async move { Ok(s.store.employee(tenant, EmployeeId(id), reach).await?) }
    };
    let id = input.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Employee,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

/// Replaces a person's details. `active: false` deactivates them: they can no longer log
/// in, their sessions end, and their history stays. A password resets it.
#[utoipa::path(put, path = "/api/v1/employees/{id}", tag = "employees", request_body = EmployeeInput,
    params(("id" = EmployeeId, Path), ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Employee, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_employee(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<EmployeeId>,
    IfMatch(expected): IfMatch,
    Json(input): Json<EmployeeInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    let current = s.store.employee(caller.tenant(), id, &reach).await?;
    let mut draft = input.validate()?;
    // The console's form has no external id: leaving it out keeps the one an ERP set.
    if input.external_id.is_none() {
        draft.external_id = current.external_id.clone();
    }
    if let Principal::User(u) = &caller.principal
        && u.employee == id
        && (!draft.active || draft.role != current.role)
    {
        return Err(ApiError::invalid(Invalid::one(
            if draft.active { "role" } else { "active" },
            Problem::SelfChange,
        )));
    }
    check_placement(&s, &caller, &reach, &draft).await?;
    let hash = match draft.password.clone() {
        Some(p) => Some(passwords::hash(p).await?),
        None => None,
    };
    let updated = s
        .store
        .update_employee(caller.tenant(), id, expected, &draft, hash.as_deref())
        .await?;
    s.sessions.forget_tenant(caller.tenant());
    Ok(super::tagged(StatusCode::OK, updated.version, updated))
}
