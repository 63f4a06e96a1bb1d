//! Property-style checks over random org charts, flows and command sequences (a seeded
//! generator, so a failure names the seed that reproduces it): the log always replays to
//! the state, an in-progress request always waits for someone, every ended round has
//! exactly one final event, and a finished request accepts no decision.

mod common;

use approvals::*;
use common::*;
use domain::employee::Role;
use domain::{DepartmentId, EmployeeId};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

struct Scenario {
    chart: OrgChart,
    people: Vec<EmployeeId>,
    flow: FlowDefinition,
    rules: ExceptionRules,
    submitter: EmployeeId,
    submission: Submission,
}

fn scenario(rng: &mut Rng) -> Scenario {
    let depts: Vec<DepartmentId> = (0..2 + rng.below(10))
        .map(|i| did(&format!("d{i}")))
        .collect();
    let people: Vec<EmployeeId> = (0..4 + rng.below(20))
        .map(|i| pid(&format!("p{i}")))
        .collect();
    let mut chart = OrgChart::default();
    for (i, d) in depts.iter().enumerate() {
        let parent = (i > 0 && rng.chance(90)).then(|| depts[rng.below(i)]);
        let heads = (0..rng.below(3)).map(|_| rng.pick(&people)).collect();
        chart.departments.push(DepartmentNode {
            id: *d,
            parent,
            heads,
        });
    }
    for p in &people {
        let roles = Role::ALL
            .iter()
            .copied()
            .filter(|_| rng.chance(25))
            .collect();
        chart.people.push(Person {
            id: *p,
            department: rng.pick(&depts),
            roles,
            active: rng.chance(90),
        });
    }
    chart.admins = (0..rng.below(3)).map(|_| rng.pick(&people)).collect();
    let active: Vec<EmployeeId> = chart
        .people
        .iter()
        .filter(|p| p.active)
        .map(|p| p.id)
        .collect();
    let submitter = if active.is_empty() {
        people[0]
    } else {
        rng.pick(&active)
    };

    let mut steps = Vec::new();
    let mut choices = Choices::default();
    for i in 0..rng.below(5) {
        let approvers = random_resolver(rng, &people, &depts);
        if let Resolver::SubmitterChoice { max } = approvers {
            let n = 1 + rng.below(usize::from(max));
            choices
                .approvers
                .insert(i, (0..n).map(|_| rng.pick(&people)).collect());
        }
        let mode = rng.pick(&[Mode::Any, Mode::All, Mode::Sequential]);
        let mut s = step(approvers, mode);
        if rng.chance(30) {
            s = s.when(amount(
                rng.pick(&[Op::Gt, Op::Le, Op::Eq]),
                rng.below(5) as i64 * 1000,
            ));
        }
        if rng.chance(15) {
            s = s.when(within(&format!("d{}", rng.below(depts.len()))));
        }
        if rng.chance(30) {
            let cc = random_resolver(rng, &people, &depts);
            if !matches!(cc, Resolver::SubmitterChoice { .. }) {
                s = s.cc(cc);
            }
        }
        steps.push(s);
    }
    let rules = ExceptionRules {
        no_approver: rng.pick(&[NoApprover::Skip, NoApprover::Admin, NoApprover::AutoApprove]),
        skip_submitter: rng.chance(80),
        decide_once: rng.chance(70),
    };
    let amount = rng.chance(80).then(|| Fen::yuan(rng.below(6000) as i64));
    Scenario {
        chart,
        people,
        flow: flow(steps),
        rules,
        submitter,
        submission: Submission {
            facts: RequestFacts {
                amount,
                ..RequestFacts::default()
            },
            choices,
        },
    }
}

fn random_resolver(rng: &mut Rng, people: &[EmployeeId], depts: &[DepartmentId]) -> Resolver {
    match rng.below(6) {
        0 => manager(1 + rng.below(4) as u8),
        1 => chain(1 + rng.below(3) as u8),
        2 => role(
            rng.pick(&Role::ALL),
            match rng.below(4) {
                0 => RoleScope::Tenant,
                1 => RoleScope::SubmitterDepartment,
                2 => RoleScope::NearestAbove,
                _ => RoleScope::Department {
                    id: rng.pick(depts),
                },
            },
        ),
        3 => Resolver::People {
            ids: (0..1 + rng.below(3))
                .map(|_| rng.pick(people))
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        },
        4 => choice(1 + rng.below(2) as u8),
        _ => manager(1),
    }
}

fn check(instance: &Instance, log: &[Event], seed: u64) {
    assert_eq!(
        &Instance::replay(log).unwrap(),
        instance,
        "seed {seed}: replay"
    );
    let json = serde_json::to_string(instance).unwrap();
    assert_eq!(
        &serde_json::from_str::<Instance>(&json).unwrap(),
        instance,
        "seed {seed}: json"
    );
    let round = instance.round();
    assert_eq!(
        instance.status.is_final(),
        round.ended.is_some(),
        "seed {seed}"
    );
    if instance.status == Status::InProgress {
        assert!(
            instance.current_step().is_some(),
            "seed {seed}: in progress without a current step"
        );
        assert!(
            !instance.waiting_for().is_empty(),
            "seed {seed}: in progress, waiting for no one"
        );
    }
    for r in &instance.rounds {
        let finals = log
            .iter()
            .filter(|e| {
                e.round == r.number
                    && matches!(
                        e.what,
                        EventKind::Finished { .. } | EventKind::Withdrawn { .. }
                    )
            })
            .count();
        assert_eq!(
            finals,
            usize::from(r.ended.is_some()),
            "seed {seed}: round {} final events",
            r.number
        );
        let rejected = r
            .steps
            .iter()
            .filter(|s| s.status == StepStatus::Rejected)
            .count();
        match r.ended.as_ref().map(|e| e.status) {
            Some(Status::Approved) => assert!(
                r.steps.iter().all(|s| matches!(
                    s.status,
                    StepStatus::Approved
                        | StepStatus::AutoApproved { .. }
                        | StepStatus::Skipped { .. }
                )),
                "seed {seed}: approved with an undecided step"
            ),
            Some(Status::Rejected) => assert_eq!(rejected, 1, "seed {seed}"),
            _ => assert_eq!(rejected, 0, "seed {seed}"),
        }
        for s in r.steps.iter().filter(|s| s.status == StepStatus::Approved) {
            assert_eq!(
                s.outcome(),
                StepOutcome::Passed,
                "seed {seed}: approved step not passed"
            );
        }
    }
}

#[test]
fn random_requests_keep_the_invariants() {
    let (mut routed, mut refused, mut finished) = (0, 0, [0usize; 4]);
    let mut seen = std::collections::BTreeMap::<&str, usize>::new();
    for seed in 1..=600u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
        let s = scenario(&mut rng);
        let Ok(mut org) = s.chart.clone().index() else {
            continue;
        };
        let t = match Instance::submit(
            &s.flow,
            &org,
            &s.rules,
            s.submitter,
            s.submission.clone(),
            t0(),
        ) {
            Ok(t) => t,
            Err(_) => {
                refused += 1;
                continue;
            }
        };
        routed += 1;
        let mut log = t.events.clone();
        let mut instance = t.instance;
        check(&instance, &log, seed);
        for n in 1..=40 {
            let at = at_min(20 * n);
            let waiting = instance.waiting_for();
            let actor = if !waiting.is_empty() && rng.chance(75) {
                rng.pick(&waiting)
            } else {
                rng.pick(&s.people)
            };
            let result = match rng.below(20) {
                0..=10 => instance.approve(actor, Some("ok"), at, &s.rules),
                11..=13 => instance.reject(actor, None, at, &s.rules),
                14 => instance.withdraw(if rng.chance(70) { s.submitter } else { actor }, None, at),
                15..=16 => instance.resubmit(
                    s.submitter,
                    &s.flow,
                    &org,
                    &s.rules,
                    Resubmission {
                        facts: s.submission.facts.clone(),
                        choices: s.submission.choices.clone(),
                        repin: false,
                    },
                    at,
                ),
                17 => {
                    let p = rng.pick(&s.people);
                    if p == s.submitter {
                        continue;
                    }
                    org.set_active(p, false);
                    instance.deactivated(p, &org, &s.rules, at)
                }
                _ => Ok(instance.remind(at, 1)),
            };
            match result {
                Ok(t) => {
                    assert!(
                        t.events.iter().all(|e| e.at == at),
                        "seed {seed}: events carry the command's time"
                    );
                    log.extend(t.events);
                    instance = t.instance;
                    check(&instance, &log, seed);
                }
                Err(e) => {
                    if instance.status.is_final() {
                        assert!(
                            !matches!(
                                e,
                                TransitionError::NotYourTurn { .. }
                                    | TransitionError::NotAnApprover
                            ),
                            "seed {seed}: {e:?} on a finished request"
                        );
                    }
                }
            }
            if instance.status.is_final() {
                for p in &s.people {
                    assert!(
                        instance.approve(*p, None, at, &s.rules).is_err(),
                        "seed {seed}: decided after the end"
                    );
                    assert!(
                        instance.withdraw(*p, None, at).is_err(),
                        "seed {seed}: withdrawn after the end"
                    );
                }
            }
        }
        finished[instance.status as usize] += 1;
        for e in &log {
            let kind = match e.what {
                EventKind::Resubmitted { .. } => "resubmitted",
                EventKind::AutoApproved { .. } => "auto_approved",
                EventKind::Escalated { .. } => "escalated",
                EventKind::Reminded { .. } => "reminded",
                EventKind::Withdrawn { .. } => "withdrawn",
                EventKind::Finished {
                    status: Status::Rejected,
                } => "rejected",
                _ => continue,
            };
            *seen.entry(kind).or_default() += 1;
        }
    }
    // The generator must exercise the engine, not only its refusals.
    assert!(routed > 300, "routed {routed}, refused {refused}");
    assert!(
        finished[1..].iter().all(|n| *n >= 5),
        "final states {finished:?}"
    );
    assert_eq!(seen.len(), 6, "event kinds seen {seen:?}");
    assert!(seen.values().all(|n| *n >= 5), "event kinds seen {seen:?}");
}
