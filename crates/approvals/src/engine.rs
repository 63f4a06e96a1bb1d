//! The commands: submit, decide, withdraw, resubmit, a deactivation, reminders. Each
//! takes the instance as it stands and answers the new state with the events that made
//! it, or a typed refusal. After a command, rules move the request on by themselves
//! (steps start and pass, the decide-once rule, the final decision) as further events.

use crate::error::{RouteError, TransitionError};
use crate::event::{Actor, Event, EventKind};
use crate::facts::{Choices, RequestFacts};
use crate::flow::FlowDefinition;
use crate::instance::{AutoDecision, Instance, Status, StepOutcome, StepStatus, Verdict};
use crate::org::Org;
use crate::route::{admins_excluding, resolve};
use crate::rules::ExceptionRules;
use chrono::{DateTime, Utc};
use domain::EmployeeId;

pub const MAX_COMMENT_CHARS: usize = 1000;

/// The new state and the events that led to it, oldest first (none if nothing changed).
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    pub instance: Instance,
    pub events: Vec<Event>,
}

/// A new request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Submission {
    pub facts: RequestFacts,
    pub choices: Choices,
}

/// A new round after a rejection or a withdrawal.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Resubmission {
    pub facts: RequestFacts,
    pub choices: Choices,
    /// Route the new round by the given flow even if its version differs from the pinned one.
    pub repin: bool,
}

impl Instance {
    /// Resolves the whole route and starts the request; a flow that needs no one
    /// approves it at once.
    pub fn submit(
        flow: &FlowDefinition,
        org: &Org,
        rules: &ExceptionRules,
        submitter: EmployeeId,
        submission: Submission,
        at: DateTime<Utc>,
    ) -> Result<Transition, RouteError> {
        let route = resolve(
            flow,
            org,
            rules,
            submitter,
            &submission.facts,
            &submission.choices,
        )?;
        let first = Event {
            at,
            by: Actor::Employee(submitter),
            round: 1,
            step: None,
            what: EventKind::Submitted {
                request_type: flow.request_type.clone(),
                submitter,
                flow_version: flow.version,
                facts: submission.facts,
                route,
            },
        };
        let instance = Instance::from_submitted(&first).expect("a submission event");
        let mut t = Transition {
            instance,
            events: vec![first],
        };
        t.settle(at, rules);
        Ok(t)
    }

    pub fn approve(
        &self,
        actor: EmployeeId,
        comment: Option<&str>,
        at: DateTime<Utc>,
        rules: &ExceptionRules,
    ) -> Result<Transition, TransitionError> {
        self.decide(actor, Verdict::Approve, comment, at, rules)
    }

    pub fn reject(
        &self,
        actor: EmployeeId,
        comment: Option<&str>,
        at: DateTime<Utc>,
        rules: &ExceptionRules,
    ) -> Result<Transition, TransitionError> {
        self.decide(actor, Verdict::Reject, comment, at, rules)
    }

    /// A current approver's decision. It fills every open seat of the step the actor
    /// may decide (their own and any they stand in for); in sequence only the seat whose
    /// turn it is.
    pub fn decide(
        &self,
        actor: EmployeeId,
        verdict: Verdict,
        comment: Option<&str>,
        at: DateTime<Utc>,
        rules: &ExceptionRules,
    ) -> Result<Transition, TransitionError> {
        self.check_open()?;
        let comment = clean_comment(comment)?;
        let round = self.round();
        let i = round.at;
        let step = &round.steps[i];
        let seats: Vec<usize> = step
            .open_seats()
            .into_iter()
            .filter(|s| step.seats[*s].can_decide(actor))
            .collect();
        if seats.is_empty() {
            return Err(self.why_not_decider(actor));
        }
        let what = match verdict {
            Verdict::Approve => EventKind::Approved { seats, comment },
            Verdict::Reject => EventKind::Rejected { seats, comment },
        };
        self.transition(
            at,
            rules,
            vec![self.event(at, Actor::Employee(actor), Some(i), what)],
        )
    }

    /// The submitter takes the request back before the final decision.
    pub fn withdraw(
        &self,
        actor: EmployeeId,
        comment: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Transition, TransitionError> {
        if actor != self.submitter {
            return Err(TransitionError::NotSubmitter);
        }
        self.check_open()?;
        let comment = clean_comment(comment)?;
        let step = Some(self.round().at).filter(|i| *i < self.round().steps.len());
        let e = self.event(
            at,
            Actor::Employee(actor),
            step,
            EventKind::Withdrawn { comment },
        );
        self.transition(at, &ExceptionRules::default(), vec![e])
    }

    /// A new round after a rejection or withdrawal, routed afresh by `flow`, which must
    /// be the pinned version unless the caller re-pins.
    pub fn resubmit(
        &self,
        actor: EmployeeId,
        flow: &FlowDefinition,
        org: &Org,
        rules: &ExceptionRules,
        resubmission: Resubmission,
        at: DateTime<Utc>,
    ) -> Result<Transition, TransitionError> {
        if actor != self.submitter {
            return Err(TransitionError::NotSubmitter);
        }
        match self.status {
            Status::InProgress => return Err(TransitionError::StillInProgress),
            Status::Approved => {
                return Err(TransitionError::AlreadyFinished {
                    status: Status::Approved,
                });
            }
            Status::Rejected | Status::Withdrawn => {}
        }
        if flow.request_type != self.request_type {
            return Err(TransitionError::WrongRequestType {
                request: self.request_type.clone(),
                given: flow.request_type.clone(),
            });
        }
        if !resubmission.repin && flow.version != self.flow_version {
            return Err(TransitionError::FlowVersionMismatch {
                pinned: self.flow_version,
                given: flow.version,
            });
        }
        let route = resolve(
            flow,
            org,
            rules,
            self.submitter,
            &resubmission.facts,
            &resubmission.choices,
        )?;
        let e = Event {
            at,
            by: Actor::Employee(actor),
            round: self.round().number + 1,
            step: None,
            what: EventKind::Resubmitted {
                flow_version: flow.version,
                facts: resubmission.facts,
                route,
            },
        };
        self.transition(at, rules, vec![e])
    }

    /// `person` was deactivated (`org` already says so): every undecided seat of theirs
    /// in the current round goes to the tenant's admins. Nothing changes (no events) if
    /// they had none.
    pub fn deactivated(
        &self,
        person: EmployeeId,
        org: &Org,
        rules: &ExceptionRules,
        at: DateTime<Utc>,
    ) -> Result<Transition, TransitionError> {
        let mut events = Vec::new();
        if self.status == Status::InProgress {
            let round = self.round();
            for step in &round.steps[round.at..] {
                if !matches!(step.status, StepStatus::Waiting | StepStatus::Pending) {
                    continue;
                }
                for (s, seat) in step.seats.iter().enumerate() {
                    if seat.decision.is_some() || !seat.can_decide(person) {
                        continue;
                    }
                    let others: Vec<EmployeeId> = seat
                        .stand_ins
                        .iter()
                        .copied()
                        .filter(|p| *p != person && org.is_active(*p))
                        .collect();
                    let to = if others.is_empty() {
                        admins_excluding(org, rules, self.submitter, &[person])
                    } else {
                        others
                    };
                    if to.is_empty() {
                        return Err(TransitionError::NoAdmin { step: step.index });
                    }
                    let what = EventKind::Escalated {
                        seat: s,
                        from: person,
                        to,
                    };
                    events.push(self.event(at, Actor::System, Some(step.index), what));
                }
            }
        }
        self.transition(at, rules, events)
    }

    fn check_open(&self) -> Result<(), TransitionError> {
        match self.status {
            Status::InProgress => Ok(()),
            Status::Withdrawn => Err(TransitionError::Withdrawn),
            status => Err(TransitionError::AlreadyFinished { status }),
        }
    }

    /// Why `actor` has no open seat at the current step.
    fn why_not_decider(&self, actor: EmployeeId) -> TransitionError {
        let round = self.round();
        let decided_by = |st: &crate::instance::StepState| {
            st.seats
                .iter()
                .any(|s| s.decision.as_ref().is_some_and(|d| d.by == actor))
        };
        if decided_by(&round.steps[round.at]) {
            return TransitionError::AlreadyDecided { step: round.at };
        }
        let later = round.steps[round.at..].iter().find(|st| {
            matches!(st.status, StepStatus::Waiting | StepStatus::Pending)
                && st
                    .seats
                    .iter()
                    .any(|s| s.decision.is_none() && s.can_decide(actor))
        });
        if let Some(st) = later {
            return TransitionError::NotYourTurn { step: st.index };
        }
        // A seat at an earlier step: decided, by them or (any one of several) by another.
        let earlier = round.steps[..round.at]
            .iter()
            .rev()
            .find(|st| decided_by(st) || st.seats.iter().any(|s| s.can_decide(actor)));
        match earlier {
            Some(st) => TransitionError::AlreadyDecided { step: st.index },
            None => TransitionError::NotAnApprover,
        }
    }

    fn event(&self, at: DateTime<Utc>, by: Actor, step: Option<usize>, what: EventKind) -> Event {
        Event {
            at,
            by,
            round: self.round().number,
            step,
            what,
        }
    }

    /// Applies the command's events to a copy, then lets the rules move it on.
    fn transition(
        &self,
        at: DateTime<Utc>,
        rules: &ExceptionRules,
        events: Vec<Event>,
    ) -> Result<Transition, TransitionError> {
        let mut t = Transition {
            instance: self.clone(),
            events: Vec::new(),
        };
        if events.is_empty() {
            return Ok(t);
        }
        for e in events {
            t.push(e);
        }
        t.settle(at, rules);
        Ok(t)
    }
}

impl Transition {
    fn push(&mut self, e: Event) {
        if let Err(problem) = self.instance.apply(&e) {
            panic!("the engine emitted an event it cannot apply ({problem}): {e:?}");
        }
        self.events.push(e);
    }

    /// Moves the request on as far as it goes without anyone acting.
    fn settle(&mut self, at: DateTime<Utc>, rules: &ExceptionRules) {
        loop {
            let inst = &self.instance;
            if inst.status != Status::InProgress {
                return;
            }
            let round = inst.round();
            let i = round.at;
            let what = match round.steps.get(i).map(|s| (s.status, s.outcome())) {
                None => EventKind::Finished {
                    status: Status::Approved,
                },
                Some((StepStatus::Waiting, _)) => EventKind::StepStarted,
                Some((StepStatus::AutoApproved { .. }, _))
                | Some((StepStatus::Pending, StepOutcome::Passed)) => EventKind::StepPassed {
                    cc: round.steps[i].cc.iter().map(|c| c.employee).collect(),
                },
                Some((StepStatus::Pending, StepOutcome::Rejected)) => EventKind::Finished {
                    status: Status::Rejected,
                },
                Some((StepStatus::Pending, StepOutcome::Open)) => {
                    match rules.decide_once.then(|| same_approver(inst)).flatten() {
                        Some(what) => what,
                        None => return,
                    }
                }
                Some((status, _)) => {
                    unreachable!("the step being decided cannot be {status:?}")
                }
            };
            let step = (i < round.steps.len()).then_some(i);
            let e = inst.event(at, Actor::System, step, what);
            self.push(e);
        }
    }
}

/// The decide-once rule: an open seat of the current step that someone who approved the
/// previous decided step may decide is approved in their name.
fn same_approver(inst: &Instance) -> Option<EventKind> {
    let round = inst.round();
    let step = &round.steps[round.at];
    let previous = round.steps[..round.at]
        .iter()
        .rev()
        .find(|s| s.status == StepStatus::Approved)?;
    let approvers = previous.approvers();
    let open = step.open_seats();
    let person = open.iter().find_map(|s| {
        approvers
            .iter()
            .copied()
            .find(|p| step.seats[*s].can_decide(*p))
    })?;
    let seats = open
        .into_iter()
        .filter(|s| step.seats[*s].can_decide(person))
        .collect();
    Some(EventKind::AutoApproved {
        seats,
        on_behalf_of: person,
        reason: AutoDecision::SameApproverAsPrevious {
            step: previous.index,
        },
    })
}

fn clean_comment(raw: Option<&str>) -> Result<Option<String>, TransitionError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) if s.chars().count() > MAX_COMMENT_CHARS => Err(TransitionError::CommentTooLong {
            max: MAX_COMMENT_CHARS,
        }),
        Some(s) => Ok(Some(s.to_owned())),
    }
}
