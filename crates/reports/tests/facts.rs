//! Person-day facts of the hand-computed week (see `common`), and roll-ups.

mod common;

use common::*;
use domain::attendance::DayStatus;
use reports::facts::{DayType, person_day};
use reports::{Grain, PeriodKey, Totals, rollup};

fn close(a: f64, b: f64) {
    // Relative: great-circle steps along a meridian add up to within rounding.
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        "{a} vs {b}"
    );
}

#[test]
fn ann_monday_by_hand() {
    let f = fact_of(&week_facts(), ANN, WEEK[0]);
    assert_eq!(f.day_type, DayType::Workday);
    let a = f.attendance.as_ref().unwrap();
    assert_eq!((a.status, a.worked_min), (DayStatus::Present, 540));
    assert_eq!(a.clock_in_ms, Some(at(WEEK[0], "09:00")));
    assert_eq!(
        (
            f.visits,
            f.completed_visits,
            f.within_radius,
            f.planned_visits,
            f.planned_done
        ),
        (3, 3, 3, 3, 3)
    );
    assert_eq!(f.customers.len(), 3);
    // 30 + 20 + 40 minutes.
    assert_eq!(f.time_at_customers_s, 5400);
    assert_eq!(f.avg_visit_s, Some(1800.0));
    assert_eq!(f.work_window_s, Some(9 * 3600));
    // Trips inside 09:00–18:00: 30 + 40 + 30 min; the 08:30 commute is outside.
    assert_eq!(f.travel_s, Some(6000));
    close(f.driving_share.unwrap(), 6000.0 / 32400.0);
    assert_eq!((f.work_m, f.total_m), (Some(19_000.0), Some(23_000.0)));
    // First fix 08:30, so the whole window is between fixes, less the 13:00 gap.
    assert_eq!(f.tracked_s, Some(8 * 3600));
    close(f.coverage.unwrap(), 8.0 / 9.0);
    // Between the first check-out (10:00) and the last check-in (11:30): 8 + 6 km. The
    // places k 0, 4, 1 are best visited along the line: 4 steps.
    let det = f.detour.as_ref().unwrap();
    assert_eq!((det.places, det.exact), (3, true));
    close(det.driven_m, 14_000.0);
    assert_eq!(det.best_m, best_m(4.0));
    close(det.ratio, 14_000.0 / best_m(4.0));
    assert_eq!(f.integrity, Some(integrity::Level::Clean));
}

#[test]
fn a_day_without_a_track_leaves_track_figures_unknown() {
    let f = fact_of(&week_facts(), ANN, WEEK[2]);
    assert_eq!(
        (f.short_visits, f.within_radius, f.completed_visits),
        (1, 1, 2)
    );
    assert_eq!(f.work_window_s, Some(32_400));
    assert_eq!(
        (f.travel_s, f.driving_share, f.coverage, f.work_m, f.total_m),
        (None, None, None, None, None)
    );
    assert!(f.detour.is_none());
    assert_eq!(f.integrity, None);
}

#[test]
fn a_late_sync_recomputes_to_the_fact_of_the_full_set() {
    let thu = &ann()[3];
    let mut before = thu.input();
    before.visits.retain(|v| v.id != ann_late_visit().id);
    let early = person_day(&before);
    assert_eq!((early.visits, early.ad_hoc_visits), (2, 0));
    // Before the sync, the driven span ends at the 10:30 check-in: the 4 km trip only,
    // against 3 steps (k 0 → 3).
    let det = early.detour.as_ref().unwrap();
    close(det.driven_m, 4000.0);
    assert_eq!(det.best_m, best_m(3.0));

    // After it, whatever order the rows come in, the fact is that of the full set.
    let mut after = thu.input();
    after.visits.reverse();
    after.tracks.reverse();
    let late = person_day(&after);
    assert_eq!(late, person_day(&thu.input()));
    assert_eq!((late.visits, late.ad_hoc_visits), (3, 1));
    let det = late.detour.as_ref().unwrap();
    close(det.driven_m, 13_000.0);
    assert_eq!(det.best_m, best_m(7.0));
    // 40 + 180 minutes of trips.
    assert_eq!(late.travel_s, Some(13_200));
    // A repeated row (a retried sync) changes nothing.
    let mut twice = thu.input();
    twice.visits.push(ann_late_visit());
    assert_eq!(person_day(&twice), late);
}

#[test]
fn a_leave_day_and_a_late_day() {
    let facts = week_facts();
    let mon = fact_of(&facts, DI, WEEK[0]);
    let a = mon.attendance.as_ref().unwrap();
    assert_eq!(
        (a.status, a.late_min, a.worked_min),
        (DayStatus::Late, 20, 520)
    );
    let wed = fact_of(&facts, DI, WEEK[2]);
    let a = wed.attendance.as_ref().unwrap();
    assert_eq!((a.status, a.leave_min), (DayStatus::OnLeave, 540));
    assert!(!wed.is_working_day());
    assert!(wed.on_leave());
    assert_eq!(
        (wed.work_window_s, wed.driving_share, wed.coverage),
        (None, None, None)
    );
}

#[test]
fn a_holiday_worked_without_punching() {
    let fri = fact_of(&week_facts(), ANN, WEEK[4]);
    assert_eq!(fri.day_type, DayType::Holiday);
    assert_eq!(fri.attendance.as_ref().unwrap().status, DayStatus::DayOff);
    assert!(!fri.is_working_day());
    assert_eq!(
        (fri.visits, fri.ad_hoc_visits, fri.time_at_customers_s),
        (1, 1, 1800)
    );
    assert_eq!(fri.work_window_s, None);
    let sat = fact_of(&week_facts(), ANN, WEEK[5]);
    assert_eq!(sat.day_type, DayType::DayOff);
}

#[test]
fn a_night_shift_across_midnight() {
    let facts = week_facts();
    let tue = fact_of(&facts, CY, WEEK[1]);
    let a = tue.attendance.as_ref().unwrap();
    assert_eq!((a.status, a.worked_min), (DayStatus::Present, 480));
    assert_eq!(a.clock_out_ms, Some(at(WEEK[2], "06:03")));
    // The 23:30 → 00:20 visit is Tuesday's, 50 minutes.
    assert_eq!((tue.visits, tue.time_at_customers_s), (1, 3000));
    // 21:58 → 06:03.
    assert_eq!(tue.work_window_s, Some(8 * 3600 + 5 * 60));
    // A 30-minute trip on each side of midnight, from each day's summary.
    assert_eq!(tue.travel_s, Some(3600));
    // Fixes 22:00–23:59 and 00:00–06:00 inside the window.
    assert_eq!(tue.tracked_s, Some(7140 + 21_600));
    // Kilometres stay by calendar day, as the summaries and reimbursement count them.
    assert_eq!((tue.work_m, tue.total_m), (Some(6000.0), Some(6000.0)));

    // Wednesday's fact does not take Tuesday's visit even if it is passed along.
    let mut wed_in = cy()[2].input();
    wed_in.visits = cy()[1].visits.clone();
    let wed = person_day(&wed_in);
    assert_eq!(wed.visits, 0);
    // Its own night had no fixes: tracked 0 of 8 hours; its calendar day has 4 km.
    assert_eq!((wed.travel_s, wed.tracked_s), (Some(0), Some(0)));
    assert_eq!(wed.coverage, Some(0.0));
    assert_eq!(wed.total_m, Some(4000.0));
    assert_eq!(
        fact_of(&facts, CY, WEEK[0]).attendance.unwrap().status,
        DayStatus::Absent
    );
}

#[test]
fn roll_ups_follow_the_department_of_each_day() {
    let facts = week_facts();
    let dir = directory();
    let rows = rollup(&facts, &dir, Grain::Week);
    let week = PeriodKey::containing(Grain::Week, d(WEEK[0]));
    let of = |dep| {
        rows.iter()
            .find(|r| r.department == dept(dep) && r.period == week)
            .unwrap()
    };
    // Bo was in North on Monday and Tuesday (2 × 2 visits), in South after; Eve has
    // Monday to Thursday only.
    let north = of(NORTH);
    assert_eq!(
        (
            north.totals.person_days,
            north.totals.completed_visits,
            north.people
        ),
        (9, 15, 2)
    );
    let south = of(SOUTH);
    assert_eq!(
        (
            south.totals.person_days,
            south.totals.completed_visits,
            south.people
        ),
        (23, 32, 4)
    );
    // The root holds its whole subtree.
    let sales = of(SALES);
    assert_eq!(
        (
            sales.totals.person_days,
            sales.totals.completed_visits,
            sales.people
        ),
        (32, 47, 5)
    );
    assert_eq!(
        sales.totals.time_at_customers_s,
        north.totals.time_at_customers_s + south.totals.time_at_customers_s
    );
    // Distinct customers, not a sum of daily counts: customers 0–9 and none of 10, 11.
    assert_eq!(sales.customers, 10);
    // By day: Monday of North is Ann and Bo.
    let days = rollup(&facts, &dir, Grain::Day);
    let mon = days
        .iter()
        .find(|r| r.department == dept(NORTH) && r.period.first() == d(WEEK[0]))
        .unwrap();
    assert_eq!((mon.people, mon.totals.completed_visits), (2, 5));
    // By month: one November row per department.
    assert_eq!(rollup(&facts, &dir, Grain::Month).len(), 3);
}

#[test]
fn ratios_come_from_sums() {
    // Two days: a 2-hour day with 1 hour of trips (50 %), an 8-hour day with 1 hour
    // (12.5 %). The period's driving share is 2 h ÷ 10 h = 20 %, not the mean 31.25 %.
    let short = Day {
        tracks: vec![track(
            WEEK[0],
            vec![trip(WEEK[0], "09:00", "10:00", 10_000.0)],
            vec![],
            span(at(WEEK[0], "09:00"), at(WEEK[0], "11:00")),
            10_000.0,
        )],
        ..Day::new(ANN, NORTH, WEEK[0]).punched(at(WEEK[0], "09:00"), at(WEEK[0], "11:00"))
    };
    let long = Day {
        tracks: vec![track(
            WEEK[1],
            vec![trip(WEEK[1], "09:00", "10:00", 10_000.0)],
            vec![],
            span(at(WEEK[1], "09:00"), at(WEEK[1], "17:00")),
            10_000.0,
        )],
        ..Day::new(ANN, NORTH, WEEK[1]).punched(at(WEEK[1], "09:00"), at(WEEK[1], "17:00"))
    };
    let facts = [person_day(&short.input()), person_day(&long.input())];
    assert_eq!(facts[0].driving_share, Some(0.5));
    assert_eq!(facts[1].driving_share, Some(0.125));
    let t = Totals::of(&facts);
    assert_eq!(t.driving_share(), Some(0.2));
    assert_eq!(t.coverage(), Some(1.0));
}
