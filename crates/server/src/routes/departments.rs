//! The department tree.

use super::tagged;
use crate::auth::Caller;
use crate::error::{ApiResult, ErrorBody};
use crate::extract::Json;
use crate::extract::Query;
use crate::extract::{IfMatch, Path};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use domain::DepartmentId;
use domain::access::{Action, Resource};
use domain::department::{Department, DepartmentInput};
use serde::{Deserialize, Serialize};
use storage::CreateKind;
use utoipa::{IntoParams, ToSchema};
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

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DepartmentQuery {
    /// Only departments created or changed at or after this instant (RFC 3339), for
    /// incremental sync. Deleted departments are listed by `GET /tombstones`.
    #[param(value_type = Option<chrono::DateTime<chrono::Utc>>)]
    pub updated_since: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DepartmentList {
    pub items: Vec<Department>,
    /// Always null: the whole tree the caller reaches comes in one page.
    pub next_cursor: Option<String>,
}

/// Departments the caller reaches (a manager: their subtree).
#[utoipa::path(get, path = "/api/v1/departments", tag = "departments", params(DepartmentQuery),
    responses((status = 200, body = DepartmentList), (status = 403, body = ErrorBody)))]
async fn list_departments(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<DepartmentQuery>,
) -> ApiResult<Json<DepartmentList>> {
    let reach = caller.reach(Resource::Departments, Action::Read)?;
    let since = super::instant_ms("updated_since", q.updated_since.as_deref())?;
    let mut items = s.store.list_departments(caller.tenant(), &reach).await?;
    if let Some(since) = since {
        items.retain(|d| d.updated_at.timestamp_millis() >= since);
    }
    Ok(Json(DepartmentList {
        items,
        next_cursor: None,
    }))
}

/// Creates a department (admins). Sending a client-generated `id` makes retries safe:
/// the second request answers 200 with the department the first created.
#[utoipa::path(post, path = "/api/v1/departments", tag = "departments", request_body = DepartmentInput,
    responses((status = 201, body = Department), (status = 200, body = Department),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_department(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Department>)> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let draft = input.validate()?;
    let tenant = caller.tenant();
    let insert = async {
        idem::stored(
            s.store
                .create_department(tenant, input.id, Some(&digest), &draft)
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
    responses((status = 200, body = Department, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody)))]
async fn get_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Read)?;
    let d = s.store.department(caller.tenant(), id, &reach).await?;
    Ok(tagged(StatusCode::OK, d.version, d))
}

/// Renames or moves a department; moving it below itself is refused. Leaving out
/// `external_id` keeps the stored one. `If-Match` makes it conditional (412 when stale).
#[utoipa::path(put, path = "/api/v1/departments/{id}", tag = "departments", request_body = DepartmentInput,
    params(("id" = DepartmentId, Path), ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 200, body = Department, headers(("ETag" = String, description = "The row's version; send it back in If-Match"))), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 412, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn update_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
    IfMatch(expected): IfMatch,
    Json(input): Json<DepartmentInput>,
) -> ApiResult<Response> {
    let reach = caller.reach(Resource::Departments, Action::Write)?;
    let mut draft = input.validate()?;
    if input.external_id.is_none() {
        draft.external_id = s
            .store
            .department(caller.tenant(), id, &reach)
            .await?
            .external_id;
    }
    let d = s
        .store
        .update_department(caller.tenant(), id, expected, &draft)
        .await?;
    Ok(tagged(StatusCode::OK, d.version, d))
}

/// Deletes an empty department (409 while it has sub-departments or people).
#[utoipa::path(delete, path = "/api/v1/departments/{id}", tag = "departments",
    params(("id" = DepartmentId, Path), ("If-Match" = Option<String>, Header, description = "An ETag read earlier: write only if the row is still at it")),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 412, body = ErrorBody)))]
async fn delete_department(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DepartmentId>,
    IfMatch(expected): IfMatch,
) -> ApiResult<StatusCode> {
    caller.reach(Resource::Departments, Action::Write)?;
    s.store
        .delete_department(caller.tenant(), id, expected)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
