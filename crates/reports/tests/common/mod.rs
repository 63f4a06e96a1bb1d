//! The hand-computed week: a small team in Shanghai, Monday 2026-11-02 to Sunday 11-08,
//! with Friday 11-06 a company holiday. The expected numbers in the tests are worked out
//! from the inputs below by hand (see the comments beside each day).
//!
//! Departments: Sales ← North, South. Customers 200 + k sit on a meridian, k steps of
//! 0.01° north of (31.0, 121.4): one step is `leg_km(north(0), north(1))` km in the
//! planner's metric. 200–203, 210 and 211 are A-level, 204–206 B, 207–209 C.
//!
//! - Ann (North, 09:00–18:00): a full week with visits and tracks; one Thursday visit
//!   syncs late; visits a customer on the holiday without punching.
//! - Bo (North Mon–Tue, South from Wed): two planned visits a day, no track.
//! - Cy (South, night shift 22:00–06:00): absent Monday, works Tuesday night with a visit
//!   across midnight, and Wednesday and Thursday nights without a track.
//! - Di (South, 09:00–18:00): 20 minutes late Monday, on leave Wednesday.
//! - Eve (South): outside the manager's reach, with many visits that must never show.
#![allow(dead_code)]

use chrono::NaiveDate;
use chrono_tz::Tz;
use domain::attendance::{
    AttendanceRule, AttendanceSchedule, Leave, Punch, PunchKind, daily_record,
};
use domain::calendar::{CalendarDayInput, DayKind, WorkCalendar, WorkCalendarInput};
use domain::customer::{CustomerStatus, Level};
use domain::tracking::Window;
use domain::visit_rule::CheckinStatus;
use domain::{CustomerId, DepartmentId, EmployeeId};
use reports::facts::{
    CustomerPeriodInput, CustomerVisit, DayType, PersonDay, PersonDayInput, VisitInput, VisitKind,
    default_interval, person_day,
};
use reports::{CustomerInfo, DepartmentInfo, Directory, Interval, PersonInfo, TrackDay, Trip};
use std::collections::BTreeSet;
use uuid::Uuid;

pub const TZ: Tz = chrono_tz::Asia::Shanghai;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

/// Local `date` `hh:mm` in Shanghai as UTC ms.
pub fn at(date: &str, hhmm: &str) -> i64 {
    let (h, m) = hhmm.split_once(':').unwrap();
    domain::attendance::local_instant(
        TZ,
        d(date),
        h.parse::<u32>().unwrap() * 60 + m.parse::<u32>().unwrap(),
    )
}

pub fn emp(n: u128) -> EmployeeId {
    EmployeeId(Uuid::from_u128(n))
}
pub fn dept(n: u128) -> DepartmentId {
    DepartmentId(Uuid::from_u128(n))
}
pub fn cust(k: u128) -> CustomerId {
    CustomerId(Uuid::from_u128(200 + k))
}

pub const ANN: u128 = 1;
pub const BO: u128 = 2;
pub const CY: u128 = 3;
pub const DI: u128 = 4;
pub const EVE: u128 = 5;
pub const SALES: u128 = 100;
pub const NORTH: u128 = 101;
pub const SOUTH: u128 = 102;

pub fn north(k: f64) -> (f64, f64) {
    (31.0 + 0.01 * k, 121.4)
}

/// One step along the meridian in the planner's kilometres.
pub fn step_km() -> f64 {
    reports::detour::leg_km(north(0.0), north(1.0))
}

/// The best path of `steps` meridian steps as a fact keeps it, to the millimetre.
pub fn best_m(steps: f64) -> f64 {
    (steps * step_km() * 1e6).round() / 1000.0
}

pub fn level_of(k: u128) -> Level {
    match k {
        0..=3 | 10 | 11 => Level::A,
        4..=6 => Level::B,
        _ => Level::C,
    }
}

pub fn day_rule() -> AttendanceSchedule {
    AttendanceRule {
        late_grace_min: 5,
        early_leave_grace_min: 5,
        ..AttendanceRule::default()
    }
    .validate()
    .unwrap()
}

pub fn night_rule() -> AttendanceSchedule {
    AttendanceRule {
        shifts: vec![Window {
            start: "22:00".into(),
            end: "06:00".into(),
        }],
        ..AttendanceRule::default()
    }
    .validate()
    .unwrap()
}

pub fn calendar() -> WorkCalendar {
    WorkCalendarInput {
        days: vec![CalendarDayInput {
            date: "2026-11-06".into(),
            kind: DayKind::Holiday,
            name: Some("公司日".into()),
        }],
    }
    .validate()
    .unwrap()
}

/// A checked-out visit of `minutes` (or still open) to customer 200 + `k`.
pub fn visit(
    n: u128,
    k: u128,
    kind: VisitKind,
    start: i64,
    minutes: Option<i64>,
    checkin: CheckinStatus,
) -> VisitInput {
    VisitInput {
        id: Uuid::from_u128(10_000 + n),
        customer: cust(k),
        kind,
        checkin_ms: start,
        checkout_ms: minutes.map(|m| start + m * 60_000),
        checkin,
        min_duration_s: minutes.map(|_| 15 * 60),
        place: Some(north(k as f64)),
        outcome: None,
    }
}

pub fn planned(n: u128, k: u128, date: &str, hhmm: &str, minutes: i64) -> VisitInput {
    visit(
        n,
        k,
        VisitKind::Planned,
        at(date, hhmm),
        Some(minutes),
        CheckinStatus::Within,
    )
}

pub fn trip(date: &str, from: &str, to: &str, m: f64) -> Trip {
    Trip {
        span: Interval {
            start_ms: at(date, from),
            end_ms: at(date, to),
        },
        distance_m: m,
    }
}

pub fn span(a: i64, b: i64) -> Interval {
    Interval {
        start_ms: a,
        end_ms: b,
    }
}

pub fn track(
    date: &str,
    trips: Vec<Trip>,
    gaps: Vec<Interval>,
    fixes: Interval,
    work_m: f64,
) -> TrackDay {
    TrackDay {
        date: d(date),
        mileage_m: trips.iter().map(|t| t.distance_m).sum(),
        work_mileage_m: work_m,
        trips,
        gaps,
        tracked: Some(fixes),
    }
}

pub struct Day {
    pub who: u128,
    pub dept: u128,
    pub date: &'static str,
    pub rule: AttendanceSchedule,
    pub punches: Vec<Punch>,
    pub leaves: Vec<Leave>,
    pub planned: Vec<u128>,
    pub visits: Vec<VisitInput>,
    pub tracks: Vec<TrackDay>,
    pub integrity: Option<integrity::Level>,
}

impl Day {
    pub fn new(who: u128, dept: u128, date: &'static str) -> Day {
        Day {
            who,
            dept,
            date,
            rule: day_rule(),
            punches: vec![],
            leaves: vec![],
            planned: vec![],
            visits: vec![],
            tracks: vec![],
            integrity: None,
        }
    }

    pub fn punched(mut self, clock_in: i64, clock_out: i64) -> Day {
        self.punches = vec![
            Punch {
                kind: PunchKind::ClockIn,
                t_ms: clock_in,
            },
            Punch {
                kind: PunchKind::ClockOut,
                t_ms: clock_out,
            },
        ];
        self
    }

    pub fn nine_to_six(self) -> Day {
        let date = self.date;
        self.punched(at(date, "09:00"), at(date, "18:00"))
    }

    pub fn input(&self) -> PersonDayInput {
        let cal = calendar();
        let date = d(self.date);
        // Everything settled: "now" is long after the week.
        let now = at("2027-01-01", "00:00");
        PersonDayInput {
            employee: emp(self.who),
            department: dept(self.dept),
            date,
            tz: TZ,
            day_type: DayType::of(&cal, &self.rule.week, date),
            attendance: Some(daily_record(
                &self.rule,
                &cal,
                TZ,
                date,
                &self.punches,
                &self.leaves,
                now,
            )),
            planned: self.planned.iter().map(|k| cust(*k)).collect(),
            visits: self.visits.clone(),
            tracks: self.tracks.clone(),
            integrity: self.integrity,
        }
    }
}

pub const WEEK: [&str; 7] = [
    "2026-11-02",
    "2026-11-03",
    "2026-11-04",
    "2026-11-05",
    "2026-11-06",
    "2026-11-07",
    "2026-11-08",
];

/// Ann's late-synced Thursday visit (ad hoc at customer 207, 14:00–14:20).
pub fn ann_late_visit() -> VisitInput {
    visit(
        99,
        7,
        VisitKind::AdHoc,
        at("2026-11-05", "14:00"),
        Some(20),
        CheckinStatus::Within,
    )
}

pub fn ann() -> Vec<Day> {
    let mut days: Vec<Day> = WEEK.iter().map(|w| Day::new(ANN, NORTH, w)).collect();
    // Mon: three planned visits (30, 20, 40 min) at k 0, 4, 1; a commute before
    // clock-in, two trips between visits (8 + 6 km), one after; a one-hour gap.
    let mon = &mut days[0];
    *mon = Day::new(ANN, NORTH, WEEK[0]).nine_to_six();
    mon.planned = vec![0, 4, 1];
    mon.visits = vec![
        planned(1, 0, WEEK[0], "09:30", 30),
        planned(2, 4, WEEK[0], "10:30", 20),
        planned(3, 1, WEEK[0], "11:30", 40),
    ];
    mon.tracks = vec![track(
        WEEK[0],
        vec![
            trip(WEEK[0], "08:30", "09:00", 4000.0),
            trip(WEEK[0], "10:00", "10:30", 8000.0),
            trip(WEEK[0], "10:50", "11:30", 6000.0),
            trip(WEEK[0], "12:10", "12:40", 5000.0),
        ],
        vec![span(at(WEEK[0], "13:00"), at(WEEK[0], "14:00"))],
        span(at(WEEK[0], "08:30"), at(WEEK[0], "18:00")),
        19_000.0,
    )];
    mon.integrity = Some(integrity::Level::Clean);
    // Tue: three planned (k 0, 2, 5), two visited (k 2, 5); one 5 km trip between.
    let tue = Day {
        planned: vec![0, 2, 5],
        visits: vec![
            planned(4, 2, WEEK[1], "09:30", 30),
            planned(5, 5, WEEK[1], "11:00", 30),
        ],
        tracks: vec![track(
            WEEK[1],
            vec![trip(WEEK[1], "10:00", "10:40", 5000.0)],
            vec![],
            span(at(WEEK[1], "09:00"), at(WEEK[1], "18:00")),
            5000.0,
        )],
        integrity: Some(integrity::Level::Review),
        ..Day::new(ANN, NORTH, WEEK[1]).nine_to_six()
    };
    days[1] = tue;
    // Wed: a 10-minute visit (short: the minimum is 15) and a 50-minute one checked in
    // outside the radius; no track at all.
    let mut wed = Day::new(ANN, NORTH, WEEK[2]).nine_to_six();
    wed.planned = vec![1, 6];
    wed.visits = vec![
        planned(6, 1, WEEK[2], "09:30", 10),
        visit(
            7,
            6,
            VisitKind::Planned,
            at(WEEK[2], "10:30"),
            Some(50),
            CheckinStatus::Outside,
        ),
    ];
    days[2] = wed;
    // Thu: two planned (k 0, 3) and the late-synced ad hoc visit (k 7); trips 4 + 9 km
    // between the first check-out and the last check-in.
    let mut thu = Day::new(ANN, NORTH, WEEK[3]).nine_to_six();
    thu.planned = vec![0, 3];
    thu.visits = vec![
        planned(8, 0, WEEK[3], "09:30", 20),
        planned(9, 3, WEEK[3], "10:30", 20),
        ann_late_visit(),
    ];
    thu.tracks = vec![track(
        WEEK[3],
        vec![
            trip(WEEK[3], "09:50", "10:30", 4000.0),
            trip(WEEK[3], "10:50", "13:50", 9000.0),
        ],
        vec![],
        span(at(WEEK[3], "09:00"), at(WEEK[3], "18:00")),
        13_000.0,
    )];
    days[3] = thu;
    // Fri (holiday): an ad hoc visit without punching.
    days[4].visits = vec![visit(
        10,
        8,
        VisitKind::AdHoc,
        at(WEEK[4], "10:00"),
        Some(30),
        CheckinStatus::Within,
    )];
    days
}

pub fn bo() -> Vec<Day> {
    WEEK.iter()
        .enumerate()
        .map(|(i, w)| {
            let dep = if i < 2 { NORTH } else { SOUTH };
            if i >= 4 {
                return Day::new(BO, dep, w);
            }
            let n = 100 + 2 * i as u128;
            Day {
                planned: vec![9, 4],
                visits: vec![
                    planned(n, 9, w, "10:00", 30),
                    planned(n + 1, 4, w, "14:00", 30),
                ],
                ..Day::new(BO, dep, w).nine_to_six()
            }
        })
        .collect()
}

pub fn cy() -> Vec<Day> {
    WEEK.iter()
        .enumerate()
        .map(|(i, w)| {
            let mut day = Day {
                rule: night_rule(),
                ..Day::new(CY, SOUTH, w)
            };
            match i {
                // Tue night: 21:58 → Wed 06:03; a visit 23:30 → 00:20; trips on both
                // sides of midnight, each 30 min; the track day splits at midnight.
                1 => {
                    day = day.punched(at(WEEK[1], "21:58"), at(WEEK[2], "06:03"));
                    day.planned = vec![9];
                    day.visits = vec![planned(200, 9, WEEK[1], "23:30", 50)];
                    day.tracks = vec![tue_night(), wed_small_hours()];
                }
                // Wed and Thu nights: punched, no fixes after Wednesday 06:00.
                2 => {
                    day = day.punched(at(WEEK[2], "22:00"), at(WEEK[3], "06:00"));
                    day.tracks = vec![wed_small_hours()];
                }
                3 => day = day.punched(at(WEEK[3], "22:00"), at(WEEK[4], "06:00")),
                _ => {}
            }
            day
        })
        .collect()
}

pub fn tue_night() -> TrackDay {
    track(
        WEEK[1],
        vec![trip(WEEK[1], "22:10", "22:40", 6000.0)],
        vec![],
        span(at(WEEK[1], "22:00"), at(WEEK[1], "23:59")),
        6000.0,
    )
}

pub fn wed_small_hours() -> TrackDay {
    track(
        WEEK[2],
        vec![trip(WEEK[2], "00:30", "01:00", 4000.0)],
        vec![],
        span(at(WEEK[2], "00:00"), at(WEEK[2], "06:00")),
        4000.0,
    )
}

pub fn di() -> Vec<Day> {
    WEEK.iter()
        .enumerate()
        .map(|(i, w)| {
            let day = Day::new(DI, SOUTH, w);
            match i {
                0 => Day {
                    visits: vec![planned(300, 5, w, "10:00", 30)],
                    ..day.punched(at(w, "09:20"), at(w, "18:00"))
                },
                1 | 3 => Day {
                    visits: vec![planned(300 + i as u128, 5, w, "10:00", 30)],
                    ..day.nine_to_six()
                },
                2 => Day {
                    leaves: vec![Leave {
                        start_ms: at(w, "09:00"),
                        end_ms: at(w, "18:00"),
                    }],
                    ..day
                },
                _ => day,
            }
        })
        .collect()
}

pub fn eve() -> Vec<Day> {
    WEEK.iter()
        .take(4)
        .enumerate()
        .map(|(i, w)| Day {
            visits: (0..6)
                .map(|j| {
                    planned(
                        400 + 10 * i as u128 + j,
                        j,
                        w,
                        &format!("{:02}:00", 9 + j),
                        30,
                    )
                })
                .collect(),
            ..Day::new(EVE, SOUTH, w).nine_to_six()
        })
        .collect()
}

/// Everyone's days of the week.
pub fn week_days() -> Vec<Day> {
    let mut all = ann();
    all.extend(bo());
    all.extend(cy());
    all.extend(di());
    all.extend(eve());
    all
}

pub fn week_facts() -> Vec<PersonDay> {
    week_days().iter().map(|d| person_day(&d.input())).collect()
}

pub fn fact_of(facts: &[PersonDay], who: u128, date: &str) -> PersonDay {
    facts
        .iter()
        .find(|f| f.employee == emp(who) && f.date == d(date))
        .cloned()
        .unwrap()
}

pub fn directory() -> Directory {
    let mut dir = Directory::default();
    for (id, name, parent) in [
        (SALES, "Sales", None),
        (NORTH, "North", Some(SALES)),
        (SOUTH, "South", Some(SALES)),
    ] {
        dir.departments.insert(
            dept(id),
            DepartmentInfo {
                name: name.into(),
                parent: parent.map(dept),
            },
        );
    }
    for (id, name, dep) in [
        (ANN, "Ann", NORTH),
        (BO, "Bo", SOUTH),
        (CY, "Cy", SOUTH),
        (DI, "Di", SOUTH),
        (EVE, "Eve", SOUTH),
    ] {
        dir.people.insert(
            emp(id),
            PersonInfo {
                name: name.into(),
                number: None,
                department: Some(dept(dep)),
            },
        );
    }
    // 210 and 211 are A-level customers of Ann's that nobody visits.
    for k in 0..12u128 {
        dir.customers.insert(
            cust(k),
            CustomerInfo {
                name: format!("Shop {k}"),
                level: level_of(k),
                tags: if k % 2 == 0 {
                    vec!["mall".into()]
                } else {
                    vec![]
                },
                owner: Some(emp(match k {
                    0..=3 | 10 | 11 => ANN,
                    4..=6 => BO,
                    _ => DI,
                })),
                status: CustomerStatus::Active,
            },
        );
    }
    dir
}

/// The manager reaches everyone but Eve.
pub fn reach() -> BTreeSet<EmployeeId> {
    [ANN, BO, CY, DI].into_iter().map(emp).collect()
}

/// Customer-period inputs of the week from the facts' visits (what storage would read).
pub fn customer_inputs(
    facts: &[PersonDay],
    dir: &Directory,
    period: reports::DateRange,
) -> Vec<CustomerPeriodInput> {
    dir.customers
        .iter()
        .map(|(id, c)| CustomerPeriodInput {
            customer: *id,
            level: c.level,
            tags: c.tags.clone(),
            owner: c.owner,
            period,
            interval_days: default_interval(c.level),
            last_visit_before: None,
            visits: facts
                .iter()
                .flat_map(|f| {
                    f.visit_rows
                        .iter()
                        .filter(|v| v.customer == *id)
                        .map(|v| CustomerVisit {
                            date: f.date,
                            employee: f.employee,
                            outcome: v.outcome,
                        })
                })
                .collect(),
            outcome_tracked: true,
        })
        .collect()
}
