//! The one place an instance changes: folding an event into it. Commands emit events and
//! apply them; storage may rebuild an instance from its log with [`Instance::replay`].

use crate::error::ReplayError;
use crate::event::{Actor, Event, EventKind};
use crate::instance::{Decision, Ending, Instance, Round, Status, StepState, StepStatus, Verdict};
use chrono::{DateTime, Utc};

type Applied = Result<(), &'static str>;

impl Instance {
    /// The instance an event log describes.
    pub fn replay(events: &[Event]) -> Result<Instance, ReplayError> {
        let (first, rest) = events
            .split_first()
            .ok_or(ReplayError::NotStartedBySubmission)?;
        let mut instance =
            Instance::from_submitted(first).ok_or(ReplayError::NotStartedBySubmission)?;
        for (i, e) in rest.iter().enumerate() {
            instance
                .apply(e)
                .map_err(|problem| ReplayError::Inconsistent {
                    event: i + 1,
                    problem,
                })?;
        }
        Ok(instance)
    }

    pub(crate) fn from_submitted(e: &Event) -> Option<Instance> {
        let EventKind::Submitted {
            request_type,
            submitter,
            flow_version,
            facts,
            route,
        } = &e.what
        else {
            return None;
        };
        let mut round = Round {
            number: 1,
            flow_version: *flow_version,
            facts: facts.clone(),
            submitted_at: e.at,
            steps: route.clone(),
            at: 0,
            ended: None,
        };
        pass_skipped(&mut round);
        Some(Instance {
            request_type: request_type.clone(),
            submitter: *submitter,
            flow_version: *flow_version,
            status: Status::InProgress,
            rounds: vec![round],
        })
    }

    /// Folds one event (after the submission) into the instance.
    pub fn apply(&mut self, e: &Event) -> Result<(), &'static str> {
        if let EventKind::Resubmitted {
            flow_version,
            facts,
            route,
        } = &e.what
        {
            if !matches!(self.status, Status::Rejected | Status::Withdrawn) {
                return Err("resubmitted while not rejected or withdrawn");
            }
            if e.round != self.round().number + 1 {
                return Err("a resubmission opens the next round");
            }
            let mut round = Round {
                number: self.round().number + 1,
                flow_version: *flow_version,
                facts: facts.clone(),
                submitted_at: e.at,
                steps: route.clone(),
                at: 0,
                ended: None,
            };
            pass_skipped(&mut round);
            self.flow_version = *flow_version;
            self.status = Status::InProgress;
            self.rounds.push(round);
            return Ok(());
        }
        if self.status != Status::InProgress {
            return Err("event after the final decision");
        }
        let round = self.rounds.last_mut().ok_or("no round")?;
        if e.round != round.number {
            return Err("event of another round");
        }
        match &e.what {
            EventKind::Submitted { .. } => Err("submitted twice"),
            EventKind::Resubmitted { .. } => unreachable!("handled above"),
            EventKind::StepStarted => {
                let step = current(round, e)?;
                if step.status != StepStatus::Waiting {
                    return Err("started a step that is not waiting");
                }
                step.status = StepStatus::Pending;
                step.started_at = Some(e.at);
                mark_open(step, e.at);
                Ok(())
            }
            EventKind::Approved { seats, comment } | EventKind::Rejected { seats, comment } => {
                let Actor::Employee(by) = e.by else {
                    return Err("a decision by the system");
                };
                let verdict = if matches!(e.what, EventKind::Approved { .. }) {
                    Verdict::Approve
                } else {
                    Verdict::Reject
                };
                decide(current(round, e)?, seats, e.at, |_| Decision {
                    by,
                    verdict,
                    comment: comment.clone(),
                    at: e.at,
                    auto: None,
                })
            }
            EventKind::AutoApproved {
                seats,
                on_behalf_of,
                reason,
            } => decide(current(round, e)?, seats, e.at, |_| Decision {
                by: *on_behalf_of,
                verdict: Verdict::Approve,
                comment: None,
                at: e.at,
                auto: Some(*reason),
            }),
            EventKind::StepPassed { cc } => {
                let step = current(round, e)?;
                match step.status {
                    StepStatus::Pending => step.status = StepStatus::Approved,
                    StepStatus::AutoApproved { .. } => {}
                    _ => return Err("passed a step that is not pending"),
                }
                step.finished_at = Some(e.at);
                for c in step.cc.iter_mut().filter(|c| cc.contains(&c.employee)) {
                    c.notified_at = Some(e.at);
                }
                round.at += 1;
                pass_skipped(round);
                Ok(())
            }
            EventKind::Escalated { seat, from, to } => {
                let at = e.step.ok_or("no step")?;
                let step = round.steps.get_mut(at).ok_or("no such step")?;
                let open = step.open_seats().contains(seat);
                let s = step.seats.get_mut(*seat).ok_or("no such seat")?;
                if s.decision.is_some() || !s.can_decide(*from) {
                    return Err("escalated a seat that was not theirs to decide");
                }
                s.stand_ins = to.clone();
                s.reminded_at = None;
                if open {
                    s.waiting_since = Some(e.at);
                }
                Ok(())
            }
            EventKind::Reminded { seats, .. } => {
                let at = e.step.ok_or("no step")?;
                let step = round.steps.get_mut(at).ok_or("no such step")?;
                for s in seats {
                    step.seats.get_mut(*s).ok_or("no such seat")?.reminded_at = Some(e.at);
                }
                Ok(())
            }
            EventKind::Withdrawn { comment } => {
                round.ended = Some(Ending {
                    status: Status::Withdrawn,
                    at: e.at,
                    by: e.by,
                    comment: comment.clone(),
                });
                self.status = Status::Withdrawn;
                Ok(())
            }
            EventKind::Finished { status } => {
                match status {
                    Status::Rejected => {
                        let step = current(round, e)?;
                        step.status = StepStatus::Rejected;
                        step.finished_at = Some(e.at);
                    }
                    Status::Approved if round.at == round.steps.len() => {}
                    _ => return Err("finished without a final decision"),
                }
                round.ended = Some(Ending {
                    status: *status,
                    at: e.at,
                    by: e.by,
                    comment: None,
                });
                self.status = *status;
                Ok(())
            }
        }
    }
}

/// The step an event names, which must be the one being decided.
fn current<'r>(round: &'r mut Round, e: &Event) -> Result<&'r mut StepState, &'static str> {
    if e.step != Some(round.at) {
        return Err("event about a step that is not current");
    }
    round.steps.get_mut(round.at).ok_or("no such step")
}

fn decide(
    step: &mut StepState,
    seats: &[usize],
    at: DateTime<Utc>,
    decision: impl Fn(usize) -> Decision,
) -> Applied {
    let open = step.open_seats();
    if seats.is_empty() || seats.iter().any(|s| !open.contains(s)) {
        return Err("decided a seat that is not open");
    }
    for s in seats {
        step.seats[*s].decision = Some(decision(*s));
    }
    mark_open(step, at);
    Ok(())
}

/// Seats that just became decidable start waiting now.
fn mark_open(step: &mut StepState, at: DateTime<Utc>) {
    for s in step.open_seats() {
        step.seats[s].waiting_since.get_or_insert(at);
    }
}

/// Moves the round past steps that were skipped when the route was resolved.
fn pass_skipped(round: &mut Round) {
    while round
        .steps
        .get(round.at)
        .is_some_and(|s| matches!(s.status, StepStatus::Skipped { .. }))
    {
        round.at += 1;
    }
}
