//! The full pipeline for one device's prepared fixes: clean → stops → trips → mileage.

use crate::clean::{accuracy, clean_into, origin};
use crate::config::Config;
use crate::fix::{Fix, Provider, Rejection};
use crate::mileage::{End, Knot, Obs, Smoother};
use crate::motion;
use crate::project::Projection;
use crate::stops::{Pt, Span, find_stops};

/// A place the device stayed at for at least `min_stop_ms`.
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// Arrival and departure; each lies between the last fix outside and the first fix
    /// inside the stop (half-way, at most `stop_edge_pad_ms` from the fix).
    pub start_ms: i64,
    pub end_ms: i64,
    /// Accuracy-weighted centre of the stop's kept fixes (WGS-84).
    pub lat: f64,
    pub lon: f64,
    /// Root-mean-square distance of the stop's kept fixes from the centre.
    pub radius_m: f64,
    /// Fixes that support the stop, including coarse presence-only fixes.
    pub fixes: u32,
}

/// Movement between two stops (or before the first / after the last).
#[derive(Clone, Debug, PartialEq)]
pub struct Trip {
    pub start_ms: i64,
    pub end_ms: i64,
    pub distance_m: f64,
}

/// No kept fix for longer than `gap_ms`: between the fixes on either side.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub start_ms: i64,
    pub end_ms: i64,
}

/// Everything [`analyze`] derives from one device's fixes.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub stops: Vec<Stop>,
    pub trips: Vec<Trip>,
    /// Periods with no kept fix for more than `cfg.gap_ms`.
    pub gaps: Vec<Gap>,
    /// Total trip distance.
    pub mileage_m: f64,
    pub first_fix_ms: Option<i64>,
    pub last_fix_ms: Option<i64>,
    pub kept: usize,
    pub rejected: usize,
    /// Cumulative trip distance as a function of time (linear between knots, flat during
    /// stops and before/after the trips); what [`crate::mileage_within`] clips. Empty when
    /// there are no trips.
    pub odometer: Vec<Knot>,
}

/// Per-axis standard deviation from Android's 68 % radius (for a 2-D Gaussian the 68 %
/// radius is ≈1.5 σ).
fn sigma(acc: f64) -> f64 {
    (acc / 1.5).max(1.5)
}

/// Full pipeline on a prepared slice (one device): clean → stops → trips → mileage.
pub fn analyze(fixes: &[Fix], now_ms: i64, cfg: &Config) -> Analysis {
    let proj = origin(fixes);
    let xy: Vec<(f64, f64)> = fixes.iter().map(|f| proj.xy(f.lat, f.lon)).collect();
    let mut verdicts = vec![None; fixes.len()];
    clean_into(fixes, &xy, &proj, now_ms, cfg, &mut verdicts);

    let mut pts = Vec::with_capacity(fixes.len());
    let mut kept = 0;
    for ((f, &(x, y)), v) in fixes.iter().zip(&xy).zip(&verdicts) {
        let presence = match v {
            None => false,
            Some(Rejection::Inaccurate) if f.accuracy_m <= cfg.presence_max_accuracy_m => true,
            _ => continue,
        };
        kept += usize::from(!presence);
        let speed = motion::trusted_speed(f, cfg);
        let trusted = speed.is_some();
        let v = speed.unwrap_or(f32::NAN);
        pts.push(Pt {
            t: f.t_ms,
            x,
            y,
            acc: accuracy(f, cfg),
            presence,
            network: f.provider == Provider::Network,
            v,
            brg: if trusted { f.bearing_deg } else { f32::NAN },
        });
    }
    drop(xy);

    let mut gaps = Vec::new();
    let mut first_fix_ms = None;
    let mut last_fix_ms: Option<i64> = None;
    for p in pts.iter().filter(|p| !p.presence) {
        if let Some(prev) = last_fix_ms
            && p.t - prev > cfg.gap_ms
        {
            gaps.push(Gap {
                start_ms: prev,
                end_ms: p.t,
            });
        }
        first_fix_ms.get_or_insert(p.t);
        last_fix_ms = Some(p.t);
    }

    let mut spans = Vec::new();
    find_stops(&pts, cfg, &mut spans);
    let (trips, odometer, mileage_m) = trips(&pts, &spans, &proj, cfg);

    let stops = spans
        .iter()
        .map(|s| {
            let (lat, lon) = proj.latlon(s.cx, s.cy);
            Stop {
                start_ms: s.start_ms,
                end_ms: s.end_ms,
                lat,
                lon,
                radius_m: s.ms.sqrt(),
                fixes: s.fixes,
            }
        })
        .collect();

    Analysis {
        stops,
        trips,
        gaps,
        mileage_m,
        first_fix_ms,
        last_fix_ms,
        kept,
        rejected: fixes.len() - kept,
        odometer,
    }
}

/// The trips around and between stops, their distances and the odometer.
fn trips(
    pts: &[Pt],
    spans: &[Span],
    proj: &Projection,
    cfg: &Config,
) -> (Vec<Trip>, Vec<Knot>, f64) {
    let mut trips = Vec::with_capacity(spans.len() + 1);
    let mut knots = Vec::new();
    let mut smoother = Smoother::default();
    let mut obs = Vec::new();
    let mut total = 0.0;

    // Segment k runs from the end of stop k-1 (or the first fix) to the start of stop k
    // (or the last fix).
    for k in 0..=spans.len() {
        let before = k.checked_sub(1).map(|i| &spans[i]);
        let after = spans.get(k);
        // A stop centre averages its fixes, but indoor drift is correlated over minutes,
        // so the average of a dwell holds about one independent error per correlation
        // time (`stop_drift_tau_ms`), not one per fix.
        let end = |t: i64, s: &Span| {
            let n = ((s.end_ms - s.start_ms) as f64 / cfg.stop_drift_tau_ms.max(1) as f64).max(1.0);
            End {
                t,
                x: s.cx,
                y: s.cy,
                var: s.ms / 2.0 / n,
            }
        };
        let from = before.map(|s| end(s.end_ms, s));
        let to = after.map(|s| end(s.start_ms, s));
        let lo = before.map_or(0, |s| s.last + 1);
        let hi = after.map_or(pts.len(), |s| s.first);
        obs.clear();
        for p in pts.get(lo..hi).unwrap_or(&[]) {
            // Stop edges sit strictly between fixes; the guard keeps that true whatever.
            let after_from = from.is_none_or(|f| p.t > f.t);
            let before_to = to.is_none_or(|e| p.t < e.t);
            if !p.presence && !p.network && after_from && before_to {
                obs.push(Obs {
                    t: p.t,
                    x: p.x,
                    y: p.y,
                    sigma: sigma(p.acc),
                    v: p.v,
                    brg: p.brg,
                });
            }
        }
        let ends = usize::from(from.is_some()) + usize::from(to.is_some());
        if obs.len() + ends < 2 {
            continue;
        }
        let start_ms = from.map_or_else(|| obs[0].t, |f| f.t);
        let end_ms = to.map_or_else(|| obs[obs.len() - 1].t, |e| e.t);
        let d = smoother.distance(&obs, [from, to], proj, cfg, total, &mut knots);
        total += d;
        trips.push(Trip {
            start_ms,
            end_ms,
            distance_m: d,
        });
    }
    (trips, knots, total)
}
