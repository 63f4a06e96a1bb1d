//! A complete solution as the genetic search keeps it: routes, the cost components that
//! penalties weigh, and each client's neighbours in its route (for the broken-pairs
//! distance between solutions).

use crate::eval::{Penalties, Seg};
use crate::instance::Instance;

#[derive(Clone, Debug)]
pub struct Individual {
    /// Non-empty routes of clients (no depots), ordered by polar angle when coordinates
    /// exist so that the giant tour keeps nearby routes together.
    pub routes: Vec<Vec<u32>>,
    pub dist: f64,
    pub excess_load: f64,
    pub time_warp: f64,
    /// Per client: the next and previous node in its route (0 = depot).
    pub succ: Vec<u32>,
    pub pred: Vec<u32>,
}

/// Below this, load excess and time warp are rounding noise.
pub const FEASIBLE_EPS: f64 = 1e-9;

impl Individual {
    pub fn new(instance: &Instance, mut routes: Vec<Vec<u32>>) -> Self {
        routes.retain(|r| !r.is_empty());
        if let Some(depot) = instance.nodes[0].coords
            && instance.nodes.iter().all(|n| n.coords.is_some())
        {
            let angle = |r: &Vec<u32>| {
                let (mut x, mut y) = (0.0, 0.0);
                for &c in r {
                    let (cx, cy) = instance.nodes[c as usize].coords.unwrap_or(depot);
                    x += cx - depot.0;
                    y += cy - depot.1;
                }
                f64::atan2(y, x)
            };
            routes.sort_by(|a, b| angle(a).total_cmp(&angle(b)));
        }
        let n = instance.clients();
        let mut succ = vec![0; n + 1];
        let mut pred = vec![0; n + 1];
        let (mut dist, mut excess_load, mut time_warp) = (0.0, 0.0, 0.0);
        for r in &routes {
            let mut seg = Seg::node(instance, 0);
            for (k, &c) in r.iter().enumerate() {
                seg = seg.then(instance, &Seg::node(instance, c as usize));
                pred[c as usize] = if k == 0 { 0 } else { r[k - 1] };
                succ[c as usize] = r.get(k + 1).copied().unwrap_or(0);
            }
            seg = seg.then(instance, &Seg::node(instance, 0));
            dist += seg.dist;
            excess_load += (seg.load - instance.capacity).max(0.0);
            time_warp += seg.tw;
        }
        Individual {
            routes,
            dist,
            excess_load,
            time_warp,
            succ,
            pred,
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

    /// The routes concatenated, for order crossover.
    pub fn giant_tour(&self) -> Vec<u32> {
        self.routes.iter().flatten().copied().collect()
    }

    /// Broken-pairs distance (Prins 2009, as in HGS): the share of clients whose
    /// neighbours differ between the two solutions, in `[0, 1]`.
    pub fn broken_pairs(&self, other: &Individual) -> f64 {
        let n = self.succ.len() - 1;
        let mut diff = 0;
        for j in 1..=n {
            let (s, p) = (self.succ[j], self.pred[j]);
            if s != other.succ[j] && s != other.pred[j] {
                diff += 1;
            }
            if p == 0 && other.pred[j] != 0 && other.succ[j] != 0 {
                diff += 1;
            }
        }
        diff as f64 / n as f64
    }
}
