//! What a fix's Doppler measurement says about motion: whether its speed is trusted, its
//! velocity vector, and the displacement dead-reckoned between fixes.
//!
//! A receiver measures speed and heading from the carrier's Doppler shift, not from the
//! position solution, so a position thrown off by multipath (a reflected signal's longer
//! path) still comes with a good velocity. Velocity therefore predicts where the next
//! fixes should be independently of the positions it is used to check.

use crate::config::Config;
use crate::fix::{Fix, Provider};

/// The fix's reported speed (m/s) if it can be trusted: a satellite fix (not `Network`)
/// with a known accuracy of at most `speed_max_accuracy_m` and a plausible speed.
#[inline]
pub(crate) fn trusted_speed(f: &Fix, cfg: &Config) -> Option<f32> {
    let ok = f.provider != Provider::Network
        && f.accuracy_m > 0.0
        && f.accuracy_m <= cfg.speed_max_accuracy_m
        && f.speed_mps >= 0.0
        && f64::from(f.speed_mps) <= cfg.max_speed_mps;
    ok.then_some(f.speed_mps)
}

/// Velocity (east, north) in m/s: zero below `speed_floor_mps` (at rest) and whenever
/// speed or heading is unknown, so dead reckoning never invents motion.
#[inline]
pub(crate) fn velocity(f: &Fix, cfg: &Config) -> (f64, f64) {
    match trusted_speed(f, cfg) {
        Some(v) if f64::from(v) >= cfg.speed_floor_mps && f.bearing_deg.is_finite() => {
            let (sin, cos) = f64::from(f.bearing_deg).to_radians().sin_cos();
            (f64::from(v) * sin, f64::from(v) * cos)
        }
        _ => (0.0, 0.0),
    }
}

/// Displacement dead-reckoned along the fixes `idx` (time-ordered indices into `fixes`):
/// each interval's mean velocity times its duration.
pub(crate) fn dead_reckon(
    fixes: &[Fix],
    cfg: &Config,
    mut idx: impl Iterator<Item = usize>,
) -> (f64, f64) {
    let (mut dx, mut dy) = (0.0, 0.0);
    let Some(mut a) = idx.next() else {
        return (dx, dy);
    };
    let mut va = velocity(&fixes[a], cfg);
    for b in idx {
        let vb = velocity(&fixes[b], cfg);
        let dt = (fixes[b].t_ms - fixes[a].t_ms) as f64 / 1000.0;
        dx += 0.5 * (va.0 + vb.0) * dt;
        dy += 0.5 * (va.1 + vb.1) * dt;
        (a, va) = (b, vb);
    }
    (dx, dy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn velocity_needs_trusted_speed_and_heading() {
        let cfg = Config::default();
        let mut f = Fix::gps(0, 31.2, 121.4, 8.0);
        f.speed_mps = 10.0;
        f.bearing_deg = 90.0;
        let (e, n) = velocity(&f, &cfg);
        assert!((e - 10.0).abs() < 1e-9 && n.abs() < 1e-9, "{e} {n}");
        f.bearing_deg = f32::NAN;
        assert_eq!(velocity(&f, &cfg), (0.0, 0.0));
        f.bearing_deg = 90.0;
        f.provider = Provider::Network;
        assert_eq!(velocity(&f, &cfg), (0.0, 0.0));
        f.provider = Provider::Gps;
        f.speed_mps = 0.3; // rest noise
        assert_eq!(velocity(&f, &cfg), (0.0, 0.0));
    }

    #[test]
    fn dead_reckoning_integrates_mean_velocity() {
        let cfg = Config::default();
        let fixes: Vec<Fix> = [(0, 0.0), (10_000, 10.0), (20_000, 10.0)]
            .iter()
            .map(|&(t, v)| Fix {
                speed_mps: v,
                bearing_deg: 0.0,
                ..Fix::gps(t, 31.2, 121.4, 8.0)
            })
            .collect();
        let (dx, dy) = dead_reckon(&fixes, &cfg, 0..3);
        assert!(dx.abs() < 1e-9 && (dy - 150.0).abs() < 1e-9, "{dx} {dy}");
    }
}
