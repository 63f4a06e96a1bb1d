//! Perturbation for the iterated local search: remove a few clients that are close to
//! each other (a random client and its granular neighbours) and put each back at its
//! cheapest position near its neighbours. The touched clients become the promising ones
//! around which the following local search looks.

use super::LocalSearch;
use crate::rng::Rng;

impl LocalSearch<'_> {
    /// Removes `count` clients and reinserts them greedily.
    pub fn perturb(&mut self, count: usize, rng: &mut Rng) {
        self.promising.fill(false);
        let n = self.route_of.len() - 1;
        let count = count.min(n);
        let mut removed: Vec<u32> = Vec::with_capacity(count);
        let mut out = vec![false; n + 1];
        while removed.len() < count {
            let seed = 1 + rng.below(n);
            for c in std::iter::once(seed as u32).chain(self.neighbours[seed].iter().copied()) {
                if removed.len() == count {
                    break;
                }
                if !out[c as usize] {
                    out[c as usize] = true;
                    removed.push(c);
                }
            }
        }
        // Remove route by route to rebuild each route once.
        let mut touched: Vec<usize> = removed
            .iter()
            .map(|&c| self.route_of[c as usize] as usize)
            .collect();
        touched.sort_unstable();
        touched.dedup();
        self.moves += 1;
        for &r in &touched {
            self.routes[r].nodes.retain(|&c| c == 0 || !out[c as usize]);
            self.routes[r].modified = self.moves;
            self.refresh(r);
        }
        for &c in &removed {
            self.insert_best(c as usize);
            self.promising[c as usize] = true;
        }
    }

    /// Inserts the unrouted client `c` where it costs least: next to one of its routed
    /// neighbours, or alone in an empty route; anywhere if no neighbour is routed.
    pub(crate) fn insert_best(&mut self, c: usize) {
        let mut best = (f64::INFINITY, usize::MAX, 0);
        let mut any_neighbour = false;
        for k in 0..self.neighbours[c].len() {
            let v = self.neighbours[c][k] as usize;
            let r = self.route_of[v] as usize;
            let p = self.pos_of[v] as usize;
            if p == u32::MAX as usize || self.routes[r].nodes.get(p) != Some(&(v as u32)) {
                continue; // v is unrouted itself
            }
            any_neighbour = true;
            for q in [p, p - 1] {
                if q == p - 1 && p != 1 {
                    continue;
                }
                let cost = self.insertion_cost(c, r, q);
                if cost < best.0 {
                    best = (cost, r, q);
                }
            }
        }
        if let Some(e) = self.routes.iter().position(|r| r.is_empty()) {
            let cost = self.insertion_cost(c, e, 0);
            if cost < best.0 {
                best = (cost, e, 0);
            }
        }
        if !any_neighbour {
            for r in 0..self.routes.len() {
                for q in 0..self.routes[r].end() {
                    let cost = self.insertion_cost(c, r, q);
                    if cost < best.0 {
                        best = (cost, r, q);
                    }
                }
            }
        }
        let (_, r, q) = best;
        self.routes[r].nodes.insert(q + 1, c as u32);
        self.moves += 1;
        self.routes[r].modified = self.moves;
        self.refresh(r);
    }

    /// Inserts unrouted clients one by one, each at its cheapest position.
    pub fn insert_all(&mut self, clients: &[u32]) {
        for &c in clients {
            self.route_of[c as usize] = 0;
            self.pos_of[c as usize] = u32::MAX;
        }
        for &c in clients {
            self.insert_best(c as usize);
        }
    }

    /// Cost change of inserting `c` after position `q` of route `r`.
    #[inline]
    pub(crate) fn insertion_cost(&self, c: usize, r: usize, q: usize) -> f64 {
        let route = &self.routes[r];
        let seg = route.fwd[q]
            .then(self.inst, &self.node_seg[c])
            .then(self.inst, &route.bwd[q + 1]);
        self.pen.route_cost(&seg, self.inst.capacity, true) - route.cost
    }
}
