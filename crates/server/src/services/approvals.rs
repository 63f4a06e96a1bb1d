//! Approval flows (issue 14): every request type — mileage claims, leave, attendance
//! corrections and any type a tenant adds — goes through the pure `approvals` engine.
//!
//! A request is stored as the engine's `Instance` (a snapshot) beside its append-only
//! event log (`storage::approvals`). A command reads the snapshot, asks the engine for
//! the transition, and writes the new snapshot, its events, the inbox rows, the outbox
//! events and what the request decides (a claim's or a leave row's status) in one
//! transaction, as a compare-and-set on the number of events: a concurrent command makes
//! it read again and retry. Tenants without a flow for a type get the built-in one (the
//! submitter's first-level manager, one step; version 0).

use super::Saved;
use super::approval_org::{self, TenantOrg};
use super::approval_views::{self as views, InboxItem, Names, RequestDetail, RequestSummary};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use approvals::{
    ExceptionRules, FlowDefinition, FlowVersion, Instance, Mode, RequestFacts, RequestType,
    Resolver, RouteError, StepDef, Transition, TransitionError,
};
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::access::{Action, Principal, Reach, Resource};
use domain::employee::Role;
use domain::{EmployeeId, Problem, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::{
    Applied, ApprovalFilter, ApprovalWrite, NewApproval, NewApprovalEvent, NewEvent, Page,
    StoredApproval, SubjectWrite,
};
use utoipa::ToSchema;
use uuid::Uuid;

/// Reminders after this many hours unless the tenant says otherwise.
pub const DEFAULT_REMIND_AFTER_HOURS: u32 = 24;
/// How often a command that lost a race reads again before giving up.
const RETRIES: usize = 8;

// ---------------------------------------------------------------------------------------
// Flows and settings

/// A flow as the API shows it.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct FlowView {
    #[schema(value_type = String)]
    pub request_type: RequestType,
    /// 0 for the built-in default (the tenant has not saved one).
    pub version: u32,
    pub is_default: bool,
    pub steps: Vec<StepDef>,
    /// The flow in one line, e.g. "金额 > ¥2,000 → 部门负责人，然后财务".
    pub preview_zh: String,
    pub preview_en: String,
    /// Steps whose approvers the submitter chooses (a submission names them in `choices`).
    pub choice_steps: Vec<usize>,
    pub created_at: Option<DateTime<Utc>>,
}

/// A new version of a type's flow: its steps in order (none: approved on submission).
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FlowInput {
    pub steps: Vec<StepDef>,
}

/// The tenant's exception rules and reminder delay.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalSettings {
    /// A step whose approvers cannot be found (a department without a manager, a role
    /// nobody holds): `skip` it, the tenant's `admin`s decide it, or `auto_approve` it.
    pub no_approver: approvals::NoApprover,
    /// The submitter is taken out of a step's approvers (a step of only them passes).
    pub skip_submitter: bool,
    /// Someone who approved the previous step is not asked again.
    pub decide_once: bool,
    /// Approvers are reminded after a request waited this many hours for them (0: never).
    #[schema(minimum = 0, maximum = 720)]
    pub remind_after_hours: u32,
}

fn parse_type(raw: &str) -> ApiResult<RequestType> {
    RequestType::parse(raw).map_err(|p| ApiError::bad_request("type", p))
}

/// The built-in flow: the submitter's first-level manager (any one of the department's
/// heads), one step.
pub fn default_flow(t: &RequestType) -> FlowDefinition {
    FlowDefinition {
        request_type: t.clone(),
        version: FlowVersion(0),
        steps: vec![StepDef {
            name: None,
            approvers: Resolver::Manager { level: 1 },
            mode: Mode::Any,
            when: Vec::new(),
            cc: Vec::new(),
        }],
    }
}

/// The flow new requests of a type start under, and when it was saved (`None`: default).
async fn current_flow(
    s: &AppState,
    tenant: TenantId,
    t: &RequestType,
) -> ApiResult<(FlowDefinition, Option<i64>)> {
    match s.store.latest_flow(tenant, t.as_str()).await? {
        Some(f) => Ok((
            serde_json::from_str(&f.body).map_err(ApiError::internal)?,
            Some(f.created_ms),
        )),
        None => Ok((default_flow(t), None)),
    }
}

/// The version a request is pinned to.
async fn pinned_flow(
    s: &AppState,
    tenant: TenantId,
    t: &RequestType,
    version: FlowVersion,
) -> ApiResult<FlowDefinition> {
    if version.0 == 0 {
        return Ok(default_flow(t));
    }
    let f = s
        .store
        .flow_version(tenant, t.as_str(), i64::from(version.0))
        .await?
        .ok_or_else(|| ApiError::internal("a pinned flow version is missing"))?;
    serde_json::from_str(&f.body).map_err(ApiError::internal)
}

async fn settings(s: &AppState, tenant: TenantId) -> ApiResult<ApprovalSettings> {
    Ok(match s.store.approval_settings(tenant).await? {
        Some(row) => ApprovalSettings::new(
            serde_json::from_str(&row.rules).map_err(ApiError::internal)?,
            u32::try_from(row.remind_after_hours).unwrap_or(0),
        ),
        None => ApprovalSettings::new(ExceptionRules::default(), DEFAULT_REMIND_AFTER_HOURS),
    })
}

impl ApprovalSettings {
    fn new(rules: ExceptionRules, remind_after_hours: u32) -> ApprovalSettings {
        ApprovalSettings {
            no_approver: rules.no_approver,
            skip_submitter: rules.skip_submitter,
            decide_once: rules.decide_once,
            remind_after_hours,
        }
    }

    pub fn rules(&self) -> ExceptionRules {
        ExceptionRules {
            no_approver: self.no_approver,
            skip_submitter: self.skip_submitter,
            decide_once: self.decide_once,
        }
    }
}

fn flow_view(flow: FlowDefinition, created_ms: Option<i64>, org: &TenantOrg) -> FlowView {
    let names = org.name_book();
    FlowView {
        preview_zh: approvals::preview(&flow, approvals::Lang::Zh, &names),
        preview_en: approvals::preview(&flow, approvals::Lang::En, &names),
        choice_steps: flow.choice_steps(),
        request_type: flow.request_type,
        version: flow.version.0,
        is_default: created_ms.is_none(),
        steps: flow.steps,
        created_at: created_ms.and_then(DateTime::from_timestamp_millis),
    }
}

/// Who changes the tenant's approval set-up: an admin (answered, to record), or a key the
/// scope gate let in with `requests:write` (nobody to record).
fn admin_only(principal: &Principal) -> ApiResult<Option<EmployeeId>> {
    match principal {
        Principal::User(u) if u.role == Role::Admin => Ok(Some(u.employee)),
        Principal::ApiKey(k) if k.admitted.is_some_and(|s| s.writes()) => Ok(None),
        _ => Err(ApiError::forbidden()),
    }
}

/// Who reads the tenant's approval set-up: any signed-in person, or a key the scope gate
/// let in.
fn reader(principal: &Principal) -> ApiResult<()> {
    match principal {
        Principal::User(_) => Ok(()),
        Principal::ApiKey(k) if k.admitted.is_some() => Ok(()),
        Principal::ApiKey(_) => Err(ApiError::forbidden()),
    }
}

fn me(principal: &Principal) -> ApiResult<EmployeeId> {
    match principal {
        Principal::User(u) => Ok(u.employee),
        Principal::ApiKey(_) => Err(ApiError::forbidden()),
    }
}

/// The flow new requests of the type start under (the default when none was saved).
pub async fn get_flow(s: &AppState, principal: &Principal, raw_type: &str) -> ApiResult<FlowView> {
    reader(principal)?;
    let tenant = principal.tenant();
    let t = parse_type(raw_type)?;
    let (flow, created) = current_flow(s, tenant, &t).await?;
    let org = approval_org::load(s, tenant).await?;
    Ok(flow_view(flow, created, &org))
}

/// Saves a new version of the type's flow (admins). Requests already started keep theirs.
pub async fn put_flow(
    s: &AppState,
    principal: &Principal,
    raw_type: &str,
    input: FlowInput,
) -> ApiResult<FlowView> {
    let by = admin_only(principal)?;
    let tenant = principal.tenant();
    let t = parse_type(raw_type)?;
    let mut flow = FlowDefinition {
        request_type: t.clone(),
        version: FlowVersion(1),
        steps: input.steps,
    };
    flow.validate().map_err(ApiError::invalid)?;
    let org = approval_org::load(s, tenant).await?;
    flow.validate_references(&org.org)
        .map_err(ApiError::invalid)?;
    let body = |v: i64| {
        let mut f = flow.clone();
        f.version = FlowVersion(u32::try_from(v).unwrap_or(u32::MAX));
        serde_json::to_string(&f).unwrap_or_default()
    };
    let stored = s
        .store
        .put_flow(tenant, t.as_str(), by.map(|b| b.0), body)
        .await?
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::CONFLICT,
                "conflict",
                "another version of this flow was saved at the same moment; read it and try again",
            )
        })?;
    flow.version = FlowVersion(u32::try_from(stored.version).unwrap_or(u32::MAX));
    Ok(flow_view(flow, Some(stored.created_ms), &org))
}

pub async fn get_settings(s: &AppState, principal: &Principal) -> ApiResult<ApprovalSettings> {
    reader(principal)?;
    settings(s, principal.tenant()).await
}

pub async fn put_settings(
    s: &AppState,
    principal: &Principal,
    input: ApprovalSettings,
) -> ApiResult<ApprovalSettings> {
    let by = admin_only(principal)?;
    if input.remind_after_hours > 720 {
        return Err(ApiError::invalid_one(
            "remind_after_hours",
            Problem::AboveMax { max: 720.0 },
        ));
    }
    let rules = serde_json::to_string(&input.rules()).map_err(ApiError::internal)?;
    s.store
        .put_approval_settings(
            principal.tenant(),
            &rules,
            i64::from(input.remind_after_hours),
            by.map(|b| b.0),
        )
        .await?;
    settings(s, principal.tenant()).await
}

// ---------------------------------------------------------------------------------------
// Errors

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

pub(crate) fn route_error(e: RouteError) -> ApiError {
    if let Some(bad) = e.to_invalid() {
        return ApiError::invalid(bad);
    }
    match e {
        RouteError::SubmitterInactive | RouteError::UnknownSubmitter => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "approval_submitter_inactive",
            "the submitter is not an active person of the tenant",
        ),
        other => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "approval_no_admin",
            other.to_string(),
        ),
    }
}

pub(crate) fn transition_error(e: TransitionError) -> ApiError {
    if let Some(bad) = e.to_invalid() {
        return ApiError::invalid(bad);
    }
    match e {
        TransitionError::NotAnApprover | TransitionError::NotSubmitter => ApiError::forbidden(),
        TransitionError::AlreadyDecided { .. } | TransitionError::AlreadyFinished { .. } => {
            conflict("already_decided", "this request was already decided")
        }
        TransitionError::NotYourTurn { .. } => conflict(
            "approval_not_your_turn",
            "an earlier step of this request is still being decided",
        ),
        TransitionError::Withdrawn => {
            conflict("approval_withdrawn", "the submitter withdrew this request")
        }
        TransitionError::StillInProgress => conflict(
            "approval_in_progress",
            "the request is still being decided; withdraw it first",
        ),
        TransitionError::Route(r) => route_error(r),
        TransitionError::NoAdmin { .. } => ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "approval_no_admin",
            e.to_string(),
        ),
        other => ApiError::internal(other),
    }
}

// ---------------------------------------------------------------------------------------
// Writing a transition

/// What a request decides, by type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SubjectKind {
    Claim,
    Attendance,
    None,
}

fn subject_kind(request_type: &str) -> SubjectKind {
    match request_type {
        RequestType::MILEAGE_CLAIM => SubjectKind::Claim,
        RequestType::LEAVE | RequestType::ATTENDANCE_CORRECTION => SubjectKind::Attendance,
        _ => SubjectKind::None,
    }
}

/// A leave or correction row's status for its request's.
fn attendance_status(s: approvals::Status) -> &'static str {
    match s {
        approvals::Status::InProgress => "pending",
        approvals::Status::Approved => "approved",
        approvals::Status::Rejected => "rejected",
        approvals::Status::Withdrawn => "withdrawn",
    }
}

/// The subject's write that follows a change of the request's status.
fn follow_status<'a>(
    kind: SubjectKind,
    subject: Option<Uuid>,
    before: approvals::Status,
    after: approvals::Status,
    last: Option<(EmployeeId, Option<&'a str>)>,
) -> SubjectWrite<'a> {
    use approvals::Status::*;
    let Some(id) = subject.filter(|_| before != after) else {
        return SubjectWrite::None;
    };
    match (kind, after) {
        (SubjectKind::Attendance, _) => SubjectWrite::AttendanceStatus {
            id,
            status: attendance_status(after),
        },
        (SubjectKind::Claim, Approved | Rejected | Withdrawn) => SubjectWrite::ClaimStatus {
            id,
            status: match after {
                Approved => "approved",
                Rejected => "rejected",
                _ => "draft",
            },
            by: last.map(|(p, _)| p.0),
            comment: last.and_then(|(_, c)| c),
        },
        _ => SubjectWrite::None,
    }
}

/// The last person who decided in these events, with their comment.
fn last_decider(events: &[approvals::Event]) -> Option<(EmployeeId, Option<&str>)> {
    events.iter().rev().find_map(|e| match (&e.what, e.by) {
        (
            approvals::EventKind::Approved { comment, .. }
            | approvals::EventKind::Rejected { comment, .. }
            | approvals::EventKind::Withdrawn { comment },
            approvals::Actor::Employee(p),
        ) => Some((p, comment.as_deref())),
        _ => None,
    })
}

struct Encoded {
    state: String,
    events: Vec<NewApprovalEvent>,
    waiting: Vec<(Uuid, i64)>,
    outbox: Vec<NewEvent>,
}

fn ms(t: DateTime<Utc>) -> i64 {
    t.timestamp_millis()
}

/// `asked` is the payload and figures a submission or resubmission among the events
/// asked, kept on that event so each round's version stays readable.
fn encode(
    tenant: TenantId,
    id: Uuid,
    request_type: &str,
    t: &Transition,
    asked: (&str, &str),
) -> ApiResult<Encoded> {
    let inst = &t.instance;
    // Who can act once the transition is written: the outbox says so (notifications).
    let waiting_for: Vec<Uuid> = inst.waiting_for().iter().map(|p| p.0).collect();
    let mut events = Vec::with_capacity(t.events.len());
    let mut outbox = Vec::new();
    for e in &t.events {
        let actor = match e.by {
            approvals::Actor::Employee(p) => Some(p.0),
            approvals::Actor::System => None,
        };
        let body = serde_json::to_value(e).map_err(ApiError::internal)?;
        let kind = body["what"]["type"]
            .as_str()
            .unwrap_or("unknown")
            .to_owned();
        events.push(NewApprovalEvent {
            round: i64::from(e.round),
            at_ms: ms(e.at),
            actor_id: actor,
            asked: matches!(
                e.what,
                approvals::EventKind::Submitted { .. } | approvals::EventKind::Resubmitted { .. }
            )
            .then(|| (asked.0.to_owned(), asked.1.to_owned())),
            kind,
            body: body.to_string(),
        });
        let mut out = |kind: &'static str, payload: serde_json::Value| {
            let mut ev = NewEvent::new(tenant, kind, id, payload);
            ev.occurred_ms = ms(e.at);
            outbox.push(ev);
        };
        use approvals::EventKind as K;
        match &e.what {
            K::Submitted { submitter, .. } => out(
                "approval.submitted",
                serde_json::json!({"request_id": id, "request_type": request_type,
                    "submitter_id": submitter, "round": e.round,
                    "waiting_step": inst.current_step(), "waiting_for": &waiting_for}),
            ),
            K::Resubmitted { .. } => out(
                "approval.submitted",
                serde_json::json!({"request_id": id, "request_type": request_type,
                    "submitter_id": inst.submitter, "round": e.round,
                    "waiting_step": inst.current_step(), "waiting_for": &waiting_for}),
            ),
            K::Approved { .. } | K::Rejected { .. } => out(
                "approval.decided",
                serde_json::json!({"request_id": id, "request_type": request_type, "step": e.step,
                    "employee_id": actor, "submitter_id": inst.submitter, "round": e.round,
                    "verdict": if matches!(e.what, K::Approved { .. }) { "approve" } else { "reject" },
                    "waiting_step": inst.current_step(), "waiting_for": &waiting_for}),
            ),
            K::Withdrawn { .. } => out(
                "approval.withdrawn",
                serde_json::json!({"request_id": id, "request_type": request_type}),
            ),
            K::Finished { status } => out(
                "approval.finished",
                serde_json::json!({"request_id": id, "request_type": request_type,
                    "status": views::status_str(*status), "submitter_id": inst.submitter,
                    "round": e.round}),
            ),
            K::Reminded { employees, .. } => out(
                "approval.reminded",
                serde_json::json!({"request_id": id, "request_type": request_type, "step": e.step,
                    "employee_ids": employees, "submitter_id": inst.submitter, "round": e.round}),
            ),
            _ => {}
        }
    }
    Ok(Encoded {
        state: serde_json::to_string(inst).map_err(ApiError::internal)?,
        events,
        waiting: waiting(inst),
        outbox,
    })
}

/// Who can act now, each since their oldest open seat started waiting.
fn waiting(inst: &Instance) -> Vec<(Uuid, i64)> {
    let mut out: Vec<(Uuid, i64)> = Vec::new();
    let Some(i) = inst.current_step() else {
        return out;
    };
    let step = &inst.round().steps[i];
    for s in step.open_seats() {
        let seat = &step.seats[s];
        let since = seat
            .waiting_since
            .or(step.started_at)
            .map_or(0, |t| t.timestamp_millis());
        for p in seat.deciders() {
            match out.iter_mut().find(|(e, _)| *e == p.0) {
                Some((_, at)) => *at = (*at).min(since),
                None => out.push((p.0, since)),
            }
        }
    }
    out
}

/// A transition's write over a stored request.
async fn commit(
    s: &AppState,
    tenant: TenantId,
    row: &StoredApproval,
    before: &Instance,
    t: &Transition,
    payload: Option<(&str, &str)>,
    subject: Option<SubjectWrite<'_>>,
) -> ApiResult<Applied> {
    let (payload, summary) = payload.unwrap_or((&row.payload, &row.summary));
    let enc = encode(tenant, row.id, &row.request_type, t, (payload, summary))?;
    let subject = subject.unwrap_or_else(|| {
        if super::plan_changes::applies(&row.request_type, before.status, t.instance.status) {
            return SubjectWrite::Job(super::plan_changes::apply_job(tenant, row.id));
        }
        follow_status(
            subject_kind(&row.request_type),
            row.subject_id,
            before.status,
            t.instance.status,
            last_decider(&t.events),
        )
    });
    let w = ApprovalWrite {
        id: row.id,
        expected_seq: row.seq,
        status: views::status_str(t.instance.status),
        flow_version: i64::from(t.instance.flow_version.0),
        round: i64::from(t.instance.round().number),
        state: &enc.state,
        payload,
        summary,
        events: &enc.events,
        waiting: &enc.waiting,
        outbox: &enc.outbox,
        subject,
    };
    Ok(s.store.update_approval(tenant, &w).await?)
}

// ---------------------------------------------------------------------------------------
// Starting a request

/// What a type's payload means for the engine and the lists.
pub(crate) struct Prepared {
    pub facts: RequestFacts,
    pub figures: views::RequestFigures,
    pub payload: serde_json::Value,
}

/// Starts a request whose subject row (if any) the same transaction writes. Answers
/// whether this call created it; a stored request under the id with the same digest is a
/// replay, another digest `id_reused`.
/// A request to start.
pub(crate) struct Start<'a> {
    pub submitter: EmployeeId,
    pub request_type: &'a RequestType,
    /// The client id and the body's digest.
    pub new: (Uuid, &'a str),
    pub prepared: &'a Prepared,
    pub subject_id: Option<Uuid>,
    pub subject: SubjectWrite<'a>,
    pub choices: approvals::Choices,
}

pub(crate) async fn start(s: &AppState, tenant: TenantId, req: Start<'_>) -> ApiResult<bool> {
    let Start {
        submitter,
        request_type,
        new,
        prepared,
        subject_id,
        subject,
        choices,
    } = req;
    let (id, digest) = new;
    if let Some(found) = stored_digest(s, tenant, id).await? {
        return replay(found, digest);
    }
    let (flow, _) = current_flow(s, tenant, request_type).await?;
    let org = approval_org::load(s, tenant).await?;
    let rules = settings(s, tenant).await?.rules();
    let now = DateTime::from_timestamp_millis(crate::now_ms()).unwrap_or_default();
    let t = Instance::submit(
        &flow,
        &org.org,
        &rules,
        submitter,
        approvals::Submission {
            facts: prepared.facts.clone(),
            choices,
        },
        now,
    )
    .map_err(route_error)?;
    let payload = prepared.payload.to_string();
    let summary = serde_json::to_string(&prepared.figures).map_err(ApiError::internal)?;
    let enc = encode(tenant, id, request_type.as_str(), &t, (&payload, &summary))?;
    // A flow that approves at once decides the subject in the same write.
    let subject = match subject {
        SubjectWrite::None
            if super::plan_changes::applies(
                request_type.as_str(),
                approvals::Status::InProgress,
                t.instance.status,
            ) =>
        {
            SubjectWrite::Job(super::plan_changes::apply_job(tenant, id))
        }
        SubjectWrite::None => follow_status(
            subject_kind(request_type.as_str()),
            subject_id,
            approvals::Status::InProgress,
            t.instance.status,
            None,
        ),
        other => other,
    };
    let applied = s
        .store
        .create_approval(
            tenant,
            &NewApproval {
                id,
                request_type: request_type.as_str(),
                submitter_id: submitter.0,
                subject_id,
                digest,
            },
            &ApprovalWrite {
                id,
                expected_seq: 0,
                status: views::status_str(t.instance.status),
                flow_version: i64::from(t.instance.flow_version.0),
                round: 1,
                state: &enc.state,
                payload: &payload,
                summary: &summary,
                events: &enc.events,
                waiting: &enc.waiting,
                outbox: &enc.outbox,
                subject,
            },
        )
        .await?;
    match applied {
        Applied::Done => Ok(true),
        Applied::SubjectMoved => Err(conflict(
            "claim_not_editable",
            "the claim is submitted or decided; it can no longer change",
        )),
        Applied::Raced => match stored_digest(s, tenant, id).await? {
            Some(found) => replay(found, digest),
            // The subject already has a request under another id.
            None => Err(conflict(
                "claim_not_editable",
                "the claim is submitted or decided; it can no longer change",
            )),
        },
    }
}

pub(crate) async fn stored_digest(
    s: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> ApiResult<Option<String>> {
    match s.store.approval(tenant, id).await {
        Ok(row) => Ok(Some(row.digest)),
        Err(storage::StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn replay(found: String, digest: &str) -> ApiResult<bool> {
    if found == digest {
        Ok(false)
    } else {
        Err(crate::actions::id_reused())
    }
}

/// `POST /requests`: a new request of any type.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRequest {
    /// Client-generated id: sending the same body again answers the stored request.
    pub id: Uuid,
    /// `leave` ({from, to, leave_type, reason}), `attendance_correction` ({kind, t,
    /// reason}), `mileage_claim` ({claim_id}: submits the claim), `plan_change` ({date,
    /// add: [customer ids], remove: [customer ids], moves: [{customer_id, to_date}],
    /// reason}: applied to the submitter's plan once approved), or a type the tenant
    /// added (any JSON object; an integer `amount_minor` is the amount conditions test,
    /// its other top-level numbers, strings and booleans are the fields they test).
    #[serde(rename = "type")]
    pub request_type: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// Approvers (and copies) the submitter names for steps that ask for them, by step.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub choices: Option<approvals::Choices>,
}

/// The payload of a type the tenant added: facts from its top-level scalars.
fn generic(payload: &serde_json::Value) -> ApiResult<Prepared> {
    let obj = payload
        .as_object()
        .ok_or_else(|| ApiError::invalid_one("payload", Problem::Required))?;
    if payload.to_string().len() > 16 * 1024 {
        return Err(ApiError::invalid_one(
            "payload",
            Problem::TooLong { max: 16 * 1024 },
        ));
    }
    let mut facts = RequestFacts::default();
    let mut figures = views::RequestFigures::default();
    for (k, v) in obj {
        if k == "amount_minor" {
            let a = v.as_i64().filter(|a| *a >= 0).ok_or_else(|| {
                ApiError::invalid_one("payload.amount_minor", Problem::BelowMin { min: 0.0 })
            })?;
            facts.amount = Some(approvals::Fen(a));
            figures.amount_minor = Some(a);
            figures.currency = Some("CNY".into());
            continue;
        }
        let value = match v {
            serde_json::Value::Bool(b) => approvals::FieldValue::Bool(*b),
            serde_json::Value::Number(n) => {
                approvals::FieldValue::Number(n.as_f64().unwrap_or(0.0))
            }
            serde_json::Value::String(t) => approvals::FieldValue::Text(t.clone()),
            _ => continue,
        };
        facts.fields.insert(k.clone(), value);
    }
    Ok(Prepared {
        facts,
        figures,
        payload: payload.clone(),
    })
}

/// A new request: leave and corrections store their record, a mileage claim is
/// submitted, other types are stored as sent; then it routes by the tenant's flow.
pub async fn create(
    s: &AppState,
    principal: &Principal,
    input: NewRequest,
    digest: &str,
) -> ApiResult<Saved<RequestDetail>> {
    let t = RequestType::parse(input.request_type.trim())
        .map_err(|p| ApiError::invalid_one("type", p))?;
    let choices = input.choices.clone().unwrap_or_default();
    let created = match t.as_str() {
        RequestType::LEAVE | RequestType::ATTENDANCE_CORRECTION => {
            super::requests::create_from_payload(s, principal, &t, &input, digest, choices).await?
        }
        RequestType::MILEAGE_CLAIM => {
            let claim = input
                .payload
                .get("claim_id")
                .and_then(|v| v.as_str())
                .and_then(|v| v.parse::<Uuid>().ok())
                .ok_or_else(|| ApiError::invalid_one("payload.claim_id", Problem::Required))?;
            super::claims::submit_as_request(s, principal, claim, Some((input.id, digest)), choices)
                .await?
        }
        other => {
            let prepared = if other == RequestType::PLAN_CHANGE {
                super::plan_changes::prepare(s, principal, &input.payload).await?
            } else {
                generic(&input.payload)?
            };
            let submitter = me(principal)?;
            start(
                s,
                principal.tenant(),
                Start {
                    submitter,
                    request_type: &t,
                    new: (input.id, digest),
                    prepared: &prepared,
                    subject_id: None,
                    subject: SubjectWrite::None,
                    choices,
                },
            )
            .await?
        }
    };
    Ok(Saved {
        item: get(s, principal, input.id).await?,
        created,
    })
}

// ---------------------------------------------------------------------------------------
// Reading

/// The request if the caller may see it: the submitter, anyone named in it (approver,
/// stand-in, copied), or whoever reaches the submitter. Anyone else gets a 404.
async fn visible(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
) -> ApiResult<(StoredApproval, Instance)> {
    let tenant = principal.tenant();
    let row = s.store.approval(tenant, id).await?;
    let inst = views::parse_instance(&row)?;
    if let Principal::User(u) = principal
        && views::mentioned(&inst, &[]).contains(&u.employee.0)
    {
        return Ok((row, inst));
    }
    let reach = domain::access::reach(principal, Resource::Employees, Action::Read);
    if reach == Reach::None {
        return Err(ApiError::not_found());
    }
    s.store
        .employee(tenant, EmployeeId(row.submitter_id), &reach)
        .await?;
    Ok((row, inst))
}

async fn names_of(s: &AppState, tenant: TenantId, ids: &[Uuid]) -> ApiResult<Names> {
    let found = s.store.employee_names(tenant, ids).await?;
    Ok(Names(
        found
            .into_iter()
            .map(|(id, n)| (EmployeeId(id), n))
            .collect::<HashMap<_, _>>(),
    ))
}

async fn detail_of(
    s: &AppState,
    principal: &Principal,
    row: &StoredApproval,
    inst: &Instance,
) -> ApiResult<RequestDetail> {
    let tenant = principal.tenant();
    let stored = s.store.approval_events(tenant, row.id).await?;
    let mut events = Vec::with_capacity(stored.len());
    for e in &stored {
        events.push(serde_json::from_str(&e.body).map_err(ApiError::internal)?);
    }
    let names = names_of(s, tenant, &views::mentioned(inst, &events)).await?;
    let me = match principal {
        Principal::User(u) => Some(u.employee),
        Principal::ApiKey(_) => None,
    };
    views::detail(row, inst, &stored, &names, me)
}

/// One request with its timeline.
pub async fn get(s: &AppState, principal: &Principal, id: Uuid) -> ApiResult<RequestDetail> {
    let (row, inst) = visible(s, principal, id).await?;
    detail_of(s, principal, &row, &inst).await
}

/// Which requests to list.
pub struct ListQuery {
    /// `mine` (submitted by the caller) or `reachable` (submitted by anyone they reach).
    pub scope: Option<String>,
    pub request_type: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

const STATUSES: [&str; 4] = ["in_progress", "approved", "rejected", "withdrawn"];

async fn summaries(
    s: &AppState,
    tenant: TenantId,
    rows: Vec<StoredApproval>,
) -> ApiResult<Vec<(StoredApproval, Instance, Names)>> {
    let mut insts = Vec::with_capacity(rows.len());
    let mut ids = Vec::new();
    for r in &rows {
        let inst = views::parse_instance(r)?;
        ids.extend(inst.waiting_for().iter().map(|e| e.0));
        insts.push(inst);
    }
    ids.sort();
    ids.dedup();
    let names = names_of(s, tenant, &ids).await?;
    Ok(rows
        .into_iter()
        .zip(insts)
        .map(|(r, i)| (r, i, Names(names.0.clone())))
        .collect())
}

/// Requests the caller submitted, or that people they reach submitted, newest first.
pub async fn list(
    s: &AppState,
    principal: &Principal,
    q: ListQuery,
) -> ApiResult<Page<RequestSummary>> {
    let tenant = principal.tenant();
    if let Some(st) = q.status.as_deref()
        && !STATUSES.contains(&st)
    {
        return Err(ApiError::bad_request(
            "status",
            Problem::unknown_value(&STATUSES),
        ));
    }
    if let Some(t) = q.request_type.as_deref() {
        RequestType::parse(t).map_err(|p| ApiError::bad_request("type", p))?;
    }
    let (reach, submitter) = match q.scope.as_deref().unwrap_or("reachable") {
        "mine" => (Reach::Tenant, Some(me(principal)?.0)),
        "reachable" => (
            super::reach(principal, Resource::Employees, Action::Read)?,
            None,
        ),
        _ => {
            return Err(ApiError::bad_request(
                "scope",
                Problem::unknown_value(&["mine", "reachable"]),
            ));
        }
    };
    let page = s
        .store
        .list_approvals(
            tenant,
            &reach,
            &ApprovalFilter {
                submitter,
                request_type: q.request_type,
                status: q.status,
                cursor: q.cursor,
                limit: q.limit,
            },
        )
        .await?;
    let items = summaries(s, tenant, page.items)
        .await?
        .iter()
        .map(|(r, i, n)| views::summary(r, i, n))
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// What waits for the caller's decision, longest waiting first.
pub async fn inbox(
    s: &AppState,
    principal: &Principal,
    request_type: Option<String>,
    cursor: Option<String>,
    limit: u32,
) -> ApiResult<Page<InboxItem>> {
    let who = me(principal)?;
    let tenant = principal.tenant();
    if let Some(t) = request_type.as_deref() {
        RequestType::parse(t).map_err(|p| ApiError::bad_request("type", p))?;
    }
    let page = s
        .store
        .inbox(
            tenant,
            who.0,
            request_type.as_deref(),
            cursor.as_deref(),
            limit,
        )
        .await?;
    let since: Vec<i64> = page.items.iter().map(|r| r.since_ms).collect();
    let rows = page.items.into_iter().map(|r| r.request).collect();
    let items = summaries(s, tenant, rows)
        .await?
        .iter()
        .zip(since)
        .map(|((r, i, n), since)| InboxItem {
            request: views::summary(r, i, n),
            waiting_since: DateTime::from_timestamp_millis(since).unwrap_or_default(),
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

// ---------------------------------------------------------------------------------------
// Commands

/// An approver's decision.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    #[schema(value_type = crate::openapi::values::ApprovalVerdict)]
    pub decision: String,
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// The submitter takes the request back.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    #[schema(max_length = 1000)]
    pub comment: Option<String>,
}

/// A new round after a rejection or a withdrawal.
#[derive(Clone, Debug, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResubmitInput {
    /// What the new round asks, when it changed (absent: as before): a leave's
    /// `{from, to, leave_type, reason}` or a correction's `{kind, t, reason}`, validated
    /// as a new one (problems named `payload.from`, …), or any object for a type the
    /// tenant added. Earlier rounds keep what they asked. Not for a mileage claim, which
    /// is recomputed and frozen again.
    #[schema(value_type = Option<Object>)]
    pub payload: Option<serde_json::Value>,
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub choices: Option<approvals::Choices>,
}

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp_millis(crate::now_ms()).unwrap_or_default()
}

/// Runs a command against the stored request until it is written or refused.
async fn run_command(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    command: impl Fn(&Instance, &ExceptionRules) -> Result<Transition, TransitionError>,
) -> ApiResult<RequestDetail> {
    let tenant = principal.tenant();
    let rules = settings(s, tenant).await?.rules();
    for _ in 0..RETRIES {
        let (row, before) = visible(s, principal, id).await?;
        let t = command(&before, &rules).map_err(transition_error)?;
        if t.events.is_empty() {
            return detail_of(s, principal, &row, &before).await;
        }
        if t.instance.status == approvals::Status::Approved
            && before.status != approvals::Status::Approved
            && row.request_type == RequestType::ATTENDANCE_CORRECTION
        {
            // The punch goes in first (idempotent by the request's id): a failure leaves
            // the request as it was, never approved without its punch.
            let r = s.store.request(tenant, row.id).await?;
            super::attendance::record_corrected_punch(s, tenant, &r).await?;
        }
        match commit(s, tenant, &row, &before, &t, None, None).await? {
            Applied::Done => {
                let row = s.store.approval(tenant, id).await?;
                return detail_of(s, principal, &row, &t.instance).await;
            }
            Applied::Raced => continue,
            Applied::SubjectMoved => {
                return Err(conflict(
                    "already_decided",
                    "what this request decides has changed meanwhile",
                ));
            }
        }
    }
    Err(conflict(
        "conflict",
        "the request kept changing while this was decided; try again",
    ))
}

/// An approver approves or rejects (every open seat of theirs at the current step).
pub async fn decide(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    input: DecisionInput,
) -> ApiResult<RequestDetail> {
    let verdict = views::verdict(input.decision.trim())?;
    let who = me(principal)?;
    let at = now();
    run_command(s, principal, id, |inst, rules| {
        inst.decide(who, verdict, input.comment.as_deref(), at, rules)
    })
    .await
}

/// The submitter withdraws the request before its final decision.
pub async fn withdraw(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    input: WithdrawInput,
) -> ApiResult<RequestDetail> {
    let who = me(principal)?;
    let at = now();
    run_command(s, principal, id, |inst, _| {
        inst.withdraw(who, input.comment.as_deref(), at)
    })
    .await
}

/// The submitter sends a rejected or withdrawn request again: a new round under the flow
/// version it is pinned to. A mileage claim is recomputed and frozen again.
pub async fn resubmit(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    input: ResubmitInput,
) -> ApiResult<RequestDetail> {
    let tenant = principal.tenant();
    let who = me(principal)?;
    let (row, _) = visible(s, principal, id).await?;
    if row.request_type == RequestType::MILEAGE_CLAIM {
        if input.payload.is_some() {
            return Err(ApiError::invalid_one(
                "payload",
                Problem::unknown_value(&[] as &[&str]),
            ));
        }
        let claim = row
            .subject_id
            .ok_or_else(|| ApiError::internal("a claim request without its claim"))?;
        if row.submitter_id != who.0 {
            return Err(ApiError::forbidden());
        }
        super::claims::submit_as_request(
            s,
            principal,
            claim,
            None,
            input.choices.unwrap_or_default(),
        )
        .await?;
        return get(s, principal, id).await;
    }
    // What is asked may change with the new round: a leave's days or reason, a
    // correction's punch (validated as a new one of its type), a tenant type's payload.
    if input.payload.is_some() && row.submitter_id != who.0 {
        return Err(ApiError::forbidden());
    }
    let (new_payload, edited_row) = match (&input.payload, subject_kind(&row.request_type)) {
        (None, _) => (None, None),
        (Some(p), SubjectKind::None) if row.request_type == RequestType::PLAN_CHANGE => (
            Some(super::plan_changes::prepare(s, principal, p).await?),
            None,
        ),
        (Some(p), SubjectKind::None) => (Some(generic(p)?), None),
        (Some(p), SubjectKind::Attendance) => {
            let (r, prepared) = super::requests::edited(&row.request_type, id, who, p)?;
            (Some(prepared), Some(r))
        }
        (Some(_), SubjectKind::Claim) => {
            return Err(ApiError::invalid_one(
                "payload",
                Problem::unknown_value(&[] as &[&str]),
            ));
        }
    };
    let t = RequestType::parse(&row.request_type).map_err(|_| ApiError::internal("bad type"))?;
    let org = approval_org::load(s, tenant).await?;
    let rules = settings(s, tenant).await?.rules();
    let choices = input.choices.unwrap_or_default();
    let texts = match &new_payload {
        Some(p) => Some((
            p.payload.to_string(),
            serde_json::to_string(&p.figures).map_err(ApiError::internal)?,
        )),
        None => None,
    };
    for _ in 0..RETRIES {
        let (row, before) = visible(s, principal, id).await?;
        let flow = pinned_flow(s, tenant, &t, before.flow_version).await?;
        let facts = match &new_payload {
            Some(p) => p.facts.clone(),
            None => before.round().facts.clone(),
        };
        let tr = before
            .resubmit(
                who,
                &flow,
                &org.org,
                &rules,
                approvals::Resubmission {
                    facts,
                    choices: choices.clone(),
                    repin: false,
                },
                now(),
            )
            .map_err(transition_error)?;
        let stored_row;
        let attendance_row = match &edited_row {
            Some(r) => Some(r),
            None if subject_kind(&row.request_type) == SubjectKind::Attendance => {
                stored_row = s.store.request(tenant, id).await?;
                Some(&stored_row)
            }
            None => None,
        };
        if tr.instance.status == approvals::Status::Approved
            && row.request_type == RequestType::ATTENDANCE_CORRECTION
            && let Some(r) = attendance_row
        {
            // A flow that approves the new round at once: the punch goes in first, as a
            // decision's does.
            super::attendance::record_corrected_punch(s, tenant, r).await?;
        }
        let subject = edited_row.as_ref().map(|r| SubjectWrite::AttendanceEdit {
            row: r,
            status: attendance_status(tr.instance.status),
        });
        let payload = texts.as_ref().map(|(a, b)| (a.as_str(), b.as_str()));
        match commit(s, tenant, &row, &before, &tr, payload, subject).await? {
            Applied::Done => return get(s, principal, id).await,
            Applied::Raced => continue,
            Applied::SubjectMoved => {
                return Err(conflict("conflict", "the request changed meanwhile"));
            }
        }
    }
    Err(conflict("conflict", "the request kept changing; try again"))
}

/// A mileage claim's request: a first submission routes a new request, a submission after
/// a rejection or withdrawal is the request's next round; either freezes the claim in the
/// same transaction. Answers whether a request was created.
/// A claim frozen for submission.
pub(crate) struct ClaimFreeze<'a> {
    pub claim: &'a storage::StoredClaim,
    pub figures: &'a storage::ClaimFigures,
    pub snapshot: &'a str,
    pub by: Option<Uuid>,
}

pub(crate) async fn submit_claim(
    s: &AppState,
    tenant: TenantId,
    frozen: ClaimFreeze<'_>,
    new: (Uuid, &str),
    choices: approvals::Choices,
) -> ApiResult<bool> {
    let ClaimFreeze {
        claim,
        figures,
        snapshot,
        by,
    } = frozen;
    let submitter = EmployeeId(claim.employee_id);
    let t = RequestType::parse(RequestType::MILEAGE_CLAIM).map_err(ApiError::internal)?;
    let prepared = Prepared {
        facts: RequestFacts {
            amount: Some(approvals::Fen(figures.total_minor)),
            fields: [(
                "period".to_owned(),
                approvals::FieldValue::Text(claim.period.clone()),
            )]
            .into_iter()
            .collect(),
        },
        figures: views::RequestFigures {
            amount_minor: Some(figures.total_minor),
            currency: Some(figures.currency.clone()),
            period: Some(claim.period.clone()),
            ..Default::default()
        },
        payload: serde_json::json!({ "claim_id": claim.id }),
    };
    let subject = SubjectWrite::ClaimSubmit {
        id: claim.id,
        by,
        figures,
        snapshot,
    };
    let Some(row) = s.store.approval_of_subject(tenant, claim.id).await? else {
        let req = Start {
            submitter,
            request_type: &t,
            new,
            prepared: &prepared,
            subject_id: Some(claim.id),
            subject,
            choices,
        };
        return start(s, tenant, req).await;
    };
    let org = approval_org::load(s, tenant).await?;
    let rules = settings(s, tenant).await?.rules();
    let before = views::parse_instance(&row)?;
    let flow = pinned_flow(s, tenant, &t, before.flow_version).await?;
    let tr = before
        .resubmit(
            submitter,
            &flow,
            &org.org,
            &rules,
            approvals::Resubmission {
                facts: prepared.facts.clone(),
                choices,
                repin: false,
            },
            now(),
        )
        .map_err(|e| match e {
            TransitionError::StillInProgress | TransitionError::AlreadyFinished { .. } => conflict(
                "claim_not_editable",
                "the claim is submitted or decided; it can no longer change",
            ),
            other => transition_error(other),
        })?;
    let summary = serde_json::to_string(&prepared.figures).map_err(ApiError::internal)?;
    let payload = prepared.payload.to_string();
    let subject = SubjectWrite::ClaimSubmit {
        id: claim.id,
        by,
        figures,
        snapshot,
    };
    match commit(
        s,
        tenant,
        &row,
        &before,
        &tr,
        Some((&payload, &summary)),
        Some(subject),
    )
    .await?
    {
        Applied::Done => Ok(false),
        Applied::Raced | Applied::SubjectMoved => Err(conflict(
            "claim_not_editable",
            "the claim is submitted or decided; it can no longer change",
        )),
    }
}

/// The request deciding a subject (a claim, a leave or correction row), if the engine
/// runs it; `None` for rows from before the engine.
pub(crate) async fn request_of_subject(
    s: &AppState,
    tenant: TenantId,
    subject: Uuid,
) -> ApiResult<Option<Uuid>> {
    Ok(s.store
        .approval_of_subject(tenant, subject)
        .await?
        .map(|r| r.id))
}

// ---------------------------------------------------------------------------------------
// The sweep: deactivated approvers and reminders

/// Every open request of the tenant: seats of deactivated people go to stand-ins, and
/// approvers who kept a request waiting past the tenant's delay are reminded (an
/// `approval.reminded` event for the notification side). Idempotent: a second run finds
/// nothing due.
pub async fn sweep(s: &AppState, tenant: TenantId) -> ApiResult<usize> {
    let set = settings(s, tenant).await?;
    let org = approval_org::load(s, tenant).await?;
    let now = now();
    let mut changed = 0;
    let mut after = None;
    loop {
        let ids = s.store.open_approvals(tenant, after, 200).await?;
        let Some(last) = ids.last() else {
            break;
        };
        after = Some(*last);
        for id in ids {
            for _ in 0..RETRIES {
                let row = s.store.approval(tenant, id).await?;
                let before = views::parse_instance(&row)?;
                let mut t = Transition {
                    instance: before.clone(),
                    events: Vec::new(),
                };
                let inactive: Vec<EmployeeId> = before
                    .round()
                    .steps
                    .iter()
                    .flat_map(|st| st.seats.iter())
                    .filter(|seat| seat.decision.is_none())
                    .flat_map(|seat| seat.deciders().to_vec())
                    .filter(|p| !org.org.is_active(*p))
                    .collect();
                for p in inactive {
                    match t.instance.deactivated(p, &org.org, &set.rules(), now) {
                        Ok(next) => {
                            t.events.extend(next.events);
                            t.instance = next.instance;
                        }
                        Err(e) => {
                            tracing::warn!(request = %id, error = %e, "escalation failed");
                        }
                    }
                }
                let reminded = t.instance.remind(now, set.remind_after_hours);
                t.events.extend(reminded.events);
                t.instance = reminded.instance;
                if t.events.is_empty() {
                    break;
                }
                match commit(s, tenant, &row, &before, &t, None, None).await? {
                    Applied::Raced => continue,
                    _ => {
                        changed += 1;
                        break;
                    }
                }
            }
        }
    }
    Ok(changed)
}

/// A decision given through an older endpoint (`/claims/{id}/decision`,
/// `/attendance/requests/{id}/decision`) on the request deciding `subject`.
pub(crate) async fn decide_subject(
    s: &AppState,
    principal: &Principal,
    request: Uuid,
    approve: bool,
    comment: Option<String>,
) -> ApiResult<()> {
    decide(
        s,
        principal,
        request,
        DecisionInput {
            decision: if approve { "approve" } else { "reject" }.into(),
            comment,
        },
    )
    .await
    .map(|_| ())
}

/// Names an invalid payload's fields as the request body has them (`payload.from`).
pub(crate) fn payload_error(e: ApiError) -> ApiError {
    let mut e = e;
    for f in &mut e.fields {
        f.field = format!("payload.{}", f.field);
    }
    e
}
