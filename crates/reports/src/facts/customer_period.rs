//! The fact of one customer over a period: visits, frequency compliance, last visit and
//! the outcome the tenant measures.

use crate::period::DateRange;
use chrono::{Days, NaiveDate};
use domain::customer::Level;
use domain::{CustomerId, EmployeeId};
use serde::{Deserialize, Serialize};

/// One visit to the customer (a check-in), by local date.
#[derive(Clone, Debug, PartialEq)]
pub struct CustomerVisit {
    pub date: NaiveDate,
    pub employee: EmployeeId,
    /// The outcome field's value in the visit's report; `None` when absent.
    pub outcome: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CustomerPeriodInput {
    pub customer: CustomerId,
    pub level: Level,
    pub tags: Vec<String>,
    pub owner: Option<EmployeeId>,
    pub period: DateRange,
    /// Days between visits the tenant's frequency rule asks for this customer (default:
    /// [`default_interval`]).
    pub interval_days: u32,
    /// The last visit before any in `visits` (from the stored last-visit column), if any.
    pub last_visit_before: Option<NaiveDate>,
    /// Visits from at least one interval before the period to its end plus the tolerance
    /// (those outside the period only decide when visits were due and whether they were
    /// met; they are not counted as the period's visits).
    pub visits: Vec<CustomerVisit>,
    /// The tenant marks a report field as the outcome. Without one, outcomes are `None`.
    pub outcome_tracked: bool,
}

/// Visit interval by level when the tenant sets none: the planner's (A weekly, B every
/// two weeks, C every four), so "due" means the same in plans and reports.
pub fn default_interval(level: Level) -> u32 {
    plan::schedule::level_interval(level.as_str()).unwrap_or(28)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CustomerPeriod {
    pub customer: CustomerId,
    pub level: Level,
    pub tags: Vec<String>,
    pub owner: Option<EmployeeId>,
    pub period: DateRange,
    /// Check-ins within the period.
    pub visits: u32,
    /// Distinct people who visited within the period.
    pub visitors: u32,
    /// Visits the frequency rule made due within the period, and how many were met.
    pub due_visits: u32,
    pub due_met: u32,
    /// The latest visit on or before the period's end; `None` if never visited.
    pub last_visit: Option<NaiveDate>,
    /// Sum of the outcome field over the period's visits; `None` when the tenant tracks no
    /// outcome (0 when it does and nothing was reported).
    pub outcome_sum: Option<f64>,
    pub visits_with_outcome: u32,
}

/// Computes the fact. Due visits follow the planner's rule (`plan::schedule::due`): the
/// first is due one interval after the last visit (at the period's start if that is
/// already past or there was none), each is met by a visit within ± the planner's
/// tolerance of its date (at most one visit per due date), and the next one is due one
/// interval after the visit that met it (after the due date when missed, or after a late
/// visit that came before the next due date). Working days are not consulted: a window
/// that falls entirely on holidays counts as missed.
pub fn customer_period(input: &CustomerPeriodInput) -> CustomerPeriod {
    let period = input.period;
    let mut days: Vec<NaiveDate> = input.visits.iter().map(|v| v.date).collect();
    days.sort();
    days.dedup();
    let before = days.iter().rev().find(|d| **d < period.from).copied();
    let anchor = before.max(input.last_visit_before);
    let interval = input.interval_days.max(1);
    let tol = plan::schedule::tolerance(interval).max(0) as u64;
    let step = Days::new(interval as u64);

    let mut due = anchor.map_or(period.from, |a| a + step).max(period.from);
    let mut used = anchor;
    let (mut due_visits, mut due_met) = (0, 0);
    while due <= period.to {
        due_visits += 1;
        let opens = due - Days::new(tol);
        let next = days
            .iter()
            .copied()
            .find(|d| *d >= opens && used.is_none_or(|u| *d > u));
        let met = next.is_some_and(|v| v <= due + Days::new(tol));
        if met {
            due_met += 1;
        }
        due = match next {
            Some(v) if v < due + step => {
                used = Some(v);
                v + step
            }
            _ => due + step,
        };
    }

    let in_period: Vec<&CustomerVisit> = input
        .visits
        .iter()
        .filter(|v| period.contains(v.date))
        .collect();
    let mut visitors: Vec<EmployeeId> = in_period.iter().map(|v| v.employee).collect();
    visitors.sort();
    visitors.dedup();
    CustomerPeriod {
        customer: input.customer,
        level: input.level,
        tags: input.tags.clone(),
        owner: input.owner,
        period,
        visits: in_period.len() as u32,
        visitors: visitors.len() as u32,
        due_visits,
        due_met,
        last_visit: days
            .iter()
            .rev()
            .find(|d| **d <= period.to)
            .copied()
            .or(input.last_visit_before),
        outcome_sum: input
            .outcome_tracked
            .then(|| in_period.iter().filter_map(|v| v.outcome).sum()),
        visits_with_outcome: in_period.iter().filter(|v| v.outcome.is_some()).count() as u32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input(interval: u32, last: Option<&str>, visits: &[&str]) -> CustomerPeriodInput {
        let rep = EmployeeId(uuid::Uuid::from_u128(1));
        CustomerPeriodInput {
            customer: CustomerId(uuid::Uuid::from_u128(9)),
            level: Level::A,
            tags: vec![],
            owner: Some(rep),
            period: DateRange::new(d("2026-11-01"), d("2026-11-30")).unwrap(),
            interval_days: interval,
            last_visit_before: last.map(d),
            visits: visits
                .iter()
                .map(|s| CustomerVisit {
                    date: d(s),
                    employee: rep,
                    outcome: None,
                })
                .collect(),
            outcome_tracked: false,
        }
    }

    #[test]
    fn weekly_customer_over_november() {
        // Interval 7, tolerance 2. Last visit 10-28 → due 11-04, met 11-05; next due
        // 11-12, met 11-11; next due 11-18, missed (the 11-24 visit is late, and before
        // the following due date, so the next is due 12-01, outside). Three due, two met.
        let c = customer_period(&input(
            7,
            Some("2026-10-28"),
            &["2026-11-05", "2026-11-11", "2026-11-24"],
        ));
        assert_eq!((c.due_visits, c.due_met), (3, 2));
        assert_eq!(c.visits, 3);
        assert_eq!(c.last_visit, Some(d("2026-11-24")));
        assert_eq!(c.outcome_sum, None);
    }

    #[test]
    fn never_visited_is_due_at_the_start() {
        // Due 11-01 (met by 11-03, within 2 days), then 11-10 (missed), 11-17, 11-24:
        // nothing after 11-03, so four due, one met.
        let c = customer_period(&input(7, None, &["2026-11-03"]));
        assert_eq!((c.due_visits, c.due_met), (4, 1));
        let none = customer_period(&input(7, None, &[]));
        assert_eq!(
            (none.due_visits, none.due_met, none.last_visit),
            (5, 0, None)
        );
    }

    #[test]
    fn a_visit_meets_one_due_date_only() {
        // Monthly (28, tolerance 7): last 10-10 → due 11-07; the visits on 11-02 and 11-03
        // are both in its window but meet it once; the next is due 11-30 (window from 11-23):
        // missed.
        let c = customer_period(&input(
            28,
            Some("2026-10-10"),
            &["2026-11-02", "2026-11-03"],
        ));
        assert_eq!((c.due_visits, c.due_met), (2, 1));
    }
}
