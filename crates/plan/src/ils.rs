//! Iterated local search with late-acceptance hill climbing, the scheme of PyVRP ≥ 0.11
//! (Wouda et al.): perturb the current solution a little (remove a handful of nearby
//! clients and reinsert them greedily), repair it with a local search confined to the
//! perturbed area, and accept the result if it beats the current solution or the one
//! accepted `history` steps ago (Burke and Bykov 2017). Capacity and time-window
//! violations are penalised, with weights steered towards a target share of feasible
//! candidates; new best solutions get an exhaustive local search.

use std::time::Instant;

use crate::candidate::{Candidate, FEASIBLE_EPS};
use crate::eval::Penalties;
use crate::instance::Instance;
use crate::ls::LocalSearch;
use crate::neighbours;
use crate::rng::Rng;

#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub neighbours: usize,
    pub history: usize,
    pub min_perturb: usize,
    pub max_perturb: usize,
    /// Candidates between two penalty updates.
    pub penalty_interval: usize,
    pub target_feasible: f64,
    pub penalty_increase: f64,
    pub penalty_decrease: f64,
    /// Iterations without a new best before returning to the best.
    pub restart_after: u64,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            neighbours: 20,
            history: 300,
            min_perturb: 1,
            max_perturb: 25,
            penalty_interval: 100,
            target_feasible: 0.65,
            penalty_increase: 1.5,
            penalty_decrease: 0.9,
            restart_after: 150_000,
        }
    }
}

pub struct Stop {
    pub deadline: Instant,
    pub max_iterations: Option<u64>,
}

impl Stop {
    fn reached(&self, iterations: u64) -> bool {
        self.max_iterations.is_some_and(|m| iterations >= m) || Instant::now() >= self.deadline
    }
}

pub struct Outcome {
    pub best: Candidate,
    pub iterations: u64,
}

/// Load and time-warp weights, each adjusted from the share of recent candidates that
/// respect that constraint.
struct Steering {
    pen: Penalties,
    load_ok: usize,
    tw_ok: usize,
    seen: usize,
}

impl Steering {
    fn register(&mut self, ind: &Candidate, p: &Params) {
        self.seen += 1;
        self.load_ok += (ind.excess_load <= FEASIBLE_EPS) as usize;
        self.tw_ok += (ind.time_warp <= FEASIBLE_EPS) as usize;
        if self.seen < p.penalty_interval {
            return;
        }
        let adjust = |w: f64, ok: usize| {
            let share = ok as f64 / p.penalty_interval as f64;
            let w = if share < p.target_feasible - 0.05 {
                w * p.penalty_increase
            } else if share > p.target_feasible + 0.05 {
                w * p.penalty_decrease
            } else {
                w
            };
            w.clamp(0.1, 100_000.0)
        };
        self.pen.load = adjust(self.pen.load, self.load_ok);
        self.pen.tw = adjust(self.pen.tw, self.tw_ok);
        self.seen = 0;
        self.load_ok = 0;
        self.tw_ok = 0;
    }
}

pub fn run(
    instance: &Instance,
    params: &Params,
    route_cost: f64,
    seed: u64,
    stop: &Stop,
) -> Outcome {
    let n = instance.clients();
    let fleet = instance.vehicles.min(n).max(1);
    let mut rng = Rng::new(seed);
    let max_dist = (0..=n)
        .flat_map(|i| (0..=n).map(move |j| (i, j)))
        .map(|(i, j)| instance.dist(i, j))
        .fold(0.0, f64::max);
    let max_demand = instance.nodes.iter().map(|c| c.demand).fold(0.0, f64::max);
    // With a fixed cost per route, a violation must first cost more than a route, or the
    // search would crowd routes before the steering caught up.
    let scale = 1.0 + route_cost / max_dist.max(1.0);
    let mut steer = Steering {
        pen: Penalties {
            load: if max_demand > 0.0 {
                (scale * max_dist / max_demand).clamp(0.1, 100_000.0)
            } else {
                scale
            },
            // A unit of time warp first costs as much as the longest edge, which keeps the
            // first candidates feasible; steering then lowers it.
            tw: (scale * max_dist).clamp(1.0, 100_000.0),
            route: route_cost,
        },
        load_ok: 0,
        tw_ok: 0,
        seen: 0,
    };
    let mut ls = LocalSearch::new(
        instance,
        neighbours::granular(instance, params.neighbours),
        fleet,
    );

    // Start: every client inserted greedily in random order, then a full local search.
    ls.load(&[], steer.pen);
    let mut order: Vec<u32> = (1..=n as u32).collect();
    rng.shuffle(&mut order);
    ls.insert_all(&order);
    ls.search(&mut rng, true);
    let init = Candidate::new(instance, ls.routes());
    let mut curr = init.clone();
    let mut best: Option<Candidate> = init.feasible().then(|| init.clone());
    let mut history: Vec<Option<Candidate>> = vec![None; params.history];
    let mut slot = 0;
    let mut iterations: u64 = 0;
    let mut since_best: u64 = 0;

    while !stop.reached(iterations) {
        iterations += 1;
        since_best += 1;
        if since_best >= params.restart_after
            && let Some(b) = &best
        {
            curr = b.clone();
            history.iter_mut().for_each(|h| *h = None);
            since_best = 0;
        }
        let pen = steer.pen;
        ls.load(&curr.routes, pen);
        let k = params.min_perturb + rng.below(params.max_perturb - params.min_perturb + 1);
        ls.perturb(k, &mut rng);
        ls.search(&mut rng, false);
        let mut cand = Candidate::new(instance, ls.routes());
        steer.register(&cand, params);
        if cand.feasible()
            && best
                .as_ref()
                .is_none_or(|b| cand.cost(&pen) < b.cost(&pen) - 1e-9)
        {
            since_best = 0;
            ls.search(&mut rng, true);
            let refined = Candidate::new(instance, ls.routes());
            if refined.feasible() {
                cand = refined;
            }
            best = Some(cand.clone());
        }
        let cand_cost = cand.cost(&pen);
        let curr_cost = curr.cost(&pen);
        let late = history[slot]
            .as_ref()
            .map_or(init.cost(&pen), |h| h.cost(&pen));
        let accept = cand_cost < late || cand_cost < curr_cost;
        if accept {
            curr = cand;
        }
        if history[slot].is_none() || curr.cost(&pen) < late {
            history[slot] = Some(curr.clone());
        }
        slot = (slot + 1) % history.len();
    }
    let best = best.unwrap_or(curr);
    Outcome { best, iterations }
}
