//! One rep's day as a route of local nodes (0 = home): timing with opening hours, the
//! cheapest feasible insertion, and intra-day improvement (2-opt and relocation).

use crate::travel::{Matrix, Travel};

const EPS: f64 = 1e-9;

/// Everything a day's feasibility depends on, in the rep's local numbering.
pub(crate) struct DayCtx {
    pub m: Matrix,
    pub service: Vec<f64>,
    /// Earliest start of service per node.
    pub open: Vec<f64>,
    /// Latest start of service per node (closing time minus service).
    pub latest: Vec<f64>,
    pub shift_start: f64,
    pub day_end: f64,
    pub max_visits: usize,
}

/// A feasible day's travel minutes and return time.
#[derive(Clone, Copy, Debug)]
pub(crate) struct DayCost {
    pub travel: f64,
    pub end: f64,
}

impl DayCtx {
    /// `None` when the day breaks the shift, the visit cap or an opening hour.
    pub fn eval(&self, route: &[usize]) -> Option<DayCost> {
        if route.len() > self.max_visits {
            return None;
        }
        self.timed(route, true)
    }

    /// The cost whether or not the day is feasible (for removals, which a matrix
    /// without the triangle inequality could in principle make infeasible).
    pub fn measure(&self, route: &[usize]) -> DayCost {
        self.timed(route, false)
            .expect("unchecked timing always answers")
    }

    fn timed(&self, route: &[usize], check: bool) -> Option<DayCost> {
        let mut time = self.shift_start;
        let mut travel = 0.0;
        let mut prev = 0;
        for &n in route {
            let t = self.m.minutes(prev, n);
            travel += t;
            let start = (time + t).max(self.open[n]);
            if check && start > self.latest[n] + EPS {
                return None;
            }
            time = start + self.service[n];
            prev = n;
        }
        let t = self.m.minutes(prev, 0);
        travel += t;
        time += t;
        (!check || time <= self.day_end + EPS).then_some(DayCost { travel, end: time })
    }

    /// The cheapest feasible position for `node`: (position, new cost).
    pub fn best_insert(&self, route: &[usize], node: usize) -> Option<(usize, DayCost)> {
        if route.len() >= self.max_visits {
            return None;
        }
        let mut cand: Vec<(f64, usize)> = (0..=route.len())
            .map(|p| {
                let a = if p == 0 { 0 } else { route[p - 1] };
                let b = if p == route.len() { 0 } else { route[p] };
                let delta =
                    self.m.minutes(a, node) + self.m.minutes(node, b) - self.m.minutes(a, b);
                (delta, p)
            })
            .collect();
        cand.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        let mut trial = Vec::with_capacity(route.len() + 1);
        for (_, p) in cand {
            trial.clear();
            trial.extend_from_slice(&route[..p]);
            trial.push(node);
            trial.extend_from_slice(&route[p..]);
            if let Some(cost) = self.eval(&trial) {
                return Some((p, cost));
            }
        }
        None
    }

    /// First-improvement 2-opt and single-node relocation until neither shortens the
    /// feasible route.
    pub fn improve(&self, route: &mut Vec<usize>) {
        let Some(mut best) = self.eval(route) else {
            return;
        };
        let n = route.len();
        let mut improved = true;
        while improved {
            improved = false;
            for i in 0..n {
                for j in i + 1..n {
                    route[i..=j].reverse();
                    match self.eval(route) {
                        Some(c) if c.travel < best.travel - 1e-7 => {
                            best = c;
                            improved = true;
                        }
                        _ => route[i..=j].reverse(),
                    }
                }
            }
            for i in 0..n {
                for j in 0..n {
                    if i == j {
                        continue;
                    }
                    let node = route.remove(i);
                    route.insert(j, node);
                    match self.eval(route) {
                        Some(c) if c.travel < best.travel - 1e-7 => {
                            best = c;
                            improved = true;
                        }
                        _ => {
                            let node = route.remove(j);
                            route.insert(i, node);
                        }
                    }
                }
            }
        }
    }
}
