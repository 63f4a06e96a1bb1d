//! Trip distance: a constant-velocity Kalman filter with Rauch–Tung–Striebel smoothing over
//! each trip, then distance counted in steps of at least `min_step_m`.
//!
//! Why both: summing raw fix-to-fix distances turns every metre of position noise
//! perpendicular to the road into distance (≈ σ²/2L per step of length L), which at 1 Hz
//! and city speeds is several per cent. The smoother averages that noise over a few
//! seconds without the systematic corner-cutting of decimation (its model accepts
//! manoeuvres of ~1–2 m/s² at `accel_psd` = 2). What it cannot remove is slow,
//! autocorrelated wander while the phone waits at a light; the minimum step makes that
//! wander count only once it is a real displacement. At 30 s sampling the filter's
//! uncertainty between fixes is hundreds of metres, so it passes through the fixes and
//! the result is the plain polyline. Network-provider (Wi-Fi/cell) fixes never enter: they
//! hop between access-point and tower positions and prove presence, not movement. Trips
//! start and end at stop centres, joined to the smoothed track by straight lines.
//!
//! Where both ends of an interval carry a trusted Doppler speed (satellite fixes; see
//! `Config::speed_max_accuracy_m`), the interval's length is the speed integrated over
//! time, checked against the positions: at least the straight line, at most the line
//! times the turn the reported headings allow, each up to the line's own noise
//! (`Smoother::speed_leg`). Positions alone cannot see the corners a 30 s sampling
//! interval cuts (≈ 3 % of the distance); the speed can. Intervals without speed on both
//! ends keep the position rule above. A straight line longer than any vehicle could
//! cover between the two reported speeds (`Config::max_accel_mps2`) proves a position
//! wrong (multipath claiming good accuracy), and the speed integral stands.
//!
//! The straight legs joining a trip to a stop centre are shortened by their expected
//! share of noise (the fix's and the centre's variance): most are a few metres' walk
//! from the kerb measured against a centre that indoor drift puts metres to tens of
//! metres off, and would otherwise add that noise at every stop.
//!
//! A signal gap is bridged by the straight line between
//! the fixes on either side (× `gap_detour_factor`). x and y are independent with the same
//! noise, so one 2×2 covariance serves both axes: ~40 flops per fix per pass.

use crate::config::Config;
use crate::project::Projection;

/// One point of a trip: time, projected position and the per-axis standard deviation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Obs {
    pub t: i64,
    pub x: f64,
    pub y: f64,
    pub sigma: f64,
    /// Trusted reported speed (m/s), NaN if none (see `Config::speed_max_accuracy_m`).
    pub v: f32,
    /// Reported bearing (degrees clockwise from north) when `v` is trusted; else NaN.
    pub brg: f32,
}

/// One end of a leg joining a trip to a stop: time, projected position and the per-axis
/// variance of that position (a stop centre's, or a fix's).
#[derive(Clone, Copy, Debug)]
pub(crate) struct End {
    pub t: i64,
    pub x: f64,
    pub y: f64,
    pub var: f64,
}

impl End {
    fn fix(o: &Obs, x: f64, y: f64) -> End {
        End {
            t: o.t,
            x,
            y,
            var: o.sigma * o.sigma,
        }
    }
}

/// Filter state after a fix, and the predicted covariance that led to it.
#[derive(Clone, Copy, Default)]
struct State {
    dt: f64,
    px: f64,
    vx: f64,
    py: f64,
    vy: f64,
    p00: f64,
    p01: f64,
    p11: f64,
    q00: f64,
    q01: f64,
    q11: f64,
}

/// Scratch space reused across trips so the hot path never allocates per fix.
#[derive(Default)]
pub(crate) struct Smoother {
    states: Vec<State>,
}

/// A knot of the odometer: cumulative trip distance at an instant. Between knots the
/// odometer is linear in time; during stops it is flat.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Knot {
    pub t_ms: i64,
    pub odometer_m: f64,
}

/// Prior speed uncertainty at the start of a trip (per axis).
const V0_SIGMA: f64 = 30.0;

impl Smoother {
    /// Distance of one trip; appends its odometer knots starting at `base`.
    ///
    /// `obs` are the trip's own fixes (time-ordered); `ends` are the stop centres it
    /// leaves and reaches, with the stop edge times. The centres are joined to the smoothed
    /// track by straight lines outside the filter: the departure is often 20–100 m from the
    /// centre one second after the stop's edge, which a motion model would (rightly, for a
    /// single fix) refuse to believe and shorten.
    pub(crate) fn distance(
        &mut self,
        obs: &[Obs],
        ends: [Option<End>; 2],
        proj: &Projection,
        cfg: &Config,
        base: f64,
        knots: &mut Vec<Knot>,
    ) -> f64 {
        let [from, to] = ends;
        let mut total = 0.0;
        let mut push = |t: i64, total: f64| {
            knots.push(Knot {
                t_ms: t,
                odometer_m: base + total,
            })
        };
        let mut prev = from.inspect(|e| push(e.t, 0.0));
        let factor = if cfg.gap_detour_factor.is_finite() {
            cfg.gap_detour_factor.max(1.0)
        } else {
            1.0
        };
        // A leg to or from a stop centre: the straight line less its expected share of
        // the two ends' noise (E[line²] = true² + 2(σa² + σb²)). The legs are often a few
        // metres (a walk from the kerb) against a centre that indoor drift puts 10–30 m
        // off; counted raw, that noise is 20–40 m per stop, ~0.5 % of a day.
        let leg = |prev: &Option<End>, e: End| match prev {
            Some(p) => {
                let c = proj.dist((p.x, p.y), (e.x, e.y));
                let d = (c * c - 2.0 * (p.var + e.var)).max(0.0).sqrt();
                if e.t - p.t > cfg.gap_ms {
                    d * factor
                } else {
                    d
                }
            }
            None => 0.0,
        };

        if !obs.is_empty() {
            self.smooth(obs, cfg.accel_psd.max(0.0));
            let min_step = cfg.min_step_m.max(0.0);
            let s0 = &self.states[0];
            total += leg(&prev, End::fix(&obs[0], s0.px, s0.py));
            push(obs[0].t, total);
            let mut anchor = 0;
            let mut gap_since_anchor = false;
            let last = obs.len() - 1;
            for k in 1..obs.len() {
                let gap = obs[k].t - obs[k - 1].t > cfg.gap_ms;
                if !gap && obs[k - 1].v >= 0.0 && obs[k].v >= 0.0 {
                    // Both ends report a trusted speed: the path between them, from the
                    // speed with the positions as bounds. Any displacement pending since
                    // the anchor is below the minimum step, i.e. noise, and is dropped.
                    total += self.speed_leg(obs, k - 1, k, proj, cfg);
                    push(obs[k].t, total);
                    anchor = k;
                    gap_since_anchor = false;
                    continue;
                }
                gap_since_anchor |= gap;
                let (a, b) = (&self.states[anchor], &self.states[k]);
                let d = proj.dist((a.px, a.py), (b.px, b.py));
                // The last fix always closes the trip.
                if d >= min_step || k == last {
                    total += if gap_since_anchor { d * factor } else { d };
                    push(obs[k].t, total);
                    anchor = k;
                    gap_since_anchor = false;
                }
            }
            let s = &self.states[last];
            prev = Some(End::fix(&obs[last], s.px, s.py));
        }
        if let Some(e) = to {
            total += leg(&prev, e);
            push(e.t, total);
        }
        total
    }

    /// Path length between consecutive fixes `a` and `b` that both report a trusted speed.
    ///
    /// Two kinds of evidence, each wrong in its own way:
    /// - the speed integrated over time (trapezoid) follows the road round corners that a
    ///   straight line between sparse fixes cuts, and is precise between dense fixes, but
    ///   overshoots whenever the vehicle slowed between the fixes (a red light, a corner)
    ///   and undershoots when it was faster in between than at both ends;
    /// - the positions bound the path: never shorter than the straight line between them,
    ///   never longer than that line times the detour the reported headings allow (one
    ///   turn where the two heading lines meet; at most `max_detour`). But the line is
    ///   noisy by about √(σa² + σb²), which between dense fixes 50 m apart is several per
    ///   cent.
    ///
    /// So the speed integral stands unless it breaks a bound by more than
    /// `speed_bound_sigmas` times that noise; then the bound stands. Clipping at the bare
    /// bounds instead would turn every metre of position noise into a bias (the integral
    /// is cut whenever noise shortens the line, raised whenever noise lengthens it). A red
    /// light between fixes 30 s apart on a straight road therefore counts the straight
    /// line, a corner cut by sparse sampling counts its two legs, and dense driving counts
    /// the Doppler speed.
    fn speed_leg(&self, obs: &[Obs], a: usize, b: usize, proj: &Projection, cfg: &Config) -> f64 {
        let (oa, ob) = (&obs[a], &obs[b]);
        let (sa, sb) = (&self.states[a], &self.states[b]);
        let c = proj.dist((sa.px, sa.py), (sb.px, sb.py));
        let floor = cfg.speed_floor_mps;
        let speed = |v: f32| {
            let v = f64::from(v);
            if v >= floor { v } else { 0.0 }
        };
        let dt = (ob.t - oa.t) as f64 / 1000.0;
        let s = 0.5 * (speed(oa.v) + speed(ob.v)) * dt;
        let var = oa.sigma * oa.sigma + ob.sigma * ob.sigma;
        let slack = cfg.speed_bound_sigmas.max(0.0) * var.sqrt();
        if s < c - slack {
            if c - slack > reach(speed(oa.v), speed(ob.v), dt, cfg) {
                // No vehicle gets that far between these speeds: a position is wrong
                // (multipath), the Doppler speeds are not.
                return s;
            }
            // Faster in between than at the ends: the straight line, less its expected
            // share of noise (E[line²] = true² + 2(σa² + σb²)).
            return (c * c - 2.0 * var).max(0.0).sqrt().max(s);
        }
        if s <= c + slack {
            return s;
        }
        let max = if cfg.max_detour.is_finite() {
            cfg.max_detour.max(1.0)
        } else {
            1.0
        };
        let longest = c * detour(
            (sb.px - sa.px, sb.py - sa.py),
            heading(oa.brg, oa.v, floor),
            heading(ob.brg, ob.v, floor),
            max,
        );
        if s <= longest + slack { s } else { longest }
    }

    /// Forward Kalman filter then RTS smoothing; smoothed positions end up in `states`.
    fn smooth(&mut self, obs: &[Obs], q: f64) {
        self.states.clear();
        let o = &obs[0];
        let r0 = o.sigma * o.sigma;
        let mut s = State {
            px: o.x,
            py: o.y,
            p00: r0,
            p11: V0_SIGMA * V0_SIGMA,
            ..State::default()
        };
        self.states.push(s);
        for pair in obs.windows(2) {
            let o = &pair[1];
            let dt = ((o.t - pair[0].t) as f64 / 1000.0).max(0.0);
            // Predict.
            let q00 = s.p00 + dt * (2.0 * s.p01 + dt * s.p11) + q * dt * dt * dt / 3.0;
            let q01 = s.p01 + dt * s.p11 + q * dt * dt / 2.0;
            let q11 = s.p11 + q * dt;
            let (px, py) = (s.px + dt * s.vx, s.py + dt * s.vy);
            // Update with the fix.
            let r = o.sigma * o.sigma;
            let inv = 1.0 / (q00 + r);
            let (k0, k1) = (q00 * inv, q01 * inv);
            let (ix, iy) = (o.x - px, o.y - py);
            s = State {
                dt,
                px: px + k0 * ix,
                vx: s.vx + k1 * ix,
                py: py + k0 * iy,
                vy: s.vy + k1 * iy,
                p00: (1.0 - k0) * q00,
                p01: (1.0 - k0) * q01,
                p11: q11 - k1 * q01,
                q00,
                q01,
                q11,
            };
            self.states.push(s);
        }
        // Backward: x_s[k] = x_f[k] + C (x_s[k+1] − F x_f[k]), C = P_f Fᵀ P_pred⁻¹.
        for k in (0..self.states.len() - 1).rev() {
            let n = self.states[k + 1];
            let f = &mut self.states[k];
            let dt = n.dt;
            let det = n.q00 * n.q11 - n.q01 * n.q01;
            if det.is_nan() || det <= 1e-12 {
                continue;
            }
            // P_f Fᵀ
            let a00 = f.p00 + dt * f.p01;
            let a01 = f.p01;
            let a10 = f.p01 + dt * f.p11;
            let a11 = f.p11;
            let (i00, i01, i11) = (n.q11 / det, -n.q01 / det, n.q00 / det);
            let c00 = a00 * i00 + a01 * i01;
            let c01 = a00 * i01 + a01 * i11;
            let c10 = a10 * i00 + a11 * i01;
            let c11 = a10 * i01 + a11 * i11;
            let (ex, evx) = (n.px - (f.px + dt * f.vx), n.vx - f.vx);
            let (ey, evy) = (n.py - (f.py + dt * f.vy), n.vy - f.vy);
            f.px += c00 * ex + c01 * evx;
            f.vx += c10 * ex + c11 * evx;
            f.py += c00 * ey + c01 * evy;
            f.vy += c10 * ey + c11 * evy;
        }
    }
}

/// The farthest a vehicle gets in `dt` seconds starting at speed `va` and ending at `vb`
/// (m/s) when its speed changes by at most `cfg.max_accel_mps2`: speed up, then brake,
/// never above `cfg.max_speed_mps`. Speeds the rate cannot join (a speed outlier) give
/// infinity: no bound.
pub(crate) fn reach(va: f64, vb: f64, dt: f64, cfg: &Config) -> f64 {
    let a = cfg.max_accel_mps2;
    if a.is_nan() || a <= 0.0 || dt <= 0.0 || (vb - va).abs() > a * dt {
        return f64::INFINITY;
    }
    // Peak where the two ramps meet: va + a·t1 = vb + a·(dt − t1).
    let t1 = (vb - va + a * dt) / (2.0 * a);
    let peak = va + a * t1;
    let cap = cfg.max_speed_mps.max(va.max(vb));
    if peak <= cap {
        return 0.5 * (va + peak) * t1 + 0.5 * (peak + vb) * (dt - t1);
    }
    // Ramp to the cap, cruise, ramp down.
    let (up, down) = ((cap - va) / a, (cap - vb) / a);
    0.5 * (va + cap) * up + cap * (dt - up - down) + 0.5 * (cap + vb) * down
}

/// Unit heading (east, north) of a fix moving at `v` ≥ `floor` with a known bearing.
#[inline]
fn heading(brg: f32, v: f32, floor: f64) -> Option<(f64, f64)> {
    if brg.is_finite() && f64::from(v) >= floor {
        let (sin, cos) = f64::from(brg).to_radians().sin_cos();
        Some((sin, cos))
    } else {
        None
    }
}

/// How much longer than the chord `d` the path can be, given the headings at its ends
/// (at most `max`). Both known and converging: one turn where the two heading lines
/// meet (the triangle's two legs over the chord). Otherwise a turn symmetric to the
/// known heading's angle with the chord, 1 / cos(angle): a heading along the chord says
/// the road is straight. No heading: `max`.
fn detour(d: (f64, f64), ha: Option<(f64, f64)>, hb: Option<(f64, f64)>, max: f64) -> f64 {
    let c = d.0.hypot(d.1);
    if c <= 1e-9 {
        return 1.0;
    }
    let cross = |a: (f64, f64), b: (f64, f64)| a.0 * b.1 - a.1 * b.0;
    let cos = |h: (f64, f64)| (h.0 * d.0 + h.1 * d.1) / c;
    let ratio = match (ha, hb) {
        (Some(u), Some(w)) => {
            let uw = cross(u, w);
            // a + s·u + t·w = b with s, t ≥ 0: the corner where the headings meet.
            let (s, t) = if uw.abs() > 1e-3 {
                (cross(d, w) / uw, cross(u, d) / uw)
            } else {
                (-1.0, -1.0)
            };
            if s >= 0.0 && t >= 0.0 {
                (s + t) / c
            } else {
                let m = cos(u).min(cos(w));
                if m > 0.0 { 1.0 / m } else { max }
            }
        }
        (Some(h), None) | (None, Some(h)) => {
            let m = cos(h);
            if m > 0.0 { 1.0 / m } else { max }
        }
        (None, None) => max,
    };
    if ratio.is_finite() {
        ratio.clamp(1.0, max)
    } else {
        max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_is_the_speed_up_then_brake_profile() {
        let cfg = Config::default(); // 4 m/s²
        // 6 m/s at both ends over 5 s: up to 16 m/s half-way, 30 + 25 m.
        assert!((reach(6.0, 6.0, 5.0, &cfg) - 55.0).abs() < 1e-9);
        // From rest to rest in 10 s: peak 20 m/s, 100 m.
        assert!((reach(0.0, 0.0, 10.0, &cfg) - 100.0).abs() < 1e-9);
        // Capped at max_speed_mps over a long interval.
        let long = reach(0.0, 0.0, 600.0, &cfg);
        assert!(long < cfg.max_speed_mps * 600.0 && long > 0.9 * cfg.max_speed_mps * 600.0);
        // Speeds no acceleration joins: no bound.
        assert!(reach(0.0, 30.0, 2.0, &cfg).is_infinite());
    }

    #[test]
    fn impossible_chord_between_doppler_fixes_counts_the_speed() {
        // 10 m/s east for 5 s, but the second position 150 m away (multipath): no car gets
        // there between those speeds, so the leg is the 50 m the speed integrates to.
        let cfg = Config::default();
        let proj = Projection::new(31.2, 121.4);
        let o = |t: i64, x: f64| Obs {
            t,
            x,
            y: 0.0,
            sigma: 5.0,
            v: 10.0,
            brg: 90.0,
        };
        let obs = [o(0, 0.0), o(5000, 150.0)];
        let mut sm = Smoother::default();
        let mut knots = Vec::new();
        let d = sm.distance(&obs, [None, None], &proj, &cfg, 0.0, &mut knots);
        assert!((d - 50.0).abs() < 1.0, "{d}");
    }

    #[test]
    fn legs_to_a_stop_centre_lose_their_noise() {
        // A fix 10 m from a stop centre whose position is ±20 m uncertain: the straight
        // line is mostly noise and counts (almost) nothing; a 300 m leg barely changes.
        let cfg = Config::default();
        let proj = Projection::new(31.2, 121.4);
        let centre = End {
            t: 0,
            x: 0.0,
            y: 0.0,
            var: 400.0,
        };
        let o = |x: f64| Obs {
            t: 60_000,
            x,
            y: 0.0,
            sigma: 5.0,
            v: f32::NAN,
            brg: f32::NAN,
        };
        let mut sm = Smoother::default();
        let mut knots = Vec::new();
        let near = sm.distance(
            &[o(10.0)],
            [Some(centre), None],
            &proj,
            &cfg,
            0.0,
            &mut knots,
        );
        assert!(near < 1.0, "{near}");
        let far = sm.distance(
            &[o(300.0)],
            [Some(centre), None],
            &proj,
            &cfg,
            0.0,
            &mut knots,
        );
        assert!((far - 300.0).abs() < 3.0, "{far}");
    }
}
