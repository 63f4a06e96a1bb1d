//! Territory quality, computed the same way whatever produced the split: workload per
//! territory (visit minutes plus a travel estimate that depends on the territory), its
//! balance, and compactness.

use super::{Input, visits_per_period};

use crate::travel::Travel;

#[derive(Clone, Debug, PartialEq)]
pub struct TerritoryStats {
    /// Minutes per 28 days: visits × (service + the leg from the nearest other customer
    /// of the same territory).
    pub workload: Vec<f64>,
    pub customers: Vec<usize>,
    /// Each territory's medoid (the member nearest in sum to the others).
    pub centres: Vec<Option<usize>>,
    /// Largest over smallest workload (infinite when a territory is empty).
    pub max_min: f64,
    /// Coefficient of variation of the workloads.
    pub cv: f64,
    /// Mean distance from a customer to its territory's medoid, km.
    pub mean_km_to_centre: f64,
    /// Share of workload that is travel.
    pub travel_share: f64,
}

/// Each customer's workload in its territory: visits × (service + the leg from the
/// nearest other member), and the travel part alone.
pub(super) fn member_workloads(
    input: &Input,
    travel: &dyn Travel,
    assignment: &[usize],
) -> (Vec<f64>, Vec<f64>) {
    let k = input.k.max(1);
    let loc = &input.locations;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (c, &t) in assignment.iter().enumerate() {
        members[t.min(k - 1)].push(c);
    }
    let n = assignment.len();
    let (mut w, mut legs) = (vec![0.0; n], vec![0.0; n]);
    for m in &members {
        for &c in m {
            let leg = m
                .iter()
                .filter(|&&o| o != c)
                .map(|&o| travel.minutes(loc[o], loc[c]))
                .fold(f64::INFINITY, f64::min);
            let leg = if leg.is_finite() { leg } else { 0.0 };
            let f = visits_per_period(input.interval_days[c]);
            w[c] = f * (input.service_min[c] + leg);
            legs[c] = f * leg;
        }
    }
    (w, legs)
}

pub fn stats(input: &Input, travel: &dyn Travel, assignment: &[usize]) -> TerritoryStats {
    let k = input.k.max(1);
    let loc = &input.locations;
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (c, &t) in assignment.iter().enumerate() {
        members[t.min(k - 1)].push(c);
    }
    let mut workload = vec![0.0; k];
    let mut travel_total = 0.0;
    let mut to_centre = 0.0;
    let mut centres = vec![None; k];
    let (w, legs) = member_workloads(input, travel, assignment);
    for (t, m) in members.iter().enumerate() {
        for &c in m {
            workload[t] += w[c];
            travel_total += legs[c];
        }
        let medoid = m.iter().copied().min_by(|&a, &b| {
            let cost = |x: usize| -> f64 { m.iter().map(|&c| travel.km(loc[x], loc[c])).sum() };
            cost(a).total_cmp(&cost(b))
        });
        centres[t] = medoid;
        if let Some(x) = medoid {
            to_centre += m.iter().map(|&c| travel.km(loc[x], loc[c])).sum::<f64>();
        }
    }
    let n = assignment.len().max(1) as f64;
    let total: f64 = workload.iter().sum();
    let mean = total / k as f64;
    let var = workload.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / k as f64;
    let max = workload.iter().copied().fold(0.0, f64::max);
    let min = workload.iter().copied().fold(f64::INFINITY, f64::min);
    TerritoryStats {
        customers: members.iter().map(Vec::len).collect(),
        centres,
        max_min: if min > 0.0 { max / min } else { f64::INFINITY },
        cv: if mean > 0.0 { var.sqrt() / mean } else { 0.0 },
        mean_km_to_centre: to_centre / n,
        travel_share: if total > 0.0 {
            travel_total / total
        } else {
            0.0
        },
        workload,
    }
}
