//! Attendance corrections (补卡) and leave (请假), stored as asked and waiting for approval
//! (the approval flow comes later). Approved leave makes the day `on_leave`.

use crate::actions::{digest, id_reused, to_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::Invalid;
use domain::access::{Action, Principal, Resource};
use domain::{EmployeeId, TenantId};
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use storage::StoredRequest;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_correction))
        .routes(routes!(request_leave))
        .routes(routes!(list_requests))
        .routes(routes!(decide))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// Client-generated id.
    pub id: Uuid,
    /// `clock_in` or `clock_out`: the punch that should have been recorded.
    #[schema(value_type = crate::openapi::values::PunchKind)]
    pub kind: String,
    /// When it should have been (with offset).
    pub t: Instant,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveInput {
    pub id: Uuid,
    /// First and last local day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub from: String,
    #[schema(format = Date)]
    pub to: String,
    /// E.g. `annual`, `sick`, `personal`.
    #[schema(min_length = 1, max_length = 40)]
    pub leave_type: String,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    pub employee_id: EmployeeId,
    pub kind: String,
    pub status: String,
    pub from: String,
    pub to: String,
    /// What the rep sent: a `LeaveInput` for `leave`, a `CorrectionInput` for `correction`.
    #[schema(value_type = RequestBody)]
    pub body: serde_json::Value,
}

// Documentation only: the shape of `RequestView::body`.
/// The input a request was made with, as stored.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum RequestBody {
    Leave(LeaveInput),
    Correction(CorrectionInput),
}

pub(crate) fn view(r: StoredRequest) -> ApiResult<RequestView> {
    Ok(RequestView {
        id: r.id,
        employee_id: EmployeeId(r.employee_id),
        kind: r.kind,
        status: r.status,
        from: r.from_date,
        to: r.to_date,
        body: serde_json::from_str(&r.body).map_err(ApiError::internal)?,
    })
}

async fn store(
    s: &AppState,
    caller: &Caller,
    kind: &str,
    id: Uuid,
    (from, to): (String, String),
    body: String,
    body_digest: String,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let Principal::User(u) = &caller.principal else {
        return Err(ApiError::forbidden());
    };
    let (stored, created) = s
        .store
        .insert_request(
            u.tenant,
            &StoredRequest {
                id,
                employee_id: u.employee.0,
                kind: kind.into(),
                status: "pending".into(),
                from_date: from,
                to_date: to,
                body,
                digest: body_digest.clone(),
                created_ms: 0,
            },
        )
        .await?;
    if stored.digest != body_digest || stored.employee_id != u.employee.0 {
        return Err(id_reused());
    }
    Ok((
        if created {
            StatusCode::CREATED
        } else {
            StatusCode::OK
        },
        Json(view(stored)?),
    ))
}

fn reason(r: &str) -> ApiResult<String> {
    domain::tenant::clean_name(r, 500).map_err(|p| ApiError::invalid(Invalid::one("reason", p)))
}

/// Asks for a missed or wrong punch to be corrected; it waits for approval.
#[utoipa::path(post, path = "/api/v1/attendance/corrections", tag = "attendance", request_body = CorrectionInput,
    responses((status = 201, body = RequestView), (status = 200, body = RequestView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn request_correction(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CorrectionInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    if !["clock_in", "clock_out"].contains(&input.kind.as_str()) {
        return Err(ApiError::invalid(Invalid::one(
            "kind",
            Problem::unknown_value(&["clock_in", "clock_out"]),
        )));
    }
    reason(&input.reason)?;
    let (t_ms, offset) = crate::actions::parse_time(&input.t, "t")?;
    let day =
        chrono::DateTime::from_timestamp_millis(t_ms + i64::from(offset.unwrap_or(0)) * 60_000)
            .unwrap_or_default()
            .date_naive()
            .to_string();
    let d = digest(&input);
    store(
        &s,
        &caller,
        "correction",
        input.id,
        (day.clone(), day),
        to_json(&input)?,
        d,
    )
    .await
}

/// Asks for leave over local days; it waits for approval.
#[utoipa::path(post, path = "/api/v1/attendance/leave", tag = "attendance", request_body = LeaveInput,
    responses((status = 201, body = RequestView), (status = 200, body = RequestView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn request_leave(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<LeaveInput>,
) -> ApiResult<(StatusCode, Json<RequestView>)> {
    let parse = |field: &str, v: &str| {
        v.parse::<NaiveDate>()
            .map_err(|_| ApiError::invalid(Invalid::one(field, Problem::format(Format::Date))))
    };
    let (from, to) = (parse("from", &input.from)?, parse("to", &input.to)?);
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::invalid(Invalid::one(
            "to",
            Problem::BadRange {
                other: "from".into(),
                max_days: 366,
            },
        )));
    }
    domain::tenant::clean_name(&input.leave_type, 40)
        .map_err(|p| ApiError::invalid(Invalid::one("leave_type", p)))?;
    reason(&input.reason)?;
    let d = digest(&input);
    store(
        &s,
        &caller,
        "leave",
        input.id,
        (from.to_string(), to.to_string()),
        to_json(&input)?,
        d,
    )
    .await
}

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    /// One person; everyone the caller reaches when left out.
    pub employee_id: Option<EmployeeId>,
    /// First and last local day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: String,
    #[param(format = Date)]
    pub to: String,
    /// `pending`, `approved` or `rejected`.
    #[param(value_type = Option<crate::openapi::values::RequestStatus>)]
    pub status: Option<String>,
}

/// Corrections and leave overlapping the days: of one person, or of everyone the caller
/// reaches (a manager's subtree, a rep's own), oldest first (at most 5,000).
#[utoipa::path(get, path = "/api/v1/attendance/requests", tag = "attendance", params(RequestQuery),
    responses((status = 200, body = [RequestView]), (status = 404, body = ErrorBody)))]
async fn list_requests(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<RequestQuery>,
) -> ApiResult<Json<Vec<RequestView>>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    if let Some(st) = q.status.as_deref()
        && !["pending", "approved", "rejected"].contains(&st)
    {
        return Err(ApiError::bad_request(
            "status",
            Problem::unknown_value(&["pending", "approved", "rejected"]),
        ));
    }
    let rows = match q.employee_id {
        Some(e) => {
            s.store.employee(caller.tenant(), e, &reach).await?;
            s.store
                .requests_between(caller.tenant(), e, &q.from, &q.to)
                .await?
                .into_iter()
                .filter(|r| q.status.as_deref().is_none_or(|st| r.status == st))
                .collect()
        }
        None => {
            s.store
                .requests_reached(caller.tenant(), &reach, &q.from, &q.to, q.status.as_deref())
                .await?
        }
    };
    Ok(Json(rows.into_iter().map(view).collect::<ApiResult<_>>()?))
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// `approved` or `rejected`.
    #[schema(value_type = crate::openapi::values::DecisionStatus)]
    pub status: String,
}

/// A manager (or admin) who reaches the person approves or rejects a pending request;
/// approved leave makes those days `on_leave`. Deciding again answers 409.
#[utoipa::path(post, path = "/api/v1/attendance/requests/{id}/decision", tag = "attendance", request_body = Decision,
    params(("id" = Uuid, Path, description = "the request")),
    responses((status = 200, body = RequestView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
async fn decide(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(d): Json<Decision>,
) -> ApiResult<Json<RequestView>> {
    let reach = caller.reach(Resource::Employees, Action::Write)?;
    if !["approved", "rejected"].contains(&d.status.as_str()) {
        return Err(ApiError::invalid(Invalid::one(
            "status",
            Problem::unknown_value(&["approved", "rejected"]),
        )));
    }
    let tenant: TenantId = caller.tenant();
    let r = s.store.request(tenant, id).await?;
    s.store
        .employee(tenant, EmployeeId(r.employee_id), &reach)
        .await?;
    if let Principal::User(u) = &caller.principal
        && u.employee.0 == r.employee_id
    {
        return Err(ApiError::forbidden());
    }
    // The punch goes in first (idempotent by the request's id): a failure leaves the
    // request pending to be approved again, never approved without its punch.
    if d.status == "approved" && r.kind == "correction" && r.status == "pending" {
        crate::routes::attendance::record_corrected_punch(&s, tenant, &r).await?;
    }
    if !s.store.decide_request(tenant, id, &d.status).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_decided",
            "this request was already decided",
        ));
    }
    Ok(Json(view(s.store.request(tenant, id).await?)?))
}
