//! The hybrid genetic search loop (Vidal et al. 2012; Vidal 2022 for the CVRP code,
//! Kool et al. 2022 and PyVRP for time windows): crossover, split, local search on
//! penalised costs, repair of infeasible offspring, penalties steered towards a target
//! share of feasible offspring, and a restart when the search stagnates.

use std::time::Instant;

use crate::crossover;
use crate::eval::Penalties;
use crate::individual::Individual;
use crate::instance::Instance;
use crate::ls::LocalSearch;
use crate::neighbours;
use crate::population::{PopParams, Population};
use crate::rng::Rng;
use crate::split::split;

#[derive(Clone, Copy, Debug)]
pub struct Params {
    pub pop: PopParams,
    pub neighbours: usize,
    /// Offspring between two penalty updates.
    pub penalty_interval: usize,
    pub target_feasible: f64,
    pub repair_probability: f64,
    /// Offspring without a new best before the population is rebuilt.
    pub restart_after: usize,
}

impl Default for Params {
    fn default() -> Self {
        Params {
            pop: PopParams {
                min_size: 25,
                generation: 40,
                elite: 4,
                close: 5,
            },
            neighbours: 40,
            penalty_interval: 100,
            target_feasible: 0.43,
            repair_probability: 0.5,
            restart_after: 20_000,
        }
    }
}

pub struct Outcome {
    pub best: Individual,
    pub iterations: u64,
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

/// Keeps the load and time-warp penalties near the weights that make about
/// `target_feasible` of the offspring feasible after local search.
struct PenaltyManager {
    pen: Penalties,
    load_ok: Vec<bool>,
    tw_ok: Vec<bool>,
}

impl PenaltyManager {
    fn register(&mut self, ind: &Individual, params: &Params) {
        self.load_ok.push(ind.excess_load <= crate::individual::FEASIBLE_EPS);
        self.tw_ok.push(ind.time_warp <= crate::individual::FEASIBLE_EPS);
        if self.load_ok.len() >= params.penalty_interval {
            let adjust = |p: f64, ok: &mut Vec<bool>| {
                let share = ok.iter().filter(|&&b| b).count() as f64 / ok.len() as f64;
                ok.clear();
                let p = if share < params.target_feasible - 0.05 {
                    p * 1.2
                } else if share > params.target_feasible + 0.05 {
                    p * 0.85
                } else {
                    p
                };
                p.clamp(0.1, 100_000.0)
            };
            self.pen.load = adjust(self.pen.load, &mut self.load_ok);
            self.pen.tw = adjust(self.pen.tw, &mut self.tw_ok);
        }
    }
}

pub fn run(instance: &Instance, params: &Params, route_cost: f64, seed: u64, stop: &Stop) -> Outcome {
    let n = instance.clients();
    let fleet = instance.vehicles.clamp(1, n);
    let mut rng = Rng::new(seed);
    let max_dist = (0..=n)
        .flat_map(|i| (0..=n).map(move |j| (i, j)))
        .map(|(i, j)| instance.dist(i, j))
        .fold(0.0, f64::max);
    let max_demand = instance.nodes.iter().map(|c| c.demand).fold(0.0, f64::max);
    let mut pm = PenaltyManager {
        pen: Penalties {
            load: if max_demand > 0.0 {
                (max_dist / max_demand).clamp(0.1, 1000.0)
            } else {
                1.0
            },
            tw: 1.0,
            route: route_cost,
        },
        load_ok: Vec::new(),
        tw_ok: Vec::new(),
    };
    let mut ls = LocalSearch::new(instance, neighbours::granular(instance, params.neighbours), fleet);
    let mut pop = Population::new(params.pop);
    let mut best: Option<Individual> = None;
    let mut iterations: u64 = 0;
    let mut since_best = 0usize;

    // Educates `routes`, adds the result (and maybe its repair) to the population.
    let mut educate = |routes: Vec<Vec<u32>>,
                       pop: &mut Population,
                       pm: &mut PenaltyManager,
                       best: &mut Option<Individual>,
                       rng: &mut Rng|
     -> bool {
        ls.load(&routes, pm.pen);
        ls.search(rng);
        let ind = Individual::new(instance, ls.routes());
        pm.register(&ind, params);
        let mut improved = improves(best, &ind, &pm.pen);
        if !ind.feasible() && rng.unit() < params.repair_probability {
            let mut strong = pm.pen;
            strong.load *= 10.0;
            strong.tw *= 10.0;
            ls.load(&ind.routes, strong);
            ls.search(rng);
            let fixed = Individual::new(instance, ls.routes());
            if fixed.feasible() {
                improved |= improves(best, &fixed, &pm.pen);
                pop.add(fixed, &pm.pen);
            }
        }
        pop.add(ind, &pm.pen);
        improved
    };

    let random_solution = |rng: &mut Rng, pen: &Penalties| {
        let mut tour: Vec<u32> = (1..=n as u32).collect();
        rng.shuffle(&mut tour);
        split(instance, &tour, pen, fleet)
    };

    'search: loop {
        for _ in 0..params.pop.min_size {
            if stop.reached(iterations) && best.is_some() {
                break 'search;
            }
            let routes = random_solution(&mut rng, &pm.pen);
            educate(routes, &mut pop, &mut pm, &mut best, &mut rng);
            iterations += 1;
        }
        since_best = 0;
        while !stop.reached(iterations) {
            let (a, b) = pop.select(&pm.pen, &mut rng);
            let child = crossover::ordered(&a.giant_tour(), &b.giant_tour(), n, &mut rng);
            let routes = split(instance, &child, &pm.pen, fleet);
            if educate(routes, &mut pop, &mut pm, &mut best, &mut rng) {
                since_best = 0;
            } else {
                since_best += 1;
            }
            iterations += 1;
            if since_best >= params.restart_after {
                pop.clear();
                continue 'search;
            }
        }
        break;
    }
    let _ = since_best;
    let best = best.unwrap_or_else(|| {
        // Nothing feasible yet: the least penalised solution seen.
        let routes = random_solution(&mut rng, &pm.pen);
        Individual::new(instance, routes)
    });
    Outcome { best, iterations }
}

/// Replaces `best` by `ind` when `ind` is better: feasible beats infeasible, then cost.
fn improves(best: &mut Option<Individual>, ind: &Individual, pen: &Penalties) -> bool {
    let better = match best {
        None => true,
        Some(b) => match (ind.feasible(), b.feasible()) {
            (true, false) => true,
            (false, _) => false,
            (true, true) => ind.cost(pen) < b.cost(pen) - 1e-9,
        },
    };
    if better {
        *best = Some(ind.clone());
    }
    better
}
