//! Routing 10,000 requests over a 2,000-person org, and driving each to its final
//! decision. Run with `cargo bench -p approvals`; prints the median of 5 runs per phase.

use approvals::*;
use chrono::{Duration, TimeZone, Utc};
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};
use std::hint::black_box;
use std::time::Instant;
use uuid::Uuid;

const PEOPLE: usize = 2_000;
const REQUESTS: usize = 10_000;
const RUNS: usize = 5;

struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// hq → 8 regions → 6 branches each → 4 teams each (249 departments); every department
/// has a head except one team in ten; 20 finance people in the finance department; two
/// admins; the rest spread over the teams.
fn org_chart() -> (OrgChart, Vec<EmployeeId>) {
    let mut n = 0u128;
    let mut next = || {
        n += 1;
        n
    };
    let mut chart = OrgChart::default();
    let mut people = Vec::new();
    let add_person =
        |chart: &mut OrgChart, id: u128, department: DepartmentId, roles: Vec<Role>| {
            let id = EmployeeId(Uuid::from_u128(id));
            chart.people.push(Person {
                id,
                department,
                roles,
                active: true,
            });
            id
        };
    let mut dept = |chart: &mut OrgChart, parent: Option<DepartmentId>, headless: bool| {
        let id = DepartmentId(Uuid::from_u128(next() << 64));
        chart.departments.push(DepartmentNode {
            id,
            parent,
            heads: Vec::new(),
        });
        if !headless {
            let head = add_person(chart, next(), id, vec![Role::Manager]);
            chart.departments.last_mut().unwrap().heads.push(head);
        }
        id
    };
    let hq = dept(&mut chart, None, false);
    let finance = dept(&mut chart, Some(hq), false);
    let mut teams = Vec::new();
    for _ in 0..8 {
        let region = dept(&mut chart, Some(hq), false);
        for _ in 0..6 {
            let branch = dept(&mut chart, Some(region), false);
            for t in 0..4 {
                teams.push(dept(
                    &mut chart,
                    Some(branch),
                    teams.len() % 10 == 9 && t > 0,
                ));
            }
        }
    }
    let mut seq = 1u128 << 100;
    for _ in 0..20 {
        seq += 1;
        add_person(&mut chart, seq, finance, vec![Role::Finance]);
    }
    for _ in 0..2 {
        seq += 1;
        let a = add_person(&mut chart, seq, hq, vec![Role::Admin]);
        chart.admins.push(a);
    }
    let mut i = 0;
    while chart.people.len() < PEOPLE {
        seq += 1;
        let p = add_person(&mut chart, seq, teams[i % teams.len()], vec![Role::Field]);
        people.push(p);
        i += 1;
    }
    (chart, people)
}

fn expense_flow() -> FlowDefinition {
    let step = |approvers, mode, when: Vec<Condition>, cc: Vec<Resolver>| StepDef {
        name: None,
        approvers,
        mode,
        when,
        cc,
    };
    let above = |yuan| Condition::Amount {
        op: Op::Gt,
        fen: Fen::yuan(yuan),
    };
    FlowDefinition {
        request_type: RequestType::parse(RequestType::EXPENSE).unwrap(),
        version: FlowVersion(1),
        steps: vec![
            step(Resolver::Manager { level: 1 }, Mode::Any, vec![], vec![]),
            step(
                Resolver::Manager { level: 2 },
                Mode::Any,
                vec![above(2_000)],
                vec![],
            ),
            step(
                Resolver::ManagerChain { levels: 2 },
                Mode::Sequential,
                vec![above(20_000)],
                vec![],
            ),
            step(
                Resolver::Role {
                    role: Role::Finance,
                    within: RoleScope::Tenant,
                },
                Mode::Any,
                vec![above(500)],
                vec![Resolver::Manager { level: 3 }],
            ),
        ],
    }
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let (chart, people) = org_chart();
    let flow = expense_flow();
    flow.validate().unwrap();
    let rules = ExceptionRules::default();
    let t0 = Utc.with_ymd_and_hms(2026, 11, 2, 1, 0, 0).unwrap();
    let mut rng = Lcg(7);
    let requests: Vec<(EmployeeId, Fen)> = (0..REQUESTS)
        .map(|_| {
            let who = people[rng.below(people.len())];
            (who, Fen(rng.below(3_000_000) as i64))
        })
        .collect();
    println!(
        "org: {} people, {} departments; {} requests of random amounts up to ¥30,000",
        chart.people.len(),
        chart.departments.len(),
        REQUESTS
    );

    let (mut index_ms, mut submit_ms, mut drive_ms, mut json_ms) = (vec![], vec![], vec![], vec![]);
    let (mut events, mut decisions, mut bytes) = (0, 0, 0);
    for _ in 0..RUNS {
        let t = Instant::now();
        let org = black_box(chart.clone().index().unwrap());
        index_ms.push(t.elapsed().as_secs_f64() * 1e3);

        let t = Instant::now();
        let mut open: Vec<Transition> = requests
            .iter()
            .map(|(who, amount)| {
                let submission = Submission {
                    facts: RequestFacts {
                        amount: Some(*amount),
                        ..RequestFacts::default()
                    },
                    choices: Choices::default(),
                };
                Instance::submit(&flow, &org, &rules, *who, submission, t0).unwrap()
            })
            .collect();
        submit_ms.push(t.elapsed().as_secs_f64() * 1e3);

        // Every request to its end: the first person it waits for approves, one in
        // twenty decisions is a rejection.
        let t = Instant::now();
        events = 0;
        decisions = 0;
        for (k, tr) in open.iter_mut().enumerate() {
            events += tr.events.len();
            let mut minute = 0;
            while tr.instance.status == Status::InProgress {
                minute += 1;
                let who = tr.instance.waiting_for()[0];
                let at = t0 + Duration::minutes(minute);
                let next = if (k + minute as usize).is_multiple_of(20) {
                    tr.instance.reject(who, Some("no"), at, &rules)
                } else {
                    tr.instance.approve(who, Some("ok"), at, &rules)
                }
                .unwrap();
                events += next.events.len();
                decisions += 1;
                *tr = next;
            }
        }
        drive_ms.push(t.elapsed().as_secs_f64() * 1e3);

        let t = Instant::now();
        bytes = 0;
        for tr in &open {
            let json = serde_json::to_vec(&tr.instance).unwrap();
            bytes += json.len();
            black_box(serde_json::from_slice::<Instance>(&json).unwrap());
        }
        json_ms.push(t.elapsed().as_secs_f64() * 1e3);
    }
    let per = |ms: f64| ms * 1e3 / REQUESTS as f64;
    let (i, s, d, j) = (
        median(index_ms),
        median(submit_ms),
        median(drive_ms),
        median(json_ms),
    );
    println!("index the org chart:                 {i:8.2} ms");
    println!(
        "submit (route resolved up front):    {s:8.1} ms  ({:.1} µs per request)",
        per(s)
    );
    println!(
        "decide to the end ({decisions} decisions): {d:8.1} ms  ({:.1} µs per request)",
        per(d)
    );
    println!("  ({events} events in the last run)");
    println!(
        "instance JSON write + read:          {j:8.1} ms  ({:.0} bytes per instance on average)",
        bytes / REQUESTS
    );
}
