//! Routing over the org chart, one table row per case: who submits, the flow, the
//! tenant's rules and the request's facts in; the resolved route (or the refusal) out.

mod common;

use approvals::*;
use common::*;
use domain::employee::Role;

struct Case {
    name: &'static str,
    submitter: &'static str,
    steps: Vec<StepDef>,
    rules: ExceptionRules,
    facts: RequestFacts,
    choices: Choices,
    /// The route summary (see `World::summary`) or `err:` and the error's Debug prefix.
    expect: &'static str,
}

fn case(
    name: &'static str,
    submitter: &'static str,
    steps: Vec<StepDef>,
    expect: &'static str,
) -> Case {
    Case {
        name,
        submitter,
        steps,
        rules: ExceptionRules::default(),
        facts: RequestFacts::default(),
        choices: Choices::default(),
        expect,
    }
}

impl Case {
    fn rules(mut self, r: ExceptionRules) -> Self {
        self.rules = r;
        self
    }
    fn facts(mut self, f: RequestFacts) -> Self {
        self.facts = f;
        self
    }
    fn choices(mut self, c: Choices) -> Self {
        self.choices = c;
        self
    }
}

fn cases() -> Vec<Case> {
    use Mode::*;
    vec![
        case(
            "direct head",
            "rep_sh",
            vec![step(manager(1), Any)],
            "any[sh_boss]",
        ),
        case(
            "head of the parent",
            "rep_sh",
            vec![step(manager(2), Any)],
            "any[east_boss]",
        ),
        case(
            "heads of heads up to the root",
            "rep_sh",
            vec![step(manager(3), Any), step(manager(4), Any)],
            "any[vp] | any[ceo]",
        ),
        case(
            "level beyond the root falls to the admin",
            "rep_sh",
            vec![step(manager(5), Sequential)],
            "any[admin1]",
        ),
        case(
            "manager chain, nearest first",
            "rep_sh",
            vec![step(chain(3), Sequential)],
            "seq[sh_boss,east_boss,vp]",
        ),
        case(
            "chain stops at the root",
            "rep_w",
            vec![step(chain(6), Sequential)],
            "seq[west_boss,west_co,vp,ceo]",
        ),
        case(
            "missing head, rule skip",
            "rep_hz",
            vec![step(manager(1), Any)],
            "skip:no_approver",
        )
        .rules(rules(NoApprover::Skip)),
        case(
            "missing head, rule admin",
            "rep_hz",
            vec![step(manager(1), All)],
            "any[admin1]",
        )
        .rules(rules(NoApprover::Admin)),
        case(
            "missing head, rule auto-approve (CC still listed)",
            "rep_hz",
            vec![step(manager(1), Any).cc(people(&["cfo"]))],
            "auto:no_approver cc[cfo]",
        )
        .rules(rules(NoApprover::AutoApprove)),
        case(
            "chain over a headless department keeps the levels that have heads",
            "rep_hz",
            vec![step(chain(2), Sequential)],
            "seq[east_boss]",
        ),
        case(
            "submitter heads their department: counted from the parent",
            "sh_boss",
            vec![step(manager(1), Any), step(manager(2), Any)],
            "any[east_boss] | any[vp]",
        ),
        case(
            "the root's head has no manager",
            "ceo",
            vec![step(manager(1), Any)],
            "any[admin1]",
        ),
        case(
            "the root's head, rule skip",
            "ceo",
            vec![step(manager(1), Any)],
            "skip:no_approver",
        )
        .rules(rules(NoApprover::Skip)),
        case(
            "two heads, 会签",
            "rep_w",
            vec![step(manager(1), All)],
            "all[west_boss,west_co]",
        ),
        case(
            "one of two heads submits: the next level",
            "west_co",
            vec![step(manager(1), Any)],
            "any[vp]",
        ),
        case(
            "one person heads two departments",
            "rep_ops",
            vec![step(manager(1), Any), step(manager(2), Any)],
            "any[ceo] | any[ceo]",
        ),
        case(
            "role across the tenant",
            "rep_sh",
            vec![step(finance(), Any)],
            "any[cfo,fin1,fin2]",
        ),
        case(
            "role in a named department",
            "rep_sh",
            vec![step(
                role(Role::Finance, RoleScope::Department { id: did("finance") }),
                Any,
            )],
            "any[cfo,fin1,fin2]",
        ),
        case(
            "role in the submitter's department: none there",
            "rep_sh",
            vec![step(
                role(Role::Finance, RoleScope::SubmitterDepartment),
                Any,
            )],
            "skip:no_approver",
        )
        .rules(rules(NoApprover::Skip)),
        case(
            "role in the submitter's department",
            "rep_w",
            vec![step(
                role(Role::Manager, RoleScope::SubmitterDepartment),
                All,
            )],
            "all[west_boss,west_co]",
        ),
        case(
            "role nearest above the submitter",
            "rep_sh",
            vec![
                step(role(Role::Field, RoleScope::NearestAbove), Any),
                step(role(Role::Finance, RoleScope::NearestAbove), Any),
            ],
            "any[rep_sh] | skip:no_approver",
        )
        .rules(ExceptionRules {
            no_approver: NoApprover::Skip,
            skip_submitter: false,
            decide_once: true,
        }),
        case(
            "role nearest above skips empty departments",
            "rep_hz",
            vec![step(role(Role::Manager, RoleScope::NearestAbove), Any)],
            "any[east_boss,east_mgr]",
        ),
        case(
            "named people in order",
            "rep_sh",
            vec![step(people(&["cfo", "ceo"]), Sequential)],
            "seq[cfo,ceo]",
        ),
        case(
            "submitter among the approvers is taken out",
            "fin1",
            vec![step(finance(), Any)],
            "any[cfo,fin2]",
        ),
        case(
            "submitter the only approver: the step passes",
            "fin1",
            vec![step(people(&["fin1"]), Any), step(manager(1), Any)],
            "skip:submitter_only | any[cfo]",
        ),
        case(
            "submitter kept when the tenant says so",
            "fin1",
            vec![step(people(&["fin1"]), Any)],
            "any[fin1]",
        )
        .rules(ExceptionRules {
            skip_submitter: false,
            ..ExceptionRules::default()
        }),
        case(
            "deactivated head escalates to the admin",
            "rep_n",
            vec![step(manager(1), Any)],
            "any[old_boss→admin1]",
        ),
        case(
            "deactivated named person escalates, others stay",
            "rep_sh",
            vec![step(people(&["gone", "cfo"]), All)],
            "all[gone→admin1,cfo]",
        ),
        case(
            "named person not in the org is left out",
            "rep_sh",
            vec![step(people(&["nobody", "cfo"]), Any)],
            "any[cfo]",
        ),
        case(
            "amount above the threshold adds the step",
            "rep_sh",
            vec![
                step(manager(1), Any),
                step(finance(), Any).when(amount(Op::Gt, 2000)),
            ],
            "any[sh_boss] | any[cfo,fin1,fin2]",
        )
        .facts(costing(2500)),
        case(
            "amount at the threshold skips it",
            "rep_sh",
            vec![
                step(manager(1), Any),
                step(finance(), Any).when(amount(Op::Gt, 2000)),
            ],
            "any[sh_boss] | skip:condition#0",
        )
        .facts(costing(2000)),
        case(
            "no amount fails an amount condition",
            "rep_sh",
            vec![step(finance(), Any).when(amount(Op::Lt, 2000))],
            "skip:condition#0",
        ),
        case(
            "the second condition fails",
            "rep_w",
            vec![
                step(finance(), Any)
                    .when(amount(Op::Ge, 100))
                    .when(within("east")),
            ],
            "skip:condition#1",
        )
        .facts(costing(300)),
        case(
            "submitter within a subtree",
            "rep_sh",
            vec![step(manager(2), Any).when(within("sales"))],
            "any[east_boss]",
        ),
        case(
            "leave of 5 days adds the director",
            "rep_sh",
            vec![
                step(manager(1), Any),
                step(manager(3), Any).when(field("days", Op::Ge, FieldValue::Number(3.0))),
            ],
            "any[sh_boss] | any[vp]",
        )
        .facts(with_field("days", FieldValue::Number(5.0))),
        case(
            "leave of half a day does not",
            "rep_sh",
            vec![
                step(manager(1), Any),
                step(manager(3), Any).when(field("days", Op::Ge, FieldValue::Number(3.0))),
            ],
            "any[sh_boss] | skip:condition#0",
        )
        .facts(with_field("days", FieldValue::Number(0.5))),
        case(
            "text field equals",
            "rep_sh",
            vec![step(finance(), Any).when(field("kind", Op::Eq, FieldValue::Text("fuel".into())))],
            "any[cfo,fin1,fin2]",
        )
        .facts(with_field("kind", FieldValue::Text("fuel".into()))),
        case(
            "a missing field is unequal",
            "rep_sh",
            vec![step(finance(), Any).when(field("kind", Op::Ne, FieldValue::Text("fuel".into())))],
            "any[cfo,fin1,fin2]",
        ),
        case(
            "chosen by the submitter",
            "rep_sh",
            vec![step(choice(2), All)],
            "all[cfo,ceo]",
        )
        .choices(choosing(0, &["cfo", "ceo"])),
        case(
            "chosen missing",
            "rep_sh",
            vec![step(choice(1), Any)],
            "err:ChoiceMissing { step: 0 }",
        ),
        case(
            "chosen missing on a skipped step is fine",
            "rep_sh",
            vec![step(choice(1), Any).when(amount(Op::Gt, 1))],
            "skip:condition#0",
        ),
        case(
            "chosen too many",
            "rep_sh",
            vec![step(choice(1), Any)],
            "err:ChoiceTooMany { step: 0, max: 1 }",
        )
        .choices(choosing(0, &["cfo", "ceo"])),
        case(
            "chosen self",
            "rep_sh",
            vec![step(choice(1), Any)],
            "err:ChoiceIsSubmitter { step: 0 }",
        )
        .choices(choosing(0, &["rep_sh"])),
        case(
            "chosen unknown",
            "rep_sh",
            vec![step(choice(1), Any)],
            "err:ChoiceUnknown { step: 0",
        )
        .choices(choosing(0, &["nobody"])),
        case(
            "chosen deactivated",
            "rep_sh",
            vec![step(choice(1), Any)],
            "err:ChoiceInactive { step: 0",
        )
        .choices(choosing(0, &["gone"])),
        case(
            "choice for a step that does not ask",
            "rep_sh",
            vec![step(manager(1), Any)],
            "err:ChoiceNotExpected { step: 0, cc: false, expected: [] }",
        )
        .choices(choosing(0, &["cfo"])),
        case(
            "CC by role and named, active only, no repeats",
            "rep_sh",
            vec![
                step(manager(1), Any)
                    .cc(finance())
                    .cc(people(&["fin1", "gone", "ceo"])),
            ],
            "any[sh_boss] cc[cfo,fin1,fin2,ceo]",
        ),
        case(
            "submitter deactivated",
            "gone",
            vec![step(manager(1), Any)],
            "err:SubmitterInactive",
        ),
        case(
            "submitter unknown",
            "nobody",
            vec![step(manager(1), Any)],
            "err:UnknownSubmitter",
        ),
        case("no steps", "rep_sh", vec![], ""),
    ]
}

#[test]
fn routes_over_the_company() {
    let w = World::company();
    let mut failures = Vec::new();
    let all = cases();
    assert!(
        all.len() >= 30,
        "the table keeps at least 30 org-chart cases"
    );
    for c in all {
        let got = match Instance::submit(
            &flow(c.steps),
            &w.org,
            &c.rules,
            pid(c.submitter),
            Submission {
                facts: c.facts,
                choices: c.choices,
            },
            t0(),
        ) {
            Ok(t) => w.summary(opened_route(&t)),
            Err(e) => format!("err:{e:?}"),
        };
        let ok = if let Some(prefix) = c.expect.strip_prefix("err:") {
            got.strip_prefix("err:")
                .is_some_and(|g| g.starts_with(prefix))
        } else {
            got == c.expect
        };
        if !ok {
            failures.push(format!(
                "{}: expected {:?}, got {:?}",
                c.name, c.expect, got
            ));
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

#[test]
fn notes_say_why_approvers_are_missing_or_moved() {
    let w = World::company();
    let route = |submitter: &str, steps: Vec<StepDef>, r: ExceptionRules| {
        let t = Instance::submit(
            &flow(steps),
            &w.org,
            &r,
            pid(submitter),
            Submission::default(),
            t0(),
        )
        .unwrap();
        opened_route(&t).to_vec()
    };
    let hz = route(
        "rep_hz",
        vec![step(manager(1), Mode::Any)],
        ExceptionRules::default(),
    );
    assert_eq!(
        hz[0].notes,
        vec![
            Note::NoHead {
                department: did("hz"),
                level: 1
            },
            Note::NoApproverFound,
            Note::AdminsDecide
        ]
    );
    let head = route(
        "sh_boss",
        vec![step(manager(1), Mode::Any)],
        ExceptionRules::default(),
    );
    assert_eq!(
        head[0].notes,
        vec![Note::SubmitterHeadsDepartment {
            department: did("sh")
        }]
    );
    assert_eq!(
        head[0].seats[0].why,
        Why::DepartmentHead {
            department: did("east"),
            level: 1
        }
    );
    let deep = route(
        "rep_sh",
        vec![step(manager(6), Mode::Any)],
        rules(NoApprover::Skip),
    );
    assert_eq!(
        deep[0].notes,
        vec![
            Note::NoDepartmentAtLevel { level: 5 },
            Note::NoApproverFound
        ]
    );
    let north = route(
        "rep_n",
        vec![step(manager(1), Mode::Any)],
        ExceptionRules::default(),
    );
    assert_eq!(
        north[0].notes,
        vec![Note::Escalated {
            employee: pid("old_boss"),
            to: vec![pid("admin1")]
        }]
    );
    let fin = route(
        "fin1",
        vec![step(finance(), Mode::Any)],
        ExceptionRules::default(),
    );
    assert_eq!(fin[0].notes, vec![Note::SubmitterRemoved]);
    assert!(fin[0].seats.iter().all(|s| s.why
        == Why::RoleHolder {
            role: Role::Finance,
            department: None
        }));
}

#[test]
fn an_admin_is_needed_when_the_rule_asks_for_one() {
    let w = World::parse(
        "dept hq\ndept shop < hq\nperson rep in shop roles field\nperson boss in hq roles manager",
    )
    .unwrap();
    let f = flow(vec![step(manager(1), Mode::Any)]);
    let err = Instance::submit(
        &f,
        &w.org,
        &ExceptionRules::default(),
        pid("rep"),
        Submission::default(),
        t0(),
    )
    .unwrap_err();
    assert_eq!(err, RouteError::NoAdmin { step: 0 });
    assert_eq!(err.code(), "approval_no_admin");
    // The sole admin submitting with nobody else to decide: the step passes as theirs.
    let w = World::parse("dept hq\nperson boss in hq roles admin\nadmin boss").unwrap();
    let t = Instance::submit(
        &f,
        &w.org,
        &ExceptionRules::default(),
        pid("boss"),
        Submission::default(),
        t0(),
    )
    .unwrap();
    assert_eq!(w.summary(opened_route(&t)), "skip:submitter_only");
    assert_eq!(t.instance.status, Status::Approved);
}

#[test]
fn org_charts_with_cycles_or_dangling_references_are_refused() {
    let cases: &[(&str, &str, OrgError)] = &[
        (
            "a two-department cycle",
            "dept a < b\ndept b < a",
            OrgError::Cycle {
                department: did("a"),
            },
        ),
        (
            "a department under itself",
            "dept a < a",
            OrgError::Cycle {
                department: did("a"),
            },
        ),
        (
            "a cycle below a sound root",
            "dept root\ndept x < root\ndept y < z\ndept z < w\ndept w < y",
            OrgError::Cycle {
                department: did("y"),
            },
        ),
        (
            "an unknown parent",
            "dept a < ghost",
            OrgError::UnknownParent {
                department: did("a"),
                parent: did("ghost"),
            },
        ),
        (
            "a head who is not a person",
            "dept a head ghost",
            OrgError::UnknownHead {
                department: did("a"),
                head: pid("ghost"),
            },
        ),
        (
            "a person in an unknown department",
            "dept a\nperson p in b",
            OrgError::UnknownDepartment {
                person: pid("p"),
                department: did("b"),
            },
        ),
        (
            "a department twice",
            "dept a\ndept a",
            OrgError::DuplicateDepartment(did("a")),
        ),
        (
            "a person twice",
            "dept a\nperson p in a\nperson p in a",
            OrgError::DuplicatePerson(pid("p")),
        ),
        (
            "an unknown admin",
            "dept a\nadmin ghost",
            OrgError::UnknownAdmin(pid("ghost")),
        ),
    ];
    for (name, text, expected) in cases {
        match World::parse(text) {
            Ok(_) => panic!("{name}: accepted"),
            Err(e) => assert_eq!(&e, expected, "{name}"),
        }
    }
    // A long chain is not a cycle.
    let mut text = String::from("dept d0\n");
    for i in 1..200 {
        text.push_str(&format!("dept d{i} < d{}\n", i - 1));
    }
    assert!(World::parse(&text).is_ok());
}
