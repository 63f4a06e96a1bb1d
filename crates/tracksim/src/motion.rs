//! The true movement of one person, second by second.
//!
//! A [`Track`] is a 1 Hz list of [`Sample`]s: where the person really is, how
//! fast they move, what sky the phone sees, and a cumulative odometer. The
//! odometer advances by exactly the distance travelled along the path's
//! straight pieces, so the truth mileage between two instants is a
//! difference of odometer readings.
//!
//! Driving uses a simple longitudinal model: accelerate at 1.5 m/s², brake
//! at 2 m/s² in time for corners (4–6 m/s), red lights (full stop, 30–120 s),
//! congestion (crawl at 1–3 m/s) and the destination.

use crate::geo::{LatLon, bearing_deg, haversine_m, lerp};
use crate::rng::Dice;

const ACCEL: f64 = 1.5;
const DECEL: f64 = 2.0;

/// What the phone's receiver sees; decides the error model of a fix.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Env {
    /// Wide arterials: about 5 m.
    OpenSky,
    /// Side streets, walking between tall buildings: 7–13 m.
    Urban,
    /// Inside a building: the fused fix wanders (`wander_m` is its 68 %
    /// radius, `tau_s` its correlation time) and some fixes are network
    /// fixes (`network_p`).
    Indoor {
        wander_m: f32,
        tau_s: f32,
        network_p: f32,
    },
}

#[derive(Clone, Copy, Debug)]
pub struct Sample {
    pub pos: LatLon,
    /// Cumulative true distance since the track started, metres.
    pub odo_m: f64,
    pub speed_mps: f32,
    pub bearing_deg: f32,
    pub env: Env,
    /// No satellite or network signal: tunnel, basement, killed app.
    pub no_signal: bool,
}

/// A traffic-light wait, kept so tests can check it is never a "stop".
#[derive(Clone, Copy, Debug)]
pub struct Wait {
    pub start_ms: i64,
    pub end_ms: i64,
}

pub struct Track {
    /// Instant of `samples[0]`; sample `k` is at `t0_ms + 1000 k`.
    pub t0_ms: i64,
    pub samples: Vec<Sample>,
    /// Every polyline travelled, in order (for checking the odometer).
    pub legs: Vec<Vec<LatLon>>,
    pub lights: Vec<Wait>,
}

/// One stretch of road with its speed cap and sky.
pub struct Piece {
    pub to: LatLon,
    pub cap_mps: f64,
    pub env: Env,
    /// Red light at the end of this piece: wait this many seconds.
    pub red_s: u32,
}

impl Track {
    pub fn new(t0_ms: i64, at: LatLon, env: Env) -> Track {
        let first = Sample {
            pos: at,
            odo_m: 0.0,
            speed_mps: 0.0,
            bearing_deg: 0.0,
            env,
            no_signal: false,
        };
        Track {
            t0_ms,
            samples: vec![first],
            legs: Vec::new(),
            lights: Vec::new(),
        }
    }

    pub fn now_ms(&self) -> i64 {
        self.t0_ms + 1000 * (self.samples.len() as i64 - 1)
    }

    pub fn last(&self) -> Sample {
        *self.samples.last().expect("a track has a first sample")
    }

    /// Index of the sample at or just before `t_ms`, clamped to the track.
    pub fn index_at(&self, t_ms: i64) -> usize {
        let k = (t_ms - self.t0_ms).div_euclid(1000).max(0) as usize;
        k.min(self.samples.len() - 1)
    }

    /// Odometer at any instant, interpolated within the second.
    pub fn odo_at(&self, t_ms: i64) -> f64 {
        let (a, b, f) = self.bracket(t_ms);
        a.odo_m + (b.odo_m - a.odo_m) * f
    }

    /// True position at any instant, interpolated within the second.
    pub fn pos_at(&self, t_ms: i64) -> LatLon {
        let (a, b, f) = self.bracket(t_ms);
        lerp(a.pos, b.pos, f)
    }

    fn bracket(&self, t_ms: i64) -> (Sample, Sample, f64) {
        let k = self.index_at(t_ms);
        let a = self.samples[k];
        let b = self.samples[(k + 1).min(self.samples.len() - 1)];
        let f = ((t_ms - self.t0_ms - 1000 * k as i64) as f64 / 1000.0).clamp(0.0, 1.0);
        (a, b, f)
    }

    /// Stay put for `secs` seconds.
    pub fn dwell(&mut self, secs: i64, env: Env) {
        let mut s = self.last();
        s.speed_mps = 0.0;
        s.env = env;
        for _ in 0..secs {
            self.samples.push(s);
        }
    }

    /// Walk along `path` (starting at the current position) at `speed`.
    pub fn walk(&mut self, path: &[LatLon], speed: f64) {
        let pieces: Vec<Piece> = path
            .iter()
            .skip(1)
            .map(|&to| Piece {
                to,
                cap_mps: speed,
                env: Env::Urban,
                red_s: 0,
            })
            .collect();
        self.travel(&pieces, speed, None, None);
    }

    /// Drive along `pieces`; `crawl` is an optional congested stretch
    /// `(from_m, to_m, speed)` measured from the start of the drive.
    pub fn drive(&mut self, pieces: &[Piece], crawl: Option<(f64, f64, f64)>, dice: &mut Dice) {
        let turn_speed = dice.range(4.0, 6.0);
        self.travel(pieces, ACCEL, Some(turn_speed), crawl);
    }

    /// Shared kinematics. `accel` large (≥ speed) means walking: no ramp.
    fn travel(
        &mut self,
        pieces: &[Piece],
        accel: f64,
        turn: Option<f64>,
        crawl: Option<(f64, f64, f64)>,
    ) {
        let start = self.last().pos;
        let mut pts = vec![start];
        pts.extend(pieces.iter().map(|p| p.to));
        let mut cum = vec![0.0];
        for w in pts.windows(2) {
            cum.push(cum.last().copied().unwrap_or(0.0) + haversine_m(w[0], w[1]));
        }
        let total = *cum.last().expect("at least the start");
        // Speed limits at points along the way: (distance from start, speed).
        let mut limits: Vec<(f64, f64, u32)> = Vec::new();
        for k in 1..pts.len() - 1 {
            let red = pieces[k - 1].red_s;
            let mut lim = pieces[k].cap_mps.min(pieces[k - 1].cap_mps);
            if let Some(turn) = turn {
                let b0 = bearing_deg(pts[k - 1], pts[k]);
                let b1 = bearing_deg(pts[k], pts[k + 1]);
                let change = (b1 - b0).rem_euclid(360.0);
                if change.min(360.0 - change) > 30.0 {
                    lim = lim.min(turn);
                }
            }
            if red > 0 {
                lim = 0.0;
            }
            limits.push((cum[k], lim, red));
        }
        if let Some((from, _, speed)) = crawl {
            limits.push((from, speed, 0));
        }
        limits.push((total, 0.0, 0));
        limits.sort_by(|a, b| a.0.total_cmp(&b.0));

        let cap_at = |s: f64, seg: usize| {
            let mut cap = pieces[seg].cap_mps;
            if let Some((from, to, speed)) = crawl
                && (from..to).contains(&s)
            {
                cap = cap.min(speed);
            }
            cap
        };

        let odo0 = self.last().odo_m;
        let (mut s, mut v, mut seg, mut next_limit) = (0.0_f64, 0.0_f64, 0usize, 0usize);
        while s < total - 1e-6 {
            while seg + 1 < pieces.len() && cum[seg + 1] <= s {
                seg += 1;
            }
            while next_limit < limits.len() && limits[next_limit].0 < s - 1e-9 {
                next_limit += 1;
            }
            let mut allowed = cap_at(s, seg);
            let mut hard_stop = total;
            for &(at, lim, _) in &limits[next_limit..] {
                let d = at - s;
                if d > 400.0 {
                    break;
                }
                allowed = allowed.min((lim * lim + 2.0 * DECEL * d).sqrt());
                if lim == 0.0 {
                    hard_stop = hard_stop.min(at);
                    break;
                }
            }
            let v_new = (v + accel).min(allowed).max(0.0);
            let mut s_new = s + 0.5 * (v + v_new);
            let mut v_end = v_new;
            let mut wait = 0;
            if s_new >= hard_stop - 1e-9 {
                s_new = hard_stop;
                v_end = 0.0;
                // Consume the red light we just reached.
                if let Some(l) = limits[next_limit..]
                    .iter_mut()
                    .find(|l| l.0 == hard_stop && l.1 == 0.0)
                {
                    wait = l.2;
                    l.1 = f64::INFINITY;
                }
            }
            let f_seg = {
                let mut k = seg;
                while k + 1 < pieces.len() && cum[k + 1] < s_new {
                    k += 1;
                }
                k
            };
            let len = cum[f_seg + 1] - cum[f_seg];
            let f = if len > 0.0 {
                (s_new - cum[f_seg]) / len
            } else {
                1.0
            };
            self.samples.push(Sample {
                pos: lerp(pts[f_seg], pts[f_seg + 1], f.clamp(0.0, 1.0)),
                odo_m: odo0 + s_new,
                speed_mps: (s_new - s) as f32,
                bearing_deg: bearing_deg(pts[f_seg], pts[f_seg + 1]) as f32,
                env: pieces[f_seg].env,
                no_signal: false,
            });
            if wait > 0 {
                let start_ms = self.now_ms();
                self.dwell(i64::from(wait), pieces[f_seg].env);
                self.lights.push(Wait {
                    start_ms,
                    end_ms: self.now_ms(),
                });
            }
            s = s_new;
            v = v_end;
        }
        self.legs.push(pts);
    }
}
