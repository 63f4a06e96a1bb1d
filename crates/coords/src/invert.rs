//! Numerical inversion of the forward datum shifts.
//!
//! Neither GCJ-02 nor BD-09 has a published closed-form inverse. Both forward
//! maps are the identity plus a small, slowly varying offset (its derivative is
//! below ~0.03), so the fixed-point iteration `x <- x + (target - f(x))`
//! contracts by that factor per step and reaches f64 precision in a handful of
//! iterations.

use crate::LatLon;

/// Stop once a step moves less than this many degrees (~0.1 µm on the ground).
const TOLERANCE_DEG: f64 = 1e-12;
/// Convergence normally takes 3-6 steps. The cap only matters for NaN input and
/// for the `sqrt(|lon - 105|)` term of GCJ-02, whose slope is unbounded within
/// ~1e-12 degrees of 105°E and can make the last digit wobble there.
const MAX_ITERATIONS: usize = 40;

/// Find `x` with `forward(x) == target`, starting from `guess`.
pub(crate) fn invert(target: LatLon, guess: LatLon, forward: impl Fn(LatLon) -> LatLon) -> LatLon {
    let mut x = guess;
    for _ in 0..MAX_ITERATIONS {
        let y = forward(x);
        let dlat = target.lat - y.lat;
        let dlon = target.lon - y.lon;
        x = LatLon::new(x.lat + dlat, x.lon + dlon);
        // Written so that NaN fails the test and simply runs out the cap.
        if dlat.abs() < TOLERANCE_DEG && dlon.abs() < TOLERANCE_DEG {
            break;
        }
    }
    x
}
