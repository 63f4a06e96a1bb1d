//! Simple territory baselines the balancer is measured against.

use super::{Input, local, seed};
use crate::rng::Rng;
use crate::travel::Travel;

/// Customers in input order dealt to territories in turn; fixed customers stay put.
pub fn round_robin(input: &Input) -> Vec<usize> {
    let k = input.k.max(1);
    let mut next = 0;
    input
        .fixed
        .iter()
        .map(|f| match f {
            Some(t) if *t < k => *t,
            _ => {
                next += 1;
                (next - 1) % k
            }
        })
        .collect()
}

/// Plain clustering without balancing (k-means on the travel distances, with medoids as
/// centres): k-means++ seeds, then each customer to its nearest centre and each centre to
/// its territory's medoid until nothing changes.
pub fn kmedoids_unbalanced(input: &Input, travel: &dyn Travel, seed: u64) -> Vec<usize> {
    let n = input.locations.len();
    let k = input.k.max(1);
    if n == 0 {
        return Vec::new();
    }
    let ones = vec![1.0; n];
    let plain = Input {
        homes: None,
        load_factor: None,
        ..input.clone()
    };
    let mut rng = Rng::new(seed);
    let mut centres = seed::initial_centres(&plain, travel, &ones, k, &mut rng);
    let mut assignment = vec![0; n];
    for _ in 0..50 {
        for c in 0..n {
            assignment[c] = match input.fixed[c] {
                Some(t) if t < k => t,
                _ => (0..k)
                    .min_by(|&a, &b| {
                        let loc = &input.locations;
                        travel
                            .km(loc[centres[a]], loc[c])
                            .total_cmp(&travel.km(loc[centres[b]], loc[c]))
                    })
                    .unwrap_or(0),
            };
        }
        let moved = local::medoids(&plain, travel, &ones, &assignment, k);
        if moved == centres {
            break;
        }
        centres = moved;
    }
    assignment
}
