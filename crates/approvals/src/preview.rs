//! A flow in one readable line, in Chinese or English, for the settings form:
//! "金额 > ¥2,000 → 部门负责人，然后财务" / "amount > ¥2,000 → department head, then finance".
//! Names of people, departments and request fields come from the caller.

use crate::flow::{Condition, FieldValue, FlowDefinition, Mode, Resolver, RoleScope, StepDef};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    Zh,
    En,
}

/// Display names the preview may use, in the preview's language.
#[derive(Clone, Debug, Default)]
pub struct NameBook {
    pub people: HashMap<EmployeeId, String>,
    pub departments: HashMap<DepartmentId, String>,
    /// Request field labels by key (`days` → "请假天数").
    pub fields: HashMap<String, String>,
}

/// The whole flow. Consecutive steps with the same conditions share them; a conditional
/// part of a longer flow is bracketed.
pub fn preview(flow: &FlowDefinition, lang: Lang, names: &NameBook) -> String {
    if flow.steps.is_empty() {
        return match lang {
            Lang::Zh => "无需审批，提交即通过".into(),
            Lang::En => "no approval needed: approved on submission".into(),
        };
    }
    let mut groups: Vec<(&[Condition], Vec<&StepDef>)> = Vec::new();
    for step in &flow.steps {
        match groups.last_mut() {
            Some((when, steps)) if *when == step.when.as_slice() => steps.push(step),
            _ => groups.push((step.when.as_slice(), vec![step])),
        }
    }
    let then = match lang {
        Lang::Zh => "，然后",
        Lang::En => ", then ",
    };
    let alone = groups.len() == 1;
    groups
        .iter()
        .map(|(when, steps)| {
            let chain = steps
                .iter()
                .map(|s| describe_step(s, lang, names))
                .collect::<Vec<_>>()
                .join(then);
            if when.is_empty() {
                return chain;
            }
            let text = format!("{} → {chain}", describe_conditions(when, lang, names));
            match (alone, lang) {
                (true, _) => text,
                (false, Lang::Zh) => format!("【{text}】"),
                (false, Lang::En) => format!("[{text}]"),
            }
        })
        .collect::<Vec<_>>()
        .join(then)
}

/// One step without its conditions: its name, who approves and how, who is copied.
pub fn describe_step(step: &StepDef, lang: Lang, names: &NameBook) -> String {
    let who = describe_resolver(&step.approvers, lang, names);
    let mut text = match &step.name {
        Some(name) => match lang {
            Lang::Zh => format!("{name}（{who}）"),
            Lang::En => format!("{name} ({who})"),
        },
        None => who,
    };
    // "finance" reads as any one of them (或签); the other modes are said.
    if may_name_several(&step.approvers) {
        text.push_str(match (step.mode, lang) {
            (Mode::Any, _) => "",
            (Mode::All, Lang::Zh) => "（会签）",
            (Mode::Sequential, Lang::Zh) => "（依次审批）",
            (Mode::All, Lang::En) => " (all)",
            (Mode::Sequential, Lang::En) => " (one after another)",
        });
    }
    if !step.cc.is_empty() {
        let sep = match lang {
            Lang::Zh => "、",
            Lang::En => ", ",
        };
        let cc = step
            .cc
            .iter()
            .map(|r| describe_resolver(r, lang, names))
            .collect::<Vec<_>>()
            .join(sep);
        match lang {
            Lang::Zh => text.push_str(&format!("（抄送：{cc}）")),
            Lang::En => text.push_str(&format!(" (CC: {cc})")),
        }
    }
    text
}

fn may_name_several(r: &Resolver) -> bool {
    match r {
        Resolver::Manager { .. } => false,
        Resolver::ManagerChain { levels } => *levels > 1,
        Resolver::Role { .. } => true,
        Resolver::People { ids } => ids.len() > 1,
        Resolver::SubmitterChoice { max } => *max > 1,
    }
}

pub fn describe_resolver(r: &Resolver, lang: Lang, names: &NameBook) -> String {
    match (r, lang) {
        (Resolver::Manager { level: 1 }, Lang::Zh)
        | (Resolver::ManagerChain { levels: 1 }, Lang::Zh) => "部门负责人".into(),
        (Resolver::Manager { level: 1 }, Lang::En)
        | (Resolver::ManagerChain { levels: 1 }, Lang::En) => "department head".into(),
        (Resolver::Manager { level }, Lang::Zh) => format!("第{level}级部门负责人"),
        (Resolver::Manager { level }, Lang::En) => format!("level-{level} department head"),
        (Resolver::ManagerChain { levels }, Lang::Zh) => {
            format!("逐级部门负责人（至第{levels}级）")
        }
        (Resolver::ManagerChain { levels }, Lang::En) => {
            format!("department heads up to level {levels}")
        }
        (Resolver::Role { role, within }, _) => {
            let role = role_label(*role, lang);
            match (within, lang) {
                (RoleScope::Tenant, _) => role.into(),
                (RoleScope::SubmitterDepartment, Lang::Zh) => format!("发起人部门的{role}"),
                (RoleScope::SubmitterDepartment, Lang::En) => {
                    format!("{role} of the submitter's department")
                }
                (RoleScope::NearestAbove, Lang::Zh) => format!("发起人部门或最近上级部门的{role}"),
                (RoleScope::NearestAbove, Lang::En) => {
                    format!("{role} of the submitter's department or the nearest above it")
                }
                (RoleScope::Department { id }, Lang::Zh) => {
                    format!("{}的{role}", department(*id, lang, names))
                }
                (RoleScope::Department { id }, Lang::En) => {
                    format!("{role} of {}", department(*id, lang, names))
                }
            }
        }
        (Resolver::People { ids }, _) => {
            let sep = match lang {
                Lang::Zh => "、",
                Lang::En => ", ",
            };
            ids.iter()
                .map(|id| {
                    names.people.get(id).cloned().unwrap_or_else(|| {
                        match lang {
                            Lang::Zh => "（未知人员）",
                            Lang::En => "(unknown person)",
                        }
                        .into()
                    })
                })
                .collect::<Vec<_>>()
                .join(sep)
        }
        (Resolver::SubmitterChoice { max: 1 }, Lang::Zh) => "发起人自选".into(),
        (Resolver::SubmitterChoice { max: 1 }, Lang::En) => "chosen by the submitter".into(),
        (Resolver::SubmitterChoice { max }, Lang::Zh) => format!("发起人自选（最多{max}人）"),
        (Resolver::SubmitterChoice { max }, Lang::En) => {
            format!("up to {max} chosen by the submitter")
        }
    }
}

fn role_label(role: Role, lang: Lang) -> &'static str {
    match (role, lang) {
        (Role::Admin, Lang::Zh) => "管理员",
        (Role::Manager, Lang::Zh) => "主管",
        (Role::Field, Lang::Zh) => "外勤人员",
        (Role::Finance, Lang::Zh) => "财务",
        (Role::Admin, Lang::En) => "admin",
        (Role::Manager, Lang::En) => "manager",
        (Role::Field, Lang::En) => "field rep",
        (Role::Finance, Lang::En) => "finance",
    }
}

fn department(id: DepartmentId, lang: Lang, names: &NameBook) -> String {
    names.departments.get(&id).cloned().unwrap_or_else(|| {
        match lang {
            Lang::Zh => "（未知部门）",
            Lang::En => "(unknown department)",
        }
        .into()
    })
}

pub fn describe_conditions(when: &[Condition], lang: Lang, names: &NameBook) -> String {
    let and = match lang {
        Lang::Zh => "且",
        Lang::En => " and ",
    };
    when.iter()
        .map(|c| describe_condition(c, lang, names))
        .collect::<Vec<_>>()
        .join(and)
}

fn describe_condition(c: &Condition, lang: Lang, names: &NameBook) -> String {
    match (c, lang) {
        (Condition::Amount { op, fen }, Lang::Zh) => format!("金额 {} {fen}", op.symbol()),
        (Condition::Amount { op, fen }, Lang::En) => format!("amount {} {fen}", op.symbol()),
        (Condition::SubmitterIn { department: d }, Lang::Zh) => {
            format!("发起人属于{}", department(*d, lang, names))
        }
        (Condition::SubmitterIn { department: d }, Lang::En) => {
            format!("submitter in {}", department(*d, lang, names))
        }
        (Condition::Field { key, op, value }, _) => {
            let label = names.fields.get(key).map_or(key.as_str(), String::as_str);
            let value = match (value, lang) {
                (FieldValue::Bool(true), Lang::Zh) => "是".into(),
                (FieldValue::Bool(false), Lang::Zh) => "否".into(),
                (FieldValue::Bool(true), Lang::En) => "yes".into(),
                (FieldValue::Bool(false), Lang::En) => "no".into(),
                (FieldValue::Number(n), _) => n.to_string(),
                (FieldValue::Text(t), _) => t.clone(),
            };
            format!("{label} {} {value}", op.symbol())
        }
    }
}
