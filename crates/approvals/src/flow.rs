//! A flow definition as a tenant writes it and storage keeps it (JSON, one row per
//! request type and version): ordered steps, each with who approves, how, when, and
//! who is copied.

use crate::RequestType;
use crate::money::Fen;
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A flow's version; an instance keeps the version it started under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowVersion(pub u32);

impl fmt::Display for FlowVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlowDefinition {
    pub request_type: RequestType,
    pub version: FlowVersion,
    /// In order. No steps means every request is approved on submission.
    pub steps: Vec<StepDef>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StepDef {
    /// A label for the timeline and the preview ("财务复核"); the resolver describes it otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub approvers: Resolver,
    pub mode: Mode,
    /// The step applies only when every condition holds; otherwise it is skipped.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub when: Vec<Condition>,
    /// Copied (抄送) once the step is approved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cc: Vec<Resolver>,
}

/// How a step with several approvers decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Mode {
    /// One after another in the resolved order (依次审批); each must approve.
    Sequential,
    /// Any one of them (或签): the first decision, approve or reject, decides the step.
    Any,
    /// All of them (会签), in parallel: every one must approve; one rejection rejects.
    All,
}

/// Who approves (or is copied), resolved against the org chart at submission.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Resolver {
    /// The heads of the department `level` steps up from the submitter's own manager:
    /// level 1 is the head of the submitter's department (of its parent when the
    /// submitter heads it), level 2 the head of the department above that, and so on.
    Manager { level: u8 },
    /// Levels 1 to `levels` of [`Resolver::Manager`], nearest first (逐级审批).
    ManagerChain { levels: u8 },
    /// The active people holding `role` in the given place.
    Role {
        role: Role,
        #[serde(rename = "in")]
        within: RoleScope,
    },
    /// Named people, in this order.
    People { ids: Vec<EmployeeId> },
    /// People the submitter names at submission, at most `max`.
    SubmitterChoice { max: u8 },
}

/// Where a role is looked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "scope", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RoleScope {
    /// Anyone in the tenant.
    Tenant,
    /// The submitter's own department only.
    SubmitterDepartment,
    /// The submitter's department, else the nearest department above it that has one.
    NearestAbove,
    /// One named department (not its sub-departments).
    Department { id: DepartmentId },
}

/// A test on the request that includes a step (all of a step's conditions must hold).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Condition {
    /// The request's amount compared with `fen`; a request without an amount fails it.
    Amount { op: Op, fen: Fen },
    /// The submitter's department is `department` or below it.
    SubmitterIn { department: DepartmentId },
    /// A request field compared with a value; ordering operators need numbers. A request
    /// without the field fails every test but `ne`.
    Field {
        key: String,
        op: Op,
        value: FieldValue,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Ge,
    Lt,
    Le,
}

impl Op {
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "≠",
            Op::Gt => ">",
            Op::Ge => "≥",
            Op::Lt => "<",
            Op::Le => "≤",
        }
    }

    pub fn is_ordering(self) -> bool {
        matches!(self, Op::Gt | Op::Ge | Op::Lt | Op::Le)
    }

    pub(crate) fn holds<T: PartialOrd>(self, left: &T, right: &T) -> bool {
        match self {
            Op::Eq => left == right,
            Op::Ne => left != right,
            Op::Gt => left > right,
            Op::Ge => left >= right,
            Op::Lt => left < right,
            Op::Le => left <= right,
        }
    }
}

/// A value of a request field, as the request type's payload carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum FieldValue {
    Bool(bool),
    Number(f64),
    Text(String),
}

impl FlowDefinition {
    /// Indices of the steps whose approvers the submitter chooses (the form asks for them).
    pub fn choice_steps(&self) -> Vec<usize> {
        self.steps
            .iter()
            .enumerate()
            .filter(|(_, s)| matches!(s.approvers, Resolver::SubmitterChoice { .. }))
            .map(|(i, _)| i)
            .collect()
    }
}
