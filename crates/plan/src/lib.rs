//! Route planning for Outfield: a vehicle routing solver with capacities and time windows
//! (VRPTW), and the single-route variant (TSPTW) used to reorder one rep's day.
//!
//! The solver is an iterated local search in the line of PyVRP (Wouda et al. 2024, whose
//! releases since 0.11 replaced their hybrid genetic search by it): small ruin-and-
//! recreate perturbations, a granular local search confined to the perturbed area
//! (relocate and swap of up to two clients, 2-opt*), late-acceptance hill climbing, and
//! penalised overload and time warp (Nagata's time warp, concatenated in O(1) per move)
//! with weights steered towards a share of feasible candidates. New best solutions get
//! an exhaustive search that adds SWAP* (Vidal 2022).
//!
//! This crate is pure: it takes text or values and returns values, with no I/O.
//!
//! ```
//! use plan::{Objective, SolveOptions, parse_solomon, solve, check};
//! use std::time::Duration;
//!
//! let text = "TINY\n\nVEHICLE\nNUMBER CAPACITY\n 2 10\n\nCUSTOMER\n\
//!     CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME\n\
//!     0 0 0 0 0 100 0\n1 1 0 5 0 100 1\n2 2 0 5 0 100 1\n3 0 3 5 0 100 1\n";
//! let instance = parse_solomon(text).unwrap();
//! let opts = SolveOptions { time_limit: Duration::from_millis(50), ..SolveOptions::default() };
//! let solution = solve(&instance, &opts);
//! assert!(solution.feasible);
//! assert_eq!(check(&instance, &solution.routes).unwrap(), solution.distance);
//! ```

pub mod baseline;
mod candidate;
mod check;
pub mod date;
mod eval;
pub mod evaluate;
pub mod fieldsales;
mod ils;
mod instance;
mod ls;
mod neighbours;
mod parse;
mod rng;
pub mod schedule;
pub mod territory;
pub mod travel;
mod tsptw;

use std::time::{Duration, Instant};

pub use check::check;
pub use instance::{Instance, Node};
pub use parse::{ParseError, parse_solomon, parse_vrplib};
pub use tsptw::{SingleRoute, solve_single_route};

/// What "best" means.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Objective {
    /// Least total distance, however many vehicles (within the fleet) that takes.
    #[default]
    Distance,
    /// Fewest vehicles first, then least distance (the VRPTW literature's objective).
    VehiclesThenDistance,
}

#[derive(Clone, Debug)]
pub struct SolveOptions {
    /// Wall-clock budget; the best solution found by then is returned.
    pub time_limit: Duration,
    pub seed: u64,
    pub objective: Objective,
    /// Stop after this many offspring even if time remains. With it, the result depends
    /// on the seed alone, not on the machine's speed.
    pub max_iterations: Option<u64>,
}

impl Default for SolveOptions {
    fn default() -> Self {
        SolveOptions {
            time_limit: Duration::from_secs(1),
            seed: 1,
            objective: Objective::Distance,
            max_iterations: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Solution {
    /// Client indices per route, without the depot (for Solomon files, the customer
    /// numbers; for VRPLIB, node id − 1 as in `.sol` files).
    pub routes: Vec<Vec<usize>>,
    pub distance: f64,
    pub vehicles: usize,
    /// False only when no feasible solution was found in time.
    pub feasible: bool,
    /// Offspring generated (a measure of the search effort).
    pub iterations: u64,
}

/// Solves a VRPTW instance within `opts.time_limit`.
pub fn solve(instance: &Instance, opts: &SolveOptions) -> Solution {
    let start = Instant::now();
    let n = instance.clients();
    if n == 0 {
        return Solution {
            routes: Vec::new(),
            distance: 0.0,
            vehicles: 0,
            feasible: true,
            iterations: 0,
        };
    }
    let route_cost = match opts.objective {
        Objective::Distance => 0.0,
        // Larger than any distance a route's removal could cost: the trivial solution's.
        Objective::VehiclesThenDistance => {
            (1..=n)
                .map(|i| instance.dist(0, i) + instance.dist(i, 0))
                .sum::<f64>()
                + 1.0
        }
    };
    let stop = ils::Stop {
        deadline: start + opts.time_limit,
        max_iterations: opts.max_iterations,
    };
    let out = ils::run(
        instance,
        &ils::Params::default(),
        route_cost,
        opts.seed,
        &stop,
    );
    let routes: Vec<Vec<usize>> = out
        .best
        .routes
        .iter()
        .map(|r| r.iter().map(|&c| c as usize).collect())
        .collect();
    Solution {
        vehicles: routes.len(),
        distance: out.best.dist,
        feasible: out.best.feasible() && routes.len() <= instance.vehicles,
        routes,
        iterations: out.iterations,
    }
}
