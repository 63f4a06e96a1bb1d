//! Territory balancing: split customers among `k` reps so that workload is even and each
//! territory is compact, keeping fixed assignments.
//!
//! Workload is visit minutes per 28 days (visits from the frequency × (service time + an
//! estimated leg, the mean time to the customer's three nearest neighbours)). Centres are
//! seeded by k-means++ (or at the reps' homes when given), then alternately customers are
//! assigned greedily under a workload cap and each centre moves to its territory's
//! medoid; a local search finally relocates and swaps boundary customers to lower
//! compactness (workload-weighted distance to the centre, plus to the home) plus a
//! quadratic penalty on each territory's deviation from the mean workload.

mod baseline;
mod local;
mod seed;
mod stats;

use std::time::{Duration, Instant};

use crate::rng::Rng;
use crate::travel::Travel;

pub use baseline::{kmedoids_unbalanced, round_robin};
pub use stats::{TerritoryStats, stats};

/// The customers to split.
#[derive(Clone, Debug)]
pub struct Input {
    /// Each customer's index in the [`Travel`].
    pub locations: Vec<usize>,
    /// Each customer's visit interval in days.
    pub interval_days: Vec<u32>,
    pub service_min: Vec<f64>,
    /// Territories some customers must stay in.
    pub fixed: Vec<Option<usize>>,
    /// Number of territories.
    pub k: usize,
    /// Where each territory's rep starts the day (a [`Travel`] index), when known: the
    /// territory is then kept near it.
    pub homes: Option<Vec<usize>>,
    /// How much heavier than estimated each territory's work turns out (1 = as estimated),
    /// when a trial plan has measured it; balancing then evens the corrected loads.
    pub load_factor: Option<Vec<f64>>,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub seed: u64,
    pub time_limit: Duration,
    /// Weight of workload balance against compactness; larger evens workloads at the
    /// cost of longer territories.
    pub balance_weight: f64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            seed: 1,
            time_limit: Duration::from_secs(2),
            balance_weight: 30.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Territories {
    /// Territory of each customer, `0..k`.
    pub assignment: Vec<usize>,
    /// Each territory's centre (a customer index), `None` for an empty territory.
    pub centres: Vec<Option<usize>>,
    pub passes: u64,
    pub elapsed: Duration,
}

/// Visits in 28 days for an interval.
pub fn visits_per_period(interval_days: u32) -> f64 {
    28.0 / interval_days.max(1) as f64
}

/// Each customer's workload for balancing: visits × (service + mean minutes to its three
/// nearest neighbours, the leg a compact territory will typically need to reach it).
pub fn workloads(input: &Input, travel: &dyn Travel) -> Vec<f64> {
    let n = input.locations.len();
    (0..n)
        .map(|c| {
            // The three smallest legs, kept by insertion: n² distances, no sort.
            let mut best = [f64::INFINITY; 3];
            for o in (0..n).filter(|&o| o != c) {
                let t = travel.minutes(input.locations[o], input.locations[c]);
                if t < best[2] {
                    best[2] = t;
                    best.sort_by(f64::total_cmp);
                }
            }
            let found: Vec<f64> = best.into_iter().filter(|t| t.is_finite()).collect();
            let leg = if found.is_empty() {
                0.0
            } else {
                found.iter().sum::<f64>() / found.len() as f64
            };
            visits_per_period(input.interval_days[c]) * (input.service_min[c] + leg)
        })
        .collect()
}

/// Each territory's load as the balancer estimates it (uncorrected): workload with the
/// leg inside the territory, plus the share of the commute when homes are known.
pub fn estimated_loads(input: &Input, travel: &dyn Travel, assignment: &[usize]) -> Vec<f64> {
    let (w, _) = stats::member_workloads(input, travel, assignment);
    let plain = Input {
        load_factor: None,
        ..input.clone()
    };
    let mut loads = vec![0.0; input.k.max(1)];
    for (c, &t) in assignment.iter().enumerate() {
        loads[t] += local::load_of(&plain, travel, &w, c, t);
    }
    loads
}

/// Splits the customers of `input` into `input.k` balanced, compact territories.
pub fn balance(input: &Input, travel: &dyn Travel, opts: &Options) -> Territories {
    let started = Instant::now();
    let deadline = started + opts.time_limit;
    let n = input.locations.len();
    let k = input.k.max(1);
    if n == 0 {
        return Territories {
            assignment: Vec::new(),
            centres: vec![None; k],
            passes: 0,
            elapsed: started.elapsed(),
        };
    }
    let w = workloads(input, travel);
    let mut rng = Rng::new(opts.seed);
    let mut centres = seed::initial_centres(input, travel, &w, k, &mut rng);
    let mut assignment = Vec::new();
    // A few rounds of capped assignment and medoid moves settle the centres.
    for _ in 0..6 {
        assignment = local::capped_assign(input, travel, &w, &centres, k);
        let moved = local::medoids(input, travel, &w, &assignment, k);
        if moved == centres || Instant::now() >= deadline {
            centres = moved;
            break;
        }
        centres = moved;
    }
    let mut passes = 0;
    let mut w = w;
    // The neighbour-based leg is only an estimate; once territories exist, each
    // customer's leg is re-measured inside its own territory and the search repeated.
    for round in 0..3 {
        if round > 0 {
            let (inside, _) = stats::member_workloads(input, travel, &assignment);
            w = inside;
        }
        passes += local::improve(
            input,
            travel,
            &w,
            &mut assignment,
            &mut centres,
            k,
            opts.balance_weight,
            &mut rng,
            deadline,
        );
        if Instant::now() >= deadline {
            break;
        }
    }
    let centres = (0..k)
        .map(|t| assignment.contains(&t).then_some(centres[t]))
        .collect();
    Territories {
        centres,
        assignment,
        passes,
        elapsed: started.elapsed(),
    }
}
