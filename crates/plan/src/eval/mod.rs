//! Evaluation of route segments in O(1) per concatenation.

mod timewarp;

pub use timewarp::Seg;

/// Penalty weights that turn an infeasible route into a comparable cost: each unit of
/// load over capacity and each unit of time warp costs this much distance. A fixed cost
/// per used route expresses the vehicles-first objective.
#[derive(Clone, Copy, Debug)]
pub struct Penalties {
    pub load: f64,
    pub tw: f64,
    pub route: f64,
}

impl Penalties {
    /// Penalised cost of a complete route (depot to depot) summarised by `seg`.
    #[inline]
    pub fn route_cost(&self, seg: &Seg, capacity: f64, nonempty: bool) -> f64 {
        seg.dist
            + self.load * (seg.load - capacity).max(0.0)
            + self.tw * seg.tw
            + if nonempty { self.route } else { 0.0 }
    }
}
