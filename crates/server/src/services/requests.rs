//! Attendance corrections (补卡) and leave (请假): the record as asked, decided by the
//! approval engine (`services::approvals`, types `attendance_correction` and `leave`; the
//! record shares the request's id and follows its status). An approved correction records
//! its punch; approved leave makes the days `on_leave`. Rows stored before the engine keep
//! their status, and a pending one keeps the single decision by a manager.

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

/// Stores a leave or correction row and starts its approval request (same id) in one
/// transaction; a row from before the engine under the id answers as a replay.
async fn store(
    s: &AppState,
    principal: &Principal,
    request_type: &str,
    row: StoredRequest,
    prepared: super::approvals::Prepared,
    body_digest: &str,
    choices: approvals::Choices,
) -> ApiResult<bool> {
    // Who asks is checked after what they ask: an integration key, which is nobody, still
    // learns what was wrong with its input.
    let Principal::User(u) = principal else {
        return Err(ApiError::forbidden());
    };
    let tenant = u.tenant;
    if super::approvals::request_of_subject(s, tenant, row.id)
        .await?
        .is_none()
        && let Ok(old) = s.store.request(tenant, row.id).await
    {
        // Stored before the approval engine ran leave and corrections.
        return if old.digest == body_digest && old.employee_id == u.employee.0 {
            Ok(false)
        } else {
            Err(id_reused())
        };
    }
    let t = approvals::RequestType::parse(request_type).map_err(ApiError::internal)?;
    let row = StoredRequest {
        employee_id: u.employee.0,
        digest: body_digest.to_owned(),
        ..row
    };
    let req = super::approvals::Start {
        submitter: u.employee,
        request_type: &t,
        new: (row.id, body_digest),
        prepared: &prepared,
        subject_id: Some(row.id),
        subject: storage::SubjectWrite::NewAttendanceRequest(&row),
        choices,
    };
    super::approvals::start(s, tenant, req).await
}

async fn saved(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    created: bool,
) -> ApiResult<Saved<RequestView>> {
    Ok(Saved {
        item: view(s.store.request(principal.tenant(), id).await?)?,
        created,
    })
}

/// A leave or correction sent to `POST /requests` as `{id, type, payload}`.
pub(crate) async fn create_from_payload(
    s: &AppState,
    principal: &Principal,
    t: &approvals::RequestType,
    input: &super::approvals::NewRequest,
    body_digest: &str,
    choices: approvals::Choices,
) -> ApiResult<bool> {
    let (row, prepared) = from_payload(t.as_str(), input.id, &input.payload)?;
    store(
        s,
        principal,
        t.as_str(),
        row,
        prepared,
        body_digest,
        choices,
    )
    .await
}

/// A rejected or withdrawn leave or correction's new version, sent with its resubmission
/// as `payload` (the shape `POST /requests` takes for the type): validated as a new one,
/// under the request's id and for its submitter.
pub(crate) fn edited(
    request_type: &str,
    id: Uuid,
    submitter: EmployeeId,
    payload: &serde_json::Value,
) -> ApiResult<(StoredRequest, super::approvals::Prepared)> {
    let (row, prepared) = from_payload(request_type, id, payload)?;
    Ok((
        StoredRequest {
            employee_id: submitter.0,
            ..row
        },
        prepared,
    ))
}

/// A leave or correction payload (as `POST /requests` takes it) validated under `id`;
/// problems are named under `payload.`.
fn from_payload(
    request_type: &str,
    id: Uuid,
    payload: &serde_json::Value,
) -> ApiResult<(StoredRequest, super::approvals::Prepared)> {
    let mut payload = payload.clone();
    let obj = payload
        .as_object_mut()
        .ok_or_else(|| ApiError::invalid_one("payload", Problem::Required))?;
    obj.insert("id".into(), serde_json::json!(id));
    let bytes = serde_json::to_vec(&payload).map_err(ApiError::internal)?;
    if request_type == approvals::RequestType::LEAVE {
        let input: LeaveInput =
            crate::extract::parse_json(&bytes).map_err(super::approvals::payload_error)?;
        leave_row(&input).map_err(super::approvals::payload_error)
    } else {
        let input: CorrectionInput =
            crate::extract::parse_json(&bytes).map_err(super::approvals::payload_error)?;
        correction_row(&input).map_err(super::approvals::payload_error)
    }
}

fn prepared(
    input: &impl Serialize,
    facts: approvals::RequestFacts,
    figures: super::approval_views::RequestFigures,
) -> ApiResult<super::approvals::Prepared> {
    let mut payload = serde_json::to_value(input).map_err(ApiError::internal)?;
    if let Some(o) = payload.as_object_mut() {
        o.remove("id");
    }
    Ok(super::approvals::Prepared {
        facts,
        figures,
        payload,
    })
}

fn reason(r: &str) -> ApiResult<String> {
    domain::tenant::clean_name(r, 500).map_err(|p| ApiError::invalid(Invalid::one("reason", p)))
}

/// Validates a correction into its row and what the engine needs.
fn correction_row(
    input: &CorrectionInput,
) -> ApiResult<(StoredRequest, super::approvals::Prepared)> {
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
    let facts = approvals::RequestFacts {
        amount: None,
        fields: [(
            "kind".to_owned(),
            approvals::FieldValue::Text(input.kind.clone()),
        )]
        .into_iter()
        .collect(),
    };
    let figures = super::approval_views::RequestFigures {
        from: Some(day.clone()),
        to: Some(day.clone()),
        punch_kind: Some(input.kind.clone()),
        punch_at: serde_json::to_value(&input.t)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned)),
        ..Default::default()
    };
    let row = StoredRequest {
        id: input.id,
        employee_id: Uuid::nil(),
        kind: "correction".into(),
        status: "pending".into(),
        from_date: day.clone(),
        to_date: day,
        body: to_json(input)?,
        digest: String::new(),
        created_ms: 0,
    };
    Ok((row, prepared(input, facts, figures)?))
}

/// Asks for a missed or wrong punch to be corrected; it goes through the tenant's
/// `attendance_correction` flow.
pub async fn request_correction(
    s: &AppState,
    principal: &Principal,
    input: CorrectionInput,
) -> ApiResult<Saved<RequestView>> {
    let (row, prep) = correction_row(&input)?;
    let d = digest(&input);
    let created = store(
        s,
        principal,
        approvals::RequestType::ATTENDANCE_CORRECTION,
        row,
        prep,
        &d,
        approvals::Choices::default(),
    )
    .await?;
    saved(s, principal, input.id, created).await
}

/// Validates leave into its row and what the engine needs (days and type are fields
/// conditions may test).
fn leave_row(input: &LeaveInput) -> ApiResult<(StoredRequest, super::approvals::Prepared)> {
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
    let leave_type = domain::tenant::clean_name(&input.leave_type, 40)
        .map_err(|p| ApiError::invalid(Invalid::one("leave_type", p)))?;
    reason(&input.reason)?;
    let days = (to - from).num_days() + 1;
    let facts = approvals::RequestFacts {
        amount: None,
        fields: [
            (
                "days".to_owned(),
                approvals::FieldValue::Number(days as f64),
            ),
            (
                "leave_type".to_owned(),
                approvals::FieldValue::Text(leave_type.clone()),
            ),
        ]
        .into_iter()
        .collect(),
    };
    let figures = super::approval_views::RequestFigures {
        from: Some(from.to_string()),
        to: Some(to.to_string()),
        days: Some(days),
        leave_type: Some(leave_type),
        ..Default::default()
    };
    let row = StoredRequest {
        id: input.id,
        employee_id: Uuid::nil(),
        kind: "leave".into(),
        status: "pending".into(),
        from_date: from.to_string(),
        to_date: to.to_string(),
        body: to_json(input)?,
        digest: String::new(),
        created_ms: 0,
    };
    Ok((row, prepared(input, facts, figures)?))
}

/// Asks for leave over local days; it goes through the tenant's `leave` flow.
pub async fn request_leave(
    s: &AppState,
    principal: &Principal,
    input: LeaveInput,
) -> ApiResult<Saved<RequestView>> {
    let (row, prep) = leave_row(&input)?;
    let d = digest(&input);
    let created = store(
        s,
        principal,
        approvals::RequestType::LEAVE,
        row,
        prep,
        &d,
        approvals::Choices::default(),
    )
    .await?;
    saved(s, principal, input.id, created).await
}

/// Which requests to list: one person's (checked against the reach) or everyone's the
/// reach covers, overlapping the local days `from..=to`, optionally of one status.
pub struct RequestFilter {
    pub employee_id: Option<EmployeeId>,
    pub from: String,
    pub to: String,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// A page of the corrections and leave overlapping the days, by first day.
pub async fn list(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    q: RequestFilter,
) -> ApiResult<storage::Page<RequestView>> {
    if let Some(st) = q.status.as_deref()
        && !["pending", "approved", "rejected", "withdrawn"].contains(&st)
    {
        return Err(ApiError::bad_request(
            "status",
            Problem::unknown_value(&["pending", "approved", "rejected", "withdrawn"]),
        ));
    }
    if let Some(e) = q.employee_id {
        // Someone outside the reach answers 404, not an empty page.
        s.store.employee(tenant, e, reach).await?;
    }
    let page = s
        .store
        .requests_reached(
            tenant,
            reach,
            &storage::RequestSpan {
                employee: q.employee_id,
                from: &q.from,
                to: &q.to,
                status: q.status.as_deref(),
                cursor: q.cursor.as_deref(),
                limit: q.limit,
            },
        )
        .await?;
    Ok(storage::Page {
        items: page.items.into_iter().map(view).collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// A decision through the older endpoint. A request the engine runs is decided there (by
/// whoever its flow waits for); a row stored before the engine keeps the old rule: a
/// manager (or admin) who reaches the person, never the person. Deciding again is a 409.
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
    if let Some(request) = super::approvals::request_of_subject(s, tenant, id).await? {
        super::approvals::decide_subject(s, principal, request, status == "approved", None).await?;
        return view(s.store.request(tenant, id).await?);
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
