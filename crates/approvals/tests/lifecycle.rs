//! Requests through their lives, one table row per story: a flow over the company, then
//! a script of commands, each with the state (or refusal) it must lead to. After every
//! command the event log so far must replay to the same instance.

mod common;

use approvals::*;
use common::*;

struct Story {
    name: &'static str,
    submitter: &'static str,
    steps: Vec<StepDef>,
    /// The flow's version 2, for re-pinning resubmissions.
    v2: Vec<StepDef>,
    rules: ExceptionRules,
    facts: RequestFacts,
    /// `ACTION => EXPECTATION` lines; the first line's action is `submit`.
    /// Actions: `approve P [comment]`, `reject P [comment]`, `withdraw P`, `resubmit P
    /// [v2 [repin]]`, `deactivate P`. Expectations: `waiting P,Q` (in progress, these
    /// may act), `approved`, `rejected`, `withdrawn`, `unchanged` (no events), `err:CODE`.
    script: &'static str,
}

fn story(
    name: &'static str,
    submitter: &'static str,
    steps: Vec<StepDef>,
    script: &'static str,
) -> Story {
    Story {
        name,
        submitter,
        steps,
        v2: Vec::new(),
        rules: ExceptionRules::default(),
        facts: RequestFacts::default(),
        script,
    }
}

fn stories() -> Vec<Story> {
    use Mode::*;
    vec![
        story(
            "two steps, manager then finance",
            "rep_sh",
            vec![step(manager(1), Any), step(finance(), Any)],
            "
            submit => waiting sh_boss
            approve sh_boss ok => waiting cfo,fin1,fin2
            approve fin2 => approved
            approve fin1 => err:approval_finished",
        ),
        story(
            "会签: one rejection rejects",
            "rep_w",
            vec![step(manager(1), All)],
            "
            submit => waiting west_boss,west_co
            approve west_boss => waiting west_co
            approve west_boss => err:approval_already_decided
            reject west_co over budget => rejected",
        ),
        story(
            "会签: all must approve",
            "rep_w",
            vec![step(manager(1), All), step(manager(2), Any)],
            "
            submit => waiting west_boss,west_co
            approve west_co => waiting west_boss
            approve west_boss => waiting vp
            approve vp => approved",
        ),
        story(
            "或签: the first approval wins",
            "rep_sh",
            vec![step(finance(), Any), step(people(&["ceo"]), Any)],
            "
            submit => waiting cfo,fin1,fin2
            approve fin1 => waiting ceo
            approve fin2 => err:approval_already_decided
            approve ceo => approved",
        ),
        story(
            "或签: the first decision wins, a rejection too",
            "rep_sh",
            vec![step(finance(), Any)],
            "
            submit => waiting cfo,fin1,fin2
            reject fin2 no receipt => rejected
            approve fin1 => err:approval_finished",
        ),
        story(
            "one after another: not your turn",
            "rep_sh",
            vec![step(chain(2), Sequential)],
            "
            submit => waiting sh_boss
            approve east_boss => err:approval_not_your_turn
            approve sh_boss => waiting east_boss
            approve east_boss => approved",
        ),
        story(
            "a later step's approver is not yet asked",
            "rep_sh",
            vec![step(manager(1), Any), step(manager(3), Any)],
            "
            submit => waiting sh_boss
            approve vp => err:approval_not_your_turn
            approve rep_hz => err:approval_not_an_approver
            approve rep_sh => err:approval_not_an_approver",
        ),
        story(
            "same approver on consecutive steps decides once",
            "rep_ops",
            vec![
                step(manager(1), Any),
                step(manager(2), Any),
                step(finance(), Any),
            ],
            "
            submit => waiting ceo
            approve ceo => waiting cfo,fin1,fin2",
        ),
        story(
            "decide once across a skipped step",
            "rep_sh",
            vec![
                step(manager(1), Any),
                step(finance(), Any).when(amount(Op::Gt, 5000)),
                step(people(&["sh_boss", "cfo"]), All),
            ],
            "
            submit => waiting sh_boss
            approve sh_boss => waiting cfo
            approve cfo => approved",
        ),
        Story {
            rules: ExceptionRules {
                decide_once: false,
                ..ExceptionRules::default()
            },
            ..story(
                "decide once off: asked twice",
                "rep_ops",
                vec![step(manager(1), Any), step(manager(2), Any)],
                "
                submit => waiting ceo
                approve ceo => waiting ceo
                approve ceo => approved",
            )
        },
        story(
            "withdraw mid-flow",
            "rep_sh",
            vec![step(manager(1), Any), step(finance(), Any)],
            "
            submit => waiting sh_boss
            approve sh_boss => waiting cfo,fin1,fin2
            withdraw fin1 => err:approval_not_submitter
            withdraw rep_sh => withdrawn
            approve fin1 => err:approval_withdrawn
            withdraw rep_sh => err:approval_withdrawn",
        ),
        story(
            "resubmit after rejection",
            "rep_sh",
            vec![step(manager(1), Any), step(finance(), Any)],
            "
            submit => waiting sh_boss
            resubmit rep_sh => err:approval_in_progress
            reject sh_boss wrong month => rejected
            resubmit sh_boss => err:approval_not_submitter
            resubmit rep_sh => waiting sh_boss
            approve sh_boss => waiting cfo,fin1,fin2
            approve cfo => approved
            resubmit rep_sh => err:approval_finished",
        ),
        story(
            "resubmit after withdrawal",
            "rep_sh",
            vec![step(manager(1), Any)],
            "
            submit => waiting sh_boss
            withdraw rep_sh => withdrawn
            resubmit rep_sh => waiting sh_boss",
        ),
        Story {
            v2: vec![step(manager(2), Any)],
            ..story(
                "resubmit stays pinned unless re-pinned",
                "rep_sh",
                vec![step(manager(1), Any)],
                "
            submit => waiting sh_boss
            reject sh_boss => rejected
            resubmit rep_sh v2 => err:approval_flow_version
            resubmit rep_sh v2 repin => waiting east_boss
            approve east_boss => approved",
            )
        },
        story(
            "an approver deactivated mid-flow: the admin decides",
            "rep_sh",
            vec![step(manager(1), Any), step(manager(2), Any)],
            "
            submit => waiting sh_boss
            approve sh_boss => waiting east_boss
            deactivate east_boss => waiting admin1
            approve east_boss => err:approval_not_an_approver
            approve admin1 => approved",
        ),
        story(
            "a later step's approver deactivated: escalated before it starts",
            "rep_sh",
            vec![step(manager(1), Any), step(manager(2), Any)],
            "
            submit => waiting sh_boss
            deactivate east_boss => waiting sh_boss
            approve sh_boss => waiting admin1
            approve admin1 => approved",
        ),
        story(
            "会签 with a deactivated member: the admin takes the seat",
            "rep_w",
            vec![step(manager(1), All)],
            "
            submit => waiting west_boss,west_co
            approve west_co => waiting west_boss
            deactivate west_boss => waiting admin1
            reject admin1 => rejected",
        ),
        story(
            "deactivating someone without a seat changes nothing",
            "rep_sh",
            vec![step(manager(1), Any)],
            "
            submit => waiting sh_boss
            deactivate fin1 => unchanged
            deactivate sh_boss => waiting admin1
            deactivate sh_boss => unchanged",
        ),
        story(
            "every step skipped: approved on submission",
            "rep_sh",
            vec![step(finance(), Any).when(amount(Op::Gt, 100))],
            "
            submit => approved
            withdraw rep_sh => err:approval_finished",
        ),
        Story {
            rules: rules(NoApprover::AutoApprove),
            ..story(
                "an auto-approved step passes by itself",
                "rep_hz",
                vec![step(manager(1), Any), step(manager(2), Any)],
                "
                submit => waiting east_boss
                approve east_boss => approved",
            )
        },
        story(
            "an admin standing in for a head also approves their own next step",
            "rep_n",
            vec![step(manager(1), Any), step(people(&["admin1"]), Any)],
            "
            submit => waiting admin1
            approve admin1 => approved",
        ),
    ]
}

fn run(w: &World, s: &Story) -> Result<(), String> {
    let f1 = flow(s.steps.clone());
    let mut f2 = flow(s.v2.clone());
    f2.version = FlowVersion(2);
    let mut org = w.org.clone();
    let mut instance: Option<Instance> = None;
    let mut log: Vec<Event> = Vec::new();
    for (n, line) in s
        .script
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .enumerate()
    {
        let (action, expect) = line.split_once(" => ").ok_or(format!("bad line {line}"))?;
        let words: Vec<&str> = action.split_whitespace().collect();
        let at = at_min(10 * n as i64);
        let comment = (words.len() > 2).then(|| words[2..].join(" "));
        let who = words.get(1).map(|p| pid(p));
        let result: Result<Transition, TransitionError> = match (words[0], &instance) {
            ("submit", None) => Instance::submit(
                &f1,
                &org,
                &s.rules,
                pid(s.submitter),
                Submission {
                    facts: s.facts.clone(),
                    choices: Choices::default(),
                },
                at,
            )
            .map_err(TransitionError::from),
            (_, None) => return Err("the script starts with submit".into()),
            ("approve", Some(i)) => i.approve(who.unwrap(), comment.as_deref(), at, &s.rules),
            ("reject", Some(i)) => i.reject(who.unwrap(), comment.as_deref(), at, &s.rules),
            ("withdraw", Some(i)) => i.withdraw(who.unwrap(), None, at),
            ("resubmit", Some(i)) => {
                let v2 = words.get(2) == Some(&"v2");
                let resubmission = Resubmission {
                    facts: s.facts.clone(),
                    choices: Choices::default(),
                    repin: words.get(3) == Some(&"repin"),
                };
                i.resubmit(
                    who.unwrap(),
                    if v2 { &f2 } else { &f1 },
                    &org,
                    &s.rules,
                    resubmission,
                    at,
                )
            }
            ("deactivate", Some(i)) => {
                org.set_active(who.unwrap(), false);
                i.deactivated(who.unwrap(), &org, &s.rules, at)
            }
            (other, _) => return Err(format!("unknown action {other}")),
        };
        let got = match &result {
            Err(e) => format!("err:{}", e.code()),
            Ok(t) if t.events.is_empty() => "unchanged".into(),
            Ok(t) => match t.instance.status {
                Status::InProgress => format!("waiting {}", w.names(&t.instance.waiting_for())),
                Status::Approved => "approved".into(),
                Status::Rejected => "rejected".into(),
                Status::Withdrawn => "withdrawn".into(),
            },
        };
        if got != expect {
            return Err(format!(
                "line {}: `{action}` expected `{expect}`, got `{got}`",
                n + 1
            ));
        }
        if let Ok(t) = result {
            log.extend(t.events.iter().cloned());
            let replayed = Instance::replay(&log).map_err(|e| format!("replay: {e}"))?;
            if replayed != t.instance {
                return Err(format!(
                    "line {}: the log does not replay to the state",
                    n + 1
                ));
            }
            instance = Some(t.instance);
        }
    }
    Ok(())
}

#[test]
fn stories_over_the_company() {
    let w = World::company();
    let failures: Vec<String> = stories()
        .iter()
        .filter_map(|s| run(&w, s).err().map(|e| format!("{}: {e}", s.name)))
        .collect();
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
