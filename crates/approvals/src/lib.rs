//! `approvals`: the approval-flow engine every request type shares (mileage claims,
//! expenses, leave, attendance corrections, plan changes, and any type added later).
//!
//! Pure: values in, values out. A tenant's [`FlowDefinition`] per request type
//! (versioned, JSON) lists steps, each with a [`Resolver`] (the submitter's Nth-level
//! manager by the department tree, a role somewhere, named people, or people the
//! submitter chooses), a [`Mode`] (one after another, any one 或签, all 会签),
//! [`Condition`]s that include the step, and CC (抄送) recipients. A submission resolves
//! the whole route over the caller's [`Org`] at once, recording who sits in each step and
//! why, and which steps are skipped and why, under the tenant's [`ExceptionRules`].
//!
//! An [`Instance`] is pinned to the flow version it started under and changes only
//! through [`Event`]s: each command ([`Instance::submit`], [`Instance::decide`],
//! [`Instance::withdraw`], [`Instance::resubmit`], [`Instance::deactivated`],
//! [`Instance::remind`]) answers a [`Transition`] (the new state and the events that made
//! it, for the audit log) or a typed [`TransitionError`]; [`Instance::replay`] rebuilds an
//! instance from its log. [`timeline`] is the request's view; [`preview`] a flow's
//! readable line in Chinese or English.

mod apply;
mod engine;
mod error;
mod event;
mod facts;
mod flow;
mod instance;
mod money;
mod org;
mod preview;
mod remind;
mod request_type;
mod route;
mod rules;
mod timeline;
mod validate;

pub use engine::{MAX_COMMENT_CHARS, Resubmission, Submission, Transition};
pub use error::{ReplayError, RouteError, TransitionError};
pub use event::{Actor, Event, EventKind};
pub use facts::{Choices, RequestFacts};
pub use flow::{
    Condition, FieldValue, FlowDefinition, FlowVersion, Mode, Op, Resolver, RoleScope, StepDef,
};
pub use instance::{
    AutoDecision, AutoReason, CcEntry, Decision, Ending, Instance, Note, Round, Seat, SkipReason,
    Status, StepOutcome, StepState, StepStatus, Verdict, Why,
};
pub use money::Fen;
pub use org::{DepartmentNode, Org, OrgChart, OrgError, Person};
pub use preview::{Lang, NameBook, describe_conditions, describe_resolver, describe_step, preview};
pub use remind::Reminder;
pub use request_type::RequestType;
pub use rules::{ExceptionRules, NoApprover};
pub use timeline::{
    ApproverState, ApproverView, CcView, RoundView, StepView, StepViewState, Timeline, timeline,
};
pub use validate::{
    MAX_CC, MAX_CHOICE, MAX_CONDITIONS, MAX_LEVEL, MAX_NAME_CHARS, MAX_PEOPLE, MAX_STEPS,
};
