//! When a customer is due: its visits in the horizon and the window of days each may
//! take. One definition serves the scheduler, the baseline and the evaluation, so "due
//! visits met" means the same for all of them.
//!
//! The first visit is due `interval` days after the last one (at the horizon's start when
//! that is past or there was none), then every `interval` days. A visit is on time within
//! ± [`tolerance`] days of its due date; when that window holds no working day of the rep
//! it is stretched to the next working day (a visit due on a holiday is due the day after).

use super::{DueVisit, Problem, Unplaced};
use crate::date::Date;

/// Why a visit is due.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DueReason {
    /// Last visited on `last`, to be visited every `interval` days.
    Interval { last: Date, interval: u32 },
    /// Was due on `due` (before the horizon), so it is due at once.
    Overdue { due: Date, interval: u32 },
    /// No visit on record: due at once.
    NeverVisited,
    /// The next visit after the one due on `previous`.
    Repeat { previous: Date, interval: u32 },
}

/// Days a visit may be early or late and still count as on time: about a quarter of the
/// interval, at least two days for weekly and longer intervals so a holiday or weekend
/// near the due date leaves a working day.
pub fn tolerance(interval: u32) -> i32 {
    let i = interval as i32;
    if i >= 7 { (i / 4).max(2) } else { i / 4 }
}

/// Fewest days between two visits of one customer: half the interval, so a weekly
/// customer is never seen on two adjacent days.
pub fn min_gap(interval: u32) -> i32 {
    ((interval as i32 + 1) / 2).max(1)
}

/// A due visit as horizon day indices (0 = the horizon's start).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Window {
    pub target: i32,
    pub lo: i32,
    pub hi: i32,
    pub reason: DueReason,
}

impl Window {
    pub fn report(&self, start: Date, placed: Option<i32>, unplaced: Option<Unplaced>) -> DueVisit {
        DueVisit {
            target: start.plus(self.target),
            earliest: start.plus(self.lo),
            latest: start.plus(self.hi),
            reason: self.reason,
            placed: placed.map(|d| start.plus(d)),
            unplaced,
        }
    }
}

/// The customer's due visits in the horizon; working days are those of `rep` (all days
/// when there is none).
pub(crate) fn windows(problem: &Problem, c: &super::Customer, rep: Option<usize>) -> Vec<Window> {
    let interval = c.interval_days.max(1);
    let days = problem.days as i32;
    let start = problem.start;
    let works = |d: i32| rep.is_none_or(|r| problem.works(r, d as u32));
    let tol = tolerance(interval);
    let (first, mut reason) = match c.last_visit {
        None => (0, DueReason::NeverVisited),
        Some(last) => {
            let due = last.plus(interval as i32);
            if due < start {
                (0, DueReason::Overdue { due, interval })
            } else {
                (due.0 - start.0, DueReason::Interval { last, interval })
            }
        }
    };
    let mut out = Vec::new();
    let mut t = first;
    while t < days {
        // Overdue and never-visited customers are due now: the window opens at the start.
        let mut lo = (t - tol).max(0);
        let mut hi = (t + tol).min(days - 1);
        while !(lo..=hi).any(works) && hi < days - 1 {
            hi += 1;
        }
        while !(lo..=hi).any(works) && lo > 0 {
            lo -= 1;
        }
        out.push(Window {
            target: t,
            lo,
            hi,
            reason,
        });
        reason = DueReason::Repeat {
            previous: start.plus(t),
            interval,
        };
        t += interval as i32;
    }
    out
}
