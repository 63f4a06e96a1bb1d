//! Reminders for approvers who keep a request waiting: which are due (a pure answer for
//! the reminder job) and recording that they went out, so the next run waits again.

use crate::engine::Transition;
use crate::event::{Actor, Event, EventKind};
use crate::instance::Instance;
use chrono::{DateTime, Duration, Utc};
use domain::EmployeeId;
use serde::Serialize;

/// One person to remind about one seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub employee: EmployeeId,
    pub step: usize,
    pub seat: usize,
    /// Since when the seat waits for a decision.
    pub waiting_since: DateTime<Utc>,
}

impl Instance {
    /// The open seats that have waited `after_hours` since they opened or since their last
    /// reminder, one reminder per person who may decide them. `after_hours` 0 means the
    /// tenant sends no reminders.
    pub fn due_reminders(&self, now: DateTime<Utc>, after_hours: u32) -> Vec<Reminder> {
        let mut out = Vec::new();
        let (Some(i), true) = (self.current_step(), after_hours > 0) else {
            return out;
        };
        let step = &self.round().steps[i];
        let after = Duration::hours(i64::from(after_hours));
        for s in step.open_seats() {
            let seat = &step.seats[s];
            let Some(since) = seat.waiting_since else {
                continue;
            };
            let last = seat.reminded_at.map_or(since, |r| r.max(since));
            if now - last < after {
                continue;
            }
            for p in seat.deciders() {
                out.push(Reminder {
                    employee: *p,
                    step: i,
                    seat: s,
                    waiting_since: since,
                });
            }
        }
        out
    }

    /// Records the reminders due at `now` (no events if none are).
    pub fn remind(&self, now: DateTime<Utc>, after_hours: u32) -> Transition {
        let due = self.due_reminders(now, after_hours);
        let mut instance = self.clone();
        let mut events = Vec::new();
        if let Some(first) = due.first() {
            let mut seats: Vec<usize> = due.iter().map(|r| r.seat).collect();
            seats.dedup();
            let e = Event {
                at: now,
                by: Actor::System,
                round: self.round().number,
                step: Some(first.step),
                what: EventKind::Reminded {
                    seats,
                    employees: due.iter().map(|r| r.employee).collect(),
                },
            };
            instance
                .apply(&e)
                .expect("a reminder of an open seat applies");
            events.push(e);
        }
        Transition { instance, events }
    }
}
