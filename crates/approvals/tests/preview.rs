//! A flow's readable line in both languages.

mod common;

use approvals::*;
use common::*;
use domain::employee::Role;

fn names() -> NameBook {
    let mut n = NameBook::default();
    n.people.insert(pid("cfo"), "Li Na".into());
    n.people.insert(pid("ceo"), "Wang Jian".into());
    n.departments.insert(did("east"), "East China".into());
    n.fields.insert("days".into(), "leave days".into());
    n
}

fn zh_names() -> NameBook {
    let mut n = NameBook::default();
    n.people.insert(pid("cfo"), "李娜".into());
    n.people.insert(pid("ceo"), "王健".into());
    n.departments.insert(did("east"), "华东区".into());
    n.fields.insert("days".into(), "请假天数".into());
    n
}

#[test]
fn previews_in_chinese_and_english() {
    use Mode::*;
    let big = || amount(Op::Gt, 2000);
    let cases: Vec<(Vec<StepDef>, &str, &str)> = vec![
        (
            vec![
                step(manager(1), Any).when(big()),
                step(finance(), Any).when(big()),
            ],
            // The issue's own example.
            "金额 > ¥2,000 → 部门负责人，然后财务",
            "amount > ¥2,000 → department head, then finance",
        ),
        (
            vec![step(manager(1), Any), step(finance(), All).when(big())],
            "部门负责人，然后【金额 > ¥2,000 → 财务（会签）】",
            "department head, then [amount > ¥2,000 → finance (all)]",
        ),
        (
            vec![
                step(chain(2), Sequential).cc(people(&["ceo"])),
                step(people(&["cfo"]), Any),
            ],
            "逐级部门负责人（至第2级）（依次审批）（抄送：王健），然后李娜",
            "department heads up to level 2 (one after another) (CC: Wang Jian), then Li Na",
        ),
        (
            vec![
                step(manager(3), Any)
                    .when(field("days", Op::Ge, FieldValue::Number(3.0)))
                    .when(within("east")),
                step(people(&["cfo", "ceo", "nobody"]), All).named("终审"),
            ],
            "【请假天数 ≥ 3且发起人属于华东区 → 第3级部门负责人】，然后终审（李娜、王健、（未知人员））（会签）",
            "[leave days ≥ 3 and submitter in East China → level-3 department head], then 终审 (Li Na, Wang Jian, (unknown person)) (all)",
        ),
        (
            vec![
                step(
                    role(Role::Manager, RoleScope::Department { id: did("east") }),
                    Any,
                ),
                step(
                    role(Role::Finance, RoleScope::SubmitterDepartment),
                    Sequential,
                ),
                step(role(Role::Admin, RoleScope::NearestAbove), All),
            ],
            "华东区的主管，然后发起人部门的财务（依次审批），然后发起人部门或最近上级部门的管理员（会签）",
            "manager of East China, then finance of the submitter's department (one after another), then admin of the submitter's department or the nearest above it (all)",
        ),
        (
            vec![
                step(choice(1), Any).when(amount(Op::Le, 500)),
                step(choice(3), Any).when(field("urgent", Op::Eq, FieldValue::Bool(true))),
            ],
            "【金额 ≤ ¥500 → 发起人自选】，然后【urgent = 是 → 发起人自选（最多3人）】",
            "[amount ≤ ¥500 → chosen by the submitter], then [urgent = yes → up to 3 chosen by the submitter]",
        ),
        (
            vec![],
            "无需审批，提交即通过",
            "no approval needed: approved on submission",
        ),
    ];
    for (steps, zh, en) in cases {
        let f = flow(steps);
        assert_eq!(preview(&f, Lang::Zh, &zh_names()), zh);
        assert_eq!(preview(&f, Lang::En, &names()), en);
    }
}

#[test]
fn amounts_with_fen_and_ungrouped_conditions() {
    let f = flow(vec![step(finance(), Mode::Any).when(Condition::Amount {
        op: Op::Gt,
        fen: Fen(200_050),
    })]);
    assert_eq!(
        preview(&f, Lang::En, &names()),
        "amount > ¥2,000.50 → finance"
    );
    // Same conditions but not consecutive: two groups.
    let f = flow(vec![
        step(manager(1), Mode::Any).when(within("east")),
        step(manager(2), Mode::Any),
        step(manager(3), Mode::Any).when(within("east")),
    ]);
    assert_eq!(
        preview(&f, Lang::En, &names()),
        "[submitter in East China → department head], then level-2 department head, then [submitter in East China → level-3 department head]"
    );
}
