//! A deterministic team-month of day inputs with realistic distances: the export tests and
//! the benchmark use it. No randomness crate: a small xorshift is enough and stable.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use claims::*;
use domain::{DepartmentId, EmployeeId};
use integrity::Level;
use uuid::Uuid;

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    /// Uniform in lo..hi.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.next() % (hi - lo) as u64) as i64
    }
}

pub struct Team {
    pub rates: RateBook,
    pub inputs: Vec<ClaimInput>,
}

/// `reps` reps in 4 departments for `period` (a month): the first 22 weekdays are
/// working days (later weekdays holidays), one leave day in `leave_one_in` (0: none), 20–180 km a day to the metre, 0–15 km after hours, a
/// dozen visit names, anti-cheat levels now and then; private cars mostly, some
/// motorbikes, a few company cars; a tenant rate with two tiers and caps, a department
/// rate and a motorbike rate, and a rate change in the middle of the month.
pub fn team(reps: usize, period: Period, seed: u64, leave_one_in: i64) -> Team {
    let mut rng = Rng::new(seed);
    let departments: Vec<DepartmentId> = (0..4)
        .map(|i| DepartmentId(Uuid::from_u128(1000 + i)))
        .collect();
    let mid = period.first() + Days::new(14);
    let version = |v: u32, from: NaiveDate, low: i64, high: i64| RateVersion {
        version: v,
        effective_from: from,
        tiers: vec![
            Tier {
                up_to: Some(WholeMeters::km(1000)),
                rate: MinorPerKm(low),
            },
            Tier {
                up_to: None,
                rate: MinorPerKm(high),
            },
        ],
        daily_cap: Some(Money::cny(15_000)),
        period_cap: Some(Money::cny(250_000)),
        rounding: Rounding {
            to: RoundTo::Fen,
            mode: RoundMode::HalfUp,
        },
    };
    let tid = |n: u128| RateTableId(Uuid::from_u128(n));
    let rates = RateBook::new(vec![
        RateTable {
            id: tid(1),
            scope: RateScope::default(),
            currency: Currency::CNY,
            versions: vec![version(1, period.first(), 80, 60), version(2, mid, 85, 65)],
        },
        RateTable {
            id: tid(2),
            scope: RateScope {
                department: Some(departments[1]),
                vehicle: None,
            },
            currency: Currency::CNY,
            versions: vec![version(1, period.first(), 90, 70)],
        },
        RateTable {
            id: tid(3),
            scope: RateScope {
                department: None,
                vehicle: Some(VehicleKind::Motorbike),
            },
            currency: Currency::CNY,
            versions: vec![RateVersion {
                rounding: Rounding {
                    to: RoundTo::Jiao,
                    mode: RoundMode::Floor,
                },
                ..version(1, period.first(), 30, 30)
            }],
        },
    ])
    .expect("valid rates");
    let visit_names: Vec<String> = (0..40).map(|i| format!("联华超市 {i} 号店")).collect();
    let inputs = (0..reps)
        .map(|r| {
            let kind = match rng.range(0, 20) {
                0 => VehicleKind::CompanyCar,
                1..=3 => VehicleKind::Motorbike,
                _ => VehicleKind::PrivateCar,
            };
            let vehicles = VehicleHistory::new(vec![VehicleAssignment {
                from: period.first(),
                kind,
                plate: Some(format!("沪A·{:05}", r)),
            }])
            .expect("valid history");
            let mut weekdays = 0;
            let days = period
                .days()
                .map(|date| {
                    let weekend = matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
                    weekdays += i32::from(!weekend);
                    let kind = if weekend {
                        DayKind::DayOff
                    } else if weekdays > 22 {
                        DayKind::Holiday
                    } else if leave_one_in > 0 && rng.range(0, leave_one_in) == 0 {
                        DayKind::Leave
                    } else {
                        DayKind::WorkingDay
                    };
                    let working = kind == DayKind::WorkingDay;
                    let n_visits = if working {
                        rng.range(4, 14) as usize
                    } else {
                        0
                    };
                    let visits = (0..n_visits)
                        .map(|_| visit_names[rng.range(0, 40) as usize].clone())
                        .collect();
                    let anti_cheat = match rng.range(0, 50) {
                        0 => Some(Level::Review),
                        1 => Some(Level::LikelyCheat),
                        2..=30 => Some(Level::Clean),
                        _ => None,
                    };
                    DayInput {
                        date,
                        kind,
                        working_m: WholeMeters(if working {
                            rng.range(20_000, 180_000)
                        } else {
                            0
                        }),
                        outside_m: WholeMeters(rng.range(0, 15_000)),
                        visits,
                        start_place: Some("家".into()),
                        end_place: Some("家".into()),
                        trips: n_visits as u32 + 1,
                        coverage: Coverage(rng.range(8_000, 10_001) as u16),
                        anti_cheat,
                        cheat_confirmed: anti_cheat == Some(Level::LikelyCheat)
                            && rng.range(0, 2) == 0,
                    }
                })
                .collect();
            ClaimInput {
                employee: EmployeeId(Uuid::from_u128(r as u128 + 1)),
                period,
                currency: Currency::CNY,
                departments: vec![departments[r % 4]],
                vehicles,
                days,
                adjustments: Vec::new(),
                expenses: Vec::new(),
            }
        })
        .collect();
    Team { rates, inputs }
}
