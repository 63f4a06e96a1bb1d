//! A rep's week: their shops cut into a few day routes (线路), each a compact run that
//! is visited in a nearest-neighbour order, and where the rep lives.

use crate::DemoCompany;
use crate::places::to_metres;
use crate::rng::Dice;

/// Shops per day route, about.
const PER_ROUTE: usize = 6;

#[derive(Clone, Debug, PartialEq)]
pub struct RepRoutes {
    /// WGS-84 home, 3–6 km from the territory's centre.
    pub home: (f64, f64),
    /// Customer indices; each route in visiting order.
    pub routes: Vec<Vec<usize>>,
}

fn dist(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (ay, ax) = to_metres(a.0, a.1);
    let (by, bx) = to_metres(b.0, b.1);
    ((ay - by).powi(2) + (ax - bx).powi(2)).sqrt()
}

pub(crate) fn rep_routes(company: &DemoCompany, rep: usize, dice: &mut Dice) -> RepRoutes {
    let shops: Vec<usize> = (0..company.customers.len())
        .filter(|&i| company.customers[i].owner == rep)
        .collect();
    let at = |i: usize| (company.customers[i].lat, company.customers[i].lon);
    let n = shops.len().max(1) as f64;
    let centre = shops.iter().fold((0.0, 0.0), |(la, lo), &i| {
        (la + at(i).0 / n, lo + at(i).1 / n)
    });
    let (dx, dy) = loop {
        let (x, y) = dice.in_unit_disc();
        let r = (x * x + y * y).sqrt();
        if r > 0.1 {
            break (x / r, y / r);
        }
    };
    let km = 3.0 + 3.0 * dice.unit();
    let home = (
        centre.0 + dy * km * 1000.0 / to_metres(1.0, 0.0).0,
        centre.1 + dx * km * 1000.0 / to_metres(0.0, 1.0).1,
    );
    // One tour through all shops, nearest first from home, then cut into runs.
    let mut left = shops;
    let mut tour = Vec::with_capacity(left.len());
    let mut here = home;
    while !left.is_empty() {
        let k = (0..left.len())
            .min_by(|&a, &b| dist(here, at(left[a])).total_cmp(&dist(here, at(left[b]))))
            .expect("not empty");
        let next = left.swap_remove(k);
        here = at(next);
        tour.push(next);
    }
    let count = tour.len().div_ceil(PER_ROUTE).max(1);
    let size = tour.len().div_ceil(count).max(1);
    RepRoutes {
        home,
        routes: tour.chunks(size).map(<[usize]>::to_vec).collect(),
    }
}
