//! Which rep serves each customer: its fixed owner, else a balanced territory around the
//! homes of the reps who work in the horizon.
//!
//! The territories' workload is an estimate (visits, legs, a share of the commute), and a
//! rep whose territory lies far from home or is spread out works longer than estimated.
//! So a quick trial plan (construction and one local search, no ruin-and-recreate)
//! measures each rep's real load, and the territories are balanced again with each
//! estimate scaled by how far off it was.

use std::time::Instant;

use super::Problem;
use crate::territory;
use crate::travel::Travel;

/// Share of the whole time limit the territories may take.
const SHARE: u32 = 5;

pub(crate) fn assign(
    problem: &Problem,
    travel: &dyn Travel,
    seed: u64,
    deadline: Instant,
) -> Vec<Option<usize>> {
    let reps = problem.reps.len();
    let active: Vec<usize> = (0..reps)
        .filter(|&r| (0..problem.days).any(|d| problem.works(r, d)))
        .collect();
    let mut out: Vec<Option<usize>> = vec![None; problem.customers.len()];
    let mut free = Vec::new();
    for (c, cust) in problem.customers.iter().enumerate() {
        match cust.owner {
            Some(r) if r < reps => out[c] = Some(r),
            Some(_) => {}
            None => free.push(c),
        }
    }
    if active.is_empty() || free.is_empty() {
        return out;
    }
    // Owned customers take part as fixed members, so the owner's territory is lighter.
    let members: Vec<usize> = (0..problem.customers.len())
        .filter(|&c| {
            out[c].is_some_and(|r| active.contains(&r)) || problem.customers[c].owner.is_none()
        })
        .collect();
    let slot = |r: usize| active.iter().position(|&a| a == r);
    let mut input = territory::Input {
        locations: members
            .iter()
            .map(|&c| problem.customers[c].location)
            .collect(),
        interval_days: members
            .iter()
            .map(|&c| problem.customers[c].interval_days)
            .collect(),
        service_min: members
            .iter()
            .map(|&c| problem.customers[c].service_min)
            .collect(),
        fixed: members.iter().map(|&c| out[c].and_then(slot)).collect(),
        k: active.len(),
        homes: Some(active.iter().map(|&r| problem.reps[r].home).collect()),
        load_factor: None,
    };
    let budget = deadline.saturating_duration_since(Instant::now()) / SHARE;
    // Real rep loads also carry the commute, which the workload only estimates, so a
    // tighter workload balance than this buys no evener reps, only longer territories.
    let opts = territory::Options {
        seed,
        time_limit: budget,
        balance_weight: 10.0,
    };
    let mut t = territory::balance(&input, travel, &opts);
    if active.len() > 1 {
        let trial_deadline = Instant::now() + budget;
        let real = trial_loads(
            problem,
            travel,
            &active,
            &members,
            &t.assignment,
            seed,
            trial_deadline,
        );
        let estimated = territory::estimated_loads(&input, travel, &t.assignment);
        let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
        let (mr, me) = (mean(&real), mean(&estimated));
        if mr > 0.0 && me > 0.0 {
            let factor = real
                .iter()
                .zip(&estimated)
                .map(|(&r, &e)| {
                    if r > 0.0 && e > 0.0 {
                        ((r / mr) / (e / me)).clamp(0.5, 2.0)
                    } else {
                        1.0
                    }
                })
                .collect();
            input.load_factor = Some(factor);
            t = territory::balance(&input, travel, &opts);
        }
    }
    for (i, &c) in members.iter().enumerate() {
        if out[c].is_none() {
            out[c] = Some(active[t.assignment[i]]);
        }
    }
    out
}

/// Each territory's minutes in a quick plan (construction and local search only), with
/// the service of visits it could not place.
fn trial_loads(
    problem: &Problem,
    travel: &dyn Travel,
    active: &[usize],
    members: &[usize],
    assignment: &[usize],
    seed: u64,
    deadline: Instant,
) -> Vec<f64> {
    let opts = super::Options {
        time_limit: deadline.saturating_duration_since(Instant::now()),
        seed,
        max_iterations: Some(0),
    };
    active
        .iter()
        .enumerate()
        .map(|(t, &r)| {
            let mine: Vec<usize> = members
                .iter()
                .zip(assignment)
                .filter(|&(_, &a)| a == t)
                .map(|(&c, _)| c)
                .collect();
            let plan = super::search::plan_rep(
                problem,
                travel,
                r,
                &mine,
                seed,
                deadline,
                &opts,
                &super::Weights::default(),
                super::search::Start {
                    days: None,
                    rough: true,
                },
            );
            let busy: f64 = plan.days.iter().map(|d| d.end_min - d.start_min).sum();
            let missed: f64 = plan
                .due
                .iter()
                .map(|(c, due)| {
                    due.iter().filter(|v| v.placed.is_none()).count() as f64
                        * problem.customers[*c].service_min
                })
                .sum();
            busy + missed
        })
        .collect()
}
