//! The VRPTW solver: feasible plans on benchmark instances, the optimum of a tiny
//! instance (found here by brute force), determinism per seed, and the time limit.

mod common;

use std::time::{Duration, Instant};

use common::node;
use plan::{Instance, Objective, SolveOptions, check, solve};

fn opts(iterations: u64, seed: u64) -> SolveOptions {
    SolveOptions {
        time_limit: Duration::from_secs(60),
        seed,
        objective: Objective::Distance,
        max_iterations: Some(iterations),
    }
}

#[test]
fn benchmark_instances_get_feasible_plans() {
    for name in ["C101", "R101", "RC201"] {
        let inst = common::solomon(name);
        let sol = solve(&inst, &opts(150, 1));
        assert!(sol.feasible, "{name}");
        let dist = check(&inst, &sol.routes).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!((dist - sol.distance).abs() < 1e-6);
        assert_eq!(sol.vehicles, sol.routes.len());
    }
    // C101's optimum (828.94) is found even by a short search.
    let c101 = solve(&common::solomon("C101"), &opts(150, 1));
    assert!((c101.distance - 828.94).abs() < 0.01, "{}", c101.distance);
}

/// Seven clients around the depot with windows and a capacity that forces three routes.
fn tiny() -> Instance {
    let mut r = common::Lcg(11);
    let mut nodes = vec![node(50.0, 50.0, 0.0, 0.0, 400.0, 0.0)];
    for _ in 0..7 {
        let (x, y) = (100.0 * r.next(), 100.0 * r.next());
        let ready = 150.0 * r.next();
        nodes.push(node(
            x,
            y,
            1.0 + (4.0 * r.next()).floor(),
            ready,
            ready + 60.0,
            5.0,
        ));
    }
    Instance::euclidean("tiny", nodes, 4, 7.0)
}

/// Least distance over every ordering of the clients cut into at most `vehicles` routes.
fn brute_force(inst: &Instance) -> f64 {
    let n = inst.clients();
    let mut best = f64::INFINITY;
    let mut items: Vec<usize> = (1..=n).collect();
    common::permutations(&mut items, &mut |perm| {
        for cuts in 0u32..1 << (n - 1) {
            let mut routes = vec![vec![perm[0]]];
            for (i, &c) in perm.iter().enumerate().skip(1) {
                if cuts & (1 << (i - 1)) != 0 {
                    routes.push(Vec::new());
                }
                routes.last_mut().unwrap().push(c);
            }
            if let Ok(d) = check(inst, &routes) {
                best = best.min(d);
            }
        }
    });
    best
}

#[test]
fn tiny_instance_reaches_the_brute_force_optimum() {
    let inst = tiny();
    let optimum = brute_force(&inst);
    assert!(optimum.is_finite());
    let sol = solve(&inst, &opts(300, 5));
    assert!(sol.feasible);
    assert!(
        (sol.distance - optimum).abs() < 1e-6,
        "{} vs {optimum}",
        sol.distance
    );
}

#[test]
fn same_seed_same_plan() {
    let inst = common::solomon("RC101");
    let a = solve(&inst, &opts(100, 42));
    let b = solve(&inst, &opts(100, 42));
    assert_eq!(a, b);
    let c = solve(&inst, &opts(100, 43));
    assert!(c.feasible);
}

#[test]
fn time_limit_is_honoured_and_the_best_so_far_returned() {
    let inst = common::solomon("R201");
    let limit = Duration::from_millis(300);
    let start = Instant::now();
    let sol = solve(
        &inst,
        &SolveOptions {
            time_limit: limit,
            ..SolveOptions::default()
        },
    );
    // The construction and first full local search run to completion (slow in an
    // unoptimised build on a busy machine); after them the search stops on time.
    assert!(start.elapsed() < limit + Duration::from_secs(10));
    assert!(sol.feasible);
    assert!(check(&inst, &sol.routes).is_ok());
}

#[test]
fn vehicles_objective_uses_no_more_vehicles() {
    let inst = common::solomon("R101");
    let dist = solve(&inst, &opts(200, 3));
    let veh = solve(
        &inst,
        &SolveOptions {
            objective: Objective::VehiclesThenDistance,
            ..opts(200, 3)
        },
    );
    assert!(veh.feasible && check(&inst, &veh.routes).is_ok());
    assert!(
        veh.vehicles <= dist.vehicles,
        "{} > {}",
        veh.vehicles,
        dist.vehicles
    );
}
