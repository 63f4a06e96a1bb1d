//! What the records say: events (who, what, when, step), the timeline, CC times,
//! reminders, stand-ins, comments, and the JSON forms storage keeps.

mod common;

use approvals::*;
use chrono::Duration;
use common::*;

fn submit(w: &World, submitter: &str, steps: Vec<StepDef>, facts: RequestFacts) -> Transition {
    Instance::submit(
        &flow(steps),
        &w.org,
        &ExceptionRules::default(),
        pid(submitter),
        Submission {
            facts,
            choices: Choices::default(),
        },
        t0(),
    )
    .unwrap()
}

fn ok() -> ExceptionRules {
    ExceptionRules::default()
}

#[test]
fn every_event_says_who_what_when_and_which_step() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any), step(finance(), Mode::Any)],
        costing(3000),
    );
    let kinds: Vec<(Actor, Option<usize>, &str)> = t
        .events
        .iter()
        .map(|e| (e.by, e.step, kind(&e.what)))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (Actor::Employee(pid("rep_sh")), None, "submitted"),
            (Actor::System, Some(0), "step_started"),
        ]
    );
    let t2 = t
        .instance
        .approve(pid("sh_boss"), Some("  fine  "), at_min(5), &ok())
        .unwrap();
    let kinds: Vec<(Actor, Option<usize>, &str)> = t2
        .events
        .iter()
        .map(|e| (e.by, e.step, kind(&e.what)))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (Actor::Employee(pid("sh_boss")), Some(0), "approved"),
            (Actor::System, Some(0), "step_passed"),
            (Actor::System, Some(1), "step_started"),
        ]
    );
    assert!(t2.events.iter().all(|e| e.at == at_min(5) && e.round == 1));
    match &t2.events[0].what {
        EventKind::Approved { seats, comment } => {
            assert_eq!(seats, &vec![0]);
            assert_eq!(comment.as_deref(), Some("fine"));
        }
        other => panic!("{other:?}"),
    }
    let t3 = t2
        .instance
        .reject(pid("fin1"), None, at_min(9), &ok())
        .unwrap();
    let kinds: Vec<&str> = t3.events.iter().map(|e| kind(&e.what)).collect();
    assert_eq!(kinds, vec!["rejected", "finished"]);
    assert_eq!(t3.events[1].step, Some(1));
    let round = t3.instance.round();
    assert_eq!(
        round.ended.as_ref().map(|e| (e.status, e.at)),
        Some((Status::Rejected, at_min(9)))
    );
    assert_eq!(round.steps[1].status, StepStatus::Rejected);
    assert_eq!(round.steps[1].finished_at, Some(at_min(9)));
}

fn kind(k: &EventKind) -> &'static str {
    match k {
        EventKind::Submitted { .. } => "submitted",
        EventKind::Resubmitted { .. } => "resubmitted",
        EventKind::StepStarted => "step_started",
        EventKind::Approved { .. } => "approved",
        EventKind::Rejected { .. } => "rejected",
        EventKind::AutoApproved { .. } => "auto_approved",
        EventKind::StepPassed { .. } => "step_passed",
        EventKind::Escalated { .. } => "escalated",
        EventKind::Reminded { .. } => "reminded",
        EventKind::Withdrawn { .. } => "withdrawn",
        EventKind::Finished { .. } => "finished",
    }
}

#[test]
fn decide_once_is_recorded_in_the_approvers_name() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_ops",
        vec![step(manager(1), Mode::Any), step(manager(2), Mode::Any)],
        RequestFacts::default(),
    );
    let t = t
        .instance
        .approve(pid("ceo"), Some("ok"), at_min(3), &ok())
        .unwrap();
    assert_eq!(t.instance.status, Status::Approved);
    let auto = t
        .events
        .iter()
        .find_map(|e| match &e.what {
            EventKind::AutoApproved {
                on_behalf_of,
                reason,
                seats,
            } => Some((e.by, e.step, *on_behalf_of, *reason, seats.clone())),
            _ => None,
        })
        .expect("an automatic approval");
    assert_eq!(
        auto,
        (
            Actor::System,
            Some(1),
            pid("ceo"),
            AutoDecision::SameApproverAsPrevious { step: 0 },
            vec![0]
        )
    );
    let view = timeline(&t.instance);
    let second = &view.rounds[0].steps[1].approvers[0];
    assert_eq!(second.state, ApproverState::Approved);
    assert_eq!(
        second.auto,
        Some(AutoDecision::SameApproverAsPrevious { step: 0 })
    );
    assert_eq!(
        second.comment, None,
        "the comment belongs to the decision actually made"
    );
}

#[test]
fn timeline_of_a_withdrawn_then_resubmitted_request() {
    let w = World::company();
    let steps = vec![
        step(manager(1), Mode::Any).cc(people(&["ceo"])),
        step(finance(), Mode::Any).named("财务复核"),
        step(manager(3), Mode::Any).when(amount(Op::Gt, 10_000)),
    ];
    let t = submit(&w, "rep_sh", steps.clone(), costing(800));
    let t = t
        .instance
        .approve(pid("sh_boss"), Some("同意"), at_min(10), &ok())
        .unwrap();
    let t = t
        .instance
        .withdraw(pid("rep_sh"), Some("金额填错"), at_min(20))
        .unwrap();
    let view = timeline(&t.instance);
    assert_eq!(view.status, Status::Withdrawn);
    assert_eq!(view.current_step, None);
    assert!(view.waiting_for.is_empty());
    let r1 = &view.rounds[0];
    assert_eq!(r1.steps[0].state, StepViewState::Approved);
    assert_eq!(r1.steps[0].approvers[0].comment.as_deref(), Some("同意"));
    assert_eq!(r1.steps[0].approvers[0].decided_at, Some(at_min(10)));
    assert_eq!(r1.steps[0].cc[0].notified_at, Some(at_min(10)));
    assert_eq!(r1.steps[1].state, StepViewState::Cancelled);
    assert_eq!(r1.steps[1].name.as_deref(), Some("财务复核"));
    assert!(
        r1.steps[1]
            .approvers
            .iter()
            .all(|a| a.state == ApproverState::NotNeeded)
    );
    assert_eq!(
        r1.steps[2].state,
        StepViewState::Skipped {
            reason: SkipReason::ConditionNotMet { condition: 0 }
        }
    );
    let json = serde_json::to_value(&view).unwrap();
    let skipped = &json["rounds"][0]["steps"][2];
    assert_eq!(skipped["state"], "skipped");
    assert_eq!(skipped["reason"]["kind"], "condition_not_met");
    assert_eq!(json["rounds"][0]["steps"][1]["state"], "cancelled");
    assert_eq!(
        json["rounds"][0]["steps"][0]["approvers"][0]["state"],
        "approved"
    );
    assert_eq!(json["status"], "withdrawn");
    let ended = r1.ended.as_ref().unwrap();
    assert_eq!(
        (ended.status, ended.by, ended.comment.as_deref()),
        (
            Status::Withdrawn,
            Actor::Employee(pid("rep_sh")),
            Some("金额填错")
        )
    );

    let f = flow(steps);
    let t = t
        .instance
        .resubmit(
            pid("rep_sh"),
            &f,
            &w.org,
            &ok(),
            Resubmission {
                facts: costing(12_000),
                ..Resubmission::default()
            },
            at_min(30),
        )
        .unwrap();
    let view = timeline(&t.instance);
    assert_eq!(
        (view.round, view.rounds.len(), view.current_step),
        (2, 2, Some(0))
    );
    assert_eq!(view.waiting_for, vec![pid("sh_boss")]);
    let r2 = &view.rounds[1];
    assert_eq!(r2.submitted_at, at_min(30));
    assert_eq!(r2.steps[0].state, StepViewState::Pending);
    assert_eq!(r2.steps[0].approvers[0].state, ApproverState::Pending);
    assert_eq!(r2.steps[0].approvers[0].waiting_since, Some(at_min(30)));
    assert_eq!(r2.steps[1].state, StepViewState::NotReached);
    assert_eq!(r2.steps[1].approvers[0].state, ApproverState::Waiting);
    assert_eq!(
        r2.steps[2].state,
        StepViewState::NotReached,
        "the new amount includes the director"
    );
    assert_eq!(view.cc.len(), 1);
    assert_eq!(view.cc[0].notified_at, None, "not yet copied in this round");
    // The first round is kept as it was.
    assert_eq!(
        view.rounds[0].steps[0].approvers[0].comment.as_deref(),
        Some("同意")
    );
}

#[test]
fn sequence_seats_wait_their_turn_in_the_timeline() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(chain(3), Mode::Sequential)],
        RequestFacts::default(),
    );
    let t = t
        .instance
        .approve(pid("sh_boss"), None, at_min(7), &ok())
        .unwrap();
    let states: Vec<ApproverState> = timeline(&t.instance).rounds[0].steps[0]
        .approvers
        .iter()
        .map(|a| a.state)
        .collect();
    assert_eq!(
        states,
        vec![
            ApproverState::Approved,
            ApproverState::Pending,
            ApproverState::Waiting
        ]
    );
    let seats = &t.instance.round().steps[0].seats;
    assert_eq!(
        seats[1].waiting_since,
        Some(at_min(7)),
        "east_boss's turn came at sh_boss's approval"
    );
    assert_eq!(seats[2].waiting_since, None);
}

#[test]
fn a_stand_in_decides_in_the_deactivated_approvers_place() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(2), Mode::Any)],
        RequestFacts::default(),
    );
    let org = w.without("east_boss");
    let t = t
        .instance
        .deactivated(pid("east_boss"), &org, &ok(), at_min(60))
        .unwrap();
    assert_eq!(t.events.len(), 1);
    assert_eq!(
        t.events[0].what,
        EventKind::Escalated {
            seat: 0,
            from: pid("east_boss"),
            to: vec![pid("admin1")]
        }
    );
    let seat = &t.instance.round().steps[0].seats[0];
    assert_eq!(
        seat.waiting_since,
        Some(at_min(60)),
        "the stand-in's wait starts now"
    );
    let t = t
        .instance
        .approve(pid("admin1"), Some("代批"), at_min(61), &ok())
        .unwrap();
    let a = &timeline(&t.instance).rounds[0].steps[0].approvers[0];
    assert_eq!(
        (a.employee, a.decided_by, a.stand_ins.clone()),
        (pid("east_boss"), Some(pid("admin1")), vec![pid("admin1")])
    );
    assert_eq!(t.instance.status, Status::Approved);
}

#[test]
fn a_second_admin_takes_over_when_the_stand_in_leaves() {
    let text = format!("{COMPANY}\nperson admin2 in hq roles admin\nadmin admin2");
    let w = World::parse(&text).unwrap();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any)],
        RequestFacts::default(),
    );
    let mut org = w.without("sh_boss");
    let t = t
        .instance
        .deactivated(pid("sh_boss"), &org, &ok(), at_min(1))
        .unwrap();
    assert_eq!(t.instance.waiting_for(), vec![pid("admin1"), pid("admin2")]);
    org.set_active(pid("admin1"), false);
    let t = t
        .instance
        .deactivated(pid("admin1"), &org, &ok(), at_min(2))
        .unwrap();
    assert_eq!(t.instance.waiting_for(), vec![pid("admin2")]);
    org.set_active(pid("admin2"), false);
    let err = t
        .instance
        .deactivated(pid("admin2"), &org, &ok(), at_min(3))
        .unwrap_err();
    assert_eq!(err, TransitionError::NoAdmin { step: 0 });
}

#[test]
fn cc_is_copied_when_the_step_passes_even_automatically() {
    let w = World::company();
    let f = vec![
        step(manager(1), Mode::Any).cc(people(&["cfo"])),
        step(manager(2), Mode::Any).cc(people(&["ceo"])),
    ];
    let t = Instance::submit(
        &flow(f),
        &w.org,
        &rules(NoApprover::AutoApprove),
        pid("rep_hz"),
        Submission::default(),
        t0(),
    )
    .unwrap();
    let steps = &t.instance.round().steps;
    assert_eq!(
        steps[0].status,
        StepStatus::AutoApproved {
            reason: AutoReason::NoApproverFound
        }
    );
    assert_eq!(steps[0].cc[0].notified_at, Some(t0()));
    assert_eq!(steps[1].cc[0].notified_at, None);
    let passed: Vec<&Vec<domain::EmployeeId>> = t
        .events
        .iter()
        .filter_map(|e| match &e.what {
            EventKind::StepPassed { cc } => Some(cc),
            _ => None,
        })
        .collect();
    assert_eq!(passed, vec![&vec![pid("cfo")]]);
    let t = t
        .instance
        .approve(
            pid("east_boss"),
            None,
            at_min(4),
            &rules(NoApprover::AutoApprove),
        )
        .unwrap();
    assert_eq!(
        t.instance.round().steps[1].cc[0].notified_at,
        Some(at_min(4))
    );
    // A rejected step copies no one.
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any).cc(people(&["cfo"]))],
        RequestFacts::default(),
    );
    let t = t
        .instance
        .reject(pid("sh_boss"), None, at_min(1), &ok())
        .unwrap();
    assert_eq!(t.instance.round().steps[0].cc[0].notified_at, None);
}

#[test]
fn reminders_fall_due_after_the_set_hours_and_again_after_each_reminder() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_w",
        vec![step(manager(1), Mode::All)],
        RequestFacts::default(),
    );
    let hours = |h: i64| t0() + Duration::hours(h);
    let i = t.instance;
    assert!(i.due_reminders(hours(23), 24).is_empty());
    let due = i.due_reminders(hours(24), 24);
    assert_eq!(
        due.iter().map(|r| r.employee).collect::<Vec<_>>(),
        vec![pid("west_boss"), pid("west_co")]
    );
    assert!(due.iter().all(|r| r.step == 0 && r.waiting_since == t0()));
    assert!(
        i.due_reminders(hours(100), 0).is_empty(),
        "0 hours: reminders off"
    );
    // west_co decides; only west_boss is still due.
    let i = i
        .approve(pid("west_co"), None, hours(25), &ok())
        .unwrap()
        .instance;
    let sent = i.remind(hours(26), 24);
    assert_eq!(sent.events.len(), 1);
    assert_eq!(
        sent.events[0].what,
        EventKind::Reminded {
            seats: vec![0],
            employees: vec![pid("west_boss")]
        }
    );
    let i = sent.instance;
    assert!(
        i.due_reminders(hours(49), 24).is_empty(),
        "24 h after the last reminder, not after the start"
    );
    assert_eq!(i.due_reminders(hours(50), 24).len(), 1);
    assert!(i.remind(hours(30), 24).events.is_empty());
    // Nothing is due on a finished request.
    let done = i
        .approve(pid("west_boss"), None, hours(51), &ok())
        .unwrap()
        .instance;
    assert!(done.due_reminders(hours(500), 24).is_empty());
}

#[test]
fn comments_are_trimmed_and_bounded() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any)],
        RequestFacts::default(),
    );
    let long = "字".repeat(MAX_COMMENT_CHARS + 1);
    assert_eq!(
        t.instance
            .approve(pid("sh_boss"), Some(&long), at_min(1), &ok())
            .unwrap_err(),
        TransitionError::CommentTooLong {
            max: MAX_COMMENT_CHARS
        }
    );
    let err = t
        .instance
        .approve(pid("sh_boss"), Some(&long), at_min(1), &ok())
        .unwrap_err();
    assert_eq!(
        err.to_invalid().unwrap().codes(),
        vec![("comment".to_string(), "too_long")]
    );
    let t = t
        .instance
        .approve(pid("sh_boss"), Some("   "), at_min(1), &ok())
        .unwrap();
    assert_eq!(
        t.instance.round().steps[0].seats[0]
            .decision
            .as_ref()
            .unwrap()
            .comment,
        None
    );
}

#[test]
fn resubmission_checks_type_and_version() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any)],
        RequestFacts::default(),
    );
    let i = t
        .instance
        .reject(pid("sh_boss"), None, at_min(1), &ok())
        .unwrap()
        .instance;
    let mut leave = flow(vec![step(manager(1), Mode::Any)]);
    leave.request_type = RequestType::parse(RequestType::LEAVE).unwrap();
    let err = i
        .resubmit(
            pid("rep_sh"),
            &leave,
            &w.org,
            &ok(),
            Resubmission::default(),
            at_min(2),
        )
        .unwrap_err();
    assert_eq!(err.code(), "approval_wrong_type");
    let mut v3 = flow(vec![step(manager(2), Mode::Any)]);
    v3.version = FlowVersion(3);
    let err = i
        .resubmit(
            pid("rep_sh"),
            &v3,
            &w.org,
            &ok(),
            Resubmission::default(),
            at_min(2),
        )
        .unwrap_err();
    assert_eq!(
        err,
        TransitionError::FlowVersionMismatch {
            pinned: FlowVersion(1),
            given: FlowVersion(3)
        }
    );
    let t = i
        .resubmit(
            pid("rep_sh"),
            &v3,
            &w.org,
            &ok(),
            Resubmission {
                repin: true,
                ..Resubmission::default()
            },
            at_min(2),
        )
        .unwrap();
    assert_eq!(t.instance.flow_version, FlowVersion(3));
    assert_eq!(t.instance.rounds[0].flow_version, FlowVersion(1));
    assert_eq!(t.instance.rounds[1].flow_version, FlowVersion(3));
    // A routing refusal on resubmission is the route's error.
    let chosen = flow(vec![step(choice(1), Mode::Any)]);
    let i = Instance::submit(
        &chosen,
        &w.org,
        &ok(),
        pid("rep_sh"),
        Submission {
            choices: choosing(0, &["cfo"]),
            ..Submission::default()
        },
        t0(),
    )
    .unwrap()
    .instance;
    let i = i
        .reject(pid("cfo"), None, at_min(1), &ok())
        .unwrap()
        .instance;
    let err = i
        .resubmit(
            pid("rep_sh"),
            &chosen,
            &w.org,
            &ok(),
            Resubmission::default(),
            at_min(2),
        )
        .unwrap_err();
    assert_eq!(
        err,
        TransitionError::Route(RouteError::ChoiceMissing { step: 0 })
    );
    assert_eq!(
        RouteError::ChoiceMissing { step: 0 }
            .to_invalid()
            .unwrap()
            .codes(),
        vec![("choices.approvers.0".to_string(), "required")]
    );
}

#[test]
fn instance_and_events_round_trip_through_json() {
    let w = World::company();
    let mut facts = with_field("days", FieldValue::Number(1.5));
    facts.amount = Some(Fen(12_345));
    let t = submit(
        &w,
        "rep_w",
        vec![
            step(manager(1), Mode::All).cc(finance()),
            step(people(&["gone"]), Mode::Any),
        ],
        facts,
    );
    let t2 = t
        .instance
        .approve(pid("west_boss"), Some("ok"), at_min(1), &ok())
        .unwrap();
    let json = serde_json::to_string(&t2.instance).unwrap();
    let back: Instance = serde_json::from_str(&json).unwrap();
    assert_eq!(back, t2.instance);
    let log: Vec<Event> = t.events.iter().chain(&t2.events).cloned().collect();
    let json = serde_json::to_string(&log).unwrap();
    let back: Vec<Event> = serde_json::from_str(&json).unwrap();
    assert_eq!(back, log);
    assert_eq!(Instance::replay(&back).unwrap(), t2.instance);
    let v = serde_json::to_value(&log[2]).unwrap();
    assert_eq!(v["what"]["type"], "approved");
    assert_eq!(v["by"]["employee"], pid("west_boss").to_string());
    assert_eq!(v["step"], 0);
}

#[test]
fn replay_refuses_logs_that_cannot_have_happened() {
    let w = World::company();
    let t = submit(
        &w,
        "rep_sh",
        vec![step(manager(1), Mode::Any)],
        RequestFacts::default(),
    );
    assert_eq!(
        Instance::replay(&[]).unwrap_err(),
        ReplayError::NotStartedBySubmission
    );
    assert_eq!(
        Instance::replay(&t.events[1..]).unwrap_err(),
        ReplayError::NotStartedBySubmission
    );
    let mut forged = t.events.clone();
    forged.push(Event {
        at: at_min(1),
        by: Actor::Employee(pid("fin1")),
        round: 1,
        step: Some(0),
        what: EventKind::Approved {
            seats: vec![3],
            comment: None,
        },
    });
    assert!(matches!(
        Instance::replay(&forged),
        Err(ReplayError::Inconsistent { event: 2, .. })
    ));
    let mut twice = t.events.clone();
    twice.push(t.events[1].clone());
    assert!(
        Instance::replay(&twice).is_err(),
        "a step cannot start twice"
    );
}
