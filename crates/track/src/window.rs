//! Mileage inside time windows (working hours): the odometer read at window edges.

use crate::analyze::Analysis;
use crate::config::Config;
use crate::fix::Fix;
use crate::mileage::Knot;

/// Distance travelled inside the given `[start, end)` windows (e.g. working hours),
/// clipping trips at window edges by interpolation in time; drift while stopped
/// contributes nothing. Overlapping windows count once.
///
/// Reads `analysis.odometer`; `fixes` and `cfg` are not needed for that and are accepted
/// for interface stability. An `Analysis` whose odometer is empty (e.g. rebuilt from a
/// stored summary) falls back to spreading each trip's distance evenly over its time.
pub fn mileage_within(
    analysis: &Analysis,
    _fixes: &[Fix],
    windows: &[(i64, i64)],
    _cfg: &Config,
) -> f64 {
    let mut ws: Vec<(i64, i64)> = windows.iter().copied().filter(|w| w.0 < w.1).collect();
    ws.sort_unstable();
    let mut merged: Vec<(i64, i64)> = Vec::with_capacity(ws.len());
    for w in ws {
        match merged.last_mut() {
            Some(m) if w.0 <= m.1 => m.1 = m.1.max(w.1),
            _ => merged.push(w),
        }
    }

    let mut total = 0.0;
    if analysis.odometer.is_empty() {
        for trip in &analysis.trips {
            let span = (trip.end_ms - trip.start_ms) as f64;
            for &(a, b) in &merged {
                let (s, e) = (a.max(trip.start_ms), b.min(trip.end_ms));
                if span <= 0.0 {
                    if a <= trip.start_ms && trip.start_ms < b {
                        total += trip.distance_m;
                    }
                } else if s < e {
                    total += trip.distance_m * (e - s) as f64 / span;
                }
            }
        }
        return total;
    }
    for &(a, b) in &merged {
        total += odometer_at(&analysis.odometer, b) - odometer_at(&analysis.odometer, a);
    }
    total
}

/// The odometer at `t`: linear between knots, constant outside them.
fn odometer_at(knots: &[Knot], t: i64) -> f64 {
    let i = knots.partition_point(|k| k.t_ms <= t);
    if i == 0 {
        return knots.first().map_or(0.0, |k| k.odometer_m);
    }
    let a = knots[i - 1];
    let Some(b) = knots.get(i) else {
        return a.odometer_m;
    };
    if b.t_ms <= a.t_ms {
        return b.odometer_m;
    }
    let f = (t - a.t_ms) as f64 / (b.t_ms - a.t_ms) as f64;
    a.odometer_m + f * (b.odometer_m - a.odometer_m)
}
