//! Which rep serves each customer: its fixed owner, else a balanced territory around the
//! homes of the reps who work in the horizon.

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
    let input = territory::Input {
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
    };
    let budget = deadline.saturating_duration_since(Instant::now()) / SHARE;
    let opts = territory::Options {
        seed,
        time_limit: budget,
        ..territory::Options::default()
    };
    let t = territory::balance(&input, travel, &opts);
    for (i, &c) in members.iter().enumerate() {
        if out[c].is_none() {
            out[c] = Some(active[t.assignment[i]]);
        }
    }
    out
}
