//! The event log: every change to an instance is one of these, stored in order. An
//! instance is the fold of its events ([`crate::Instance::replay`]), and each event says
//! who did what, when and at which step — the audit log's record of the request.

use crate::RequestType;
use crate::facts::RequestFacts;
use crate::flow::FlowVersion;
use crate::instance::{AutoDecision, Status, StepState};
use chrono::{DateTime, Utc};
use domain::EmployeeId;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub at: DateTime<Utc>,
    pub by: Actor,
    /// The round the event belongs to (1 for the first submission).
    pub round: u32,
    /// The step's index, for events about one step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<usize>,
    pub what: EventKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Employee(EmployeeId),
    /// A rule acting: steps starting and passing, automatic decisions, escalations.
    System,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EventKind {
    /// The first submission, with the whole route as resolved.
    Submitted {
        request_type: RequestType,
        submitter: EmployeeId,
        flow_version: FlowVersion,
        facts: RequestFacts,
        route: Vec<StepState>,
    },
    /// A new round after a rejection or a withdrawal.
    Resubmitted {
        flow_version: FlowVersion,
        facts: RequestFacts,
        route: Vec<StepState>,
    },
    StepStarted,
    Approved {
        seats: Vec<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    Rejected {
        seats: Vec<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Seats approved by a rule in `on_behalf_of`'s name.
    AutoApproved {
        seats: Vec<usize>,
        on_behalf_of: EmployeeId,
        reason: AutoDecision,
    },
    /// The step is approved; `cc` are copied now.
    StepPassed {
        cc: Vec<EmployeeId>,
    },
    /// A deactivated approver's seat goes to `to` (any one of them decides).
    Escalated {
        seat: usize,
        from: EmployeeId,
        to: Vec<EmployeeId>,
    },
    /// Reminders went to these people about these seats.
    Reminded {
        seats: Vec<usize>,
        employees: Vec<EmployeeId>,
    },
    Withdrawn {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// The final decision: approved (every step passed) or rejected.
    Finished {
        status: Status,
    },
}
