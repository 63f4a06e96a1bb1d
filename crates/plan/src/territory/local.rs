//! Assignment under a workload cap, medoid updates, and the boundary local search.

use std::time::Instant;

use super::Input;
use crate::rng::Rng;
use crate::travel::Travel;

/// Allowed overshoot of the mean workload in the greedy assignment.
const CAP: f64 = 1.03;
/// Neighbours whose territories a customer may move to.
const NEIGHBOURS: usize = 10;

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
    let cap = w.iter().sum::<f64>() / k as f64 * CAP;
    let mut load = vec![0.0; k];
    let mut out: Vec<Option<usize>> = vec![None; n];
    for c in 0..n {
        if let Some(t) = input.fixed[c].filter(|&t| t < k) {
            out[c] = Some(t);
            load[t] += w[c];
        }
    }
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(n * k);
    for c in (0..n).filter(|&c| out[c].is_none()) {
        for t in 0..k {
            pairs.push((reach(input, travel, centres, c, t), c, t));
        }
    }
    pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for &(_, c, t) in &pairs {
        if out[c].is_none() && load[t] + w[c] <= cap {
            out[c] = Some(t);
            load[t] += w[c];
        }
    }
    for c in 0..n {
        if out[c].is_none() {
            let t = (0..k)
                .min_by(|&a, &b| load[a].total_cmp(&load[b]))
                .unwrap_or(0);
            out[c] = Some(t);
            load[t] += w[c];
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
    let mean = w.iter().sum::<f64>() / k as f64;
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
    let mut load = vec![0.0; k];
    for c in 0..n {
        load[assignment[c]] += w[c];
    }
    // Distances are divided by the mean so that both terms are in minutes of workload.
    let scale = {
        let total: f64 = (0..n)
            .map(|c| w[c] * reach(input, travel, centres, c, assignment[c]))
            .sum();
        (total / w.iter().sum::<f64>().max(1e-9)).max(1e-6)
    };
    let imbalance = |l: f64| balance_weight * (l - mean) * (l - mean) / mean;
    let mut order: Vec<usize> = (0..n).filter(|&c| input.fixed[c].is_none()).collect();
    let mut passes = 0;
    loop {
        passes += 1;
        let mut improved = false;
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
                let delta = there - here + imbalance(load[t] - w[c]) + imbalance(load[u] + w[c])
                    - imbalance(load[t])
                    - imbalance(load[u]);
                if best.is_none_or(|b| delta < b.0) {
                    best = Some((delta, u, None));
                }
                // Swap with that neighbour.
                if input.fixed[o].is_none() {
                    let o_here = w[o] * reach(input, travel, centres, o, u) / scale;
                    let o_there = w[o] * reach(input, travel, centres, o, t) / scale;
                    let (lt, lu) = (load[t] - w[c] + w[o], load[u] + w[c] - w[o]);
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
                load[t] -= w[c];
                load[u] += w[c];
                if let Some(o) = swap {
                    assignment[o] = t;
                    load[u] -= w[o];
                    load[t] += w[o];
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
