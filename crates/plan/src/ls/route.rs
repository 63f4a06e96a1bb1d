//! A route inside the local search: its visits with depots at both ends, and the prefix
//! and suffix summaries that make every move an O(1) concatenation.

use crate::eval::Seg;
use crate::instance::Instance;

#[derive(Clone, Debug)]
pub struct Route {
    /// `[0, c1, …, ck, 0]`.
    pub nodes: Vec<u32>,
    /// `fwd[i]` summarises `nodes[..=i]`.
    pub fwd: Vec<Seg>,
    /// `bwd[i]` summarises `nodes[i..]`.
    pub bwd: Vec<Seg>,
    /// Penalised cost under the current penalties.
    pub cost: f64,
    /// Move counter value when this route last changed.
    pub modified: i64,
}

impl Route {
    pub fn empty() -> Self {
        Route {
            nodes: vec![0, 0],
            fwd: Vec::new(),
            bwd: Vec::new(),
            cost: 0.0,
            modified: 0,
        }
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.nodes.len() == 2
    }

    /// Index of the closing depot.
    #[inline]
    pub fn end(&self) -> usize {
        self.nodes.len() - 1
    }

    pub fn full(&self) -> &Seg {
        &self.fwd[self.nodes.len() - 1]
    }

    /// Recomputes the summaries after `nodes` changed.
    pub fn update(&mut self, instance: &Instance, node_seg: &[Seg]) {
        let len = self.nodes.len();
        self.fwd.clear();
        self.bwd.clear();
        let mut acc = node_seg[self.nodes[0] as usize];
        self.fwd.push(acc);
        for &c in &self.nodes[1..] {
            acc = acc.then(instance, &node_seg[c as usize]);
            self.fwd.push(acc);
        }
        self.bwd.resize(len, acc);
        let mut acc = node_seg[self.nodes[len - 1] as usize];
        self.bwd[len - 1] = acc;
        for i in (0..len - 1).rev() {
            acc = node_seg[self.nodes[i] as usize].then(instance, &acc);
            self.bwd[i] = acc;
        }
    }

    /// Summary of `nodes[a..b]` (`a < b`).
    #[inline]
    pub fn range(&self, instance: &Instance, node_seg: &[Seg], a: usize, b: usize) -> Seg {
        if a == 0 {
            return self.fwd[b - 1];
        }
        if b == self.nodes.len() {
            return self.bwd[a];
        }
        let mut acc = node_seg[self.nodes[a] as usize];
        for &c in &self.nodes[a + 1..b] {
            acc = acc.then(instance, &node_seg[c as usize]);
        }
        acc
    }

    /// Distance travelled inside `nodes[a..b]`.
    #[inline]
    pub fn range_dist(&self, a: usize, b: usize) -> f64 {
        self.fwd[b - 1].dist - self.fwd[a].dist
    }

    /// Demand served inside `nodes[a..b]`.
    #[inline]
    pub fn range_load(&self, a: usize, b: usize) -> f64 {
        self.fwd[b - 1].load - if a == 0 { 0.0 } else { self.fwd[a - 1].load }
    }
}
