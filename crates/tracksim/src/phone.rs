//! What a phone app records from a true track: when it samples and how wrong
//! each fix is.
//!
//! Sampling follows what tracking apps do: adaptive (every 5–10 s while
//! moving, 30–60 s once still for a minute, waking 5–15 s after motion
//! starts) or a fixed interval. Errors follow the phone-GPS facts in
//! `shared/STACK.md`: the reported accuracy is the 68 % radius (so the
//! per-axis σ is accuracy / 1.515); open sky ≈ 5 m, urban 7–13 m; indoors the
//! fused fix wanders, autocorrelated (AR(1), τ 3–10 min, 10–50 m); Wi-Fi
//! network fixes are 40–110 m, cell fixes 250–600 m, with honest accuracy.
//! Multipath jumps are 1–3 fixes 100–300 m off that still claim 8–15 m.

use crate::Knobs;
use crate::fix::{Fix, Provider};
use crate::geo::offset;
use crate::motion::{Env, Track};
use crate::rng::Dice;

/// For a circular 2-D normal, P(r ≤ k σ) = 0.68 at k = √(−2 ln 0.32) ≈ 1.515.
const R68_PER_SIGMA: f64 = 1.515;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Sampling {
    /// 5–10 s moving, 30–60 s still.
    Adaptive,
    /// Every `n` seconds whatever happens.
    Fixed(u32),
}

impl Sampling {
    pub fn describe(self) -> String {
        match self {
            Sampling::Adaptive => "adaptive 5-10 s moving, 30-60 s still".into(),
            Sampling::Fixed(n) => format!("fixed {n} s"),
        }
    }
}

/// How one device behaves.
#[derive(Clone, Debug)]
pub struct Phone {
    pub device_id: String,
    pub sampling: Sampling,
    /// What its satellite fixes are labelled: `gps` (raw LocationManager)
    /// or `fused` (Play services).
    pub provider: Provider,
}

#[derive(Default, Debug, Clone, Copy)]
pub struct Counts {
    pub network: u32,
    pub multipath: u32,
}

/// Samples `track` the way `phone` would; fixes are in time order.
pub fn record(track: &Track, phone: &Phone, knobs: &Knobs, dice: &mut Dice) -> (Vec<Fix>, Counts) {
    let mut fixes = Vec::new();
    let mut counts = Counts::default();
    let end = track.now_ms();
    let mut t = track.t0_ms + dice.int(0, 999);
    let (mut ex, mut ey) = (0.0_f64, 0.0_f64);
    let mut last_t: Option<i64> = None;
    let mut jump: Option<(u32, f64, f64)> = None; // fixes left, east, north
    let urban = dice.range(7.5, 13.0);
    while t <= end {
        let k = track.index_at(t);
        let s = track.samples[k];
        if !s.no_signal {
            let truth = track.pos_at(t);
            let dt = last_t.map_or(1e9, |l| (t - l) as f64 / 1000.0);
            last_t = Some(t);
            let (r68, tau, network_p) = match s.env {
                Env::OpenSky => (dice.range(4.0, 6.0), 20.0, 0.0),
                Env::Urban => (urban * dice.range(0.9, 1.1), 20.0, 0.0),
                Env::Indoor {
                    wander_m,
                    tau_s,
                    network_p,
                } => (f64::from(wander_m), f64::from(tau_s), f64::from(network_p)),
            };
            let indoor = matches!(s.env, Env::Indoor { .. });
            let mut fix = Fix {
                device_id: phone.device_id.clone(),
                t_ms: t,
                lat: truth.lat,
                lon: truth.lon,
                accuracy_m: 0.0,
                speed_mps: None,
                bearing_deg: None,
                altitude_m: None,
                provider: phone.provider,
                mock: false,
            };
            if knobs.noise && dice.chance(network_p) {
                // Network fix: independent error, honest accuracy.
                let r = if dice.chance(0.95) {
                    dice.range(40.0, 110.0)
                } else {
                    dice.range(250.0, 600.0)
                };
                let p = offset(
                    truth,
                    dice.normal() * r / R68_PER_SIGMA,
                    dice.normal() * r / R68_PER_SIGMA,
                );
                (fix.lat, fix.lon) = (p.lat, p.lon);
                fix.accuracy_m = (r * dice.range(0.9, 1.1)).clamp(40.0, 600.0);
                fix.provider = Provider::Network;
                counts.network += 1;
            } else {
                // Satellite/fused fix: AR(1) error with correlation time τ.
                let phi = (-dt / tau).exp();
                let sigma = r68 / R68_PER_SIGMA;
                let fresh = (1.0 - phi * phi).sqrt() * sigma;
                ex = phi * ex + fresh * dice.normal();
                ey = phi * ey + fresh * dice.normal();
                let norm = ex.hypot(ey);
                if norm > 2.0 * r68 {
                    (ex, ey) = (ex * 2.0 * r68 / norm, ey * 2.0 * r68 / norm);
                }
                fix.accuracy_m = r68 * dice.range(0.8, 1.25);
                let (mut e, mut n) = (ex, ey);
                if jump.is_none() && s.env != Env::OpenSky && dice.chance(knobs.multipath_p) {
                    let (dx, dy) = dice.direction();
                    let d = dice.range(100.0, 300.0);
                    jump = Some((dice.int(1, 3) as u32, dx * d, dy * d));
                    counts.multipath += 1;
                }
                if let Some((left, je, jn)) = jump {
                    e += je;
                    n += jn;
                    fix.accuracy_m = dice.range(8.0, 15.0);
                    jump = (left > 1).then_some((left - 1, je, jn));
                }
                if knobs.noise {
                    let p = offset(truth, e, n);
                    (fix.lat, fix.lon) = (p.lat, p.lon);
                }
                // Doppler speed is good even when the position is not.
                let v = f64::from(s.speed_mps);
                fix.speed_mps = if indoor && dice.chance(0.5) {
                    None
                } else {
                    Some((v + 0.3 * dice.normal()).max(0.0))
                };
                if v > 1.0 {
                    fix.bearing_deg =
                        Some((f64::from(s.bearing_deg) + 4.0 * dice.normal()).rem_euclid(360.0));
                }
                let floor = if indoor { 8.0 } else { 0.0 };
                fix.altitude_m = Some(5.0 + floor + 6.0 * dice.normal());
            }
            fix.accuracy_m = (fix.accuracy_m * 10.0).round() / 10.0;
            fixes.push(fix);
        }
        t += next_interval(track, k, phone.sampling, dice);
    }
    (fixes, counts)
}

/// Milliseconds until the next fix.
fn next_interval(track: &Track, k: usize, sampling: Sampling, dice: &mut Dice) -> i64 {
    match sampling {
        Sampling::Fixed(n) => i64::from(n) * 1000 + dice.int(-300, 300),
        Sampling::Adaptive => {
            // "Still" once the true speed has been ~0 for a minute.
            let from = k.saturating_sub(60);
            let still = track.samples[from..=k].iter().all(|s| s.speed_mps < 0.3) && k >= 60;
            if !still {
                return dice.int(5000, 10_000);
            }
            let wait = dice.int(30_000, 60_000);
            // The motion sensor wakes the app 5–15 s after movement starts.
            let horizon = (k + (wait / 1000) as usize).min(track.samples.len() - 1);
            match (k + 1..=horizon).find(|&i| track.samples[i].speed_mps >= 0.3) {
                Some(i) => (1000 * (i - k) as i64 + dice.int(5000, 15_000)).min(wait),
                None => wait,
            }
        }
    }
}
