//! An independent feasibility check of a set of routes, written as a plain simulation
//! (no segment algebra) so that it shares no code with the solver's evaluation.

use crate::instance::Instance;

/// Slack allowed on time comparisons: distances are irrational, so a window met exactly on
/// paper can be missed by rounding in the last bits.
const EPS: f64 = 1e-6;

/// Checks that every client is visited exactly once, that no route exceeds the capacity,
/// that service starts within each window (waiting allowed) and that each vehicle is back
/// at the depot by its due time, and that no more routes than vehicles are used. Empty
/// routes are ignored. Returns the total distance.
pub fn check(instance: &Instance, routes: &[Vec<usize>]) -> Result<f64, String> {
    let n = instance.clients();
    let mut seen = vec![false; n + 1];
    let mut total = 0.0;
    let used = routes.iter().filter(|r| !r.is_empty()).count();
    if used > instance.vehicles {
        return Err(format!(
            "{used} routes but only {} vehicles",
            instance.vehicles
        ));
    }
    let depot = &instance.nodes[0];
    for (r, route) in routes.iter().enumerate().filter(|(_, r)| !r.is_empty()) {
        let mut load = 0.0;
        let mut time = depot.ready;
        let mut at = 0;
        for &c in route {
            if c == 0 || c > n {
                return Err(format!("route {r}: {c} is not a client"));
            }
            if std::mem::replace(&mut seen[c], true) {
                return Err(format!("client {c} is visited twice"));
            }
            let node = &instance.nodes[c];
            total += instance.dist(at, c);
            time = (time + instance.time(at, c)).max(node.ready);
            if time > node.due + EPS {
                return Err(format!(
                    "route {r}: client {c} served at {time:.3}, after its due time {}",
                    node.due
                ));
            }
            time += node.service;
            load += node.demand;
            at = c;
        }
        total += instance.dist(at, 0);
        time += instance.time(at, 0);
        if time > depot.due + EPS {
            return Err(format!(
                "route {r}: back at the depot at {time:.3}, after {}",
                depot.due
            ));
        }
        if load > instance.capacity + EPS {
            return Err(format!(
                "route {r}: load {load} exceeds capacity {}",
                instance.capacity
            ));
        }
    }
    if let Some(c) = (1..=n).find(|&c| !seen[c]) {
        return Err(format!("client {c} is not visited"));
    }
    Ok(total)
}
