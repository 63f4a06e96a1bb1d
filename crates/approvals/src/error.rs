//! Why a request cannot be routed or a transition cannot happen. Each error has a
//! stable code for the API; routing errors caused by the submission name its field.

use crate::RequestType;
use crate::flow::FlowVersion;
use crate::instance::Status;
use domain::{EmployeeId, Invalid, Problem};

/// The route cannot be resolved for this submission.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RouteError {
    #[error("the submitter is not in the org chart")]
    UnknownSubmitter,
    #[error("the submitter is deactivated")]
    SubmitterInactive,
    #[error("step {step} asks the submitter to choose approvers; none were chosen")]
    ChoiceMissing { step: usize },
    #[error("step {step} takes at most {max} chosen approvers")]
    ChoiceTooMany { step: usize, max: u8 },
    #[error("step {step}: the submitter cannot choose themselves")]
    ChoiceIsSubmitter { step: usize },
    #[error("step {step}: chosen person {employee} is not in the org chart")]
    ChoiceUnknown { step: usize, employee: EmployeeId },
    #[error("step {step}: chosen person {employee} is deactivated")]
    ChoiceInactive { step: usize, employee: EmployeeId },
    #[error("step {step} does not ask the submitter to choose")]
    ChoiceNotExpected {
        step: usize,
        cc: bool,
        /// The steps that do.
        expected: Vec<usize>,
    },
    #[error("step {step} needs an admin and the tenant has no active one")]
    NoAdmin { step: usize },
}

impl RouteError {
    pub fn code(&self) -> &'static str {
        match self {
            RouteError::UnknownSubmitter => "approval_unknown_submitter",
            RouteError::SubmitterInactive => "approval_submitter_inactive",
            RouteError::ChoiceMissing { .. }
            | RouteError::ChoiceTooMany { .. }
            | RouteError::ChoiceIsSubmitter { .. }
            | RouteError::ChoiceUnknown { .. }
            | RouteError::ChoiceInactive { .. }
            | RouteError::ChoiceNotExpected { .. } => "validation_failed",
            RouteError::NoAdmin { .. } => "approval_no_admin",
        }
    }

    /// The submission's field at fault, as a validation problem (choices only).
    pub fn to_invalid(&self) -> Option<Invalid> {
        let (field, problem) = match self {
            RouteError::ChoiceMissing { step } => {
                (format!("choices.approvers.{step}"), Problem::Required)
            }
            RouteError::ChoiceTooMany { step, max } => (
                format!("choices.approvers.{step}"),
                Problem::TooMany {
                    max: usize::from(*max),
                },
            ),
            RouteError::ChoiceIsSubmitter { step } => {
                (format!("choices.approvers.{step}"), Problem::SelfChange)
            }
            RouteError::ChoiceUnknown { step, .. } | RouteError::ChoiceInactive { step, .. } => {
                (format!("choices.approvers.{step}"), Problem::NotFound)
            }
            RouteError::ChoiceNotExpected { step, cc, expected } => {
                let list = if *cc { "cc" } else { "approvers" };
                (
                    format!("choices.{list}.{step}"),
                    Problem::UnknownValue {
                        allowed: expected.iter().map(usize::to_string).collect(),
                    },
                )
            }
            _ => return None,
        };
        Some(Invalid::one(field, problem))
    }
}

/// A command that does not apply to the instance as it stands.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("it is not this person's turn at step {step}")]
    NotYourTurn { step: usize },
    #[error("this person is not an approver of the request")]
    NotAnApprover,
    #[error("step {step} is already decided")]
    AlreadyDecided { step: usize },
    #[error("the request is already {status:?}")]
    AlreadyFinished { status: Status },
    #[error("the request was withdrawn")]
    Withdrawn,
    #[error("the request is still in progress")]
    StillInProgress,
    #[error("only the submitter may do this")]
    NotSubmitter,
    #[error("a comment has at most {max} characters")]
    CommentTooLong { max: usize },
    #[error("the request is pinned to flow {pinned}; {given} was given without re-pinning")]
    FlowVersionMismatch {
        pinned: FlowVersion,
        given: FlowVersion,
    },
    #[error("the flow is for {given}, the request is {request}")]
    WrongRequestType {
        request: RequestType,
        given: RequestType,
    },
    #[error("step {step} needs an admin and the tenant has no active one")]
    NoAdmin { step: usize },
    #[error(transparent)]
    Route(#[from] RouteError),
}

impl TransitionError {
    pub fn code(&self) -> &'static str {
        match self {
            TransitionError::NotYourTurn { .. } => "approval_not_your_turn",
            TransitionError::NotAnApprover => "approval_not_an_approver",
            TransitionError::AlreadyDecided { .. } => "approval_already_decided",
            TransitionError::AlreadyFinished { .. } => "approval_finished",
            TransitionError::Withdrawn => "approval_withdrawn",
            TransitionError::StillInProgress => "approval_in_progress",
            TransitionError::NotSubmitter => "approval_not_submitter",
            TransitionError::CommentTooLong { .. } => "validation_failed",
            TransitionError::FlowVersionMismatch { .. } => "approval_flow_version",
            TransitionError::WrongRequestType { .. } => "approval_wrong_type",
            TransitionError::NoAdmin { .. } => "approval_no_admin",
            TransitionError::Route(e) => e.code(),
        }
    }

    /// The command's field at fault, as a validation problem (comments and choices).
    pub fn to_invalid(&self) -> Option<Invalid> {
        match self {
            TransitionError::CommentTooLong { max } => {
                Some(Invalid::one("comment", Problem::TooLong { max: *max }))
            }
            TransitionError::Route(e) => e.to_invalid(),
            _ => None,
        }
    }
}

/// An event log that does not describe a possible history.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    #[error("an event log starts with a submission")]
    NotStartedBySubmission,
    #[error("event {event}: {problem}")]
    Inconsistent { event: usize, problem: &'static str },
}
