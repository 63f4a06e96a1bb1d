//! Time-warp segments (Nagata, Bräysy and Dullaert 2010; Vidal et al. 2013).
//!
//! A vehicle that would arrive after a window closes is allowed to "travel back in time"
//! to the closing time, and the total amount of such time warp measures how infeasible
//! a route is. A sequence of visits is summarised by its duration, time warp, earliest
//! and latest feasible start, distance and load; two summaries concatenate in O(1), so
//! operators evaluate a move by joining precomputed prefixes and suffixes.

use crate::instance::Instance;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Seg {
    pub first: u32,
    pub last: u32,
    /// Travel + service + waiting time from the start of the first service.
    pub dur: f64,
    pub tw: f64,
    /// Earliest and latest start at `first` that achieve `dur` and `tw`.
    pub early: f64,
    pub late: f64,
    pub dist: f64,
    pub load: f64,
}

impl Seg {
    /// The segment of a single node.
    pub fn node(instance: &Instance, i: usize) -> Seg {
        let n = &instance.nodes[i];
        Seg {
            first: i as u32,
            last: i as u32,
            dur: if i == 0 { 0.0 } else { n.service },
            tw: 0.0,
            early: n.ready,
            late: n.due,
            dist: 0.0,
            load: if i == 0 { 0.0 } else { n.demand },
        }
    }

    /// `self` followed by `b`.
    #[inline]
    pub fn then(&self, instance: &Instance, b: &Seg) -> Seg {
        let (i, j) = (self.last as usize, b.first as usize);
        let edge = instance.time(i, j);
        let delta = self.dur - self.tw + edge;
        let wait = (b.early - delta - self.late).max(0.0);
        let warp = (self.early + delta - b.late).max(0.0);
        Seg {
            first: self.first,
            last: b.last,
            dur: self.dur + b.dur + edge + wait,
            tw: self.tw + b.tw + warp,
            early: (b.early - delta).max(self.early) - wait,
            late: (b.late - delta).min(self.late) + warp,
            dist: self.dist + b.dist + instance.dist(i, j),
            load: self.load + b.load,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::instance::{Instance, Node};

    fn node(x: f64, ready: f64, due: f64, service: f64) -> Node {
        Node {
            coords: Some((x, 0.0)),
            demand: 1.0,
            ready,
            due,
            service,
        }
    }

    /// Concatenation must agree with a forward simulation whatever the bracketing.
    #[test]
    fn concatenation_matches_simulation() {
        let inst = Instance::euclidean(
            "line",
            vec![
                node(0.0, 0.0, 100.0, 0.0),
                node(5.0, 10.0, 12.0, 2.0),
                node(8.0, 0.0, 14.0, 1.0),
                node(2.0, 30.0, 40.0, 3.0),
            ],
            2,
            10.0,
        );
        let s = |i| Seg::node(&inst, i);
        let left = s(0).then(&inst, &s(1)).then(&inst, &s(2));
        let right = s(3).then(&inst, &s(0));
        let a = left.then(&inst, &right);
        let b = s(0).then(
            &inst,
            &s(1).then(&inst, &s(2).then(&inst, &s(3)).then(&inst, &s(0))),
        );
        assert!((a.tw - b.tw).abs() < 1e-12 && (a.dur - b.dur).abs() < 1e-12);
        // Forward: leave 0 at 5, reach 1 at 10 (window 10), leave 12, reach 2 at 15 > 14:
        // warp 1, leave 15 (14 + 1), reach 3 at 21, wait to 30, leave 33, home 35.
        assert!((a.tw - 1.0).abs() < 1e-12, "tw {}", a.tw);
        assert!((a.dist - 16.0).abs() < 1e-12);
        assert_eq!(a.load, 3.0);
    }
}
