//! Test helpers: an org chart written as text, flows built from short helpers, and a
//! one-line summary of a resolved route that tables can compare.

#![allow(dead_code)]

use approvals::*;
use chrono::{DateTime, Duration, TimeZone, Utc};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use std::collections::HashMap;
use uuid::Uuid;

fn hash(s: &str) -> u128 {
    // FNV-1a: stable ids from names, so a table can name people who are not in the org.
    let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
    for b in s.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000000001000000000000000000013B);
    }
    h
}

pub fn pid(name: &str) -> EmployeeId {
    EmployeeId(Uuid::from_u128(hash(&format!("person:{name}"))))
}

pub fn did(name: &str) -> DepartmentId {
    DepartmentId(Uuid::from_u128(hash(&format!("dept:{name}"))))
}

/// An org chart and the names of its people and departments.
pub struct World {
    pub chart: OrgChart,
    pub org: Org,
    names: HashMap<EmployeeId, String>,
}

/// The company most cases use:
///
/// ```text
/// hq (ceo) ─┬─ sales (vp) ─┬─ east (east_boss, east_mgr: manager) ─┬─ sh (sh_boss): rep_sh
///           │              │                                      └─ hz (no head): rep_hz
///           │              └─ west (west_boss + west_co): rep_w
///           ├─ finance (cfo): fin1, fin2 (finance)
///           ├─ ops (ceo again): rep_ops
///           └─ north (old_boss, deactivated): rep_n
/// admin: admin1 (in hq); gone: a deactivated rep in sh
/// ```
pub const COMPANY: &str = "
dept hq head ceo
dept sales < hq head vp
dept east < sales head east_boss
dept sh < east head sh_boss
dept hz < east
dept west < sales head west_boss,west_co
dept finance < hq head cfo
dept ops < hq head ceo
dept north < hq head old_boss
person ceo in hq roles manager
person admin1 in hq roles admin
person vp in sales roles manager
person east_boss in east roles manager
person east_mgr in east roles manager
person sh_boss in sh roles manager
person rep_sh in sh roles field
person rep_hz in hz roles field
person west_boss in west roles manager
person west_co in west roles manager
person rep_w in west roles field
person cfo in finance roles manager,finance
person fin1 in finance roles finance
person fin2 in finance roles finance
person rep_ops in ops roles field
person old_boss in north roles manager inactive
person rep_n in north roles field
person gone in sh roles field inactive
admin admin1
";

impl World {
    pub fn company() -> World {
        World::parse(COMPANY).expect("the company chart is valid")
    }

    /// `dept NAME [< PARENT] [head A,B]`, `person NAME in DEPT [roles R,S] [inactive]`,
    /// `admin NAME`.
    pub fn parse(text: &str) -> Result<World, OrgError> {
        let mut chart = OrgChart::default();
        let mut names = HashMap::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words[0] {
                "dept" => {
                    let mut node = DepartmentNode {
                        id: did(words[1]),
                        parent: None,
                        heads: Vec::new(),
                    };
                    let mut i = 2;
                    while i < words.len() {
                        match words[i] {
                            "<" => node.parent = Some(did(words[i + 1])),
                            "head" => {
                                node.heads = words[i + 1].split(',').map(pid).collect();
                            }
                            other => panic!("unknown word {other} in {line}"),
                        }
                        i += 2;
                    }
                    chart.departments.push(node);
                }
                "person" => {
                    assert_eq!(words[2], "in", "{line}");
                    let mut p = Person {
                        id: pid(words[1]),
                        department: did(words[3]),
                        roles: Vec::new(),
                        active: true,
                    };
                    names.insert(p.id, words[1].to_owned());
                    let mut i = 4;
                    while i < words.len() {
                        match words[i] {
                            "roles" => {
                                p.roles = words[i + 1]
                                    .split(',')
                                    .map(|r| Role::parse(r).unwrap())
                                    .collect();
                                i += 2;
                            }
                            "inactive" => {
                                p.active = false;
                                i += 1;
                            }
                            other => panic!("unknown word {other} in {line}"),
                        }
                    }
                    chart.people.push(p);
                }
                "admin" => chart.admins.push(pid(words[1])),
                other => panic!("unknown line kind {other}"),
            }
        }
        let org = chart.clone().index()?;
        Ok(World { chart, org, names })
    }

    pub fn name(&self, id: EmployeeId) -> String {
        self.names.get(&id).cloned().unwrap_or_else(|| "?".into())
    }

    pub fn names(&self, ids: &[EmployeeId]) -> String {
        ids.iter()
            .map(|i| self.name(*i))
            .collect::<Vec<_>>()
            .join(",")
    }

    /// The org after `name` was deactivated.
    pub fn without(&self, name: &str) -> Org {
        let mut org = self.org.clone();
        org.set_active(pid(name), false);
        org
    }

    /// One line per step of a resolved route: `any[a,b]`, `seq[x→admin1]`,
    /// `skip:condition#0`, `skip:no_approver`, `skip:submitter_only`, `auto:no_approver`,
    /// with ` cc[..]` when someone is copied; steps joined by ` | `.
    pub fn summary(&self, route: &[StepState]) -> String {
        route
            .iter()
            .map(|s| {
                let mut text = match s.status {
                    StepStatus::Skipped {
                        reason: SkipReason::ConditionNotMet { condition },
                    } => format!("skip:condition#{condition}"),
                    StepStatus::Skipped {
                        reason: SkipReason::NoApproverFound,
                    } => "skip:no_approver".into(),
                    StepStatus::Skipped {
                        reason: SkipReason::SubmitterOnlyApprover,
                    } => "skip:submitter_only".into(),
                    StepStatus::AutoApproved { .. } => "auto:no_approver".into(),
                    _ => {
                        let mode = match s.mode {
                            Mode::Any => "any",
                            Mode::All => "all",
                            Mode::Sequential => "seq",
                        };
                        let seats: Vec<String> = s
                            .seats
                            .iter()
                            .map(|seat| {
                                if seat.stand_ins.is_empty() {
                                    self.name(seat.employee)
                                } else {
                                    format!(
                                        "{}→{}",
                                        self.name(seat.employee),
                                        self.names(&seat.stand_ins).replace(',', "+")
                                    )
                                }
                            })
                            .collect();
                        format!("{mode}[{}]", seats.join(","))
                    }
                };
                if !s.cc.is_empty() {
                    let cc: Vec<EmployeeId> = s.cc.iter().map(|c| c.employee).collect();
                    text.push_str(&format!(" cc[{}]", self.names(&cc)));
                }
                text
            })
            .collect::<Vec<_>>()
            .join(" | ")
    }
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap()
}

pub fn at_min(minutes: i64) -> DateTime<Utc> {
    t0() + Duration::minutes(minutes)
}

pub fn flow(steps: Vec<StepDef>) -> FlowDefinition {
    FlowDefinition {
        request_type: RequestType::parse(RequestType::EXPENSE).unwrap(),
        version: FlowVersion(1),
        steps,
    }
}

pub fn step(approvers: Resolver, mode: Mode) -> StepDef {
    StepDef {
        name: None,
        approvers,
        mode,
        when: Vec::new(),
        cc: Vec::new(),
    }
}

pub trait StepExt {
    fn when(self, c: Condition) -> Self;
    fn cc(self, r: Resolver) -> Self;
    fn named(self, name: &str) -> Self;
}

impl StepExt for StepDef {
    fn when(mut self, c: Condition) -> Self {
        self.when.push(c);
        self
    }
    fn cc(mut self, r: Resolver) -> Self {
        self.cc.push(r);
        self
    }
    fn named(mut self, name: &str) -> Self {
        self.name = Some(name.into());
        self
    }
}

pub fn manager(level: u8) -> Resolver {
    Resolver::Manager { level }
}

pub fn chain(levels: u8) -> Resolver {
    Resolver::ManagerChain { levels }
}

pub fn role(role: Role, within: RoleScope) -> Resolver {
    Resolver::Role { role, within }
}

pub fn finance() -> Resolver {
    role(Role::Finance, RoleScope::Tenant)
}

pub fn people(names: &[&str]) -> Resolver {
    Resolver::People {
        ids: names.iter().map(|n| pid(n)).collect(),
    }
}

pub fn choice(max: u8) -> Resolver {
    Resolver::SubmitterChoice { max }
}

pub fn amount(op: Op, yuan: i64) -> Condition {
    Condition::Amount {
        op,
        fen: Fen::yuan(yuan),
    }
}

pub fn within(dept: &str) -> Condition {
    Condition::SubmitterIn {
        department: did(dept),
    }
}

pub fn field(key: &str, op: Op, value: FieldValue) -> Condition {
    Condition::Field {
        key: key.into(),
        op,
        value,
    }
}

pub fn costing(yuan: i64) -> RequestFacts {
    RequestFacts {
        amount: Some(Fen::yuan(yuan)),
        ..RequestFacts::default()
    }
}

pub fn with_field(key: &str, value: FieldValue) -> RequestFacts {
    let mut f = RequestFacts::default();
    f.fields.insert(key.into(), value);
    f
}

pub fn choosing(step: usize, names: &[&str]) -> Choices {
    let mut c = Choices::default();
    c.approvers
        .insert(step, names.iter().map(|n| pid(n)).collect());
    c
}

pub fn rules(no_approver: NoApprover) -> ExceptionRules {
    ExceptionRules {
        no_approver,
        ..ExceptionRules::default()
    }
}

/// The route of the round a transition opened.
pub fn opened_route(t: &Transition) -> &[StepState] {
    t.events
        .iter()
        .find_map(|e| match &e.what {
            EventKind::Submitted { route, .. } | EventKind::Resubmitted { route, .. } => {
                Some(route.as_slice())
            }
            _ => None,
        })
        .expect("a submission event")
}
