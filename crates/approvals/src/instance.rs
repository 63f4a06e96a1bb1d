//! The state of one request's approval: its rounds (a resubmission starts a new one),
//! each round's resolved steps, seats and decisions. Serializable as one JSON value;
//! changed only by applying events (`apply.rs`), which the commands (`engine.rs`) emit.

use crate::RequestType;
use crate::event::Actor;
use crate::facts::RequestFacts;
use crate::flow::{FlowVersion, Mode};
use chrono::{DateTime, Utc};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub request_type: RequestType,
    pub submitter: EmployeeId,
    /// The flow version the request is pinned to (changed only by a re-pinning resubmission).
    pub flow_version: FlowVersion,
    pub status: Status,
    /// Oldest first; the last is the current round.
    pub rounds: Vec<Round>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InProgress,
    Approved,
    Rejected,
    Withdrawn,
}

impl Status {
    pub fn is_final(self) -> bool {
        self != Status::InProgress
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// 1 for the first submission.
    pub number: u32,
    pub flow_version: FlowVersion,
    pub facts: RequestFacts,
    pub submitted_at: DateTime<Utc>,
    /// One per step of the flow definition, in order, skipped ones included.
    pub steps: Vec<StepState>,
    /// Steps before this index are behind the request; the one at it is being decided.
    pub at: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Ending>,
}

/// How and when a round ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ending {
    pub status: Status,
    pub at: DateTime<Utc>,
    pub by: Actor,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepState {
    /// The step's index in the flow definition.
    pub index: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub mode: Mode,
    pub status: StepStatus,
    pub seats: Vec<Seat>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<CcEntry>,
    /// How the approvers were found, in the order things happened.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<Note>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum StepStatus {
    /// Not reached yet.
    Waiting,
    /// Being decided.
    Pending,
    Approved,
    Rejected,
    Skipped {
        reason: SkipReason,
    },
    /// Passed without anyone deciding.
    AutoApproved {
        reason: AutoReason,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SkipReason {
    /// The step's condition at this index in `when` does not hold.
    ConditionNotMet {
        condition: usize,
    },
    NoApproverFound,
    /// The submitter was the step's only approver.
    SubmitterOnlyApprover,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AutoReason {
    NoApproverFound,
}

/// One approver's place in a step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Seat {
    pub employee: EmployeeId,
    pub why: Why,
    /// Set when `employee` was deactivated: these admins decide in their place, any one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stand_ins: Vec<EmployeeId>,
    /// When the seat became decidable (its step started, or its turn came).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub waiting_since: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reminded_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision: Option<Decision>,
}

/// Why someone was made an approver or copied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Why {
    /// Heads `department`, the submitter's manager at `level`.
    DepartmentHead {
        department: DepartmentId,
        level: u8,
    },
    /// Holds `role` (in `department` when the scope was one).
    RoleHolder {
        role: Role,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        department: Option<DepartmentId>,
    },
    Named,
    ChosenBySubmitter,
    /// A tenant admin, because the resolver found nobody.
    TenantAdmin,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    /// Who decided: the seat's employee, or one of its stand-ins.
    pub by: EmployeeId,
    pub verdict: Verdict,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub at: DateTime<Utc>,
    /// Set when no one acted: the decision followed from a rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto: Option<AutoDecision>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Approve,
    Reject,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AutoDecision {
    /// The same person approved the step at `step` just before.
    SameApproverAsPrevious { step: usize },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CcEntry {
    pub employee: EmployeeId,
    pub why: Why,
    /// When the step passed and the copy went out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notified_at: Option<DateTime<Utc>>,
}

/// What happened while a step's approvers were found or later re-found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Note {
    /// The submitter heads their own department, so their managers start one level up.
    SubmitterHeadsDepartment {
        department: DepartmentId,
    },
    /// The department tree is not that deep above the submitter.
    NoDepartmentAtLevel {
        level: u8,
    },
    NoHead {
        department: DepartmentId,
        level: u8,
    },
    NoRoleHolder {
        role: Role,
    },
    UnknownDepartment {
        department: DepartmentId,
    },
    UnknownPerson {
        employee: EmployeeId,
    },
    /// The submitter was one of the approvers and was taken out.
    SubmitterRemoved,
    /// Nobody was found; the tenant's rule said what to do.
    NoApproverFound,
    /// The tenant's admins took over (any one of them decides).
    AdminsDecide,
    /// `employee` was inactive; `to` decide in their place.
    Escalated {
        employee: EmployeeId,
        to: Vec<EmployeeId>,
    },
}

/// Where a step stands given its seats' decisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepOutcome {
    Open,
    Passed,
    Rejected,
}

impl Seat {
    pub fn new(employee: EmployeeId, why: Why) -> Seat {
        Seat {
            employee,
            why,
            stand_ins: Vec::new(),
            waiting_since: None,
            reminded_at: None,
            decision: None,
        }
    }

    /// Who may decide this seat.
    pub fn deciders(&self) -> &[EmployeeId] {
        if self.stand_ins.is_empty() {
            std::slice::from_ref(&self.employee)
        } else {
            &self.stand_ins
        }
    }

    pub fn can_decide(&self, person: EmployeeId) -> bool {
        self.deciders().contains(&person)
    }
}

impl StepState {
    /// Seats that may be decided now: none unless the step is pending; in sequence the
    /// first undecided one, otherwise every undecided one.
    pub fn open_seats(&self) -> Vec<usize> {
        if self.status != StepStatus::Pending || self.outcome() != StepOutcome::Open {
            return Vec::new();
        }
        let undecided = self
            .seats
            .iter()
            .enumerate()
            .filter(|(_, s)| s.decision.is_none())
            .map(|(i, _)| i);
        match self.mode {
            Mode::Sequential => undecided.take(1).collect(),
            Mode::Any | Mode::All => undecided.collect(),
        }
    }

    pub fn outcome(&self) -> StepOutcome {
        let verdicts = || self.seats.iter().filter_map(|s| s.decision.as_ref());
        if verdicts().any(|d| d.verdict == Verdict::Reject) {
            return StepOutcome::Rejected;
        }
        let approved = verdicts().count();
        let passed = match self.mode {
            Mode::Any => approved > 0 || self.seats.is_empty(),
            Mode::Sequential | Mode::All => approved == self.seats.len(),
        };
        if passed {
            StepOutcome::Passed
        } else {
            StepOutcome::Open
        }
    }

    /// People who approved this step (themselves or by the decide-once rule).
    pub fn approvers(&self) -> Vec<EmployeeId> {
        let mut out = Vec::new();
        for d in self.seats.iter().filter_map(|s| s.decision.as_ref()) {
            if d.verdict == Verdict::Approve && !out.contains(&d.by) {
                out.push(d.by);
            }
        }
        out
    }
}

impl Instance {
    pub fn round(&self) -> &Round {
        self.rounds
            .last()
            .expect("an instance has at least one round")
    }

    /// The index of the step being decided, if the request is in progress.
    pub fn current_step(&self) -> Option<usize> {
        let r = self.round();
        (self.status == Status::InProgress)
            .then_some(r.at)
            .filter(|i| {
                r.steps
                    .get(*i)
                    .is_some_and(|s| s.status == StepStatus::Pending)
            })
    }

    /// Everyone who can act on the request now (the approval inbox's rows).
    pub fn waiting_for(&self) -> Vec<EmployeeId> {
        let mut out = Vec::new();
        if let Some(i) = self.current_step() {
            let step = &self.round().steps[i];
            for s in step.open_seats() {
                for p in step.seats[s].deciders() {
                    if !out.contains(p) {
                        out.push(*p);
                    }
                }
            }
        }
        out
    }
}
