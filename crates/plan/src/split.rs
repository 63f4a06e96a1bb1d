//! Split (Prins 2004): the optimal cutting of a giant tour into routes, by a shortest
//! path over "route from tour position i to j" arcs, each costed with penalties for
//! load and time warp. Routes are kept under 1.5× capacity to bound the work.

use crate::eval::{Penalties, Seg};
use crate::instance::Instance;

pub fn split(instance: &Instance, tour: &[u32], pen: &Penalties, fleet: usize) -> Vec<Vec<u32>> {
    let n = tour.len();
    if n == 0 {
        return Vec::new();
    }
    let depot = Seg::node(instance, 0);
    let max_load = 1.5 * instance.capacity;
    // Arc costs, evaluated once: arcs[i] lists (j, cost) for routes tour[i..j].
    let mut arcs: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for (i, list) in arcs.iter_mut().enumerate() {
        let mut seg = depot;
        for (j, &c) in tour.iter().enumerate().skip(i) {
            seg = seg.then(instance, &Seg::node(instance, c as usize));
            if j > i && seg.load > max_load {
                break;
            }
            let full = seg.then(instance, &depot);
            list.push((j as u32 + 1, pen.route_cost(&full, instance.capacity, true)));
        }
    }
    // Unlimited fleet first; it is almost always within the limit.
    let mut pot = vec![f64::INFINITY; n + 1];
    let mut from = vec![0u32; n + 1];
    pot[0] = 0.0;
    for i in 0..n {
        if pot[i].is_finite() {
            for &(j, cost) in &arcs[i] {
                if pot[i] + cost < pot[j as usize] {
                    pot[j as usize] = pot[i] + cost;
                    from[j as usize] = i as u32;
                }
            }
        }
    }
    let routes = trace(tour, |j| from[j] as usize);
    if routes.len() <= fleet {
        return routes;
    }
    // Bellman by number of routes.
    let mut layers: Vec<Vec<f64>> = vec![vec![f64::INFINITY; n + 1]; fleet + 1];
    let mut back: Vec<Vec<u32>> = vec![vec![0; n + 1]; fleet + 1];
    layers[0][0] = 0.0;
    for k in 0..fleet {
        for i in 0..n {
            let base = layers[k][i];
            if !base.is_finite() {
                continue;
            }
            for &(j, cost) in &arcs[i] {
                if base + cost < layers[k + 1][j as usize] {
                    layers[k + 1][j as usize] = base + cost;
                    back[k + 1][j as usize] = i as u32;
                }
            }
        }
    }
    let Some(best_k) = (1..=fleet)
        .filter(|&k| layers[k][n].is_finite())
        .min_by(|&a, &b| layers[a][n].total_cmp(&layers[b][n]))
    else {
        // Even the fleet cannot carry 1.5× capacity per route: cut into equal parts.
        let size = n.div_ceil(fleet);
        return tour.chunks(size).map(<[u32]>::to_vec).collect();
    };
    let mut routes = Vec::with_capacity(best_k);
    let (mut j, mut k) = (n, best_k);
    while j > 0 {
        let i = back[k][j] as usize;
        routes.push(tour[i..j].to_vec());
        j = i;
        k -= 1;
    }
    routes.reverse();
    routes
}

fn trace(tour: &[u32], from: impl Fn(usize) -> usize) -> Vec<Vec<u32>> {
    let mut routes = Vec::new();
    let mut j = tour.len();
    while j > 0 {
        let i = from(j);
        routes.push(tour[i..j].to_vec());
        j = i;
    }
    routes.reverse();
    routes
}
