//! The tenant's exception rules: what happens when the org chart does not give a clean
//! answer. Deactivated approvers always escalate to the tenant's admins.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExceptionRules {
    /// A step whose resolver finds nobody (a department without a head, a role nobody holds).
    pub no_approver: NoApprover,
    /// The submitter is taken out of a step's approvers; a step that had only them passes.
    pub skip_submitter: bool,
    /// Someone who approved a step decides once: when the next step that is not skipped
    /// asks them again, their seat there approves itself (recorded as such).
    pub decide_once: bool,
}

impl Default for ExceptionRules {
    fn default() -> Self {
        ExceptionRules {
            no_approver: NoApprover::Admin,
            skip_submitter: true,
            decide_once: true,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NoApprover {
    /// The step is left out (shown as skipped).
    Skip,
    /// The tenant's admins decide it, any one of them.
    Admin,
    /// The step approves itself (shown as approved automatically; its CC are copied).
    AutoApprove,
}
