//! Assignment under a workload cap, medoid updates, and the boundary local search.

use std::time::Instant;

use super::Input;
use crate::rng::Rng;
use crate::travel::Travel;

/// Allowed overshoot of the mean workload in the greedy assignment.
const CAP: f64 = 1.03;
/// Neighbours whose territories a customer may move to.
const NEIGHBOURS: usize = 10;

/// Visits a rep makes on a typical day, to share the commute among them.
const VISITS_PER_DAY: f64 = 12.0;

/// Customer `c`'s workload in territory `t`: its own minutes plus, when the rep's home is
/// known, its share of the daily drive out to it and back.
pub(super) fn load_of(input: &Input, travel: &dyn Travel, w: &[f64], c: usize, t: usize) -> f64 {
    let commute = input
        .homes
        .as_ref()
        .and_then(|h| h.get(t))
        .map_or(0.0, |&h| {
            let loc = input.locations[c];
            (travel.minutes(h, loc) + travel.minutes(loc, h)) / VISITS_PER_DAY
        });
    let factor = input
        .load_factor
        .as_ref()
        .and_then(|f| f.get(t))
        .copied()
        .unwrap_or(1.0);
    factor * (w[c] + super::visits_per_period(input.interval_days[c]) * commute)
}

/// What serving customer `c` from territory `t` costs in distance: to the centre, and to
/// the rep's home when known (the daily commute).
fn reach(input: &Input, travel: &dyn Travel, centres: &[usize], c: usize, t: usize) -> f64 {
    let loc = &input.locations;
    let home = input
        .homes
        .as_ref()
        .and_then(|h| h.get(t))
        .map_or(0.0, |&h| travel.km(h, loc[c]));
    travel.km(loc[centres[t]], loc[c]) + home
}

/// Fixed customers first; then (customer, territory) pairs from the closest, each taken
/// while the territory stays under the cap; leftovers go where the overload is least.
pub(super) fn capped_assign(
    input: &Input,
    travel: &dyn Travel,
    w: &[f64],
    centres: &[usize],
    k: usize,
) -> Vec<usize> {
    let n = input.locations.len();
    let mut load = vec![0.0; k];
    let mut out: Vec<Option<usize>> = vec![None; n];
    for (c, slot) in out.iter_mut().enumerate() {
        if let Some(t) = input.fixed[c].filter(|&t| t < k) {
            *slot = Some(t);
            load[t] += load_of(input, travel, w, c, t);
        }
    }
    // The cap is set from each customer's cheapest placement, a lower bound of the total.
    let least: f64 = (0..n)
        .map(|c| {
            (0..k)
                .map(|t| load_of(input, travel, w, c, t))
                .fold(f64::INFINITY, f64::min)
        })
        .sum();
    let cap = least / k as f64 * CAP;
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(n * k);
    for c in (0..n).filter(|&c| out[c].is_none()) {
        for t in 0..k {
            pairs.push((reach(input, travel, centres, c, t), c, t));
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for &(_, c, t) in &pairs {
        if out[c].is_none() && load[t] + load_of(input, travel, w, c, t) <= cap {
            out[c] = Some(t);
            load[t] += load_of(input, travel, w, c, t);
        }
    }
    for (c, slot) in out.iter_mut().enumerate() {
        if slot.is_none() {
            let t = (0..k)
                .min_by(|&a, &b| load[a].total_cmp(&load[b]))
                .unwrap_or(0);
            *slot = Some(t);
            load[t] += load_of(input, travel, w, c, t);
        }
    }
    out.into_iter().map(|t| t.unwrap_or(0)).collect()
}

/// Each territory's member minimising the workload-weighted distance to the others; an
/// empty territory keeps its centre.
pub(super) fn medoids(
    input: &Input,
    travel: &dyn Travel,
    w: &[f64],
    assignment: &[usize],
    k: usize,
) -> Vec<usize> {
    let loc = &input.locations;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (c, &t) in assignment.iter().enumerate() {
        members[t].push(c);
    }
    members
        .iter()
        .enumerate()
        .map(|(t, m)| {
            m.iter()
                .copied()
                .min_by(|&a, &b| {
                    let cost = |x: usize| -> f64 {
                        m.iter().map(|&c| w[c] * travel.km(loc[x], loc[c])).sum()
                    };
                    cost(a).total_cmp(&cost(b))
                })
                .unwrap_or(t.min(loc.len() - 1))
        })
        .collect()
}

/// Relocates and swaps boundary customers while the objective falls; centres move to the
/// medoids after each pass. Returns the passes made.
#[allow(clippy::too_many_arguments)]
pub(super) fn improve(
    input: &Input,
    travel: &dyn Travel,
    w: &[f64],
    assignment: &mut [usize],
    centres: &mut Vec<usize>,
    k: usize,
    balance_weight: f64,
    rng: &mut Rng,
    deadline: Instant,
) -> u64 {
    let n = input.locations.len();
    let loc = &input.locations;
    let near: Vec<Vec<usize>> = (0..n)
        .map(|c| {
            let mut best: Vec<(f64, usize)> = Vec::with_capacity(NEIGHBOURS + 1);
            for o in (0..n).filter(|&o| o != c) {
                let d = travel.km(loc[c], loc[o]);
                if best.len() < NEIGHBOURS || d < best[best.len() - 1].0 {
                    let at = best.partition_point(|x| x.0 <= d);
                    best.insert(at, (d, o));
                    best.truncate(NEIGHBOURS);
                }
            }
            best.into_iter().map(|x| x.1).collect()
        })
        .collect();
    let lw = |c: usize, t: usize| load_of(input, travel, w, c, t);
    let mut load = vec![0.0; k];
    for c in 0..n {
        load[assignment[c]] += lw(c, assignment[c]);
    }
    // Distances are divided by the mean so that both terms are in minutes of workload.
    let scale = {
        let total: f64 = (0..n)
            .map(|c| w[c] * reach(input, travel, centres, c, assignment[c]))
            .sum();
        (total / w.iter().sum::<f64>().max(1e-9)).max(1e-6)
    };
    let mut order: Vec<usize> = (0..n).filter(|&c| input.fixed[c].is_none()).collect();
    let mut passes = 0;
    loop {
        passes += 1;
        let mut improved = false;
        // The mean moves a little as commutes change; it is refreshed every pass.
        let mean = load.iter().sum::<f64>() / k as f64;
        let imbalance = |l: f64| balance_weight * (l - mean) * (l - mean) / mean;
        rng.shuffle(&mut order);
        for &c in &order {
            let t = assignment[c];
            let here = w[c] * reach(input, travel, centres, c, t) / scale;
            // Relocation to a neighbour's territory.
            let mut best: Option<(f64, usize, Option<usize>)> = None;
            for &o in &near[c] {
                let u = assignment[o];
                if u == t {
                    continue;
                }
                let there = w[c] * reach(input, travel, centres, c, u) / scale;
                let delta =
                    there - here + imbalance(load[t] - lw(c, t)) + imbalance(load[u] + lw(c, u))
                        - imbalance(load[t])
                        - imbalance(load[u]);
                if best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, u, None));
                }
                // Swap with that neighbour.
                if input.fixed[o].is_none() {
                    let o_here = w[o] * reach(input, travel, centres, o, u) / scale;
                    let o_there = w[o] * reach(input, travel, centres, o, t) / scale;
                    let lt = load[t] - lw(c, t) + lw(o, t);
                    let lu = load[u] + lw(c, u) - lw(o, u);
                    let delta = there - here + o_there - o_here + imbalance(lt) + imbalance(lu)
                        - imbalance(load[t])
                        - imbalance(load[u]);
                    if best.is_none_or(|b| delta < b.0) {
                        best = Some((delta, u, Some(o)));
                    }
                }
            }
            if let Some((delta, u, swap)) = best
                && delta < -1e-9
            {
                assignment[c] = u;
                load[t] -= lw(c, t);
                load[u] += lw(c, u);
                if let Some(o) = swap {
                    assignment[o] = t;
                    load[u] -= lw(o, u);
                    load[t] += lw(o, t);
                }
                improved = true;
            }
        }
        let moved = medoids(input, travel, w, assignment, k);
        let settled = moved == *centres;
        *centres = moved;
        if (!improved && settled) || Instant::now() >= deadline || passes >= 200 {
            return passes;
        }
    }
}
