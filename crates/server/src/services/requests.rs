//! Attendance corrections (补卡) and leave (请假): stored as asked, waiting for a manager
//! who reaches the person to approve or reject them. An approved correction records its
//! punch; approved leave makes the days `on_leave`.

use super::Saved;
use crate::actions::{digest, id_reused, to_json};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use axum::http::StatusCode;
use chrono::NaiveDate;
use domain::access::{Principal, Reach};
use domain::{EmployeeId, Format, Invalid, Problem, TenantId};
use serde::{Deserialize, Serialize};
use storage::StoredRequest;
use utoipa::ToSchema;
use uuid::Uuid;

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
    principal: &Principal,
    kind: &str,
    id: Uuid,
    (from, to): (String, String),
    body: String,
    body_digest: String,
) -> ApiResult<Saved<RequestView>> {
    // Who asks is checked after what they ask: an integration key, which is nobody, still
    // learns what was wrong with its input.
    let Principal::User(u) = principal else {
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
    Ok(Saved {
        item: view(stored)?,
        created,
    })
}

fn reason(r: &str) -> ApiResult<String> {
    domain::tenant::clean_name(r, 500).map_err(|p| ApiError::invalid(Invalid::one("reason", p)))
}

/// Asks for a missed or wrong punch to be corrected; it waits for approval.
pub async fn request_correction(
    s: &AppState,
    principal: &Principal,
    input: CorrectionInput,
) -> ApiResult<Saved<RequestView>> {
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
        s,
        principal,
        "correction",
        input.id,
        (day.clone(), day),
        to_json(&input)?,
        d,
    )
    .await
}

/// Asks for leave over local days; it waits for approval.
pub async fn request_leave(
    s: &AppState,
    principal: &Principal,
    input: LeaveInput,
) -> ApiResult<Saved<RequestView>> {
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
        s,
        principal,
        "leave",
        input.id,
        (from.to_string(), to.to_string()),
        to_json(&input)?,
        d,
    )
    .await
}

/// Which requests to list: one person's (checked against the reach) or everyone's the
/// reach covers, overlapping the local days `from..=to`, optionally of one status.
pub struct RequestFilter {
    pub employee_id: Option<EmployeeId>,
    pub from: String,
    pub to: String,
    pub status: Option<String>,
}

/// Corrections and leave overlapping the days, oldest first (at most 5,000).
pub async fn list(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    q: RequestFilter,
) -> ApiResult<Vec<RequestView>> {
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
            s.store.employee(tenant, e, reach).await?;
            s.store
                .requests_between(tenant, e, &q.from, &q.to)
                .await?
                .into_iter()
                .filter(|r| q.status.as_deref().is_none_or(|st| r.status == st))
                .collect()
        }
        None => {
            s.store
                .requests_reached(tenant, reach, &q.from, &q.to, q.status.as_deref())
                .await?
        }
    };
    rows.into_iter().map(view).collect()
}

/// A manager (or admin) who reaches the person approves or rejects a pending request;
/// nobody decides their own. Deciding again is a 409.
pub async fn decide(
    s: &AppState,
    principal: &Principal,
    reach: &Reach,
    id: Uuid,
    status: &str,
) -> ApiResult<RequestView> {
    if !["approved", "rejected"].contains(&status) {
        return Err(ApiError::invalid(Invalid::one(
            "status",
            Problem::unknown_value(&["approved", "rejected"]),
        )));
    }
    let tenant: TenantId = principal.tenant();
    let r = s.store.request(tenant, id).await?;
    s.store
        .employee(tenant, EmployeeId(r.employee_id), reach)
        .await?;
    if let Principal::User(u) = principal
        && u.employee.0 == r.employee_id
    {
        return Err(ApiError::forbidden());
    }
    // The punch goes in first (idempotent by the request's id): a failure leaves the
    // request pending to be approved again, never approved without its punch.
    if status == "approved" && r.kind == "correction" && r.status == "pending" {
        super::attendance::record_corrected_punch(s, tenant, &r).await?;
    }
    if !s.store.decide_request(tenant, id, status).await? {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_decided",
            "this request was already decided",
        ));
    }
    view(s.store.request(tenant, id).await?)
}
