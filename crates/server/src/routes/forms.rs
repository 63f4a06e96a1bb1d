//! Visit report forms (拜访报告模板): tenant-defined typed fields, versioned so an old
//! report keeps the version it was filled in.

use crate::actions::{from_json, to_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, Resource};
use domain::forms::{FieldInput, FormInput};
use domain::ids::FormId;
use serde::{Deserialize, Serialize};
use storage::CreateKind;
use storage::StoredForm;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_forms, create_form))
        .routes(routes!(get_form, new_version))
}

#[derive(Serialize, ToSchema)]
pub struct FormView {
    pub id: FormId,
    pub version: u32,
    pub name: String,
    pub fields: Vec<FieldInput>,
    pub created_at: DateTime<Utc>,
}

fn view(f: StoredForm) -> ApiResult<FormView> {
    Ok(FormView {
        id: FormId(f.id),
        version: f.version as u32,
        name: f.name,
        fields: from_json(&f.fields)?,
        created_at: DateTime::from_timestamp_millis(f.created_at).unwrap_or_default(),
    })
}

#[derive(Serialize, ToSchema)]
pub struct FormList {
    pub items: Vec<FormView>,
    /// Always null: a tenant's forms (a handful of templates) come in one page.
    pub next_cursor: Option<String>,
}

/// The latest version of every form.
#[utoipa::path(get, path = "/api/v1/forms", tag = "visits",
    responses((status = 200, body = FormList)))]
async fn list_forms(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<FormList>> {
    caller.reach(Resource::Customers, Action::Read)?;
    let forms = s.store.forms(caller.tenant()).await?;
    Ok(Json(FormList {
        items: forms.into_iter().map(view).collect::<ApiResult<_>>()?,
        next_cursor: None,
    }))
}

/// Creates a form (version 1). With a client-chosen `id` that exists, answers the stored
/// version 1 (200) so a retried create stores nothing twice.
#[utoipa::path(post, path = "/api/v1/forms", tag = "visits", request_body = FormInput,
    responses((status = 201, body = FormView), (status = 200, body = FormView), (status = 422, body = ErrorBody)))]
async fn create_form(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson {
        body: input,
        digest,
    }: CreateJson<FormInput>,
) -> ApiResult<(StatusCode, Json<FormView>)> {
    caller.reach(Resource::Departments, Action::Write)?;
    let draft = input.validate()?;
    let tenant = caller.tenant();
    let id = input.id.unwrap_or_default();
    let fields = to_json(&draft.clone().into_form(id, 1).output().fields)?;
    let insert = async {
        let stored = s
            .store
            .create_form(tenant, id, Some(&digest), &draft.name, &fields)
            .await?;
        stored.map(view).transpose()
    };
    let read = |_| async { view(s.store.form(tenant, id, Some(1)).await?) };
    let client_id = input.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Form,
        client_id,
        &digest,
        insert,
        read,
    )
    .await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A past version; the latest without it.
    #[param(minimum = 1, maximum = 2147483647)]
    pub version: Option<u32>,
}

#[utoipa::path(get, path = "/api/v1/forms/{id}", tag = "visits",
    params(("id" = FormId, Path, description = "the form"), VersionQuery),
    responses((status = 200, body = FormView), (status = 404, body = ErrorBody)))]
async fn get_form(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<FormId>,
    Query(q): Query<VersionQuery>,
) -> ApiResult<Json<FormView>> {
    caller.reach(Resource::Customers, Action::Read)?;
    let version = crate::services::forms::form_version("version", q.version)?;
    let stored = s.store.form(caller.tenant(), id, version).await?;
    Ok(Json(view(stored)?))
}

/// Changes a form by adding a version; reports filled in earlier keep theirs. Sending the
/// latest version's content again adds nothing.
#[utoipa::path(put, path = "/api/v1/forms/{id}", tag = "visits", request_body = FormInput,
    params(("id" = FormId, Path, description = "the form")),
    responses((status = 200, body = FormView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn new_version(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<FormId>,
    Json(input): Json<FormInput>,
) -> ApiResult<Json<FormView>> {
    caller.reach(Resource::Departments, Action::Write)?;
    if input.id.is_some_and(|given| given != id) {
        return Err(ApiError::bad_request("id", Problem::DiffersFromPath));
    }
    let draft = input.validate()?;
    let fields = to_json(&draft.clone().into_form(id, 1).output().fields)?;
    let stored = s
        .store
        .add_form_version(caller.tenant(), id, &draft.name, &fields)
        .await?;
    Ok(Json(view(stored)?))
}
