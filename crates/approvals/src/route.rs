//! Resolving a flow for one submission, all steps up front: who sits in each step and
//! why, which steps are skipped and why, and who is copied.

use crate::error::RouteError;
use crate::facts::{Choices, RequestFacts};
use crate::flow::{FlowDefinition, Mode, Resolver, RoleScope, StepDef};
use crate::instance::{AutoReason, CcEntry, Note, Seat, SkipReason, StepState, StepStatus, Why};
use crate::org::Org;
use crate::rules::{ExceptionRules, NoApprover};
use domain::{DepartmentId, EmployeeId};

/// Everything a route depends on besides the flow.
pub(crate) struct Context<'a> {
    pub org: &'a Org,
    pub rules: &'a ExceptionRules,
    pub submitter: EmployeeId,
    pub department: DepartmentId,
    pub facts: &'a RequestFacts,
    pub choices: &'a Choices,
}

/// The route of one round, one entry per step of `flow`.
pub(crate) fn resolve(
    flow: &FlowDefinition,
    org: &Org,
    rules: &ExceptionRules,
    submitter: EmployeeId,
    facts: &RequestFacts,
    choices: &Choices,
) -> Result<Vec<StepState>, RouteError> {
    let department = org
        .department_of(submitter)
        .ok_or(RouteError::UnknownSubmitter)?;
    if !org.is_active(submitter) {
        return Err(RouteError::SubmitterInactive);
    }
    check_choice_keys(flow, choices)?;
    let ctx = Context {
        org,
        rules,
        submitter,
        department,
        facts,
        choices,
    };
    flow.steps
        .iter()
        .enumerate()
        .map(|(i, def)| resolve_step(i, def, &ctx))
        .collect()
}

/// Choices may only be given for steps that ask for them.
fn check_choice_keys(flow: &FlowDefinition, choices: &Choices) -> Result<(), RouteError> {
    let asks = |r: &Resolver| matches!(r, Resolver::SubmitterChoice { .. });
    let approver_steps = flow.choice_steps();
    if let Some(step) = choices
        .approvers
        .keys()
        .find(|i| !approver_steps.contains(i))
    {
        return Err(RouteError::ChoiceNotExpected {
            step: *step,
            cc: false,
            expected: approver_steps,
        });
    }
    let cc_steps: Vec<usize> = (0..flow.steps.len())
        .filter(|i| flow.steps[*i].cc.iter().any(asks))
        .collect();
    if let Some(step) = choices.cc.keys().find(|i| !cc_steps.contains(i)) {
        return Err(RouteError::ChoiceNotExpected {
            step: *step,
            cc: true,
            expected: cc_steps,
        });
    }
    Ok(())
}

fn resolve_step(i: usize, def: &StepDef, ctx: &Context) -> Result<StepState, RouteError> {
    let mut step = StepState {
        index: i,
        name: def.name.clone(),
        mode: def.mode,
        status: StepStatus::Waiting,
        seats: Vec::new(),
        cc: Vec::new(),
        notes: Vec::new(),
        started_at: None,
        finished_at: None,
    };
    if let Some(condition) = def
        .when
        .iter()
        .position(|c| !c.holds(ctx.facts, ctx.department, ctx.org))
    {
        step.status = StepStatus::Skipped {
            reason: SkipReason::ConditionNotMet { condition },
        };
        return Ok(step);
    }

    let mut found = candidates(&def.approvers, i, ctx, Some(&mut step.notes), false)?;
    found.retain(|(e, _)| {
        let known = ctx.org.knows(*e);
        if !known {
            step.notes.push(Note::UnknownPerson { employee: *e });
        }
        known
    });
    let mut submitter_removed = false;
    if ctx.rules.skip_submitter && found.iter().any(|(e, _)| *e == ctx.submitter) {
        found.retain(|(e, _)| *e != ctx.submitter);
        step.notes.push(Note::SubmitterRemoved);
        submitter_removed = true;
    }
    if found.is_empty() && submitter_removed {
        step.status = StepStatus::Skipped {
            reason: SkipReason::SubmitterOnlyApprover,
        };
        return Ok(step);
    }
    if found.is_empty() {
        step.notes.push(Note::NoApproverFound);
        match ctx.rules.no_approver {
            NoApprover::Skip => {
                step.status = StepStatus::Skipped {
                    reason: SkipReason::NoApproverFound,
                };
                return Ok(step);
            }
            NoApprover::AutoApprove => {
                step.status = StepStatus::AutoApproved {
                    reason: AutoReason::NoApproverFound,
                };
                step.cc = resolve_cc(def, i, ctx)?;
                return Ok(step);
            }
            NoApprover::Admin => {
                let all = ctx.org.active_admins();
                let admins = admins_excluding(ctx.org, ctx.rules, ctx.submitter, &[]);
                if admins.is_empty() && all.contains(&ctx.submitter) {
                    step.notes.push(Note::SubmitterRemoved);
                    step.status = StepStatus::Skipped {
                        reason: SkipReason::SubmitterOnlyApprover,
                    };
                    return Ok(step);
                }
                if admins.is_empty() {
                    return Err(RouteError::NoAdmin { step: i });
                }
                step.notes.push(Note::AdminsDecide);
                step.mode = Mode::Any;
                found = admins.into_iter().map(|a| (a, Why::TenantAdmin)).collect();
            }
        }
    }
    for (employee, why) in found {
        let mut seat = Seat::new(employee, why);
        if !ctx.org.is_active(employee) {
            let to = admins_excluding(ctx.org, ctx.rules, ctx.submitter, &[employee]);
            if to.is_empty() {
                return Err(RouteError::NoAdmin { step: i });
            }
            step.notes.push(Note::Escalated {
                employee,
                to: to.clone(),
            });
            seat.stand_ins = to;
        }
        step.seats.push(seat);
    }
    step.cc = resolve_cc(def, i, ctx)?;
    Ok(step)
}

/// Active admins who may stand in for someone: the submitter left out when the tenant
/// skips them, and `besides` left out always.
pub(crate) fn admins_excluding(
    org: &Org,
    rules: &ExceptionRules,
    submitter: EmployeeId,
    besides: &[EmployeeId],
) -> Vec<EmployeeId> {
    org.active_admins()
        .into_iter()
        .filter(|a| !besides.contains(a))
        .filter(|a| !rules.skip_submitter || *a != submitter)
        .collect()
}

fn resolve_cc(def: &StepDef, i: usize, ctx: &Context) -> Result<Vec<CcEntry>, RouteError> {
    let mut out: Vec<CcEntry> = Vec::new();
    for r in &def.cc {
        for (employee, why) in candidates(r, i, ctx, None, true)? {
            if ctx.org.is_active(employee) && !out.iter().any(|c| c.employee == employee) {
                out.push(CcEntry {
                    employee,
                    why,
                    notified_at: None,
                });
            }
        }
    }
    Ok(out)
}

/// The people a resolver names, nearest or first first, without repeats; `notes`
/// receives why some expected approver is missing.
fn candidates(
    resolver: &Resolver,
    step: usize,
    ctx: &Context,
    mut notes: Option<&mut Vec<Note>>,
    for_cc: bool,
) -> Result<Vec<(EmployeeId, Why)>, RouteError> {
    let mut note = |n: Note| {
        if let Some(ns) = notes.as_deref_mut() {
            ns.push(n);
        }
    };
    let mut out: Vec<(EmployeeId, Why)> = Vec::new();
    let add = |out: &mut Vec<(EmployeeId, Why)>, e: EmployeeId, why: Why| {
        if !out.iter().any(|(x, _)| *x == e) {
            out.push((e, why));
        }
    };
    match resolver {
        Resolver::Manager { level } => {
            let levels = managers(ctx, *level, &mut note);
            if levels.len() == usize::from(*level)
                && let Some((department, heads)) = levels.into_iter().last().flatten()
            {
                if heads.is_empty() {
                    note(Note::NoHead {
                        department,
                        level: *level,
                    });
                }
                for h in heads {
                    add(
                        &mut out,
                        h,
                        Why::DepartmentHead {
                            department,
                            level: *level,
                        },
                    );
                }
            }
        }
        Resolver::ManagerChain { levels } => {
            for (l, found) in managers(ctx, *levels, &mut note).into_iter().enumerate() {
                let Some((department, heads)) = found else {
                    continue;
                };
                if heads.is_empty() {
                    note(Note::NoHead {
                        department,
                        level: l as u8 + 1,
                    });
                }
                for h in heads {
                    add(
                        &mut out,
                        h,
                        Why::DepartmentHead {
                            department,
                            level: l as u8 + 1,
                        },
                    );
                }
            }
        }
        Resolver::Role { role, within } => {
            let (holders, department) = match within {
                RoleScope::Tenant => (ctx.org.holders(*role), None),
                RoleScope::SubmitterDepartment => (
                    ctx.org.holders_in(*role, ctx.department),
                    Some(ctx.department),
                ),
                RoleScope::NearestAbove => {
                    let mut at = Some(ctx.department);
                    let mut found = (Vec::new(), None);
                    while let Some(d) = at {
                        let h = ctx.org.holders_in(*role, d);
                        if !h.is_empty() {
                            found = (h, Some(d));
                            break;
                        }
                        at = ctx.org.parent(d);
                    }
                    found
                }
                RoleScope::Department { id } => {
                    if !ctx.org.has_department(*id) {
                        note(Note::UnknownDepartment { department: *id });
                    }
                    (ctx.org.holders_in(*role, *id), Some(*id))
                }
            };
            if holders.is_empty() {
                note(Note::NoRoleHolder { role: *role });
            }
            for h in holders {
                add(
                    &mut out,
                    h,
                    Why::RoleHolder {
                        role: *role,
                        department,
                    },
                );
            }
        }
        Resolver::People { ids } => {
            for id in ids {
                add(&mut out, *id, Why::Named);
            }
        }
        Resolver::SubmitterChoice { max } => {
            let chosen = if for_cc {
                ctx.choices.cc.get(&step)
            } else {
                ctx.choices.approvers.get(&step)
            };
            let chosen = chosen.map(Vec::as_slice).unwrap_or_default();
            if chosen.is_empty() && !for_cc {
                return Err(RouteError::ChoiceMissing { step });
            }
            for id in chosen {
                add(&mut out, *id, Why::ChosenBySubmitter);
            }
            if !for_cc {
                check_choice(&out, step, *max, ctx)?;
            } else {
                out.truncate(usize::from(*max));
            }
        }
    }
    Ok(out)
}

fn check_choice(
    chosen: &[(EmployeeId, Why)],
    step: usize,
    max: u8,
    ctx: &Context,
) -> Result<(), RouteError> {
    if chosen.len() > usize::from(max) {
        return Err(RouteError::ChoiceTooMany { step, max });
    }
    for (employee, _) in chosen {
        let employee = *employee;
        if employee == ctx.submitter {
            return Err(RouteError::ChoiceIsSubmitter { step });
        }
        if !ctx.org.knows(employee) {
            return Err(RouteError::ChoiceUnknown { step, employee });
        }
        if !ctx.org.is_active(employee) {
            return Err(RouteError::ChoiceInactive { step, employee });
        }
    }
    Ok(())
}

/// The submitter's managers at levels 1 to `up_to`: for each level the department and
/// its heads (perhaps none), ending with `None` where the tree ends below `up_to`. Level 1 is the submitter's
/// department, or its parent when the submitter heads it.
fn managers(
    ctx: &Context,
    up_to: u8,
    note: &mut impl FnMut(Note),
) -> Vec<Option<(DepartmentId, Vec<EmployeeId>)>> {
    let org = ctx.org;
    let mut at = Some(ctx.department);
    if org.heads(ctx.department).contains(&ctx.submitter) {
        note(Note::SubmitterHeadsDepartment {
            department: ctx.department,
        });
        at = org.parent(ctx.department);
    }
    let mut out = Vec::with_capacity(usize::from(up_to));
    for level in 1..=up_to {
        match at {
            None => {
                note(Note::NoDepartmentAtLevel { level });
                out.push(None);
                // Higher levels are missing for the same reason; one note says it.
                break;
            }
            Some(d) => {
                out.push(Some((d, org.heads(d).to_vec())));
                at = org.parent(d);
            }
        }
    }
    out
}
