//! Who works which day and how: the calendar of the demo's past and coming week.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::routes::{RepRoutes, rep_routes};
use super::{
    Cheat, History, HistoryOptions, LeaveSpan, PendingRequest, PlannedDay, RepHistory, WorkDay,
};
use crate::places::to_metres;
use crate::rng::Dice;
use crate::{DemoCompany, DemoRole, org};

/// SplitMix64 of (seed, a, b): an independent stream per rep and day, so adding days or
/// reps never changes the ones already there.
pub(crate) fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn is_weekday(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The Wednesday on or before `d`.
fn wednesday_before(d: NaiveDate) -> NaiveDate {
    let back = (d.weekday().num_days_from_monday() + 7 - 2) % 7;
    d - Duration::days(i64::from(back))
}

fn next_monday_after(d: NaiveDate) -> NaiveDate {
    let ahead = 7 - d.weekday().num_days_from_monday();
    d + Duration::days(i64::from(ahead))
}

pub(crate) fn build(company: &DemoCompany, opts: &HistoryOptions) -> History {
    let last = opts.last_day;
    let first = last - Duration::days(i64::from(opts.days.max(1)) - 1);
    let reps: Vec<usize> = company
        .employees
        .iter()
        .enumerate()
        .filter(|(_, e)| e.role == DemoRole::Field)
        .map(|(i, _)| i)
        .take(opts.reps.max(1))
        .collect();
    let n = reps.len();
    let leave_rep = reps[1 % n];
    let leave_from = wednesday_before(last - Duration::days(7)).max(first);
    let leave = LeaveSpan {
        employee: leave_rep,
        from: leave_from,
        to: leave_from + Duration::days(2),
    };
    let on_leave = |e: usize, d: NaiveDate| e == leave.employee && d >= leave.from && d <= leave.to;
    let dates: Vec<NaiveDate> = (0..opts.days.max(1))
        .map(|k| first + Duration::days(i64::from(k)))
        .filter(|d| is_weekday(*d))
        .collect();

    let mut out_reps = Vec::with_capacity(n);
    let mut upcoming = Vec::new();
    for (ri, &e) in reps.iter().enumerate() {
        let mut dice = Dice::new(mix(opts.seed, e as u64, 0x2047));
        let routes = rep_routes(company, e, &mut dice);
        let mut days = Vec::new();
        let mut k = ri;
        for &date in &dates {
            if on_leave(e, date) {
                continue;
            }
            let mut day_dice = Dice::new(mix(opts.seed, e as u64, date.num_days_from_ce() as u64));
            let route = &routes.routes[k % routes.routes.len()];
            k += 1;
            let early = day_dice.chance(0.04) || (ri == 2 % n && days.len() == 4);
            let late = !early && (day_dice.chance(0.06) || (ri == 0 && days.len() == 2));
            let mut shops = route.clone();
            if early && shops.len() > 3 {
                shops.truncate(shops.len() - 2);
            }
            days.push(WorkDay {
                date,
                shops,
                late,
                early,
                forgot_clock_out: false,
                cheat: None,
                seed: day_dice.below(usize::MAX) as u64,
            });
        }
        // Cheating and forgetting happen in the last fortnight, on different reps.
        let len = days.len();
        let cheats = [
            (4, Cheat::MockLocation),
            (5, Cheat::ReusedPhoto),
            (6, Cheat::RemoteCheckin(0)),
            (7, Cheat::Teleport),
            (8, Cheat::PinDropFromHome),
            (9, Cheat::Replay { of_day: 0 }),
        ];
        for (c, (who, cheat)) in cheats.into_iter().enumerate() {
            if ri == who % n && len > 2 {
                let at = len.saturating_sub(2 + 2 * c).max(1);
                let cheat = match cheat {
                    Cheat::RemoteCheckin(_) => {
                        Cheat::RemoteCheckin(farthest_shop(company, &routes, &days[at].shops))
                    }
                    // Four working days earlier (within the week a verdict compares with), an
                    // honest day of the same rep.
                    Cheat::Replay { .. } => match at.checked_sub(4) {
                        Some(of_day) if days[of_day].cheat.is_none() => {
                            days[at].shops = days[of_day].shops.clone();
                            Cheat::Replay { of_day }
                        }
                        _ => continue,
                    },
                    other => other,
                };
                days[at].cheat = Some(cheat);
            }
        }
        if ri == 0
            && let Some(d) = days.last_mut()
        {
            d.forgot_clock_out = true;
        }
        let published = company.employees[e].department == org::PUDONG;
        for step in 1..=7 {
            let date = last + Duration::days(step);
            if !is_weekday(date) {
                continue;
            }
            upcoming.push(PlannedDay {
                employee: e,
                date,
                shops: routes.routes[k % routes.routes.len()].clone(),
                published,
            });
            k += 1;
        }
        out_reps.push(RepHistory {
            employee: e,
            routes,
            days,
        });
    }

    let mut pending = Vec::new();
    for r in &out_reps {
        if let Some(d) = r.days.iter().find(|d| d.forgot_clock_out) {
            pending.push(PendingRequest::Correction {
                employee: r.employee,
                date: d.date,
                hour: 18,
                minute: 5,
            });
        }
    }
    let from = next_monday_after(last);
    pending.push(PendingRequest::Leave {
        employee: reps[5 % n],
        from,
        to: from + Duration::days(1),
    });
    History {
        first_day: first,
        last_day: last,
        reps: out_reps,
        leave,
        pending,
        upcoming,
    }
}

/// The rep's shop farthest from the day's route: where a "remote" check-in claims to be.
fn farthest_shop(company: &DemoCompany, routes: &RepRoutes, today: &[usize]) -> usize {
    let at = |i: usize| to_metres(company.customers[i].lat, company.customers[i].lon);
    let n = today.len().max(1) as f64;
    let c = today
        .iter()
        .fold((0.0, 0.0), |(y, x), &i| (y + at(i).0 / n, x + at(i).1 / n));
    let d = |i: usize| (at(i).0 - c.0).powi(2) + (at(i).1 - c.1).powi(2);
    routes
        .routes
        .iter()
        .flatten()
        .copied()
        .filter(|i| !today.contains(i))
        .max_by(|&a, &b| d(a).total_cmp(&d(b)))
        .unwrap_or(today[0])
}
