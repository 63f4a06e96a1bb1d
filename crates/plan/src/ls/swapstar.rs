//! SWAP* (Vidal 2022): exchange a client `u` of one route with a client `v` of another,
//! each going to its best position in the other route rather than to the other's place.
//! The three best insertion positions of every client in the other route are cached per
//! route pair, so all pairs `(u, v)` are screened in O(1) each; the best candidate is then
//! evaluated exactly.

use super::{LocalSearch, Plan};

pub struct Scratch {
    /// Per client: cost change of inserting it at its three best positions in the other
    /// route (position = index of the node it follows), cheapest first.
    best: Vec<[(f64, u32); 3]>,
    /// Per client: cost change of removing it from its own route.
    removal: Vec<f64>,
    /// Per route pair `a * fleet + b`: move counter when last examined.
    tested: Vec<i64>,
    near: Vec<bool>,
    fleet: usize,
}

impl Scratch {
    pub fn new(n: usize, fleet: usize) -> Self {
        Scratch {
            best: vec![[(f64::INFINITY, 0); 3]; n + 1],
            removal: vec![0.0; n + 1],
            tested: vec![-1; fleet * fleet],
            near: vec![false; fleet * fleet],
            fleet,
        }
    }

    pub fn reset(&mut self) {
        self.tested.fill(-1);
    }
}

impl LocalSearch<'_> {
    pub(crate) fn swap_star(&mut self, _rng: &mut crate::rng::Rng) {
        let fleet = self.routes.len();
        // Route pairs worth trying: some client of one has a granular neighbour in the other.
        self.scratch.near.fill(false);
        for u in 1..self.route_of.len() {
            let ru = self.route_of[u] as usize;
            for &v in &self.neighbours[u] {
                let rv = self.route_of[v as usize] as usize;
                if ru != rv {
                    self.scratch.near[ru * fleet + rv] = true;
                    self.scratch.near[rv * fleet + ru] = true;
                }
            }
        }
        for a in 0..fleet {
            for b in a + 1..fleet {
                let key = a * self.scratch.fleet + b;
                if !self.scratch.near[key] || self.routes[a].is_empty() || self.routes[b].is_empty()
                {
                    continue;
                }
                let last = self.scratch.tested[key];
                if self.routes[a].modified <= last && self.routes[b].modified <= last {
                    continue;
                }
                self.scratch.tested[key] = self.moves;
                self.swap_star_pair(a, b);
            }
        }
    }

    /// Cost change of putting `c` in place of the client at position `p` of route `r`.
    #[inline]
    fn replace_cost(&self, c: usize, r: usize, p: usize) -> f64 {
        let route = &self.routes[r];
        let seg = route.fwd[p - 1]
            .then(self.inst, &self.node_seg[c])
            .then(self.inst, &route.bwd[p + 1]);
        self.pen.route_cost(&seg, self.inst.capacity, true) - route.cost
    }

    fn prepare(&mut self, from: usize, to: usize) {
        let end = self.routes[from].end();
        for p in 1..end {
            let c = self.routes[from].nodes[p] as usize;
            let route = &self.routes[from];
            let seg = route.fwd[p - 1].then(self.inst, &route.bwd[p + 1]);
            let removal = self.pen.route_cost(&seg, self.inst.capacity, end > 2) - route.cost;
            let mut best = [(f64::INFINITY, 0u32); 3];
            for q in 0..self.routes[to].end() {
                let cost = self.insertion_cost(c, to, q);
                if cost < best[2].0 {
                    best[2] = (cost, q as u32);
                    if best[2].0 < best[1].0 {
                        best.swap(1, 2);
                        if best[1].0 < best[0].0 {
                            best.swap(0, 1);
                        }
                    }
                }
            }
            self.scratch.best[c] = best;
            self.scratch.removal[c] = removal;
        }
    }

    /// Best way to put `c` into route `r` once the client at position `pv` has left: the
    /// cost change relative to the current route (including that client's removal) and
    /// the position `c` will follow.
    #[inline]
    fn best_with_removal(&self, c: usize, r: usize, pv: usize, removal_v: f64) -> (f64, usize) {
        let mut best = (self.replace_cost(c, r, pv), pv - 1);
        for &(cost, q) in &self.scratch.best[c] {
            let q = q as usize;
            if q + 1 != pv && q != pv {
                if cost + removal_v < best.0 {
                    best = (cost + removal_v, q);
                }
                break;
            }
        }
        best
    }

    fn swap_star_pair(&mut self, a: usize, b: usize) {
        self.prepare(a, b);
        self.prepare(b, a);
        let mut best = (-super::EPS, 0, 0, 0, 0);
        for pu in 1..self.routes[a].end() {
            let u = self.routes[a].nodes[pu] as usize;
            for pv in 1..self.routes[b].end() {
                let v = self.routes[b].nodes[pv] as usize;
                let (cost_b, qu) = self.best_with_removal(u, b, pv, self.scratch.removal[v]);
                let (cost_a, qv) = self.best_with_removal(v, a, pu, self.scratch.removal[u]);
                if cost_a + cost_b < best.0 {
                    best = (cost_a + cost_b, pu, pv, qu, qv);
                }
            }
        }
        if best.0 >= -super::EPS {
            return;
        }
        let (_, pu, pv, qu, qv) = best;
        let plans = [
            Self::remove_insert(a, pu, qv, b, pv, self.routes[a].nodes.len()),
            Self::remove_insert(b, pv, qu, a, pu, self.routes[b].nodes.len()),
        ];
        if self.gain(&plans).is_some() {
            self.apply(&plans);
        }
    }

    /// Route `r` without its client at `p`, with the client at `(other, po)` inserted after
    /// position `q` (`q != p`).
    fn remove_insert(r: usize, p: usize, q: usize, other: usize, po: usize, len: usize) -> Plan {
        if q < p {
            Plan::new(r)
                .push(r, 0, q + 1)
                .push(other, po, po + 1)
                .push(r, q + 1, p)
                .push(r, p + 1, len)
        } else {
            Plan::new(r)
                .push(r, 0, p)
                .push(r, p + 1, q + 1)
                .push(other, po, po + 1)
                .push(r, q + 1, len)
        }
    }
}
