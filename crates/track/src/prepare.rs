//! Canonical order for a device's fixes: by time, one fix per timestamp.

use crate::fix::{Fix, Provider};
use std::cmp::Ordering;

/// Sorts by time and removes exact duplicates (same `t_ms`: keeps the most accurate); the
/// result is the same whatever the input order or repetition — the server relies on this
/// for order-independent day summaries.
///
/// Ties are broken by a total order over every field (unknown accuracy last, then the raw
/// bits of the floats), so the survivor never depends on the input order.
pub fn prepare(fixes: &mut Vec<Fix>) {
    // Uploads arrive almost sorted; the check makes the common case a single pass.
    if !fixes.is_sorted_by(|a, b| canonical(a, b) != Ordering::Greater) {
        // Stable sort: O(n) on the sorted runs batched uploads produce.
        fixes.sort_by(canonical);
    }
    fixes.dedup_by(|later, kept| later.t_ms == kept.t_ms);
}

fn canonical(a: &Fix, b: &Fix) -> Ordering {
    a.t_ms
        .cmp(&b.t_ms)
        .then_with(|| acc_key(a.accuracy_m).total_cmp(&acc_key(b.accuracy_m)))
        .then_with(|| a.lat.total_cmp(&b.lat))
        .then_with(|| a.lon.total_cmp(&b.lon))
        .then_with(|| a.accuracy_m.total_cmp(&b.accuracy_m))
        .then_with(|| a.speed_mps.total_cmp(&b.speed_mps))
        .then_with(|| a.bearing_deg.total_cmp(&b.bearing_deg))
        .then_with(|| a.altitude_m.total_cmp(&b.altitude_m))
        .then_with(|| provider_rank(a.provider).cmp(&provider_rank(b.provider)))
        .then_with(|| a.mock.cmp(&b.mock))
}

/// Smaller is better; unknown (NaN, 0, negative) sorts after every real accuracy.
fn acc_key(acc: f32) -> f32 {
    if acc > 0.0 { acc } else { f32::INFINITY }
}

fn provider_rank(p: Provider) -> u8 {
    match p {
        Provider::Gps => 0,
        Provider::Fused => 1,
        Provider::Network => 2,
        Provider::Unknown => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_most_accurate_of_a_timestamp() {
        let mut v = vec![
            Fix::gps(2, 1.0, 1.0, 30.0),
            Fix::gps(1, 1.0, 1.0, 5.0),
            Fix::gps(2, 1.1, 1.0, 8.0),
            Fix::gps(2, 1.2, 1.0, f32::NAN),
        ];
        prepare(&mut v);
        assert_eq!(v.len(), 2);
        assert_eq!(v[1].lat, 1.1);
    }
}
