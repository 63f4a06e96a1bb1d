//! A complete solution as the search keeps it: its routes and the cost components that
//! the penalties weigh.

use crate::eval::{Penalties, Seg};
use crate::instance::Instance;

#[derive(Clone, Debug)]
pub struct Candidate {
    /// Non-empty routes of clients (no depots).
    pub routes: Vec<Vec<u32>>,
    pub dist: f64,
    pub excess_load: f64,
    pub time_warp: f64,
}

/// Below this, load excess and time warp are rounding noise.
pub const FEASIBLE_EPS: f64 = 1e-9;

impl Candidate {
    pub fn new(instance: &Instance, mut routes: Vec<Vec<u32>>) -> Self {
        routes.retain(|r| !r.is_empty());
        let (mut dist, mut excess_load, mut time_warp) = (0.0, 0.0, 0.0);
        for r in &routes {
            let mut seg = Seg::node(instance, 0);
            for &c in r {
                seg = seg.then(instance, &Seg::node(instance, c as usize));
            }
            seg = seg.then(instance, &Seg::node(instance, 0));
            dist += seg.dist;
            excess_load += (seg.load - instance.capacity).max(0.0);
            time_warp += seg.tw;
        }
        Candidate {
            routes,
            dist,
            excess_load,
            time_warp,
        }
    }

    pub fn cost(&self, pen: &Penalties) -> f64 {
        self.dist
            + pen.load * self.excess_load
            + pen.tw * self.time_warp
            + pen.route * self.routes.len() as f64
    }

    pub fn feasible(&self) -> bool {
        self.excess_load <= FEASIBLE_EPS && self.time_warp <= FEASIBLE_EPS
    }
}
