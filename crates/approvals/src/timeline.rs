//! What `GET /api/v1/requests/{id}` renders: every round's steps with their approvers,
//! decisions, comments and times, the current step, who it waits for, and who is copied.

use crate::RequestType;
use crate::flow::{FlowVersion, Mode};
use crate::instance::{
    AutoDecision, AutoReason, Ending, Instance, Note, Round, SkipReason, Status, StepState,
    StepStatus, Verdict, Why,
};
use chrono::{DateTime, Utc};
use domain::EmployeeId;
use serde::Serialize;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Timeline {
    pub request_type: RequestType,
    pub submitter: EmployeeId,
    pub status: Status,
    pub flow_version: FlowVersion,
    /// The current round's number.
    pub round: u32,
    /// The step being decided, while the request is in progress.
    pub current_step: Option<usize>,
    pub waiting_for: Vec<EmployeeId>,
    /// Oldest first; the last is the current round.
    pub rounds: Vec<RoundView>,
    /// Everyone copied in the current round, whether the copy went out yet or not.
    pub cc: Vec<CcView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RoundView {
    pub number: u32,
    pub flow_version: FlowVersion,
    pub submitted_at: DateTime<Utc>,
    pub ended: Option<Ending>,
    pub steps: Vec<StepView>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StepView {
    pub index: usize,
    pub name: Option<String>,
    pub mode: Mode,
    #[serde(flatten)]
    pub state: StepViewState,
    pub approvers: Vec<ApproverView>,
    pub cc: Vec<CcView>,
    pub notes: Vec<Note>,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepViewState {
    NotReached,
    Pending,
    Approved,
    Rejected,
    Skipped {
        reason: SkipReason,
    },
    AutoApproved {
        reason: AutoReason,
    },
    /// The round ended (withdrawn) while this step was being decided.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ApproverView {
    pub employee: EmployeeId,
    pub why: Why,
    /// Admins deciding in place of a deactivated approver.
    pub stand_ins: Vec<EmployeeId>,
    pub state: ApproverState,
    /// Who decided, when a stand-in did or a rule did in someone's name.
    pub decided_by: Option<EmployeeId>,
    pub comment: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub auto: Option<AutoDecision>,
    pub waiting_since: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ApproverState {
    /// Their turn has not come.
    Waiting,
    /// They can decide now.
    Pending,
    Approved,
    Rejected,
    /// The step was settled without them (或签, a rejection, a withdrawal).
    NotNeeded,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CcView {
    pub employee: EmployeeId,
    pub step: usize,
    pub why: Why,
    pub notified_at: Option<DateTime<Utc>>,
}

/// The request's timeline.
pub fn timeline(instance: &Instance) -> Timeline {
    let rounds: Vec<RoundView> = instance.rounds.iter().map(round_view).collect();
    let cc = rounds
        .last()
        .map(|r| r.steps.iter().flat_map(|s| s.cc.clone()).collect())
        .unwrap_or_default();
    Timeline {
        request_type: instance.request_type.clone(),
        submitter: instance.submitter,
        status: instance.status,
        flow_version: instance.flow_version,
        round: instance.round().number,
        current_step: instance.current_step(),
        waiting_for: instance.waiting_for(),
        rounds,
        cc,
    }
}

fn round_view(round: &Round) -> RoundView {
    RoundView {
        number: round.number,
        flow_version: round.flow_version,
        submitted_at: round.submitted_at,
        ended: round.ended.clone(),
        steps: round
            .steps
            .iter()
            .map(|s| step_view(s, round.ended.is_some()))
            .collect(),
    }
}

fn step_view(step: &StepState, round_ended: bool) -> StepView {
    let state = match step.status {
        StepStatus::Waiting => StepViewState::NotReached,
        StepStatus::Pending if round_ended => StepViewState::Cancelled,
        StepStatus::Pending => StepViewState::Pending,
        StepStatus::Approved => StepViewState::Approved,
        StepStatus::Rejected => StepViewState::Rejected,
        StepStatus::Skipped { reason } => StepViewState::Skipped { reason },
        StepStatus::AutoApproved { reason } => StepViewState::AutoApproved { reason },
    };
    let open = step.open_seats();
    let approvers = step
        .seats
        .iter()
        .enumerate()
        .map(|(i, seat)| {
            let d = seat.decision.as_ref();
            let state = match (d.map(|d| d.verdict), state) {
                (Some(Verdict::Approve), _) => ApproverState::Approved,
                (Some(Verdict::Reject), _) => ApproverState::Rejected,
                (None, StepViewState::Pending) if open.contains(&i) => ApproverState::Pending,
                (None, StepViewState::Pending) => ApproverState::Waiting,
                (None, StepViewState::NotReached) if !round_ended => ApproverState::Waiting,
                (None, _) => ApproverState::NotNeeded,
            };
            ApproverView {
                employee: seat.employee,
                why: seat.why,
                stand_ins: seat.stand_ins.clone(),
                state,
                decided_by: d.map(|d| d.by),
                comment: d.and_then(|d| d.comment.clone()),
                decided_at: d.map(|d| d.at),
                auto: d.and_then(|d| d.auto),
                waiting_since: seat.waiting_since,
            }
        })
        .collect();
    StepView {
        index: step.index,
        name: step.name.clone(),
        mode: step.mode,
        state,
        approvers,
        cc: step
            .cc
            .iter()
            .map(|c| CcView {
                employee: c.employee,
                step: step.index,
                why: c.why,
                notified_at: c.notified_at,
            })
            .collect(),
        notes: step.notes.clone(),
        started_at: step.started_at,
        finished_at: step.finished_at,
    }
}
