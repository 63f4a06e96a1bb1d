//! Initial centres: at the reps' homes when known, at fixed customers' territories, and
//! otherwise by k-means++ (each next centre drawn with probability ∝ workload × squared
//! distance to the nearest centre so far), which spreads them over the demand.

use super::Input;
use crate::rng::Rng;
use crate::travel::Travel;

pub(super) fn initial_centres(
    input: &Input,
    travel: &dyn Travel,
    w: &[f64],
    k: usize,
    rng: &mut Rng,
) -> Vec<usize> {
    let n = input.locations.len();
    let loc = &input.locations;
    let mut centres: Vec<Option<usize>> = vec![None; k];
    if let Some(homes) = &input.homes {
        for (t, &home) in homes.iter().enumerate().take(k) {
            let nearest = (0..n)
                .filter(|c| !centres.contains(&Some(*c)))
                .min_by(|&a, &b| travel.km(home, loc[a]).total_cmp(&travel.km(home, loc[b])));
            centres[t] = nearest;
        }
    }
    for (c, f) in input.fixed.iter().enumerate() {
        if let Some(t) = *f
            && t < k
            && centres[t].is_none()
        {
            centres[t] = Some(c);
        }
    }
    // k-means++ for the rest.
    let mut nearest = vec![f64::INFINITY; n];
    let update = |nearest: &mut Vec<f64>, centre: usize| {
        for c in 0..n {
            nearest[c] = nearest[c].min(travel.km(loc[c], loc[centre]));
        }
    };
    for &c in centres.iter().flatten() {
        update(&mut nearest, c);
    }
    for slot in centres.iter_mut() {
        if slot.is_some() {
            continue;
        }
        let weights: Vec<f64> = (0..n)
            .map(|c| {
                let d = if nearest[c].is_finite() {
                    nearest[c]
                } else {
                    1.0
                };
                w[c] * d * d
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let pick = if total > 0.0 {
            let mut x = (rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64 * total;
            let mut chosen = n - 1;
            for (c, &wc) in weights.iter().enumerate() {
                if x < wc {
                    chosen = c;
                    break;
                }
                x -= wc;
            }
            chosen
        } else {
            rng.below(n)
        };
        *slot = Some(pick);
        update(&mut nearest, pick);
    }
    centres.into_iter().map(|c| c.unwrap_or(0)).collect()
}
