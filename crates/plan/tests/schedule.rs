//! The visit-frequency scheduler's invariants: capacity, calendar, frequencies, spacing,
//! owners, opening hours, determinism and the time limit.

use plan::date::Date;
use plan::evaluate::schedule_metrics;
use plan::fieldsales::{Params, generate};
use plan::schedule::{self, Customer, Options, Problem, Rep, Schedule, Unplaced, min_gap};
use plan::travel::{GreatCircle, Mode};
use std::time::Duration;

fn opts(seed: u64) -> Options {
    Options {
        time_limit: Duration::from_secs(20),
        seed,
        max_iterations: Some(30),
    }
}

fn monday() -> Date {
    Date::parse("2026-12-28").unwrap()
}

fn rep(id: &str, home: usize) -> Rep {
    Rep {
        id: id.into(),
        home,
        working_days: [true, true, true, true, true, false, false],
        shift: (540.0, 1020.0),
        max_visits: None,
        max_minutes: None,
    }
}

fn customer(i: usize, location: usize, interval: u32, last: Option<Date>) -> Customer {
    Customer {
        id: format!("C{i}"),
        location,
        interval_days: interval,
        service_min: 20.0,
        last_visit: last,
        owner: None,
        hours: None,
    }
}

/// Places on a small grid around Shanghai (about 1 km apart); place 0 is the home.
fn grid(n: usize) -> GreatCircle {
    let pts = (0..n)
        .map(|i| {
            (
                31.2 + (i % 7) as f64 * 0.009,
                121.4 + (i / 7) as f64 * 0.0105,
            )
        })
        .collect();
    GreatCircle::new(pts, Mode::Drive)
}

/// Every rule the evaluation counts, checked on the planner's own output too.
fn assert_valid(p: &Problem, travel: &GreatCircle, s: &Schedule) {
    let m = schedule_metrics(p, travel, &s.assignment, &s.days);
    assert_eq!(m.over_capacity_days, 0, "{m:?}");
    assert_eq!(m.off_day_visits, 0, "{m:?}");
    assert_eq!(m.spacing_violations, 0, "{m:?}");
    assert_eq!(m.opening_violations, 0, "{m:?}");
    for d in &s.days {
        let r = &p.reps[d.rep];
        let day = (d.date.0 - p.start.0) as u32;
        assert!(p.works(d.rep, day), "{d:?} is not a working day");
        assert!(d.start_min >= r.shift.0 - 1e-9 && d.end_min <= r.day_end() + 1e-6);
        assert!(d.stops.len() <= r.max_visits.unwrap_or(usize::MAX));
        let mut t = d.start_min;
        for st in &d.stops {
            let c = &p.customers[st.customer];
            assert_eq!(s.assignment[st.customer], Some(d.rep));
            assert!(st.arrival_min >= t - 1e-9 && st.start_min >= st.arrival_min - 1e-9);
            if let Some((open, close)) = c.hours {
                assert!(st.start_min >= open - 1e-9 && st.departure_min <= close + 1e-6);
            }
            t = st.departure_min;
        }
    }
}

#[test]
fn generated_team_is_fully_planned_within_every_rule() {
    for seed in 1..=3 {
        let fs = generate(&Params {
            reps: 3,
            customers: 150,
            districts: 4,
            seed,
        });
        let s = schedule::schedule(&fs.problem, &fs.travel, &opts(seed));
        assert_valid(&fs.problem, &fs.travel, &s);
        let m = schedule_metrics(&fs.problem, &fs.travel, &s.assignment, &s.days);
        // 150 customers for 3 reps is light work: every due visit fits.
        assert_eq!(m.met, m.due_visits, "seed {seed}: {m:?}");
        for c in &s.customers {
            assert!(
                c.due
                    .iter()
                    .all(|v| v.placed.is_some() && v.unplaced.is_none())
            );
        }
    }
}

#[test]
fn weekly_customers_get_a_visit_each_week_spaced_about_a_week() {
    let travel = grid(8);
    let p = Problem {
        reps: vec![rep("R1", 0)],
        customers: (1..8)
            .map(|i| customer(i, i, 7, Some(monday().plus(-(i as i32)))))
            .collect(),
        holidays: vec![],
        workdays: Vec::new(),
        start: monday(),
        days: 28,
    };
    let s = schedule::schedule(&p, &travel, &opts(1));
    assert_valid(&p, &travel, &s);
    for c in &s.customers {
        assert_eq!(c.due.len(), 4, "four weekly visits in four weeks");
        let days: Vec<i32> = c.due.iter().map(|v| v.placed.expect("placed").0).collect();
        for w in days.windows(2) {
            assert!(w[1] - w[0] >= min_gap(7), "{days:?}");
        }
        for v in &c.due {
            let d = v.placed.unwrap();
            assert!(d >= v.earliest && d <= v.latest);
        }
    }
}

#[test]
fn holidays_and_days_off_are_skipped() {
    let travel = grid(15);
    let mut r = rep("R1", 0);
    r.working_days = [true, false, true, false, true, false, false];
    let wednesday = monday().plus(9);
    let p = Problem {
        reps: vec![r],
        customers: (1..15)
            .map(|i| customer(i, i, 14, Some(monday().plus(-(i as i32)))))
            .collect(),
        holidays: vec![wednesday],
        workdays: Vec::new(),
        start: monday(),
        days: 28,
    };
    let s = schedule::schedule(&p, &travel, &opts(2));
    assert_valid(&p, &travel, &s);
    assert!(s.days.iter().all(|d| d.date != wednesday));
    assert!(s.days.iter().all(|d| [0, 2, 4].contains(&d.date.weekday())));
    let placed: usize = s.days.iter().map(|d| d.stops.len()).sum();
    assert_eq!(
        placed, 28,
        "every fortnightly visit still fits three days a week"
    );
}

#[test]
fn a_make_up_working_day_is_worked() {
    let travel = grid(15);
    let mut r = rep("R1", 0);
    r.working_days = [true, true, true, true, true, false, false];
    // Fourteen visits at seven a day need Friday and the make-up Saturday.
    r.max_visits = Some(7);
    let saturday = monday().plus(5);
    let p = Problem {
        reps: vec![r],
        // Monthly customers: a week of tolerance, so Friday and Saturday are on time.
        customers: (1..15).map(|i| customer(i, i, 28, None)).collect(),
        holidays: vec![
            monday(),
            monday().plus(1),
            monday().plus(2),
            monday().plus(3),
        ],
        workdays: vec![saturday],
        start: monday(),
        days: 7,
    };
    assert!(p.works(0, 5) && !p.works(0, 6) && !p.works(0, 0));
    let s = schedule::schedule(&p, &travel, &opts(2));
    assert_valid(&p, &travel, &s);
    let on: Vec<u32> = s
        .days
        .iter()
        .filter(|d| !d.stops.is_empty())
        .map(|d| d.date.weekday() as u32)
        .collect();
    assert_eq!(on, [4, 5], "Friday and the make-up Saturday");
}

#[test]
fn a_full_rep_leaves_visits_unplaced_for_want_of_room_never_over_capacity() {
    let travel = grid(20);
    let mut r = rep("R1", 0);
    r.max_visits = Some(2);
    let p = Problem {
        reps: vec![r],
        customers: (1..20)
            .map(|i| customer(i, i, 7, Some(monday().plus(-3))))
            .collect(),
        holidays: vec![],
        workdays: Vec::new(),
        start: monday(),
        days: 14,
    };
    let s = schedule::schedule(&p, &travel, &opts(3));
    assert_valid(&p, &travel, &s);
    let placed: usize = s.days.iter().map(|d| d.stops.len()).sum();
    // All are due on Friday ± 2 days, so only Wednesday to Friday of each week can take
    // them: six days of two visits.
    assert_eq!(placed, 12);
    let unplaced: Vec<Unplaced> = s
        .customers
        .iter()
        .flat_map(|c| c.due.iter().filter_map(|v| v.unplaced))
        .collect();
    assert!(!unplaced.is_empty());
    assert!(unplaced.iter().all(|&u| u == Unplaced::NoRoom));
}

#[test]
fn owners_opening_hours_and_unreachable_customers() {
    let mut pts: Vec<(f64, f64)> = grid(12).points;
    pts.push((33.0, 121.4)); // 200 km north: no day is long enough.
    let travel = GreatCircle::new(pts, Mode::Drive);
    let mut customers: Vec<Customer> = (2..12).map(|i| customer(i, i, 7, None)).collect();
    customers[0].owner = Some(1);
    customers[1].owner = Some(1);
    customers[2].hours = Some((14.0 * 60.0, 15.0 * 60.0));
    customers[3].hours = Some((9.0 * 60.0, 10.0 * 60.0));
    customers.push(customer(12, 12, 7, None));
    let p = Problem {
        reps: vec![rep("R1", 0), rep("R2", 1)],
        customers,
        holidays: vec![],
        workdays: Vec::new(),
        start: monday(),
        days: 7,
    };
    let s = schedule::schedule(&p, &travel, &opts(4));
    assert_valid(&p, &travel, &s);
    assert_eq!(s.assignment[0], Some(1));
    assert_eq!(s.assignment[1], Some(1));
    let far = &s.customers[10];
    assert_eq!(far.due[0].unplaced, Some(Unplaced::DoesNotFitDay));
    for c in &s.customers[..10] {
        assert!(c.due.iter().all(|v| v.placed.is_some()), "{c:?}");
    }
}

#[test]
fn same_seed_same_plan() {
    let fs = generate(&Params {
        reps: 2,
        customers: 80,
        districts: 3,
        seed: 9,
    });
    let a = schedule::schedule(&fs.problem, &fs.travel, &opts(5));
    let b = schedule::schedule(&fs.problem, &fs.travel, &opts(5));
    assert_eq!(a.days, b.days);
    assert_eq!(a.customers, b.customers);
}

#[test]
fn the_time_limit_is_honoured() {
    let fs = generate(&Params {
        reps: 4,
        customers: 300,
        districts: 5,
        seed: 2,
    });
    let limit = Duration::from_millis(300);
    let o = Options {
        time_limit: limit,
        seed: 1,
        max_iterations: None,
    };
    let s = schedule::schedule(&fs.problem, &fs.travel, &o);
    // With no iteration cap the search would never end unless it watched the clock.
    // How far past the limit the last construction and the final exact ordering run is
    // for the benchmark to say: on a shared 2-core machine a debug build ran 1.8 s here,
    // so the bound only tells "stopped" from "ignored the limit".
    assert!(
        s.elapsed < limit + Duration::from_secs(10),
        "{:?}",
        s.elapsed
    );
    assert_valid(&fs.problem, &fs.travel, &s);
}

#[test]
fn beats_nearest_neighbour_days_on_a_generated_team() {
    let fs = generate(&Params {
        reps: 4,
        customers: 400,
        districts: 5,
        seed: 3,
    });
    let s = schedule::schedule(&fs.problem, &fs.travel, &opts(1));
    let nn = plan::baseline::nearest_neighbour_days(&fs.problem, &fs.travel, &s.assignment);
    let ours = schedule_metrics(&fs.problem, &fs.travel, &s.assignment, &s.days);
    let base = schedule_metrics(&fs.problem, &fs.travel, &nn.assignment, &nn.days);
    assert_eq!(base.over_capacity_days, 0);
    assert!(ours.met >= base.met, "{ours:?} {base:?}");
    assert!(ours.travel_km < base.travel_km, "{ours:?} {base:?}");
    assert!(ours.day_load_cv < base.day_load_cv, "{ours:?} {base:?}");
}

/// A tiny generator for the property test (the crate's own is private).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[test]
fn random_small_teams_never_break_a_rule() {
    for case in 0..25u64 {
        let mut g = Lcg(case * 7919 + 1);
        let reps_n = 1 + g.below(3) as usize;
        let cust_n = 5 + g.below(40) as usize;
        let pts: Vec<(f64, f64)> = (0..reps_n + cust_n)
            .map(|_| {
                (
                    31.2 + g.below(1000) as f64 * 1e-4,
                    121.4 + g.below(1000) as f64 * 1e-4,
                )
            })
            .collect();
        let travel = GreatCircle::new(pts, Mode::Drive);
        let reps: Vec<Rep> = (0..reps_n)
            .map(|r| {
                let mut rp = rep(&format!("R{r}"), r);
                rp.working_days = std::array::from_fn(|d| d == 0 || g.below(3) > 0);
                rp.shift = (480.0 + g.below(120) as f64, 900.0 + g.below(240) as f64);
                rp.max_visits = (g.below(2) == 0).then(|| 2 + g.below(6) as usize);
                rp.max_minutes = (g.below(3) == 0).then(|| 240.0 + g.below(240) as f64);
                rp
            })
            .collect();
        let start = monday().plus(g.below(7) as i32);
        let customers: Vec<Customer> = (0..cust_n)
            .map(|i| {
                let interval = [1, 2, 3, 7, 14, 28][g.below(6) as usize];
                let last = (g.below(4) > 0).then(|| start.plus(-1 - g.below(30) as i32));
                let mut c = customer(i, reps_n + i, interval, last);
                c.service_min = 5.0 + g.below(55) as f64;
                c.owner = (g.below(5) == 0).then(|| g.below(reps_n as u64) as usize);
                if g.below(4) == 0 {
                    let open = 540.0 + g.below(300) as f64;
                    c.hours = Some((open, open + 60.0 + g.below(300) as f64));
                }
                c
            })
            .collect();
        let days = 7 + g.below(22) as u32;
        let holidays = (0..g.below(3))
            .map(|_| start.plus(g.below(days as u64) as i32))
            .collect();
        let p = Problem {
            reps,
            customers,
            holidays,
            workdays: Vec::new(),
            start,
            days,
        };
        // Few rounds and a short limit: the rules hold from construction on, and this
        // keeps debug runs short.
        let o = Options {
            max_iterations: Some(5),
            time_limit: Duration::from_secs(1),
            ..opts(case)
        };
        let s = schedule::schedule(&p, &travel, &o);
        assert_valid(&p, &travel, &s);
        let m = schedule_metrics(&p, &travel, &s.assignment, &s.days);
        let due: usize = s.customers.iter().map(|c| c.due.len()).sum();
        assert_eq!(due, m.due_visits, "case {case}");
        let mut placed = 0;
        for (i, c) in s.customers.iter().enumerate() {
            if let Some(o) = p.customers[i].owner {
                assert_eq!(s.assignment[i], Some(o), "case {case}: owner kept");
            }
            for v in &c.due {
                match (v.placed, v.unplaced) {
                    (Some(d), None) => {
                        assert!(d >= v.earliest && d <= v.latest, "case {case}: {v:?}");
                        placed += 1;
                    }
                    (None, Some(_)) => {}
                    other => panic!("case {case}: a visit is placed or has a reason: {other:?}"),
                }
            }
        }
        assert_eq!(placed, m.met, "case {case}: every placed visit is on time");
        assert_eq!(
            placed, m.visits,
            "case {case}: no visit outside a due window"
        );
    }
}

#[test]
fn degenerate_inputs_plan_without_panicking() {
    let travel = grid(6);
    let mut idle = rep("R2", 1);
    idle.working_days = [false; 7];
    let mut tiny_shift = rep("R3", 2);
    tiny_shift.shift = (540.0, 545.0);
    let p = Problem {
        reps: vec![rep("R1", 0), idle, tiny_shift],
        customers: vec![],
        holidays: vec![],
        workdays: Vec::new(),
        start: monday(),
        days: 1,
    };
    let s = schedule::schedule(&p, &travel, &opts(1));
    assert!(s.customers.is_empty());
    let mut owned = customer(1, 3, 7, None);
    owned.owner = Some(1);
    let mut cramped = customer(2, 4, 7, None);
    cramped.owner = Some(2);
    let p = Problem {
        customers: vec![owned, cramped, customer(3, 5, 1, None)],
        ..p
    };
    let s = schedule::schedule(&p, &travel, &opts(1));
    assert_valid(&p, &travel, &s);
    assert_eq!(s.customers[0].due[0].unplaced, Some(Unplaced::NoWorkingDay));
    assert_eq!(
        s.customers[1].due[0].unplaced,
        Some(Unplaced::DoesNotFitDay)
    );
    assert!(s.customers[2].due[0].placed.is_some());
}
