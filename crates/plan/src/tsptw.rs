//! One route through given stops (TSP with time windows), for reordering a single rep's
//! day: leave the depot, visit every stop within its window (waiting allowed), return by
//! the depot's due time, with the least distance.
//!
//! Exact by dynamic programming over (visited set, last stop) with labels (distance,
//! time) kept Pareto-optimal (Dumas et al. 1995). A partial route is dropped as soon as
//! some unvisited stop can no longer be reached in time, which is valid when travel times
//! obey the triangle inequality (checked first); tight windows therefore keep the state
//! space small. When the labels would exceed a budget, or a stop set is beyond 64, the
//! iterated local search of [`solve`](crate::solve) runs on the one-vehicle
//! sub-problem instead and the answer is not claimed optimal.

use std::collections::HashMap;

use crate::instance::{Instance, Node};
use crate::{SolveOptions, ils};

/// The best order found for the stops.
#[derive(Clone, Debug, PartialEq)]
pub struct SingleRoute {
    /// The stops in visiting order (instance indices, depot excluded).
    pub order: Vec<usize>,
    pub distance: f64,
    /// Every window is met (false when no order meets them all).
    pub feasible: bool,
    /// Proven optimal by the exact method.
    pub optimal: bool,
}

/// Labels the exact method may create before it hands over to the heuristic.
const LABEL_BUDGET: usize = 2_000_000;
const EPS: f64 = 1e-9;

/// Orders `stops` (distinct client indices of `instance`) into one route from and back
/// to the depot. Capacity is ignored: it is one vehicle's day by construction.
/// `opts` bounds the heuristic fallback only.
pub fn solve_single_route(
    instance: &Instance,
    stops: &[usize],
    opts: &SolveOptions,
) -> SingleRoute {
    if stops.is_empty() {
        return SingleRoute {
            order: Vec::new(),
            distance: 0.0,
            feasible: true,
            optimal: true,
        };
    }
    if stops.len() <= 64
        && triangle_inequality(instance, stops)
        && let Some(exact) = exact(instance, stops)
    {
        return exact;
    }
    heuristic(instance, stops, opts)
}

fn triangle_inequality(instance: &Instance, stops: &[usize]) -> bool {
    let nodes: Vec<usize> = std::iter::once(0).chain(stops.iter().copied()).collect();
    // Service at the middle stop only delays the detour further, so compare pure travel.
    nodes.iter().all(|&i| {
        nodes.iter().all(|&j| {
            nodes
                .iter()
                .all(|&k| instance.time(i, j) <= instance.time(i, k) + instance.time(k, j) + EPS)
        })
    })
}

#[derive(Clone, Copy)]
struct Label {
    dist: f64,
    /// Departure time from `last` (service done).
    time: f64,
    last: u8,
    parent: u32,
}

/// `None` when the label budget is exhausted; otherwise the optimum, or an infeasible
/// marker when no order meets every window.
fn exact(instance: &Instance, stops: &[usize]) -> Option<SingleRoute> {
    let m = stops.len();
    let node = |k: usize| &instance.nodes[stops[k]];
    let depot = &instance.nodes[0];
    let t = |a: Option<usize>, b: Option<usize>| {
        instance.time(a.map_or(0, |k| stops[k]), b.map_or(0, |k| stops[k]))
    };
    let d = |a: Option<usize>, b: Option<usize>| {
        instance.dist(a.map_or(0, |k| stops[k]), b.map_or(0, |k| stops[k]))
    };
    let full: u64 = if m == 64 { u64::MAX } else { (1u64 << m) - 1 };
    // labels[0..] across all layers; a layer maps (set, last) to a Pareto front.
    let mut all: Vec<Label> = Vec::new();
    let mut layer: HashMap<(u64, u8), Vec<u32>> = HashMap::new();
    for k in 0..m {
        let arrive = depot.ready + t(None, Some(k));
        if arrive > node(k).due + EPS {
            continue;
        }
        let label = Label {
            dist: d(None, Some(k)),
            time: arrive.max(node(k).ready) + node(k).service,
            last: k as u8,
            parent: u32::MAX,
        };
        all.push(label);
        layer.insert((1u64 << k, k as u8), vec![all.len() as u32 - 1]);
    }
    for _ in 1..m {
        let mut next: HashMap<(u64, u8), Vec<u32>> = HashMap::new();
        for (&(set, last), front) in &layer {
            for &li in front {
                let l = all[li as usize];
                // Drop the label if some unvisited stop is already out of reach.
                let reachable = (0..m).all(|k| {
                    set & (1 << k) != 0
                        || l.time + t(Some(last as usize), Some(k)) <= node(k).due + EPS
                });
                if !reachable {
                    continue;
                }
                for k in 0..m {
                    if set & (1 << k) != 0 {
                        continue;
                    }
                    let arrive = l.time + t(Some(last as usize), Some(k));
                    let cand = Label {
                        dist: l.dist + d(Some(last as usize), Some(k)),
                        time: arrive.max(node(k).ready) + node(k).service,
                        last: k as u8,
                        parent: li,
                    };
                    let front = next.entry((set | 1 << k, k as u8)).or_default();
                    if front.iter().any(|&o| {
                        let o = &all[o as usize];
                        o.dist <= cand.dist + EPS && o.time <= cand.time + EPS
                    }) {
                        continue;
                    }
                    front.retain(|&o| {
                        let o = &all[o as usize];
                        !(cand.dist <= o.dist + EPS && cand.time <= o.time + EPS)
                    });
                    all.push(cand);
                    front.push(all.len() as u32 - 1);
                    if all.len() > LABEL_BUDGET {
                        return None;
                    }
                }
            }
        }
        layer = next;
    }
    let mut best: Option<(f64, u32)> = None;
    for (&(set, last), front) in &layer {
        debug_assert_eq!(set, full);
        for &li in front {
            let l = all[li as usize];
            if l.time + t(Some(last as usize), None) > depot.due + EPS {
                continue;
            }
            let total = l.dist + d(Some(last as usize), None);
            if best.is_none_or(|b| total < b.0) {
                best = Some((total, li));
            }
        }
    }
    let Some((distance, mut li)) = best else {
        return Some(SingleRoute {
            order: Vec::new(),
            distance: f64::INFINITY,
            feasible: false,
            optimal: true,
        });
    };
    let mut order = Vec::with_capacity(m);
    while li != u32::MAX {
        let l = all[li as usize];
        order.push(stops[l.last as usize]);
        li = l.parent;
    }
    order.reverse();
    Some(SingleRoute {
        order,
        distance,
        feasible: true,
        optimal: true,
    })
}

/// The one-vehicle sub-problem solved by the iterated local search.
fn heuristic(instance: &Instance, stops: &[usize], opts: &SolveOptions) -> SingleRoute {
    let ids: Vec<usize> = std::iter::once(0).chain(stops.iter().copied()).collect();
    let k = ids.len();
    let mut dist = Vec::with_capacity(k * k);
    let mut time = Vec::with_capacity(k * k);
    for &i in &ids {
        for &j in &ids {
            dist.push(instance.dist(i, j));
            time.push(instance.time(i, j));
        }
    }
    let nodes: Vec<Node> = ids
        .iter()
        .map(|&i| Node {
            demand: 0.0,
            ..instance.nodes[i].clone()
        })
        .collect();
    let sub = Instance::with_matrices(&instance.name, nodes, 1, f64::INFINITY, dist, Some(time));
    let stop = ils::Stop {
        deadline: std::time::Instant::now() + opts.time_limit,
        max_iterations: opts.max_iterations,
    };
    let out = ils::run(&sub, &ils::Params::default(), 0.0, opts.seed, &stop);
    let order: Vec<usize> = out
        .best
        .routes
        .concat()
        .iter()
        .map(|&c| ids[c as usize])
        .collect();
    // A stop set that fits nowhere stays infeasible; report what the search ended with.
    SingleRoute {
        distance: out.best.dist,
        feasible: out.best.feasible(),
        optimal: false,
        order,
    }
}
