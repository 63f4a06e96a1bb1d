//! The best order of a day's visit places, for the detour ratio.
//!
//! The distance metric is the planner's own ([`plan::travel::GreatCircle`]: great-circle
//! kilometres × its road factor 1.3), so "best order" means what the plan would have
//! driven, and the ratio of a well-ordered day sits near 1 instead of near the city's
//! road circuity.
//!
//! The day's path is open (it starts at the first visit and ends at the last), while
//! [`plan::solve_single_route`] closes a tour at a depot. A virtual depot at distance 0
//! from every place turns the tour into the shortest open path with free ends. Its travel
//! *time* to every place is set to the largest place-to-place distance instead of 0, so
//! the times keep the triangle inequality the exact method checks; with no time windows
//! times only order labels, and each (set, last) state keeps a single label.

use plan::travel::{GreatCircle, Mode, Travel};
use plan::{Instance, Node, SolveOptions};

/// The shortest open path through `places` (`(lat, lon)` in degrees, WGS-84) in
/// kilometres, and whether it is proven optimal. The exact dynamic programme of `plan`
/// runs for up to ~18 places within its label budget; beyond it, the planner's local
/// search with a fixed iteration count answers (deterministic, not claimed optimal).
pub fn best_open_path_km(places: &[(f64, f64)]) -> (f64, bool) {
    let m = places.len();
    if m < 2 {
        return (0.0, true);
    }
    let travel = GreatCircle::new(places.to_vec(), Mode::Drive);
    let n = m + 1;
    let mut dist = vec![0.0; n * n];
    let mut far: f64 = 0.0;
    for i in 0..m {
        for j in 0..m {
            let km = travel.km(i, j);
            dist[(i + 1) * n + (j + 1)] = km;
            far = far.max(km);
        }
    }
    let mut time = dist.clone();
    for k in 1..n {
        time[k] = far;
        time[k * n] = far;
    }
    let node = || Node {
        coords: None,
        demand: 0.0,
        ready: 0.0,
        due: f64::INFINITY,
        service: 0.0,
    };
    let instance = Instance::with_matrices(
        "visits",
        (0..n).map(|_| node()).collect(),
        1,
        f64::INFINITY,
        dist,
        Some(time),
    );
    let stops: Vec<usize> = (1..n).collect();
    // The iteration count, not the clock, ends the search (the clock is a far backstop),
    // so a loaded machine gives the same answer.
    let opts = SolveOptions {
        time_limit: std::time::Duration::from_secs(60),
        max_iterations: Some(2_000),
        ..SolveOptions::default()
    };
    let route = plan::solve_single_route(&instance, &stops, &opts);
    (route.distance, route.optimal)
}

/// The planner's kilometres between two places, for the path actually driven in the
/// visits' order.
pub fn leg_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    GreatCircle::new(vec![a, b], Mode::Drive).km(0, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// About 1.11 km per 0.01° of latitude.
    fn north(k: f64) -> (f64, f64) {
        (31.0 + 0.01 * k, 121.4)
    }

    #[test]
    fn a_line_visited_out_of_order_has_the_line_as_best() {
        // Places on a meridian at 0, 1, 2, 3 steps: the best open path is end to end,
        // whatever order they are given in.
        let places = [north(2.0), north(0.0), north(3.0), north(1.0)];
        let (best, exact) = best_open_path_km(&places);
        assert!(exact);
        let end_to_end = leg_km(north(0.0), north(3.0));
        assert!((best - end_to_end).abs() < 1e-9, "{best} vs {end_to_end}");
        // Driving 2 → 0 → 3 → 1 costs 2 + 3 + 2 = 7 steps against 3.
        let driven: f64 = places.windows(2).map(|w| leg_km(w[0], w[1])).sum();
        assert!((driven / best - 7.0 / 3.0).abs() < 1e-6);
    }

    #[test]
    fn the_metric_is_the_planners() {
        // One step north is 1.112 km great-circle; the planner drives it as 1.3 × that.
        let km = leg_km(north(0.0), north(1.0));
        assert!((km - 1.3 * 1.111_95).abs() < 0.001, "{km}");
        assert_eq!(best_open_path_km(&[north(0.0)]), (0.0, true));
    }

    #[test]
    fn a_square_is_walked_round_three_sides() {
        let (lat, lon) = (31.0, 121.4);
        let d = 0.01;
        let sq = [
            (lat, lon),
            (lat + d, lon + d),
            (lat, lon + d),
            (lat + d, lon),
        ];
        let (best, exact) = best_open_path_km(&sq);
        assert!(exact);
        let side_ns = leg_km((lat, lon), (lat + d, lon));
        let south_ew = leg_km((lat, lon), (lat, lon + d));
        let north_ew = leg_km((lat + d, lon), (lat + d, lon + d));
        // East-west sides are the shorter ones at this latitude: the cheapest open path
        // takes both and one north-south side.
        let three = south_ew + north_ew + side_ns;
        assert!((best - three).abs() < 1e-9, "{best} vs {three}");
    }
}
