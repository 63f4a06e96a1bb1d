//! The simple scheduler the visit-frequency planner is measured against: nearest-
//! neighbour days. Each working day a rep leaves home and keeps driving to the nearest
//! customer that is due (its next due window has opened and it was not seen too
//! recently) while the visit still fits the shift; a window that closes unserved is
//! missed. Customers keep the reps they are given.

use crate::evaluate::match_visits;
use crate::schedule::due::{self, Window};
use crate::schedule::{CustomerPlan, Problem, RepDay, Schedule, Stop, Unplaced};
use crate::travel::Travel;

pub fn nearest_neighbour_days(
    problem: &Problem,
    travel: &dyn Travel,
    assignment: &[Option<usize>],
) -> Schedule {
    let started = std::time::Instant::now();
    let n = problem.customers.len();
    let windows: Vec<Vec<Window>> = (0..n)
        .map(|c| due::windows(problem, &problem.customers[c], assignment[c]))
        .collect();
    let mut next = vec![0usize; n];
    let mut last: Vec<Option<i32>> = vec![None; n];
    let mut made: Vec<Vec<i32>> = vec![Vec::new(); n];
    let mut days = Vec::new();
    for (r, rep) in problem.reps.iter().enumerate() {
        let mine: Vec<usize> = (0..n).filter(|&c| assignment[c] == Some(r)).collect();
        for d in 0..problem.days as i32 {
            if !problem.works(r, d as u32) {
                continue;
            }
            let mut due: Vec<usize> = Vec::new();
            for &c in &mine {
                while next[c] < windows[c].len() && windows[c][next[c]].hi < d {
                    next[c] += 1;
                }
                let gap = due::min_gap(problem.customers[c].interval_days);
                if next[c] < windows[c].len()
                    && windows[c][next[c]].lo <= d
                    && last[c].is_none_or(|l| d - l >= gap)
                {
                    due.push(c);
                }
            }
            let (mut time, mut pos) = (rep.shift.0, rep.home);
            let (mut km, mut minutes) = (0.0, 0.0);
            let mut stops = Vec::new();
            loop {
                let fits = |c: usize| -> Option<(f64, f64)> {
                    let cu = &problem.customers[c];
                    let arrival = time + travel.minutes(pos, cu.location);
                    let (open, close) = cu.hours.unwrap_or((f64::NEG_INFINITY, f64::INFINITY));
                    let start = arrival.max(open);
                    let done = start + cu.service_min;
                    let back = done + travel.minutes(cu.location, rep.home);
                    (done <= close + 1e-9
                        && back <= rep.day_end() + 1e-9
                        && stops.len() < rep.max_visits.unwrap_or(usize::MAX))
                    .then_some((arrival, start))
                };
                let pick = due
                    .iter()
                    .copied()
                    .filter(|&c| fits(c).is_some())
                    .min_by(|&a, &b| {
                        let la = problem.customers[a].location;
                        let lb = problem.customers[b].location;
                        travel.minutes(pos, la).total_cmp(&travel.minutes(pos, lb))
                    });
                let Some(c) = pick else { break };
                let (arrival, start) = fits(c).expect("picked only fitting customers");
                let cu = &problem.customers[c];
                km += travel.km(pos, cu.location);
                minutes += travel.minutes(pos, cu.location);
                time = start + cu.service_min;
                stops.push(Stop {
                    customer: c,
                    arrival_min: arrival,
                    start_min: start,
                    departure_min: time,
                });
                pos = cu.location;
                due.retain(|&x| x != c);
                last[c] = Some(d);
                made[c].push(d);
                next[c] += 1;
            }
            km += travel.km(pos, rep.home);
            minutes += travel.minutes(pos, rep.home);
            time += travel.minutes(pos, rep.home);
            days.push(RepDay {
                rep: r,
                date: problem.start.plus(d),
                stops,
                km,
                travel_min: minutes,
                start_min: rep.shift.0,
                end_min: time,
            });
        }
    }
    let customers = (0..n)
        .map(|c| {
            let got = match_visits(&windows[c], &made[c]);
            CustomerPlan {
                customer: c,
                rep: assignment[c],
                due: windows[c]
                    .iter()
                    .zip(got)
                    .map(|(w, g)| {
                        let why = if assignment[c].is_none() {
                            Unplaced::NoRep
                        } else {
                            Unplaced::NoRoom
                        };
                        w.report(problem.start, g, g.is_none().then_some(why))
                    })
                    .collect(),
            }
        })
        .collect();
    Schedule {
        assignment: assignment.to_vec(),
        days,
        customers,
        iterations: 0,
        elapsed: started.elapsed(),
    }
}
