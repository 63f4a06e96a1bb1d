//! Sums of person-day facts, and roll-ups by department subtree and period.
//!
//! Only sums are stored; every ratio is recomputed from the sums of its numerator and
//! denominator over the days where both are known (never an average of daily ratios: a
//! 10-minute day at 100 % does not weigh as much as a 10-hour day at 40 %).

use crate::directory::Directory;
use crate::facts::{DayType, PersonDay};
use crate::period::{Grain, PeriodKey};
use domain::attendance::DayStatus;
use domain::{CustomerId, DepartmentId, EmployeeId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Additive totals of any set of person-days.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Totals {
    pub person_days: u32,
    /// Working days not on leave (the days a person was due to work).
    pub working_days: u32,
    pub holidays: u32,
    /// Attendance statuses (days with an attendance rule).
    pub present_days: u32,
    pub late_days: u32,
    pub early_leave_days: u32,
    pub absent_days: u32,
    pub leave_days: u32,
    pub late_min: u64,
    pub early_leave_min: u64,
    pub worked_min: u64,
    pub planned_visits: u32,
    pub planned_done: u32,
    pub visits: u32,
    pub completed_visits: u32,
    pub within_radius: u32,
    pub ad_hoc_visits: u32,
    pub prospect_visits: u32,
    pub short_visits: u32,
    pub time_at_customers_s: i64,
    pub visit_duration_s: i64,
    /// Σ working windows over days that have one.
    pub work_window_s: i64,
    /// Σ travel time and Σ windows over days where both are known.
    pub travel_s: i64,
    pub travel_window_s: i64,
    pub tracked_s: i64,
    pub tracked_window_s: i64,
    /// Days with a stored day summary, and their kilometres as metres.
    pub track_days: u32,
    pub work_m: f64,
    pub total_m: f64,
    pub detour_days: u32,
    pub detour_driven_m: f64,
    pub detour_best_m: f64,
    pub assessed_days: u32,
    pub review_days: u32,
    pub likely_cheat_days: u32,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    (den > 0.0).then(|| num / den)
}

impl Totals {
    pub fn add(&mut self, f: &PersonDay) {
        self.person_days += 1;
        self.working_days += u32::from(f.is_working_day());
        self.holidays += u32::from(f.day_type == DayType::Holiday);
        if let Some(a) = &f.attendance {
            match a.status {
                DayStatus::Present => self.present_days += 1,
                DayStatus::Late => self.late_days += 1,
                DayStatus::EarlyLeave => self.early_leave_days += 1,
                DayStatus::Absent => self.absent_days += 1,
                DayStatus::OnLeave => self.leave_days += 1,
                DayStatus::DayOff | DayStatus::Pending | DayStatus::NotStarted => {}
            }
            // A late day that also left early counts in both.
            if a.status == DayStatus::Late && a.early_leave_min > 0 {
                self.early_leave_days += 1;
            }
            self.late_min += u64::from(a.late_min);
            self.early_leave_min += u64::from(a.early_leave_min);
            self.worked_min += u64::from(a.worked_min);
        }
        self.planned_visits += f.planned_visits;
        self.planned_done += f.planned_done;
        self.visits += f.visits;
        self.completed_visits += f.completed_visits;
        self.within_radius += f.within_radius;
        self.ad_hoc_visits += f.ad_hoc_visits;
        self.prospect_visits += f.prospect_visits;
        self.short_visits += f.short_visits;
        self.time_at_customers_s += f.time_at_customers_s;
        self.visit_duration_s += f.visit_duration_s;
        if let Some(w) = f.work_window_s {
            self.work_window_s += w;
            if let Some(t) = f.travel_s {
                self.travel_s += t;
                self.travel_window_s += w;
            }
            if let Some(t) = f.tracked_s {
                self.tracked_s += t;
                self.tracked_window_s += w;
            }
        }
        if let (Some(w), Some(t)) = (f.work_m, f.total_m) {
            self.track_days += 1;
            self.work_m += w;
            self.total_m += t;
        }
        if let Some(d) = &f.detour {
            self.detour_days += 1;
            self.detour_driven_m += d.driven_m;
            self.detour_best_m += d.best_m;
        }
        if let Some(level) = f.integrity {
            self.assessed_days += 1;
            match level {
                integrity::Level::Clean => {}
                integrity::Level::Review => self.review_days += 1,
                integrity::Level::LikelyCheat => self.likely_cheat_days += 1,
            }
        }
    }

    pub fn of<'a>(facts: impl IntoIterator<Item = &'a PersonDay>) -> Totals {
        let mut t = Totals::default();
        for f in facts {
            t.add(f);
        }
        t
    }

    /// Planned customers visited ÷ planned customers.
    pub fn plan_compliance(&self) -> Option<f64> {
        ratio(self.planned_done as f64, self.planned_visits as f64)
    }

    /// Completed visits within radius ÷ completed visits.
    pub fn within_radius_share(&self) -> Option<f64> {
        ratio(self.within_radius as f64, self.completed_visits as f64)
    }

    pub fn avg_visit_s(&self) -> Option<f64> {
        ratio(self.visit_duration_s as f64, self.completed_visits as f64)
    }

    pub fn driving_share(&self) -> Option<f64> {
        ratio(self.travel_s as f64, self.travel_window_s as f64)
    }

    /// Tracking coverage of the working day.
    pub fn coverage(&self) -> Option<f64> {
        ratio(self.tracked_s as f64, self.tracked_window_s as f64)
    }

    /// Share of the working day spent at customers.
    pub fn at_customers_share(&self) -> Option<f64> {
        ratio(self.time_at_customers_s as f64, self.work_window_s as f64)
    }

    pub fn detour_ratio(&self) -> Option<f64> {
        ratio(self.detour_driven_m, self.detour_best_m)
    }

    /// Outside-hours kilometres (as metres) over days with a summary.
    pub fn outside_m(&self) -> f64 {
        (self.total_m - self.work_m).max(0.0)
    }

    /// Days flagged review or likely cheat ÷ days assessed.
    pub fn flagged_share(&self) -> Option<f64> {
        ratio(
            (self.review_days + self.likely_cheat_days) as f64,
            self.assessed_days as f64,
        )
    }
}

/// One roll-up row: a department's whole subtree over one period.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Rollup {
    pub department: DepartmentId,
    pub period: PeriodKey,
    pub totals: Totals,
    /// Distinct people and customers (not sums of daily counts).
    pub people: u32,
    pub customers: u32,
}

/// Rolls person-days up into every department above the day's department (its subtree's
/// totals) for each period of `grain`. A person who moved department mid-period counts
/// in each department for the days spent there. Rows are ordered by department id, then
/// period. Reach is not applied: a department's row is its whole subtree, and the caller
/// shows the departments the viewer reaches.
pub fn rollup(facts: &[PersonDay], directory: &Directory, grain: Grain) -> Vec<Rollup> {
    type Acc = (Totals, BTreeSet<EmployeeId>, BTreeSet<CustomerId>);
    let mut acc: BTreeMap<(DepartmentId, PeriodKey), Acc> = BTreeMap::new();
    let mut ancestors: BTreeMap<DepartmentId, Vec<DepartmentId>> = BTreeMap::new();
    for f in facts {
        let period = PeriodKey::containing(grain, f.date);
        let up = ancestors
            .entry(f.department)
            .or_insert_with(|| directory.ancestors(f.department));
        for d in up.iter() {
            let (t, people, customers) = acc.entry((*d, period)).or_default();
            t.add(f);
            people.insert(f.employee);
            customers.extend(f.customers.iter().copied());
        }
    }
    acc.into_iter()
        .map(
            |((department, period), (totals, people, customers))| Rollup {
                department,
                period,
                totals,
                people: people.len() as u32,
                customers: customers.len() as u32,
            },
        )
        .collect()
}
