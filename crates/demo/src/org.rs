//! The sales organisation: a 上海销售部 with a 浦东 and a 浦西 group, an
//! admin, a manager per department and the field reps.

use std::collections::HashSet;

use crate::people::Registry;
use crate::rng::Dice;
use crate::{DemoDepartment, DemoEmployee, DemoRole};

pub(crate) const EMAIL_DOMAIN: &str = "qiming-fmcg.example";

pub(crate) const ROOT: usize = 0;
pub(crate) const PUDONG: usize = 1;
pub(crate) const PUXI: usize = 2;

pub(crate) const PUDONG_REPS: usize = 12;
pub(crate) const PUXI_REPS: usize = 13;

pub(crate) fn departments() -> Vec<DemoDepartment> {
    vec![
        DemoDepartment {
            name: "上海销售部".into(),
            parent: None,
        },
        DemoDepartment {
            name: "浦东销售组".into(),
            parent: Some(ROOT),
        },
        DemoDepartment {
            name: "浦西销售组".into(),
            parent: Some(ROOT),
        },
    ]
}

/// Admin first, then the managers of 上海销售部, 浦东 and 浦西, then the reps
/// of each group.
pub(crate) fn employees(dice: &mut Dice, registry: &mut Registry) -> Vec<DemoEmployee> {
    let mut slots = vec![(ROOT, DemoRole::Admin)];
    slots.extend([ROOT, PUDONG, PUXI].map(|d| (d, DemoRole::Manager)));
    slots.extend([(PUDONG, DemoRole::Field); PUDONG_REPS]);
    slots.extend([(PUXI, DemoRole::Field); PUXI_REPS]);

    let mut usernames = HashSet::new();
    slots
        .into_iter()
        .enumerate()
        .map(|(i, (department, role))| {
            let person = registry.unique_person(dice);
            let username = if role == DemoRole::Admin {
                "admin".to_string()
            } else {
                (1..)
                    .map(|n| match n {
                        1 => person.pinyin.clone(),
                        n => format!("{}{n}", person.pinyin),
                    })
                    .find(|u| u != "admin" && !usernames.contains(u))
                    .expect("an unbounded counter finds a free name")
            };
            usernames.insert(username.clone());
            DemoEmployee {
                name: person.name,
                email: format!("{username}@{EMAIL_DOMAIN}"),
                username,
                phone: registry.unique_phone(dice),
                employee_no: format!("E{:04}", i + 1),
                department,
                role,
            }
        })
        .collect()
}

/// The finance clerk of 上海销售部, who reads attendance and mileage.
pub(crate) fn finance_clerk(
    dice: &mut Dice,
    registry: &mut Registry,
    others: &[DemoEmployee],
) -> DemoEmployee {
    let person = registry.unique_person(dice);
    let username = (1..)
        .map(|n| match n {
            1 => person.pinyin.clone(),
            n => format!("{}{n}", person.pinyin),
        })
        .find(|u| u != "admin" && !others.iter().any(|e| &e.username == u))
        .expect("an unbounded counter finds a free name");
    DemoEmployee {
        name: person.name,
        email: format!("{username}@{EMAIL_DOMAIN}"),
        username,
        phone: registry.unique_phone(dice),
        employee_no: format!("E{:04}", others.len() + 1),
        department: ROOT,
        role: DemoRole::Finance,
    }
}
