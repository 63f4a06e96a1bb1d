//! The job queue as an admin sees it: what is waiting, running, done or dead, and a way
//! to give a dead job another round once its cause is fixed.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::services::visit_views::instant as at;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, Resource};
use serde::{Deserialize, Serialize};
use storage::{JobCount, JobRecord};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_jobs))
        .routes(routes!(job_counts))
        .routes(routes!(retry_job))
}

const STATES: [&str; 4] = ["queued", "running", "done", "dead"];

#[derive(Serialize, ToSchema)]
pub struct Job {
    pub id: Uuid,
    /// What the job does, e.g. `track_day` (recompute a person's day) or `retention`.
    pub kind: String,
    /// At most one job per kind and key waits at a time, e.g. `<employee id>/<day>`.
    pub key: Option<String>,
    #[schema(value_type = crate::openapi::values::JobState)]
    pub state: String,
    /// Attempts made so far.
    pub attempts: i32,
    pub max_attempts: i32,
    /// When it is (or was) due.
    pub run_at: DateTime<Utc>,
    /// The server running it (`running`) or that finished it (`done`).
    pub worker: Option<String>,
    /// The last failure, for an operator; `null` when no attempt failed.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// The job's input.
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

impl From<JobRecord> for Job {
    fn from(r: JobRecord) -> Self {
        Job {
            id: r.id,
            kind: r.kind,
            key: r.unique_key,
            state: r.state,
            attempts: r.attempts,
            max_attempts: r.max_attempts,
            run_at: at(r.run_at_ms),
            worker: r.locked_by,
            last_error: r.last_error,
            created_at: at(r.created_ms),
            updated_at: at(r.updated_ms),
            finished_at: r.finished_ms.map(at),
            payload: serde_json::from_str(&r.payload).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct JobPage {
    pub items: Vec<Job>,
    pub next_cursor: Option<String>,
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct JobQuery {
    #[param(value_type = Option<crate::openapi::values::JobState>)]
    pub state: Option<String>,
    /// One kind, e.g. `track_day`.
    #[param(max_length = 100)]
    pub kind: Option<String>,
    pub cursor: Option<String>,
    /// 1–500, default 50.
    #[serde(default = "super::default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

/// The tenant's jobs, newest first (admins only).
#[utoipa::path(get, path = "/api/v1/admin/jobs", tag = "admin", params(JobQuery),
    responses((status = 200, body = JobPage), (status = 403, body = ErrorBody)))]
async fn list_jobs(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<JobQuery>,
) -> ApiResult<Json<JobPage>> {
    caller.reach(Resource::Jobs, Action::Read)?;
    if let Some(st) = q.state.as_deref()
        && !STATES.contains(&st)
    {
        return Err(ApiError::bad_request(
            "state",
            Problem::unknown_value(&STATES),
        ));
    }
    let page = s
        .store
        .list_jobs(
            caller.tenant(),
            q.state.as_deref(),
            q.kind.as_deref(),
            q.cursor.as_deref(),
            super::page_limit(q.limit)?,
        )
        .await?;
    Ok(Json(JobPage {
        items: page.items.into_iter().map(Job::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

#[derive(Serialize, ToSchema)]
pub struct JobCountRow {
    pub kind: String,
    #[schema(value_type = crate::openapi::values::JobState)]
    pub state: String,
    pub count: i64,
}

#[derive(Serialize, ToSchema)]
pub struct JobCountList {
    /// One row per kind and state that has jobs (finished jobs are kept for a week).
    pub items: Vec<JobCountRow>,
    /// Always `null`: the list is short.
    pub next_cursor: Option<String>,
}

/// How many of the tenant's jobs are in each kind and state (admins only).
#[utoipa::path(get, path = "/api/v1/admin/jobs/counts", tag = "admin",
    responses((status = 200, body = JobCountList), (status = 403, body = ErrorBody)))]
async fn job_counts(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<JobCountList>> {
    caller.reach(Resource::Jobs, Action::Read)?;
    let items = s
        .store
        .job_counts(caller.tenant())
        .await?
        .into_iter()
        .map(|JobCount { kind, state, count }| JobCountRow { kind, state, count })
        .collect();
    Ok(Json(JobCountList {
        items,
        next_cursor: None,
    }))
}

/// Queues a dead job again with a fresh set of attempts, due now (admins only). 409
/// `job_not_dead` when it is not dead (queued, running and done jobs need no retry) or a
/// job of the same kind and key is already waiting.
#[utoipa::path(post, path = "/api/v1/admin/jobs/{id}/retry", tag = "admin",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Job), (status = 409, body = ErrorBody)))]
async fn retry_job(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<Job>> {
    caller.reach(Resource::Jobs, Action::Write)?;
    let tenant = caller.tenant();
    s.store.job(tenant, id).await?;
    if !s.store.retry_job(tenant, id).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "job_not_dead",
            "only a dead job can be retried, and only while no job of its kind and key waits",
        ));
    }
    let job = Job::from(s.store.job(tenant, id).await?);
    s.jobs.wake();
    Ok(Json(job))
}
