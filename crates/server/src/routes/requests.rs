//! Attendance corrections (补卡) and leave (请假), stored as asked and waiting for approval
//! (the approval flow comes later). Approved leave makes the day `on_leave`.

use crate::actions::{digest, id_reused, to_json};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::Json;
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::Invalid;
use domain::access::Principal;
use serde::{Deserialize, Serialize};
use storage::StoredRequest;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(request_correction))
        .routes(routes!(request_leave))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput {
    /// Client-generated id.
    pub id: Uuid,
    /// `clock_in` or `clock_out`: the punch that should have been recorded.
    pub kind: String,
    /// When it should have been (with offset).
    pub t: Instant,
    pub reason: String,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaveInput {
    pub id: Uuid,
    /// First and last local day, `YYYY-MM-DD`.
    pub from: String,
    pub to: String,
    /// E.g. `annual`, `sick`, `personal`.
    pub leave_type: String,
    pub reason: String,
}

#[derive(Serialize, ToSchema)]
pub struct RequestView {
    pub id: Uuid,
    pub kind: String,
    pub status: String,
    pub from: String,
    pub to: String,
    #[schema(value_type = Object)]
    pub body: serde_json::Value,
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
        Json(RequestView {
            id: stored.id,
            kind: stored.kind,
            status: stored.status,
            from: stored.from_date,
            to: stored.to_date,
            body: serde_json::from_str(&stored.body).map_err(ApiError::internal)?,
        }),
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
            "must be clock_in or clock_out",
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
            .map_err(|_| ApiError::invalid(Invalid::one(field, "must be YYYY-MM-DD")))
    };
    let (from, to) = (parse("from", &input.from)?, parse("to", &input.to)?);
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::invalid(Invalid::one(
            "to",
            "must be on or after `from`, within a year",
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
