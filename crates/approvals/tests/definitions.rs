//! Flow definitions as stored: their JSON form, and validation that names the step and
//! the field of every problem.

mod common;

use approvals::*;
use common::*;
use domain::employee::Role;

#[test]
fn the_json_form_a_tenant_stores() {
    let finance_dept = did("finance");
    let json = format!(
        r#"{{
        "request_type": "expense",
        "version": 3,
        "steps": [
            {{ "approvers": {{ "kind": "manager", "level": 1 }}, "mode": "any",
               "cc": [{{ "kind": "people", "ids": ["{ceo}"] }}] }},
            {{ "name": "财务复核",
               "approvers": {{ "kind": "role", "role": "finance", "in": {{ "scope": "department", "id": "{finance_dept}" }} }},
               "mode": "all",
               "when": [{{ "kind": "amount", "op": "gt", "fen": 200000 }},
                        {{ "kind": "field", "key": "category", "op": "ne", "value": "parking" }}] }},
            {{ "approvers": {{ "kind": "submitter_choice", "max": 2 }}, "mode": "sequential" }}
        ]
    }}"#,
        ceo = pid("ceo")
    );
    let f: FlowDefinition = serde_json::from_str(&json).unwrap();
    assert_eq!(f.version, FlowVersion(3));
    assert_eq!(f.steps[0].cc, vec![people(&["ceo"])]);
    assert_eq!(
        f.steps[1].approvers,
        role(Role::Finance, RoleScope::Department { id: finance_dept })
    );
    assert_eq!(f.steps[1].when[0], amount(Op::Gt, 2000));
    assert_eq!(
        f.steps[1].when[1],
        field("category", Op::Ne, FieldValue::Text("parking".into()))
    );
    assert_eq!(f.choice_steps(), vec![2]);
    assert!(f.validate().is_ok());
    assert!(f.validate_references(&World::company().org).is_ok());
    // Stored and read back unchanged.
    let again: FlowDefinition = serde_json::from_str(&serde_json::to_string(&f).unwrap()).unwrap();
    assert_eq!(again, f);

    for bad in [
        r#"{"request_type":"expense","version":1,"steps":[],"extra":1}"#,
        r#"{"request_type":"Expense","version":1,"steps":[]}"#,
        r#"{"request_type":"expense","version":1,"steps":[{"approvers":{"kind":"boss"},"mode":"any"}]}"#,
        r#"{"request_type":"expense","version":1,"steps":[{"approvers":{"kind":"manager","level":1}}]}"#,
        r#"{"request_type":"expense","version":1,"steps":[{"approvers":{"kind":"manager","level":1},"mode":"some"}]}"#,
    ] {
        assert!(
            serde_json::from_str::<FlowDefinition>(bad).is_err(),
            "{bad}"
        );
    }
}

#[test]
fn validation_names_the_step_and_the_field() {
    use Mode::*;
    type Case = (
        &'static str,
        Vec<StepDef>,
        Vec<(&'static str, &'static str)>,
    );
    let cases: Vec<Case> = vec![
        (
            "level 0",
            vec![step(manager(0), Any)],
            vec![("steps[0].approvers.level", "out_of_range")],
        ),
        (
            "level 11",
            vec![step(manager(1), Any), step(manager(11), Any)],
            vec![("steps[1].approvers.level", "out_of_range")],
        ),
        (
            "chain of 0",
            vec![step(chain(0), Sequential)],
            vec![("steps[0].approvers.levels", "out_of_range")],
        ),
        (
            "no people",
            vec![step(Resolver::People { ids: vec![] }, Any)],
            vec![("steps[0].approvers.ids", "required")],
        ),
        (
            "a person twice",
            vec![step(people(&["cfo", "ceo", "cfo"]), All)],
            vec![("steps[0].approvers.ids[2]", "duplicate")],
        ),
        (
            "choice of 0",
            vec![step(choice(0), Any)],
            vec![("steps[0].approvers.max", "out_of_range")],
        ),
        (
            "empty name",
            vec![step(manager(1), Any).named("  ")],
            vec![("steps[0].name", "required")],
        ),
        (
            "long name",
            vec![step(manager(1), Any).named(&"审".repeat(51))],
            vec![("steps[0].name", "too_long")],
        ),
        (
            "negative threshold",
            vec![step(finance(), Any).when(amount(Op::Gt, -1))],
            vec![("steps[0].when[0].fen", "below_min")],
        ),
        (
            "bad field key",
            vec![step(finance(), Any).when(field("Days", Op::Eq, FieldValue::Number(1.0)))],
            vec![("steps[0].when[0].key", "invalid_format")],
        ),
        (
            "ordering a text",
            vec![step(finance(), Any).when(field("kind", Op::Gt, FieldValue::Text("a".into())))],
            vec![("steps[0].when[0].value", "invalid_format")],
        ),
        (
            "a CC twice",
            vec![step(manager(1), Any).cc(finance()).cc(finance())],
            vec![("steps[0].cc[1]", "duplicate")],
        ),
        (
            "a bad CC",
            vec![step(manager(1), Any).cc(manager(0))],
            vec![("steps[0].cc[0].level", "out_of_range")],
        ),
        (
            "several at once",
            vec![step(manager(0), Any), step(choice(30), Any).named("")],
            vec![
                ("steps[0].approvers.level", "out_of_range"),
                ("steps[1].name", "required"),
                ("steps[1].approvers.max", "out_of_range"),
            ],
        ),
    ];
    for (name, steps, expected) in cases {
        let err = flow(steps).validate().expect_err(name);
        let expected: Vec<(String, &str)> = expected
            .into_iter()
            .map(|(f, c)| (f.to_string(), c))
            .collect();
        assert_eq!(err.codes(), expected, "{name}");
    }
    let mut f = flow((0..=MAX_STEPS).map(|_| step(manager(1), Any)).collect());
    f.version = FlowVersion(0);
    assert_eq!(
        f.validate().unwrap_err().codes(),
        vec![
            ("version".to_string(), "below_min"),
            ("steps".to_string(), "too_many")
        ]
    );
}

#[test]
fn references_must_exist_in_the_org() {
    let w = World::company();
    let f = flow(vec![
        step(people(&["cfo", "nobody", "gone"]), Mode::All),
        step(
            role(
                Role::Finance,
                RoleScope::Department {
                    id: did("atlantis"),
                },
            ),
            Mode::Any,
        )
        .when(within("atlantis"))
        .cc(people(&["nobody"])),
    ]);
    assert!(f.validate().is_ok());
    assert_eq!(
        f.validate_references(&w.org).unwrap_err().codes(),
        vec![
            ("steps[0].approvers.ids[1]".to_string(), "not_found"),
            ("steps[0].approvers.ids[2]".to_string(), "not_found"),
            ("steps[1].approvers.in.id".to_string(), "not_found"),
            ("steps[1].cc[0].ids[0]".to_string(), "not_found"),
            ("steps[1].when[0].department".to_string(), "not_found"),
        ]
    );
}
