//! Helpers shared by the integration tests.
#![allow(dead_code)]

use plan::{Instance, Node};

pub fn solomon_path(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/solomon")
        .join(format!("{name}.txt"))
}

pub fn solomon(name: &str) -> Instance {
    let text = std::fs::read_to_string(solomon_path(name)).expect("benchmark file readable");
    plan::parse_solomon(&text).expect("benchmark file parses")
}

pub fn node(x: f64, y: f64, demand: f64, ready: f64, due: f64, service: f64) -> Node {
    Node {
        coords: Some((x, y)),
        demand,
        ready,
        due,
        service,
    }
}

/// A tiny deterministic generator for test data (not the crate's).
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Calls `f` with every permutation of `items` (Heap's algorithm).
pub fn permutations(items: &mut Vec<usize>, f: &mut impl FnMut(&[usize])) {
    fn heap(k: usize, a: &mut Vec<usize>, f: &mut impl FnMut(&[usize])) {
        if k <= 1 {
            f(a);
            return;
        }
        for i in 0..k {
            heap(k - 1, a, f);
            let j = if k.is_multiple_of(2) { i } else { 0 };
            a.swap(j, k - 1);
        }
    }
    let k = items.len();
    heap(k, items, f);
}
