//! A Shanghai-sized road network: a jittered Manhattan grid with arterials.
//!
//! Every fifth row and column is a straight arterial (40–60 km/h, open sky);
//! the streets between wiggle by up to ±25 m (20–35 km/h, urban canyon). Real
//! central Shanghai blocks are 250–400 m, hence the 320 m spacing. Routes are
//! lists of grid nodes; long trips use an arterial, short ones an L or a
//! staircase through the side streets, so the truth path has many corners —
//! which is what sparse sampling cuts.

use crate::geo::{LatLon, offset};
use crate::rng::{Dice, mix};

/// A grid intersection: column `i` (west→east), row `j` (south→north).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Node {
    pub i: i32,
    pub j: i32,
}

pub struct City {
    origin: LatLon,
    pub size: i32,
    spacing: f64,
    /// Per-column and per-row offsets (metres) so lines are not evenly spaced.
    col_shift: Vec<f64>,
    row_shift: Vec<f64>,
    seed: u64,
}

pub const ARTERIAL_EVERY: i32 = 5;

impl City {
    /// South-west corner near 31.13 N, 121.36 E so the grid covers roughly
    /// 31.13–31.30 N, 121.36–121.56 E (Puxi's inner ring and beyond).
    pub fn new(seed: u64) -> City {
        let size = 60;
        let mut dice = Dice::new(mix(seed, 0xC17, 0));
        let col_shift = (0..size).map(|_| dice.range(-40.0, 40.0)).collect();
        let row_shift = (0..size).map(|_| dice.range(-40.0, 40.0)).collect();
        City {
            origin: LatLon::new(31.13, 121.36),
            size,
            spacing: 320.0,
            col_shift,
            row_shift,
            seed,
        }
    }

    /// The same grid centred on `centre` instead of central Puxi, for traces around any
    /// part of a real city (the demo company's territories).
    pub fn centred(seed: u64, centre: LatLon) -> City {
        let mut city = City::new(seed);
        let half = f64::from(city.size) * city.spacing / 2.0;
        city.origin = offset(centre, -half, -half);
        city
    }

    /// The intersection closest to `p` (checked among the grid neighbours of its cell,
    /// since lines are shifted and side streets wiggle).
    pub fn nearest_node(&self, p: LatLon) -> Node {
        let north = (p.lat - self.origin.lat) * 111_195.08;
        let east = (p.lon - self.origin.lon) * 111_195.08 * self.origin.lat.to_radians().cos();
        let (ci, cj) = (
            (east / self.spacing).round() as i32,
            (north / self.spacing).round() as i32,
        );
        let mut best = self.clamp(ci, cj);
        let mut best_d = crate::geo::haversine_m(self.node(best), p);
        for di in -2..=2 {
            for dj in -2..=2 {
                let n = self.clamp(ci + di, cj + dj);
                let d = crate::geo::haversine_m(self.node(n), p);
                if d < best_d {
                    (best, best_d) = (n, d);
                }
            }
        }
        best
    }

    pub fn is_arterial_col(&self, i: i32) -> bool {
        i % ARTERIAL_EVERY == 0
    }

    pub fn is_arterial_row(&self, j: i32) -> bool {
        j % ARTERIAL_EVERY == 0
    }

    /// Position of a node. Arterials are straight; side streets wiggle.
    pub fn node(&self, n: Node) -> LatLon {
        let mut x = n.i as f64 * self.spacing + self.col_shift[n.i as usize];
        let mut y = n.j as f64 * self.spacing + self.row_shift[n.j as usize];
        let h = mix(self.seed, n.i as u64, n.j as u64);
        let wiggle = |bits: u64| ((bits & 0xFFFF) as f64 / 65535.0 - 0.5) * 50.0;
        if !self.is_arterial_col(n.i) {
            x += wiggle(h);
        }
        if !self.is_arterial_row(n.j) {
            y += wiggle(h >> 16);
        }
        offset(self.origin, x, y)
    }

    fn last_arterial(&self) -> i32 {
        (self.size - 1) / ARTERIAL_EVERY * ARTERIAL_EVERY
    }

    pub fn clamp(&self, i: i32, j: i32) -> Node {
        Node {
            i: i.clamp(1, self.size - 2),
            j: j.clamp(1, self.size - 2),
        }
    }

    /// True when the edge between two adjacent nodes lies on an arterial.
    pub fn edge_is_arterial(&self, a: Node, b: Node) -> bool {
        if a.j == b.j {
            self.is_arterial_row(a.j)
        } else {
            self.is_arterial_col(a.i)
        }
    }

    /// A route from `a` to `b` as consecutive adjacent nodes (both included).
    pub fn route(&self, a: Node, b: Node, dice: &mut Dice) -> Vec<Node> {
        let mut nodes = vec![a];
        let manhattan = (a.i - b.i).abs() + (a.j - b.j).abs();
        if manhattan <= 7 {
            if dice.chance(0.35) {
                staircase(&mut nodes, b, dice);
            } else {
                let columns_first = dice.chance(0.5);
                l_shape(&mut nodes, b, columns_first);
            }
        } else if dice.chance(0.5) {
            // Up or down a street to an arterial row, along it, then to b.
            let r = nearest_arterial(a.j, b.j).min(self.last_arterial());
            go_to(&mut nodes, Node { i: a.i, j: r });
            go_to(&mut nodes, Node { i: b.i, j: r });
            go_to(&mut nodes, b);
        } else {
            let c = nearest_arterial(a.i, b.i).min(self.last_arterial());
            go_to(&mut nodes, Node { i: c, j: a.j });
            go_to(&mut nodes, Node { i: c, j: b.j });
            go_to(&mut nodes, b);
        }
        nodes
    }
}

/// The arterial line closest to `from`, preferring one on the way to `to`.
fn nearest_arterial(from: i32, to: i32) -> i32 {
    let (lo, hi) = (from.min(to), from.max(to));
    let first_between = lo.div_euclid(ARTERIAL_EVERY) * ARTERIAL_EVERY + ARTERIAL_EVERY;
    let below = from.div_euclid(ARTERIAL_EVERY) * ARTERIAL_EVERY;
    if from % ARTERIAL_EVERY == 0 {
        from
    } else if first_between <= hi {
        if from == lo {
            first_between
        } else {
            below.max(lo)
        }
    } else if from - below <= ARTERIAL_EVERY / 2 {
        below
    } else {
        below + ARTERIAL_EVERY
    }
}

/// Straight moves along a row, then a column (or the other way round).
fn l_shape(nodes: &mut Vec<Node>, b: Node, columns_first: bool) {
    let a = *nodes.last().expect("route starts with a node");
    if columns_first {
        go_to(nodes, Node { i: b.i, j: a.j });
    } else {
        go_to(nodes, Node { i: a.i, j: b.j });
    }
    go_to(nodes, b);
}

/// Zig-zag through side streets in runs of 1–3 blocks.
fn staircase(nodes: &mut Vec<Node>, b: Node, dice: &mut Dice) {
    let mut horizontal = dice.chance(0.5);
    loop {
        let cur = *nodes.last().expect("route starts with a node");
        if cur == b {
            return;
        }
        let (di, dj) = (b.i - cur.i, b.j - cur.j);
        if di == 0 {
            horizontal = false;
        } else if dj == 0 {
            horizontal = true;
        }
        let run = dice.int(1, 3) as i32;
        let next = if horizontal {
            Node {
                i: cur.i + di.signum() * run.min(di.abs()),
                j: cur.j,
            }
        } else {
            Node {
                i: cur.i,
                j: cur.j + dj.signum() * run.min(dj.abs()),
            }
        };
        go_to(nodes, next);
        horizontal = !horizontal;
    }
}

/// Appends the nodes of a straight move along a row or a column.
fn go_to(nodes: &mut Vec<Node>, target: Node) {
    let mut cur = *nodes.last().expect("route starts with a node");
    assert!(
        cur.i == target.i || cur.j == target.j,
        "go_to moves in a line"
    );
    while cur != target {
        cur.i += (target.i - cur.i).signum();
        cur.j += (target.j - cur.j).signum();
        nodes.push(cur);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_are_connected_and_reach_the_target() {
        let city = City::new(7);
        let mut dice = Dice::new(1);
        for _ in 0..200 {
            let a = city.clamp(dice.int(0, 59) as i32, dice.int(0, 59) as i32);
            let b = city.clamp(dice.int(0, 59) as i32, dice.int(0, 59) as i32);
            let r = city.route(a, b, &mut dice);
            assert_eq!(r[0], a);
            assert_eq!(*r.last().unwrap(), b);
            let n = city.nearest_node(city.node(b));
            assert_eq!(n, b);
            for w in r.windows(2) {
                assert_eq!(
                    (w[0].i - w[1].i).abs() + (w[0].j - w[1].j).abs(),
                    1,
                    "{r:?}"
                );
            }
        }
    }
}
