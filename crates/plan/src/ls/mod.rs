//! Local search over a complete solution: granular node moves (relocate and swap of
//! segments of up to two clients, 2-opt* tail exchange), first improvement, until none
//! improves. A search is either confined to the "promising" clients (those a perturbation
//! touched, spreading to the partners of each applied move) or exhaustive, which also
//! runs SWAP* between routes that hold granular neighbours, repeated while it improves.
//! Routes are fixed slots, one per vehicle; empty slots let a client open a new route.
//!
//! Every move is described as a [`Plan`]: the new route written as a list of ranges of
//! the current routes. Its cost is bounded in O(ranges) from distance and load alone, and
//! the time-warp summaries are concatenated only when the bound leaves room for a gain.

mod exchange;
mod perturb;
mod route;
mod swapstar;

pub use route::Route;

use crate::eval::{Penalties, Seg};
use crate::instance::Instance;
use crate::rng::Rng;

/// Gains smaller than this are rounding noise; accepting them could cycle.
const EPS: f64 = 1e-7;

/// A route to be: up to five ranges `(route, from, to)` (half-open) of current routes.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub route: usize,
    len: usize,
    parts: [(u32, u32, u32); 5],
}

impl Plan {
    pub fn new(route: usize) -> Self {
        Plan {
            route,
            len: 0,
            parts: [(0, 0, 0); 5],
        }
    }

    /// Appends `routes[r].nodes[a..b]`; empty ranges are dropped.
    #[inline]
    pub fn push(mut self, r: usize, a: usize, b: usize) -> Self {
        if a < b {
            self.parts[self.len] = (r as u32, a as u32, b as u32);
            self.len += 1;
        }
        self
    }

    fn parts(&self) -> &[(u32, u32, u32)] {
        &self.parts[..self.len]
    }
}

pub struct LocalSearch<'a> {
    pub(crate) inst: &'a Instance,
    pub(crate) node_seg: Vec<Seg>,
    neighbours: Vec<Vec<u32>>,
    pub(crate) routes: Vec<Route>,
    pub(crate) route_of: Vec<u32>,
    pub(crate) pos_of: Vec<u32>,
    last_tested: Vec<i64>,
    pub(crate) moves: i64,
    pub(crate) pen: Penalties,
    order: Vec<u32>,
    /// Clients around which the search looks (all of them in an exhaustive search; the
    /// perturbed ones and those touched by applied moves otherwise).
    pub(crate) promising: Vec<bool>,
    /// SWAP* scratch: best insertion positions per (client, route).
    pub(crate) scratch: swapstar::Scratch,
}

impl<'a> LocalSearch<'a> {
    pub fn new(inst: &'a Instance, neighbours: Vec<Vec<u32>>, fleet: usize) -> Self {
        let n = inst.clients();
        let node_seg = (0..=n).map(|i| Seg::node(inst, i)).collect();
        LocalSearch {
            inst,
            node_seg,
            neighbours,
            routes: vec![Route::empty(); fleet],
            route_of: vec![0; n + 1],
            pos_of: vec![0; n + 1],
            last_tested: vec![-1; n + 1],
            moves: 0,
            pen: Penalties {
                load: 1.0,
                tw: 1.0,
                route: 0.0,
            },
            order: (1..=n as u32).collect(),
            promising: vec![false; n + 1],
            scratch: swapstar::Scratch::new(n, fleet),
        }
    }

    /// Loads a solution (routes of clients, without depots); remaining vehicles start empty.
    pub fn load(&mut self, routes: &[Vec<u32>], pen: Penalties) {
        assert!(
            routes.len() <= self.routes.len(),
            "more routes than vehicles"
        );
        self.pen = pen;
        self.moves = 0;
        self.last_tested.fill(-1);
        self.scratch.reset();
        for (r, route) in self.routes.iter_mut().enumerate() {
            route.nodes.clear();
            route.nodes.push(0);
            if let Some(clients) = routes.get(r) {
                route.nodes.extend_from_slice(clients);
            }
            route.nodes.push(0);
            route.modified = 0;
        }
        for r in 0..self.routes.len() {
            self.refresh(r);
        }
    }

    /// The current non-empty routes.
    pub fn routes(&self) -> Vec<Vec<u32>> {
        self.routes
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.nodes[1..r.end()].to_vec())
            .collect()
    }

    /// Improves the loaded solution until no move in the neighbourhood improves it.
    /// `exhaustive` searches around every client and adds SWAP*; otherwise only around
    /// the promising clients (those a perturbation touched), spreading as moves apply.
    pub fn search(&mut self, rng: &mut Rng, exhaustive: bool) {
        if exhaustive {
            self.promising.fill(true);
        }
        loop {
            let before = self.moves;
            self.node_moves(rng);
            if exhaustive && self.routes.len() > 1 {
                self.swap_star(rng);
            }
            if self.moves == before || !exhaustive {
                break;
            }
        }
    }

    fn node_moves(&mut self, rng: &mut Rng) {
        rng.shuffle(&mut self.order);
        let mut step = 0;
        loop {
            let mut improved = false;
            step += 1;
            for k in 0..self.order.len() {
                let u = self.order[k] as usize;
                if !self.promising[u] {
                    continue;
                }
                let last = self.last_tested[u];
                self.last_tested[u] = self.moves;
                for j in 0..self.neighbours[u].len() {
                    let v = self.neighbours[u][j] as usize;
                    let (ru, rv) = (self.route_of[u] as usize, self.route_of[v] as usize);
                    if self.routes[ru].modified <= last && self.routes[rv].modified <= last {
                        continue;
                    }
                    let pv = self.pos_of[v] as usize;
                    if self.node_ops(u, rv, pv) {
                        self.promising[v] = true;
                        improved = true;
                        continue;
                    }
                    if pv == 1 && self.node_ops(u, rv, 0) {
                        self.promising[v] = true;
                        improved = true;
                    }
                }
                let ru = self.route_of[u] as usize;
                // Opening a new route is tried only after a first pass (too eager otherwise).
                if step > 1
                    && self.routes[ru].modified > last
                    && let Some(e) = self.routes.iter().position(Route::is_empty)
                    && self.exchange(u, e, 0, 1, 0)
                {
                    improved = true;
                }
            }
            if !improved {
                break;
            }
        }
    }

    /// Tries the node operators for `u` against position `pv` of route `rv`; applies the
    /// first that improves.
    fn node_ops(&mut self, u: usize, rv: usize, pv: usize) -> bool {
        self.exchange(u, rv, pv, 1, 0)
            || self.exchange(u, rv, pv, 2, 0)
            || self.exchange(u, rv, pv, 1, 1)
            || self.exchange(u, rv, pv, 2, 1)
            || self.exchange(u, rv, pv, 2, 2)
            || self.swap_tails(u, rv, pv)
    }

    /// Lower bound on a plan's penalised cost from distance and load only.
    #[inline]
    fn bound(&self, plan: &Plan) -> f64 {
        let parts = plan.parts();
        let mut dist = 0.0;
        let mut load = 0.0;
        let mut count = 0;
        let mut prev: Option<u32> = None;
        for &(r, a, b) in parts {
            let route = &self.routes[r as usize];
            let (a, b) = (a as usize, b as usize);
            dist += route.range_dist(a, b);
            load += route.range_load(a, b);
            count += b - a;
            if let Some(p) = prev {
                dist += self.inst.dist(p as usize, route.nodes[a] as usize);
            }
            prev = Some(route.nodes[b - 1]);
        }
        dist + self.pen.load * (load - self.inst.capacity).max(0.0)
            + if count > 2 { self.pen.route } else { 0.0 }
    }

    #[inline]
    fn exact(&self, plan: &Plan) -> f64 {
        let mut acc: Option<Seg> = None;
        let mut count = 0;
        for &(r, a, b) in plan.parts() {
            let s =
                self.routes[r as usize].range(self.inst, &self.node_seg, a as usize, b as usize);
            count += (b - a) as usize;
            acc = Some(match acc {
                None => s,
                Some(x) => x.then(self.inst, &s),
            });
        }
        let seg = acc.expect("a plan has ranges");
        self.pen.route_cost(&seg, self.inst.capacity, count > 2)
    }

    /// Change in penalised cost if the routes of `plans` were rewritten, or `None` when
    /// it cannot be an improvement.
    #[inline]
    pub(crate) fn gain(&self, plans: &[Plan]) -> Option<f64> {
        let old: f64 = plans.iter().map(|p| self.routes[p.route].cost).sum();
        let lb: f64 = plans.iter().map(|p| self.bound(p)).sum();
        // New time warp is never negative, so a bound that does not beat the old cost
        // rules the move out without touching the time-warp summaries.
        if lb - old >= -EPS {
            return None;
        }
        let new: f64 = plans.iter().map(|p| self.exact(p)).sum();
        (new - old < -EPS).then_some(new - old)
    }

    /// Rewrites the routes of `plans` (evaluated against the current routes).
    pub(crate) fn apply(&mut self, plans: &[Plan]) {
        let mut built: [Vec<u32>; 2] = [Vec::new(), Vec::new()];
        for (k, plan) in plans.iter().enumerate() {
            let out = &mut built[k];
            for &(r, a, b) in plan.parts() {
                out.extend_from_slice(&self.routes[r as usize].nodes[a as usize..b as usize]);
            }
        }
        self.moves += 1;
        for (k, plan) in plans.iter().enumerate() {
            std::mem::swap(&mut self.routes[plan.route].nodes, &mut built[k]);
            self.routes[plan.route].modified = self.moves;
            self.refresh(plan.route);
        }
    }

    pub(crate) fn refresh(&mut self, r: usize) {
        let route = &mut self.routes[r];
        route.update(self.inst, &self.node_seg);
        route.cost = self
            .pen
            .route_cost(route.full(), self.inst.capacity, !route.is_empty());
        for (p, &c) in route.nodes.iter().enumerate() {
            if c != 0 {
                self.route_of[c as usize] = r as u32;
                self.pos_of[c as usize] = p as u32;
            }
        }
    }
}
