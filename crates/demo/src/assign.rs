//! Territory dealing: each group's shops are cut into compact, equal-sized
//! patches, one per rep, so a rep's route stays in one part of town.

use crate::places::to_metres;
use crate::{DemoCustomer, DemoEmployee, DemoRole};

/// Gives every customer an owner: shops of `pudong` districts go to the
/// Field reps of `pudong_dept`, the rest to those of `puxi_dept`.
pub(crate) fn deal(
    customers: &mut [DemoCustomer],
    employees: &[DemoEmployee],
    is_pudong: impl Fn(&DemoCustomer) -> bool,
    pudong_dept: usize,
    puxi_dept: usize,
) {
    for (dept, east) in [(pudong_dept, true), (puxi_dept, false)] {
        let reps: Vec<usize> = employees
            .iter()
            .enumerate()
            .filter(|(_, e)| e.role == DemoRole::Field && e.department == dept)
            .map(|(i, _)| i)
            .collect();
        let members: Vec<usize> = (0..customers.len())
            .filter(|&i| is_pudong(&customers[i]) == east)
            .collect();
        let points: Vec<(f64, f64)> = members
            .iter()
            .map(|&i| to_metres(customers[i].lat, customers[i].lon))
            .collect();
        for (&member, patch) in members.iter().zip(territories(&points, reps.len())) {
            customers[member].owner = reps[patch];
        }
    }
}

/// Recursive bisection: split along the wider axis at the point that
/// keeps shop counts proportional to the reps on each side. Patches come
/// out compact and differ in size by at most one shop.
pub(crate) fn territories(points: &[(f64, f64)], parts: usize) -> Vec<usize> {
    let mut labels = vec![0; points.len()];
    let mut idx: Vec<usize> = (0..points.len()).collect();
    split(points, &mut idx, parts, 0, &mut labels);
    labels
}

fn split(
    points: &[(f64, f64)],
    idx: &mut [usize],
    parts: usize,
    first: usize,
    labels: &mut [usize],
) {
    if parts <= 1 || idx.len() <= 1 {
        for &i in idx.iter() {
            labels[i] = first;
        }
        return;
    }
    let extent = |axis: fn(&(f64, f64)) -> f64| {
        let (lo, hi) = idx
            .iter()
            .map(|&i| axis(&points[i]))
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        hi - lo
    };
    let axis: fn(&(f64, f64)) -> f64 = if extent(|p| p.0) >= extent(|p| p.1) {
        |p| p.0
    } else {
        |p| p.1
    };
    idx.sort_by(|&a, &b| {
        axis(&points[a])
            .total_cmp(&axis(&points[b]))
            .then(a.cmp(&b))
    });
    let left_parts = parts / 2;
    let cut = idx.len() * left_parts / parts;
    let (left, right) = idx.split_at_mut(cut);
    split(points, left, left_parts, first, labels);
    split(
        points,
        right,
        parts - left_parts,
        first + left_parts,
        labels,
    );
}
