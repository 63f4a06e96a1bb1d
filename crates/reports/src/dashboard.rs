//! The console's dashboard: a day and the period up to it for a department subtree, as a
//! handful of sums over person-day facts (headcount present, visits done against
//! planned, kilometres, flagged days) and one point per date for its charts.
//!
//! The same facts the reports read, summed the same way, so a number on the dashboard is
//! the number a report shows for the same filter.

use crate::facts::PersonDay;
use crate::period::DateRange;
use chrono::NaiveDate;
use domain::{DepartmentId, EmployeeId};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// Sums over the person-days of a day or a period.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Figures {
    /// People with at least one clock-in (on the day: the headcount present).
    pub present: u32,
    /// Person-days with a clock-in (equal to `present` for one day).
    pub present_days: u32,
    /// Person-days due to work: working days not on leave.
    pub working_days: u32,
    pub planned_visits: u32,
    /// Planned customers that got their visit.
    pub planned_done: u32,
    /// Visits checked out (planned, ad hoc or prospect).
    pub completed_visits: u32,
    /// Kilometres of the stored day summaries, in all and inside working hours.
    pub km: f64,
    pub work_km: f64,
    /// Days the anti-cheat assessment put under review or judged likely cheating.
    pub flagged_days: u32,
    pub likely_cheat_days: u32,
}

/// One date of the period, for the charts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DayPoint {
    pub date: NaiveDate,
    pub present: u32,
    pub planned_visits: u32,
    pub planned_done: u32,
    pub completed_visits: u32,
    pub km: f64,
    pub flagged_days: u32,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Dashboard {
    pub day: Figures,
    pub period: Figures,
    /// Every date of the period in order, zero where nothing was recorded.
    pub days: Vec<DayPoint>,
}

#[derive(Default)]
struct Sum {
    people: BTreeSet<EmployeeId>,
    f: Figures,
}

impl Sum {
    fn add(&mut self, d: &PersonDay) {
        let f = &mut self.f;
        if d.attendance
            .as_ref()
            .is_some_and(|a| a.clock_in_ms.is_some())
        {
            self.people.insert(d.employee);
            f.present_days += 1;
        }
        f.working_days += u32::from(d.is_working_day());
        f.planned_visits += d.planned_visits;
        f.planned_done += d.planned_done;
        f.completed_visits += d.completed_visits;
        f.km += d.total_m.unwrap_or(0.0) / 1000.0;
        f.work_km += d.work_m.unwrap_or(0.0) / 1000.0;
        match d.integrity {
            Some(integrity::Level::Review) => f.flagged_days += 1,
            Some(integrity::Level::LikelyCheat) => {
                f.flagged_days += 1;
                f.likely_cheat_days += 1;
            }
            _ => {}
        }
    }

    fn done(mut self) -> Figures {
        self.f.present = self.people.len() as u32;
        self.f
    }
}

/// The dashboard of `day` and `period` (which ends on `day`) over the facts of the
/// departments in `departments` (`None`: all of them). Facts outside the period are
/// ignored, so a caller may pass more.
pub fn dashboard(
    facts: &[PersonDay],
    day: NaiveDate,
    period: DateRange,
    departments: Option<&BTreeSet<DepartmentId>>,
) -> Dashboard {
    let in_scope = |d: &&PersonDay| {
        period.contains(d.date) && departments.is_none_or(|s| s.contains(&d.department))
    };
    let (mut today, mut all) = (Sum::default(), Sum::default());
    let mut by_date: BTreeMap<NaiveDate, Sum> = BTreeMap::new();
    for d in facts.iter().filter(in_scope) {
        all.add(d);
        by_date.entry(d.date).or_default().add(d);
        if d.date == day {
            today.add(d);
        }
    }
    let days = period_dates(period)
        .map(|date| {
            let f = by_date.remove(&date).map(Sum::done).unwrap_or_default();
            DayPoint {
                date,
                present: f.present,
                planned_visits: f.planned_visits,
                planned_done: f.planned_done,
                completed_visits: f.completed_visits,
                km: f.km,
                flagged_days: f.flagged_days,
            }
        })
        .collect();
    Dashboard {
        day: today.done(),
        period: all.done(),
        days,
    }
}

fn period_dates(p: DateRange) -> impl Iterator<Item = NaiveDate> {
    p.from.iter_days().take_while(move |d| *d <= p.to)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::{AttendanceFact, DayType};
    use domain::attendance::DayStatus;

    fn fact(e: EmployeeId, dept: DepartmentId, date: NaiveDate) -> PersonDay {
        PersonDay {
            employee: e,
            department: dept,
            date,
            day_type: DayType::Workday,
            attendance: None,
            planned_visits: 0,
            planned_done: 0,
            visits: 0,
            completed_visits: 0,
            within_radius: 0,
            ad_hoc_visits: 0,
            prospect_visits: 0,
            short_visits: 0,
            customers: vec![],
            time_at_customers_s: 0,
            visit_duration_s: 0,
            avg_visit_s: None,
            work_window_s: None,
            travel_s: None,
            driving_share: None,
            work_m: None,
            total_m: None,
            detour: None,
            tracked_s: None,
            coverage: None,
            integrity: None,
            visit_rows: vec![],
        }
    }

    fn present() -> Option<AttendanceFact> {
        Some(AttendanceFact {
            status: DayStatus::Present,
            late_min: 0,
            early_leave_min: 0,
            leave_min: 0,
            worked_min: 480,
            clock_in_ms: Some(1),
            clock_out_ms: Some(2),
            missing_clock_in: false,
            missing_clock_out: false,
        })
    }

    #[test]
    fn sums_the_day_and_the_period_of_a_subtree() {
        let d = |s: &str| s.parse::<NaiveDate>().unwrap();
        let (east, west) = (DepartmentId::new(), DepartmentId::new());
        let (a, b) = (EmployeeId::new(), EmployeeId::new());
        let mut a1 = fact(a, east, d("2026-11-02"));
        a1.attendance = present();
        a1.planned_visits = 3;
        a1.planned_done = 2;
        a1.completed_visits = 4;
        a1.total_m = Some(12_500.0);
        a1.work_m = Some(10_000.0);
        a1.integrity = Some(integrity::Level::Review);
        let mut a2 = fact(a, east, d("2026-11-03"));
        a2.attendance = present();
        a2.completed_visits = 1;
        a2.total_m = Some(2_000.0);
        a2.integrity = Some(integrity::Level::Clean);
        let mut b2 = fact(b, west, d("2026-11-03"));
        b2.attendance = present();
        b2.completed_visits = 7;
        // Outside the period: ignored.
        let mut a0 = fact(a, east, d("2026-10-31"));
        a0.completed_visits = 9;
        let facts = [a0, a1, a2, b2];
        let period = DateRange::new(d("2026-11-01"), d("2026-11-03")).unwrap();

        let east_only = BTreeSet::from([east]);
        let dash = dashboard(&facts, d("2026-11-03"), period, Some(&east_only));
        assert_eq!((dash.day.present, dash.day.completed_visits), (1, 1));
        assert_eq!(dash.period.present, 1, "one person, two days");
        assert_eq!(dash.period.present_days, 2);
        assert_eq!(
            (dash.period.planned_visits, dash.period.planned_done),
            (3, 2)
        );
        assert_eq!(dash.period.completed_visits, 5);
        assert!((dash.period.km - 14.5).abs() < 1e-9);
        assert!((dash.period.work_km - 10.0).abs() < 1e-9);
        assert_eq!(
            (dash.period.flagged_days, dash.period.likely_cheat_days),
            (1, 0)
        );
        assert_eq!(dash.days.len(), 3, "every date, the empty first one too");
        assert_eq!(dash.days[0].completed_visits, 0);
        assert_eq!(dash.days[1].completed_visits, 4);

        let everyone = dashboard(&facts, d("2026-11-03"), period, None);
        assert_eq!(
            (everyone.day.present, everyone.day.completed_visits),
            (2, 8)
        );
    }
}
