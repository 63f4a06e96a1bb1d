//! A generated team for the benchmark and the invariant tests: `reps` reps in ten
//! departments around Shanghai over `days` days from 2026-09-01, with the National Day
//! week off, leave, absences, late days, 4–10 visits a working day along a track, and
//! anti-cheat levels. Deterministic for a seed.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use chrono_tz::Tz;
use domain::attendance::{AttendanceRule, Leave, Punch, PunchKind, daily_record, local_instant};
use domain::calendar::{CalendarDayInput, DayKind, WorkCalendarInput};
use domain::customer::{CustomerStatus, Level};
use domain::visit_rule::CheckinStatus;
use domain::{CustomerId, DepartmentId, EmployeeId};
use reports::facts::{
    CustomerPeriodInput, CustomerVisit, DayType, PersonDayInput, VisitInput, VisitKind,
    default_interval,
};
use reports::report::{ApprovalOutcome, ApprovalRecord};
use reports::{
    CustomerInfo, DateRange, DepartmentInfo, Directory, Interval, PersonInfo, TrackDay, Trip,
};
use uuid::Uuid;

pub const TZ: Tz = chrono_tz::Asia::Shanghai;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo + 1) as u64) as i64
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

pub struct Team {
    pub inputs: Vec<PersonDayInput>,
    pub directory: Directory,
    pub period: DateRange,
    pub approvals: Vec<ApprovalRecord>,
    /// Each customer's level, tags and owner, for customer-period inputs.
    pub customers: Vec<(CustomerId, Level, EmployeeId)>,
}

const CUSTOMERS_PER_REP: u64 = 60;

fn id(kind: u128, n: u64) -> Uuid {
    Uuid::from_u128((kind << 96) | n as u128)
}

pub fn team(reps: usize, days: u32, seed: u64) -> Team {
    let mut rng = Rng::new(seed);
    let start: NaiveDate = "2026-09-01".parse().unwrap();
    let period = DateRange::new(start, start + Days::new(days as u64 - 1)).unwrap();
    let calendar = WorkCalendarInput {
        days: (1..=7)
            .map(|d| CalendarDayInput {
                date: format!("2026-10-0{d}"),
                kind: DayKind::Holiday,
                name: Some("国庆节".into()),
            })
            .collect(),
    }
    .validate()
    .unwrap();
    let rule = AttendanceRule {
        late_grace_min: 5,
        early_leave_grace_min: 5,
        ..AttendanceRule::default()
    }
    .validate()
    .unwrap();
    let now = local_instant(TZ, period.to + Days::new(10), 0);

    let mut directory = Directory::default();
    let root = DepartmentId(id(1, 0));
    directory.departments.insert(
        root,
        DepartmentInfo {
            name: "销售部".into(),
            parent: None,
        },
    );
    let depts: Vec<DepartmentId> = (1..=10)
        .map(|i| {
            let d = DepartmentId(id(1, i));
            directory.departments.insert(
                d,
                DepartmentInfo {
                    name: format!("区域{i:02}"),
                    parent: Some(root),
                },
            );
            d
        })
        .collect();

    let mut inputs = Vec::with_capacity(reps * days as usize);
    let mut customers = Vec::new();
    let mut approvals = Vec::new();
    let mut visit_n = 0u64;
    for r in 0..reps {
        let rep = EmployeeId(id(2, r as u64));
        let dept = depts[r % depts.len()];
        directory.people.insert(
            rep,
            PersonInfo {
                name: format!("代表{r:04}"),
                number: Some(format!("E{r:04}")),
                department: Some(dept),
            },
        );
        let base = (31.0 + rng.unit() * 0.4, 121.2 + rng.unit() * 0.5);
        let mine: Vec<(CustomerId, (f64, f64), Level)> = (0..CUSTOMERS_PER_REP)
            .map(|k| {
                let c = CustomerId(id(3, r as u64 * CUSTOMERS_PER_REP + k));
                let level = match rng.unit() {
                    x if x < 0.2 => Level::A,
                    x if x < 0.5 => Level::B,
                    _ => Level::C,
                };
                let place = (
                    base.0 + (rng.unit() - 0.5) * 0.09,
                    base.1 + (rng.unit() - 0.5) * 0.1,
                );
                directory.customers.insert(
                    c,
                    CustomerInfo {
                        name: format!("门店{r:04}-{k:02}"),
                        level,
                        tags: if k % 3 == 0 {
                            vec!["KA".into()]
                        } else {
                            vec![]
                        },
                        owner: Some(rep),
                        status: CustomerStatus::Active,
                    },
                );
                customers.push((c, level, rep));
                (c, place, level)
            })
            .collect();
        for day in 0..days {
            let date = start + Days::new(day as u64);
            let day_type = DayType::of(&calendar, &rule.week, date);
            let at = |min: i64| local_instant(TZ, date, min as u32);
            let mut input = PersonDayInput {
                employee: rep,
                // The last fifth of the reps move to the next department halfway through.
                department: if r * 5 >= reps * 4 && day >= days / 2 {
                    depts[(r + 1) % depts.len()]
                } else {
                    dept
                },
                date,
                tz: TZ,
                day_type,
                attendance: None,
                planned: vec![],
                visits: vec![],
                tracks: vec![],
                integrity: None,
            };
            let working = day_type == DayType::Workday;
            let leave = working && rng.chance(0.03);
            let absent = working && !leave && rng.chance(0.02);
            let mut punches = Vec::new();
            let mut leaves = Vec::new();
            if leave {
                leaves.push(Leave {
                    start_ms: at(9 * 60),
                    end_ms: at(18 * 60),
                });
            }
            if working && !leave && !absent {
                let clock_in = if rng.chance(0.1) {
                    rng.range(9 * 60 + 6, 9 * 60 + 40)
                } else {
                    rng.range(8 * 60 + 45, 9 * 60)
                };
                let clock_out = rng.range(18 * 60, 18 * 60 + 20);
                punches.push(Punch {
                    kind: PunchKind::ClockIn,
                    t_ms: at(clock_in),
                });
                punches.push(Punch {
                    kind: PunchKind::ClockOut,
                    t_ms: at(clock_out),
                });
                let n = rng.range(4, 10) as usize;
                let mut t = 9 * 60 + 30;
                let mut trips = vec![Trip {
                    span: Interval {
                        start_ms: at(8 * 60 + 20),
                        end_ms: at(8 * 60 + 50),
                    },
                    distance_m: 6000.0 + rng.unit() * 6000.0,
                }];
                let mut prev: Option<(f64, f64)> = None;
                for _ in 0..n {
                    let (c, place, _) = mine[rng.range(0, CUSTOMERS_PER_REP as i64 - 1) as usize];
                    if let Some(p) = prev {
                        let drive = rng.range(10, 40);
                        let km = reports::detour::leg_km(p, place) * (1.0 + rng.unit() * 0.6);
                        trips.push(Trip {
                            span: Interval {
                                start_ms: at(t),
                                end_ms: at(t + drive),
                            },
                            distance_m: km * 1000.0,
                        });
                        t += drive;
                    }
                    let minutes = rng.range(10, 60);
                    let kind = match rng.unit() {
                        x if x < 0.03 => VisitKind::Prospect,
                        x if x < 0.2 => VisitKind::AdHoc,
                        _ => VisitKind::Planned,
                    };
                    if kind == VisitKind::Planned {
                        input.planned.push(c);
                    }
                    visit_n += 1;
                    input.visits.push(VisitInput {
                        id: id(4, visit_n),
                        customer: c,
                        kind,
                        checkin_ms: at(t),
                        checkout_ms: Some(at(t + minutes)),
                        checkin: if rng.chance(0.9) {
                            CheckinStatus::Within
                        } else {
                            CheckinStatus::Uncertain
                        },
                        min_duration_s: Some(15 * 60),
                        place: Some(place),
                        outcome: rng.chance(0.4).then(|| (rng.range(0, 50) * 100) as f64),
                    });
                    t += minutes;
                    prev = Some(place);
                }
                // A planned customer left unvisited now and then.
                if rng.chance(0.3) {
                    input.planned.push(mine[rng.range(0, 59) as usize].0);
                }
                trips.push(Trip {
                    span: Interval {
                        start_ms: at(18 * 60 + 25),
                        end_ms: at(18 * 60 + 55),
                    },
                    distance_m: 6000.0 + rng.unit() * 6000.0,
                });
                let total: f64 = trips.iter().map(|t| t.distance_m).sum();
                let outside = trips[0].distance_m + trips.last().unwrap().distance_m;
                let gaps = if rng.chance(0.2) {
                    let g = rng.range(11 * 60, 16 * 60);
                    vec![Interval {
                        start_ms: at(g),
                        end_ms: at(g + rng.range(10, 90)),
                    }]
                } else {
                    vec![]
                };
                input.tracks.push(TrackDay {
                    date,
                    mileage_m: total,
                    work_mileage_m: total - outside,
                    trips,
                    gaps,
                    tracked: Some(Interval {
                        start_ms: at(8 * 60 + 15),
                        end_ms: at(19 * 60),
                    }),
                });
                input.integrity = match rng.unit() {
                    x if x < 0.05 => None,
                    x if x < 0.93 => Some(integrity::Level::Clean),
                    x if x < 0.98 => Some(integrity::Level::Review),
                    _ => Some(integrity::Level::LikelyCheat),
                };
            }
            input.attendance = Some(daily_record(
                &rule, &calendar, TZ, date, &punches, &leaves, now,
            ));
            if working && rng.chance(0.1) {
                let submitted = at(rng.range(9 * 60, 17 * 60));
                let decided = rng
                    .chance(0.85)
                    .then(|| submitted + rng.range(1, 72) * 3_600_000);
                approvals.push(ApprovalRecord {
                    id: id(5, approvals.len() as u64),
                    kind: ["leave", "correction", "mileage_claim"][rng.range(0, 2) as usize].into(),
                    submitter: rep,
                    submitted_on: date,
                    submitted_ms: submitted,
                    decided_ms: decided,
                    outcome: match decided {
                        None => ApprovalOutcome::Pending,
                        Some(_) if rng.chance(0.9) => ApprovalOutcome::Approved,
                        Some(_) => ApprovalOutcome::Rejected,
                    },
                });
            }
            inputs.push(input);
        }
    }
    Team {
        inputs,
        directory,
        period,
        approvals,
        customers,
    }
}

/// Customer-period inputs for `period` from the inputs' visits (what storage would read).
pub fn customer_inputs(team: &Team, period: DateRange) -> Vec<CustomerPeriodInput> {
    let mut visits: std::collections::HashMap<CustomerId, Vec<CustomerVisit>> =
        std::collections::HashMap::new();
    for i in &team.inputs {
        for v in &i.visits {
            visits.entry(v.customer).or_default().push(CustomerVisit {
                date: i.date,
                employee: i.employee,
                outcome: v.outcome,
            });
        }
    }
    team.customers
        .iter()
        .map(|(c, level, owner)| CustomerPeriodInput {
            customer: *c,
            level: *level,
            tags: team.directory.customers[c].tags.clone(),
            owner: Some(*owner),
            period,
            interval_days: default_interval(*level),
            last_visit_before: None,
            visits: visits.remove(c).unwrap_or_default(),
            outcome_tracked: true,
        })
        .collect()
}
