//! Plan changes (计划变更) through the approval engine: a rep asks to add customers to a
//! planned day, take some off, or move some to another day; the request's payload names
//! them. Once finally approved, the decision's transaction queues a `plan_change` job
//! (keyed by the request) that applies the change to the rep's plan through the plans
//! service (`plan_days::put_stops`), so the rep's day and the manager's plan show it; a
//! rejected or withdrawn request changes nothing. Applying is idempotent: a customer
//! already on the day is not added twice, one no longer there is not removed twice.

use super::approval_views::RequestFigures;
use super::approvals::Prepared;
use super::plan_days::{day_order, put_stops, service_minutes};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use approvals::{FieldValue, RequestFacts, RequestType};
use chrono::NaiveDate;
use domain::access::{Action, Principal, Reach, Resource};
use domain::{CustomerId, EmployeeId, Format, Invalid, Problem, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use storage::NewJob;
use uuid::Uuid;

/// At most this many customers in one change.
const MAX_CUSTOMERS: usize = 50;

/// A stop of the day moved to another day.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StopMove {
    pub customer_id: CustomerId,
    pub to_date: String,
}

/// What a `plan_change` request asks, about the submitter's own plan.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanChange {
    /// The planned day changed (`YYYY-MM-DD`).
    pub date: String,
    /// Customers added at the end of the day, in this order.
    #[serde(default)]
    pub add: Vec<CustomerId>,
    /// Customers taken off the day.
    #[serde(default)]
    pub remove: Vec<CustomerId>,
    /// Customers taken off the day and added at the end of another.
    #[serde(default)]
    pub moves: Vec<StopMove>,
    #[serde(default)]
    pub reason: Option<String>,
}

fn date(field: String, text: &str) -> ApiResult<NaiveDate> {
    text.trim()
        .parse()
        .map_err(|_| ApiError::invalid(Invalid::one(field, Problem::format(Format::Date))))
}

/// Reads and checks a plan change sent by `principal` (the rep): the dates, at least one
/// change, each customer named once, every customer one the rep reaches (with a place,
/// when it is added somewhere).
pub(crate) async fn prepare(
    s: &AppState,
    principal: &Principal,
    payload: &serde_json::Value,
) -> ApiResult<Prepared> {
    let change: PlanChange = serde_path_to_error::deserialize(payload).map_err(|e| {
        ApiError::invalid_one(
            format!("payload.{}", e.path()),
            Problem::Unreadable {
                detail: e.inner().to_string(),
            },
        )
    })?;
    let day = date("payload.date".into(), &change.date)?;
    for (i, m) in change.moves.iter().enumerate() {
        let to = date(format!("payload.moves[{i}].to_date"), &m.to_date)?;
        if to == day {
            return Err(ApiError::invalid_one(
                format!("payload.moves[{i}].to_date"),
                Problem::NotApplicable,
            ));
        }
    }
    let count = change.add.len() + change.remove.len() + change.moves.len();
    if count == 0 {
        return Err(ApiError::invalid_one("payload.add", Problem::Required));
    }
    if count > MAX_CUSTOMERS {
        return Err(ApiError::invalid_one(
            "payload",
            Problem::TooMany { max: MAX_CUSTOMERS },
        ));
    }
    let reason = match change.reason.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(r) => Some(
            domain::tenant::clean_name(r, 500)
                .map_err(|p| ApiError::invalid(Invalid::one("payload.reason", p)))?,
        ),
    };
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Customers, Action::Read)?;
    let named = change
        .add
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("payload.add[{i}]"), *c, true))
        .chain(
            change
                .remove
                .iter()
                .enumerate()
                .map(|(i, c)| (format!("payload.remove[{i}]"), *c, false)),
        )
        .chain(change.moves.iter().enumerate().map(|(i, m)| {
            (
                format!("payload.moves[{i}].customer_id"),
                m.customer_id,
                true,
            )
        }));
    let mut seen = HashSet::new();
    for (field, id, placed) in named {
        if !seen.insert(id) {
            return Err(ApiError::invalid_one(field, Problem::Duplicate));
        }
        let c = crate::refs::customer(s, tenant, &reach, field.clone(), id).await?;
        if placed && c.location.is_none() {
            return Err(ApiError::invalid_one(field, Problem::NoLocation));
        }
    }
    let mut facts = RequestFacts::default();
    facts
        .fields
        .insert("date".into(), FieldValue::Text(day.to_string()));
    facts
        .fields
        .insert("customers".into(), FieldValue::Number(count as f64));
    let normalized = PlanChange {
        date: day.to_string(),
        reason,
        ..change
    };
    Ok(Prepared {
        facts,
        figures: RequestFigures {
            from: Some(day.to_string()),
            ..RequestFigures::default()
        },
        payload: serde_json::to_value(&normalized).map_err(ApiError::internal)?,
    })
}

/// The job an approved plan change queues with its decision.
pub(crate) fn apply_job(tenant: TenantId, request: Uuid) -> NewJob {
    NewJob::new(
        tenant,
        storage::PLAN_CHANGE_JOB,
        serde_json::json!({ "request_id": request }).to_string(),
    )
    .keyed(request.to_string())
}

/// Whether a request of `request_type` that went from `before` to `after` must be applied
/// to a plan.
pub(crate) fn applies(
    request_type: &str,
    before: approvals::Status,
    after: approvals::Status,
) -> bool {
    request_type == RequestType::PLAN_CHANGE
        && before != after
        && after == approvals::Status::Approved
}

#[derive(Deserialize)]
struct JobPayload {
    request_id: Uuid,
}

/// The `plan_change` job: applies the approved request to the submitter's plan. A
/// request that is not (or no longer) approved changes nothing.
pub async fn run_job(s: &AppState, tenant: TenantId, payload: &str) -> ApiResult<()> {
    let job: JobPayload = crate::actions::from_json(payload)?;
    let row = match s.store.approval(tenant, job.request_id).await {
        Ok(r) => r,
        Err(storage::StoreError::NotFound) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    if row.request_type != RequestType::PLAN_CHANGE || row.status != "approved" {
        return Ok(());
    }
    let change: PlanChange = crate::actions::from_json(&row.payload)?;
    let rep = s
        .store
        .employee(tenant, EmployeeId(row.submitter_id), &Reach::Tenant)
        .await?;
    let day: NaiveDate = change.date.parse().map_err(ApiError::internal)?;
    let service = service_minutes(None)?;
    // The approval is the permission: customers resolve within the tenant.
    let reach = Reach::Tenant;
    let moved: HashSet<CustomerId> = change.moves.iter().map(|m| m.customer_id).collect();
    let gone: HashSet<CustomerId> = change.remove.iter().copied().chain(moved).collect();
    let mut order: Vec<CustomerId> = day_order(s, tenant, rep.id, day)
        .await?
        .into_iter()
        .filter(|c| !gone.contains(c))
        .collect();
    for c in &change.add {
        if !order.contains(c) {
            order.push(*c);
        }
    }
    put_stops(s, tenant, &rep, day, &order, &reach, service).await?;
    for m in &change.moves {
        let to: NaiveDate = m.to_date.parse().map_err(ApiError::internal)?;
        let mut there = day_order(s, tenant, rep.id, to).await?;
        if !there.contains(&m.customer_id) {
            there.push(m.customer_id);
            put_stops(s, tenant, &rep, to, &there, &reach, service).await?;
        }
    }
    tracing::info!(tenant = %tenant.0, request = %row.id, "plan change applied");
    Ok(())
}
