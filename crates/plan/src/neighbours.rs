//! Granular neighbourhoods: each client only considers moves towards its `k` closest
//! clients, where "close" also accounts for time windows (Vidal et al. 2013): waiting
//! at `j` after serving `i` costs a little, arriving at `j` too late costs a lot.

use crate::instance::Instance;

/// Weights of the waiting and time-warp terms in the proximity (PyVRP's defaults, which
/// came out of its tuning on VRPTW instances).
const WEIGHT_WAIT: f64 = 0.2;
const WEIGHT_WARP: f64 = 1.0;

/// `neighbours[i]` for client `i` (index 0 unused): the `k` nearest other clients by the
/// symmetric proximity, nearest first.
pub fn granular(instance: &Instance, k: usize) -> Vec<Vec<u32>> {
    let n = instance.clients();
    let k = k.min(n.saturating_sub(1));
    let prox = |i: usize, j: usize| {
        let (a, b) = (&instance.nodes[i], &instance.nodes[j]);
        let t = instance.time(i, j);
        let wait = (b.ready - t - a.service - a.due).max(0.0);
        let warp = (a.ready + a.service + t - b.due).max(0.0);
        instance.dist(i, j) + WEIGHT_WAIT * wait + WEIGHT_WARP * warp
    };
    let mut out = vec![Vec::new(); n + 1];
    let mut cand: Vec<(f64, u32)> = Vec::with_capacity(n);
    for (i, list) in out.iter_mut().enumerate().skip(1) {
        cand.clear();
        for j in 1..=n {
            if j != i {
                cand.push((prox(i, j).min(prox(j, i)), j as u32));
            }
        }
        cand.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
        list.extend(cand.iter().take(k).map(|c| c.1));
    }
    out
}
