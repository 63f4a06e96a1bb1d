//! What the approval API answers: a request's summary (lists and the inbox), its full
//! view (payload, every round's steps with names, the event history), and a flow with its
//! readable preview. Everything an approver's screen shows is here, names resolved, so
//! the console never shows an id.

use crate::error::{ApiError, ApiResult};
use approvals::{
    ApproverState, AutoDecision, AutoReason, Event, EventKind, Instance, Mode, SkipReason,
    StepViewState, Verdict, Why,
};
use chrono::{DateTime, Utc};
use domain::EmployeeId;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::{StoredApproval, StoredApprovalEvent};
use utoipa::ToSchema;
use uuid::Uuid;

/// A person named by id and name.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PersonRef {
    pub id: EmployeeId,
    pub name: String,
}

/// The few figures a list shows of a request, by type: the amount of a claim, the days
/// of leave, the punch a correction asks for. Absent when the type has none.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RequestFigures {
    /// Integer minor units (fen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_minor: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
    /// A claim's period, e.g. `2026-11`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// Leave: first and last local day, `YYYY-MM-DD`; a correction: its day; a plan
    /// change: the planned day it changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(format = Date)]
    pub to: Option<String>,
    /// Leave: calendar days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leave_type: Option<String>,
    /// A correction: `clock_in` or `clock_out`, and when it should have been.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punch_kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub punch_at: Option<String>,
}

/// A request in a list or the inbox.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RequestSummary {
    pub id: Uuid,
    /// `mileage_claim`, `leave`, `attendance_correction`, … (a tenant may add types).
    pub request_type: String,
    #[schema(value_type = crate::openapi::values::ApprovalStatus)]
    pub status: String,
    pub submitter: PersonRef,
    /// What the request decides: the claim, or the leave or correction record.
    pub subject_id: Option<Uuid>,
    pub figures: RequestFigures,
    /// When the current round was submitted.
    pub submitted_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// 1, and one more for each resubmission.
    pub round: u32,
    /// The step being decided (index in the flow), while in progress.
    pub current_step: Option<usize>,
    /// Who can act on it now.
    pub waiting_for: Vec<PersonRef>,
}

/// One row of the approval inbox.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct InboxItem {
    #[serde(flatten)]
    pub request: RequestSummary,
    /// Since when it waits for the caller.
    pub waiting_since: DateTime<Utc>,
}

/// A request with everything its screen shows.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub summary: RequestSummary,
    /// What was asked, as sent (the claim's id for a mileage claim).
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
    /// The flow version the request is pinned to (0: the built-in default flow).
    pub flow_version: u32,
    /// Oldest first; the last is the current round.
    pub rounds: Vec<RoundView>,
    /// Everyone copied (抄送) in the current round.
    pub cc: Vec<CcView>,
    /// Every event of the request, oldest first: submissions, decisions, escalations,
    /// reminders, the outcome.
    pub history: Vec<HistoryEntry>,
    /// What the caller may do now.
    pub can_decide: bool,
    pub can_withdraw: bool,
    pub can_resubmit: bool,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct RoundView {
    pub number: u32,
    pub flow_version: u32,
    pub submitted_at: DateTime<Utc>,
    /// What this round asked, as sent (a resubmission may edit it: a leave's days or
    /// reason); `null` for an earlier round stored before rounds kept their own.
    #[schema(value_type = Option<Object>)]
    pub payload: Option<serde_json::Value>,
    /// The figures this round asked for (a claim's amount, a leave's days).
    pub figures: Option<RequestFigures>,
    /// How the round ended (approved, rejected, withdrawn), when it did.
    pub ended: Option<EndingView>,
    pub steps: Vec<StepView>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct EndingView {
    #[schema(value_type = crate::openapi::values::ApprovalStatus)]
    pub status: String,
    pub at: DateTime<Utc>,
    /// `null` when a rule ended it.
    pub by: Option<PersonRef>,
    pub comment: Option<String>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct StepView {
    pub index: usize,
    /// The label the flow gave the step.
    pub name: Option<String>,
    pub mode: Mode,
    #[schema(value_type = crate::openapi::values::ApprovalStepState)]
    pub state: String,
    /// Why a step was skipped or approved without anyone: `condition_not_met`,
    /// `no_approver_found`, `submitter_only_approver`.
    pub reason: Option<String>,
    pub approvers: Vec<ApproverView>,
    pub cc: Vec<CcView>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct ApproverView {
    pub employee: PersonRef,
    /// Why they sit here: `department_head`, `role_holder`, `named`,
    /// `chosen_by_submitter`, `tenant_admin`.
    pub why: String,
    /// Admins deciding in place of a deactivated approver.
    pub stand_ins: Vec<PersonRef>,
    #[schema(value_type = crate::openapi::values::ApproverState)]
    pub state: String,
    /// Who decided, when a stand-in or a rule did.
    pub decided_by: Option<PersonRef>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// `same_approver_as_previous` when the decide-once rule approved the seat.
    pub auto: Option<String>,
    pub waiting_since: Option<DateTime<Utc>>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct CcView {
    pub employee: PersonRef,
    pub step: usize,
    /// When the copy went out (the step passed).
    pub notified_at: Option<DateTime<Utc>>,
}

/// One event of a request's log.
#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    pub seq: i64,
    pub round: u32,
    pub at: DateTime<Utc>,
    /// Who acted; `null` for a rule (steps starting and passing, escalations, reminders).
    pub by: Option<PersonRef>,
    #[schema(value_type = crate::openapi::values::ApprovalEventKind)]
    pub what: String,
    pub step: Option<usize>,
    pub comment: Option<String>,
    /// The people the event concerns: stand-ins an escalation named, people reminded,
    /// those copied, the person a rule approved for.
    pub people: Vec<PersonRef>,
    /// The outcome, for `finished`.
    #[schema(value_type = Option<crate::openapi::values::ApprovalStatus>)]
    pub status: Option<String>,
}

pub fn status_str(s: approvals::Status) -> &'static str {
    match s {
        approvals::Status::InProgress => "in_progress",
        approvals::Status::Approved => "approved",
        approvals::Status::Rejected => "rejected",
        approvals::Status::Withdrawn => "withdrawn",
    }
}

/// Names of everyone a view mentions.
pub struct Names(pub HashMap<EmployeeId, String>);

impl Names {
    pub fn person(&self, id: EmployeeId) -> PersonRef {
        PersonRef {
            id,
            name: self.0.get(&id).cloned().unwrap_or_default(),
        }
    }

    fn people(&self, ids: &[EmployeeId]) -> Vec<PersonRef> {
        ids.iter().map(|i| self.person(*i)).collect()
    }
}

/// Every person an instance or its events mention, for one names lookup.
pub fn mentioned(instance: &Instance, events: &[Event]) -> Vec<Uuid> {
    let mut out = vec![instance.submitter.0];
    for round in &instance.rounds {
        for step in &round.steps {
            for seat in &step.seats {
                out.push(seat.employee.0);
                out.extend(seat.stand_ins.iter().map(|e| e.0));
                if let Some(d) = &seat.decision {
                    out.push(d.by.0);
                }
            }
            out.extend(step.cc.iter().map(|c| c.employee.0));
        }
        if let Some(approvals::Ending {
            by: approvals::Actor::Employee(e),
            ..
        }) = &round.ended
        {
            out.push(e.0);
        }
    }
    for e in events {
        if let approvals::Actor::Employee(p) = e.by {
            out.push(p.0);
        }
    }
    out.sort();
    out.dedup();
    out
}

pub fn parse_instance(row: &StoredApproval) -> ApiResult<Instance> {
    serde_json::from_str(&row.state).map_err(ApiError::internal)
}

pub fn summary(row: &StoredApproval, instance: &Instance, names: &Names) -> RequestSummary {
    let figures = serde_json::from_str(&row.summary).unwrap_or_default();
    RequestSummary {
        id: row.id,
        request_type: row.request_type.clone(),
        status: row.status.clone(),
        submitter: PersonRef {
            id: EmployeeId(row.submitter_id),
            name: row.submitter_name.clone(),
        },
        subject_id: row.subject_id,
        figures,
        submitted_at: instance.round().submitted_at,
        updated_at: chrono::DateTime::from_timestamp_millis(row.updated_ms).unwrap_or_default(),
        round: instance.round().number,
        current_step: instance.current_step(),
        waiting_for: names.people(&instance.waiting_for()),
    }
}

fn why_str(w: &Why) -> &'static str {
    match w {
        Why::DepartmentHead { .. } => "department_head",
        Why::RoleHolder { .. } => "role_holder",
        Why::Named => "named",
        Why::ChosenBySubmitter => "chosen_by_submitter",
        Why::TenantAdmin => "tenant_admin",
    }
}

fn skip_str(r: SkipReason) -> &'static str {
    match r {
        SkipReason::ConditionNotMet { .. } => "condition_not_met",
        SkipReason::NoApproverFound => "no_approver_found",
        SkipReason::SubmitterOnlyApprover => "submitter_only_approver",
    }
}

fn auto_str(a: AutoDecision) -> &'static str {
    match a {
        AutoDecision::SameApproverAsPrevious { .. } => "same_approver_as_previous",
    }
}

fn step_state(s: StepViewState) -> (&'static str, Option<String>) {
    match s {
        StepViewState::NotReached => ("not_reached", None),
        StepViewState::Pending => ("pending", None),
        StepViewState::Approved => ("approved", None),
        StepViewState::Rejected => ("rejected", None),
        StepViewState::Skipped { reason } => ("skipped", Some(skip_str(reason).into())),
        StepViewState::AutoApproved {
            reason: AutoReason::NoApproverFound,
        } => ("auto_approved", Some("no_approver_found".into())),
        StepViewState::Cancelled => ("cancelled", None),
    }
}

fn approver_state(s: ApproverState) -> &'static str {
    match s {
        ApproverState::Waiting => "waiting",
        ApproverState::Pending => "pending",
        ApproverState::Approved => "approved",
        ApproverState::Rejected => "rejected",
        ApproverState::NotNeeded => "not_needed",
    }
}

/// The full view of a request for `me`.
pub fn detail(
    row: &StoredApproval,
    instance: &Instance,
    events: &[StoredApprovalEvent],
    names: &Names,
    me: Option<EmployeeId>,
) -> ApiResult<RequestDetail> {
    let t = approvals::timeline(instance);
    let cc_view = |c: &approvals::CcView| CcView {
        employee: names.person(c.employee),
        step: c.step,
        notified_at: c.notified_at,
    };
    // Each round's payload from its submission event; the current one's is the row's.
    let current = instance.round().number;
    let mut asked: HashMap<u32, (serde_json::Value, Option<RequestFigures>)> = events
        .iter()
        .filter_map(|e| {
            let payload = serde_json::from_str(e.payload.as_deref()?).ok()?;
            let figures = e
                .summary
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok());
            Some((u32::try_from(e.round).ok()?, (payload, figures)))
        })
        .collect();
    asked.entry(current).or_insert_with(|| {
        (
            serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null),
            serde_json::from_str(&row.summary).ok(),
        )
    });
    let rounds = t
        .rounds
        .iter()
        .map(|r| RoundView {
            number: r.number,
            flow_version: r.flow_version.0,
            submitted_at: r.submitted_at,
            payload: asked.get(&r.number).map(|a| a.0.clone()),
            figures: asked.get(&r.number).and_then(|a| a.1.clone()),
            ended: r.ended.as_ref().map(|e| EndingView {
                status: status_str(e.status).into(),
                at: e.at,
                by: match e.by {
                    approvals::Actor::Employee(p) => Some(names.person(p)),
                    approvals::Actor::System => None,
                },
                comment: e.comment.clone(),
            }),
            steps: r
                .steps
                .iter()
                .map(|s| {
                    let (state, reason) = step_state(s.state);
                    StepView {
                        index: s.index,
                        name: s.name.clone(),
                        mode: s.mode,
                        state: state.into(),
                        reason,
                        approvers: s
                            .approvers
                            .iter()
                            .map(|a| ApproverView {
                                employee: names.person(a.employee),
                                why: why_str(&a.why).into(),
                                stand_ins: names.people(&a.stand_ins),
                                state: approver_state(a.state).into(),
                                decided_by: a.decided_by.map(|p| names.person(p)),
                                comment: a.comment.clone(),
                                decided_at: a.decided_at,
                                auto: a.auto.map(|x| auto_str(x).into()),
                                waiting_since: a.waiting_since,
                            })
                            .collect(),
                        cc: s.cc.iter().map(cc_view).collect(),
                        started_at: s.started_at,
                        finished_at: s.finished_at,
                    }
                })
                .collect(),
        })
        .collect();
    let mut history = Vec::with_capacity(events.len());
    for e in events {
        let event: Event = serde_json::from_str(&e.body).map_err(ApiError::internal)?;
        history.push(history_entry(e.seq, &event, names));
    }
    let payload = serde_json::from_str(&row.payload).unwrap_or(serde_json::Value::Null);
    let is_submitter = me == Some(instance.submitter);
    Ok(RequestDetail {
        summary: summary(row, instance, names),
        payload,
        flow_version: instance.flow_version.0,
        rounds,
        cc: t.cc.iter().map(cc_view).collect(),
        history,
        can_decide: me.is_some_and(|m| t.waiting_for.contains(&m)),
        can_withdraw: is_submitter && instance.status == approvals::Status::InProgress,
        can_resubmit: is_submitter
            && matches!(
                instance.status,
                approvals::Status::Rejected | approvals::Status::Withdrawn
            ),
    })
}

fn history_entry(seq: i64, e: &Event, names: &Names) -> HistoryEntry {
    let mut entry = HistoryEntry {
        seq,
        round: e.round,
        at: e.at,
        by: match e.by {
            approvals::Actor::Employee(p) => Some(names.person(p)),
            approvals::Actor::System => None,
        },
        what: String::new(),
        step: e.step,
        comment: None,
        people: Vec::new(),
        status: None,
    };
    let what = match &e.what {
        EventKind::Submitted { .. } => "submitted",
        EventKind::Resubmitted { .. } => "resubmitted",
        EventKind::StepStarted => "step_started",
        EventKind::Approved { comment, .. } => {
            entry.comment = comment.clone();
            "approved"
        }
        EventKind::Rejected { comment, .. } => {
            entry.comment = comment.clone();
            "rejected"
        }
        EventKind::AutoApproved { on_behalf_of, .. } => {
            entry.people = vec![names.person(*on_behalf_of)];
            "auto_approved"
        }
        EventKind::StepPassed { cc } => {
            entry.people = names.people(cc);
            "step_passed"
        }
        EventKind::Escalated { to, .. } => {
            entry.people = names.people(to);
            "escalated"
        }
        EventKind::Reminded { employees, .. } => {
            entry.people = names.people(employees);
            "reminded"
        }
        EventKind::Withdrawn { comment } => {
            entry.comment = comment.clone();
            "withdrawn"
        }
        EventKind::Finished { status } => {
            entry.status = Some(status_str(*status).into());
            "finished"
        }
    };
    entry.what = what.into();
    entry
}

/// The verdict a decision body names.
pub fn verdict(text: &str) -> ApiResult<Verdict> {
    match text {
        "approve" | "approved" => Ok(Verdict::Approve),
        "reject" | "rejected" => Ok(Verdict::Reject),
        _ => Err(ApiError::invalid_one(
            "decision",
            domain::Problem::unknown_value(&["approve", "reject"]),
        )),
    }
}
