//! The department tree.

use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::extract::Path;
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use domain::DepartmentId;
use domain::access::{Action, Resource};
use domain::department::{Department, DepartmentInput};
use serde::Serialize;
use storage::CreateKind;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_departments, create_department))
        .routes(routes!(
            get_department,
            update_department,
            delete_department
        ))
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentList {
    pub items: Vec<Department>,
    /// Always null: the whole tree the caller reaches comes in one page.
    pub next_cursor: Option<String>,
}

/// Departments the caller reaches (a manager: their subtree).
#[utoipa::path(get, path = "/api/v1/departments", tag = "departments",
    responses((status = 200, body = DepartmentList), (status = 403, body = ErrorBody)))]
async fn list_departments(
    State(s): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<DepartmentList>> {
    let reach = caller.reach(Resource::Departments, Action::Read)?;
    let items = s.store.list_departments(caller.tenant(), &reach).await?;
    Ok(Json(DepartmentList {
        items,
        next_cursor: None,
    }))
}

/// Creates a department (admins). Sending a client-generated `id` makes retries safe:
/// the second request answers 200 with the department the first created.
#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 200, body = Department),
              (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_department(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let name = input.validate()?;
    let tenant = caller.tenant();
    let insert = async {
        idem::stored(
            s.store
                .create_department(tenant, input.id, Some(&digest), &name, input.parent_id)
                .await,
        )
    };
    let read = |id| {
        let (s, reach) = (&s, &reach);
        async move { Ok(s.store.department(tenant, DepartmentId(id), reach).await?) }
    };
    let id = input.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Department,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

#[utoipa::path(get, path = "/api/v1/departments/{id}", tag = "departments",
    params(("id" = DepartmentId, Path)),
    responses((status = 200, body = Department), (status = 404, body = ErrorBody)))]
async fn get_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
) -> ApiResult<Json<Department>> {
    let reach = caller.reach(Resource::Departments, Action::Read)?;
    Ok(Json(s.store.department(caller.tenant(), id, &reach).await?))
}

/// Renames or moves a department; moving it below itself is refused.
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "departments", request_body = DepartmentInput,
    params(("id" = DepartmentId, Path)),
    responses((status = 200, body = Department), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
    Json(input): Json<DepartmentInput>,
) -> ApiResult<Json<Department>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let name = input.validate()?;
    Ok(Json(
        s.store
            .update_department(caller.tenant(), id, &name, input.parent_id)
            .await?,
    ))
}

/// Deletes an empty department (409 while it has sub-departments or people).
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "departments",
    params(("id" = DepartmentId, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn delete_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    s.store.delete_department(caller.tenant(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
