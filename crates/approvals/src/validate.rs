//! Checks a flow definition before it is stored: every problem named by its field
//! (`steps[2].approvers.level`), in the project's problem vocabulary.

use crate::flow::{Condition, FieldValue, FlowDefinition, Resolver, RoleScope, StepDef};
use crate::org::Org;
use crate::request_type::is_key;
use domain::{Format, Invalid, Problem};
use std::collections::HashSet;

pub const MAX_STEPS: usize = 20;
pub const MAX_LEVEL: u8 = 10;
pub const MAX_PEOPLE: usize = 50;
pub const MAX_CHOICE: u8 = 20;
pub const MAX_CONDITIONS: usize = 10;
pub const MAX_CC: usize = 10;
pub const MAX_NAME_CHARS: usize = 50;

impl FlowDefinition {
    /// The definition's own shape: limits, ranges, keys, duplicates.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut bad = Invalid::default();
        if self.version.0 == 0 {
            bad.push("version", Problem::BelowMin { min: 1.0 });
        }
        if self.steps.len() > MAX_STEPS {
            bad.push("steps", Problem::TooMany { max: MAX_STEPS });
        }
        for (i, step) in self.steps.iter().enumerate() {
            check_step(step, &format!("steps[{i}]."), &mut bad);
        }
        bad.into_result(|| ())
    }

    /// Every department and person the definition names exists in `org` (and named
    /// people are active): what a stored definition is checked against when saved.
    pub fn validate_references(&self, org: &Org) -> Result<(), Invalid> {
        let mut bad = Invalid::default();
        for (i, step) in self.steps.iter().enumerate() {
            let at = format!("steps[{i}].");
            check_resolver_refs(&step.approvers, &format!("{at}approvers."), org, &mut bad);
            for (j, cc) in step.cc.iter().enumerate() {
                check_resolver_refs(cc, &format!("{at}cc[{j}]."), org, &mut bad);
            }
            for (j, c) in step.when.iter().enumerate() {
                if let Condition::SubmitterIn { department } = c
                    && !org.has_department(*department)
                {
                    bad.push(format!("{at}when[{j}].department"), Problem::NotFound);
                }
            }
        }
        bad.into_result(|| ())
    }
}

fn check_step(step: &StepDef, at: &str, bad: &mut Invalid) {
    if let Some(name) = &step.name
        && let Err(p) = domain::tenant::clean_name(name, MAX_NAME_CHARS)
    {
        bad.push(format!("{at}name"), p);
    }
    check_resolver(&step.approvers, &format!("{at}approvers."), bad);
    if step.cc.len() > MAX_CC {
        bad.push(format!("{at}cc"), Problem::TooMany { max: MAX_CC });
    }
    for (j, cc) in step.cc.iter().enumerate() {
        check_resolver(cc, &format!("{at}cc[{j}]."), bad);
        if step.cc[..j].contains(cc) {
            bad.push(format!("{at}cc[{j}]"), Problem::Duplicate);
        }
    }
    if step.when.len() > MAX_CONDITIONS {
        bad.push(
            format!("{at}when"),
            Problem::TooMany {
                max: MAX_CONDITIONS,
            },
        );
    }
    for (j, c) in step.when.iter().enumerate() {
        check_condition(c, &format!("{at}when[{j}]."), bad);
    }
}

fn check_resolver(r: &Resolver, at: &str, bad: &mut Invalid) {
    let level_range = Problem::range(1.0, f64::from(MAX_LEVEL), "");
    match r {
        Resolver::Manager { level } if !(1..=MAX_LEVEL).contains(level) => {
            bad.push(format!("{at}level"), level_range);
        }
        Resolver::ManagerChain { levels } if !(1..=MAX_LEVEL).contains(levels) => {
            bad.push(format!("{at}levels"), level_range);
        }
        Resolver::People { ids } => {
            if ids.is_empty() {
                bad.push(format!("{at}ids"), Problem::Required);
            } else if ids.len() > MAX_PEOPLE {
                bad.push(format!("{at}ids"), Problem::TooMany { max: MAX_PEOPLE });
            }
            let mut seen = HashSet::new();
            for (k, id) in ids.iter().enumerate() {
                if !seen.insert(id) {
                    bad.push(format!("{at}ids[{k}]"), Problem::Duplicate);
                }
            }
        }
        Resolver::SubmitterChoice { max } if !(1..=MAX_CHOICE).contains(max) => {
            bad.push(
                format!("{at}max"),
                Problem::range(1.0, f64::from(MAX_CHOICE), ""),
            );
        }
        _ => {}
    }
}

fn check_condition(c: &Condition, at: &str, bad: &mut Invalid) {
    match c {
        Condition::Amount { fen, .. } if fen.0 < 0 => {
            bad.push(format!("{at}fen"), Problem::BelowMin { min: 0.0 });
        }
        Condition::Field { key, op, value } => {
            if !is_key(key) {
                bad.push(format!("{at}key"), Problem::format(Format::FieldKey));
            }
            match value {
                FieldValue::Number(n) if !n.is_finite() => {
                    bad.push(format!("{at}value"), Problem::format(Format::Number));
                }
                FieldValue::Number(_) => {}
                _ if op.is_ordering() => {
                    bad.push(format!("{at}value"), Problem::format(Format::Number));
                }
                FieldValue::Text(t) if t.chars().count() > 200 => {
                    bad.push(format!("{at}value"), Problem::TooLong { max: 200 });
                }
                _ => {}
            }
        }
        _ => {}
    }
}

fn check_resolver_refs(r: &Resolver, at: &str, org: &Org, bad: &mut Invalid) {
    match r {
        Resolver::People { ids } => {
            for (k, id) in ids.iter().enumerate() {
                if !org.is_active(*id) {
                    bad.push(format!("{at}ids[{k}]"), Problem::NotFound);
                }
            }
        }
        Resolver::Role {
            within: RoleScope::Department { id },
            ..
        } if !org.has_department(*id) => {
            bad.push(format!("{at}in.id"), Problem::NotFound);
        }
        _ => {}
    }
}
