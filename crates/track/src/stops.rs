//! Stop detection: gap-tolerant stay points around a running weighted centroid.
//!
//! A cluster grows while each kept fix lies within `stop_radius_m` of the cluster's
//! accuracy-weighted centroid, however long the silence between fixes (a 20-minute gap
//! inside a shop, with fixes before and after at the same place, is one stop). It is a
//! stop if it lasted `min_stop_ms`, counting half the interval to the neighbouring fixes
//! (capped) at each edge. Indoor drift that wanders past the radius for a short while is
//! an *excursion*, not a departure; a split that still happens is healed by merging
//! neighbouring stops at one place. Coarse fixes (cell, rejected as inaccurate) only prove
//! presence: they stretch a stop, never move its centre. One pass plus bounded look-ahead.

use crate::config::Config;

/// A usable fix in the local projection. `presence` fixes are too coarse for position.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pt {
    pub t: i64,
    pub x: f64,
    pub y: f64,
    pub acc: f64,
    pub presence: bool,
    /// Network (Wi-Fi/cell) positions locate a stop but never make distance.
    pub network: bool,
    /// Trusted reported speed (m/s) and bearing (degrees); NaN when not known.
    pub v: f32,
    pub brg: f32,
}

/// A detected stop in projected coordinates, with the indices of its first and last fix.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Span {
    pub first: usize,
    pub last: usize,
    pub start_ms: i64,
    pub end_ms: i64,
    pub cx: f64,
    pub cy: f64,
    /// Weighted mean square distance of the fixes from the centre.
    pub ms: f64,
    pub weight: f64,
    pub fixes: u32,
}

/// A fix's weight in a stop's centre: inverse variance, but every fix claiming better
/// than 20 m counts the same. At rest the error is slow drift (and the odd multipath fix
/// claiming ±10 m), not what the accuracy says; the weights only discount coarse Wi-Fi fixes.
#[inline]
fn weight(p: &Pt) -> f64 {
    let a = p.acc.clamp(20.0, 200.0);
    1.0 / (a * a)
}

/// Running weighted moments relative to the seed (small numbers, no cancellation).
struct Cluster {
    sx: f64,
    sy: f64,
    w: f64,
    wx: f64,
    wy: f64,
    wrr: f64,
}

impl Cluster {
    fn new(p: &Pt) -> Cluster {
        let mut c = Cluster {
            sx: p.x,
            sy: p.y,
            w: 0.0,
            wx: 0.0,
            wy: 0.0,
            wrr: 0.0,
        };
        c.add(p);
        c
    }

    /// The moments of the points that pass `keep`; `None` if none does.
    fn of(pts: &[Pt], keep: impl Fn(&Pt) -> bool) -> Option<Cluster> {
        let mut it = pts.iter().filter(|p| keep(p));
        let mut c = Cluster::new(it.next()?);
        for p in it {
            c.add(p);
        }
        Some(c)
    }

    #[inline]
    fn add(&mut self, p: &Pt) {
        let w = weight(p);
        let (dx, dy) = (p.x - self.sx, p.y - self.sy);
        self.w += w;
        self.wx += w * dx;
        self.wy += w * dy;
        self.wrr += w * (dx * dx + dy * dy);
    }

    #[inline]
    fn d2(&self, p: &Pt) -> f64 {
        let dx = p.x - self.sx - self.wx / self.w;
        let dy = p.y - self.sy - self.wy / self.w;
        dx * dx + dy * dy
    }

    fn centre(&self) -> (f64, f64) {
        (self.sx + self.wx / self.w, self.sy + self.wy / self.w)
    }

    fn mean_square(&self) -> f64 {
        let (mx, my) = (self.wx / self.w, self.wy / self.w);
        (self.wrr / self.w - mx * mx - my * my).max(0.0)
    }
}

/// Within the radius, widened by the fix's own accuracy (at most doubled): a Wi-Fi fix
/// with an honest 60 m accuracy is often 100 m off, and still says "here". Its weight in
/// the centre is small, so the centre stays put.
#[inline]
fn inside(c: &Cluster, p: &Pt, cfg: &Config) -> bool {
    let r = cfg.stop_radius_m + p.acc.min(cfg.stop_radius_m);
    c.d2(p) <= r * r
}

fn next_kept(pts: &[Pt], from: usize) -> Option<usize> {
    (from..pts.len()).find(|&k| !pts[k].presence)
}

fn prev_kept(pts: &[Pt], before: usize) -> Option<usize> {
    (0..before).rev().find(|&k| !pts[k].presence)
}

/// Finds the stops in time-ordered points; appends them to `out` in time order.
pub(crate) fn find_stops(pts: &[Pt], cfg: &Config, out: &mut Vec<Span>) {
    let ex2 = cfg.excursion_radius_m * cfg.excursion_radius_m;
    let first_out = out.len();
    let mut seed = next_kept(pts, 0);
    while let Some(s) = seed {
        let mut c = Cluster::new(&pts[s]);
        let mut last_in = s;
        let mut end_t = pts[s].t;
        let mut fixes = 1u32;
        let mut j = s + 1;
        while j < pts.len() {
            let p = &pts[j];
            if p.presence {
                let reach = cfg.stop_radius_m.max(p.acc);
                if c.d2(p) <= reach * reach {
                    end_t = end_t.max(p.t);
                    fixes += 1;
                }
                j += 1;
                continue;
            }
            if inside(&c, p, cfg) {
                c.add(p);
                last_in = j;
                end_t = p.t;
                fixes += 1;
                j += 1;
                continue;
            }
            // Outside. Only an established cluster (half the excursion time) looks ahead,
            // so driving past costs nothing extra.
            if end_t - pts[s].t >= cfg.excursion_ms / 2
                && let Some(back) = excursion_return(pts, &c, j, pts[last_in].t, ex2, cfg)
            {
                j = back;
                continue;
            }
            break;
        }

        let untrimmed_next = next_kept(pts, last_in + 1);
        // Most clusters are a few seconds of driving: reject them before any more work.
        if end_t - pts[s].t + 2 * cfg.stop_edge_pad_ms < cfg.min_stop_ms {
            seed = untrimmed_next;
            continue;
        }

        // Arrival and departure: the cluster also swallowed the approach and the drive-off
        // that lie within the radius. The dwell is where the fixes do not report
        // movement; edge fixes that do, or that lie far from the dwell's centre compared
        // with its own spread, are trimmed so they count as travel and the times are the
        // dwell's. (Measured by the fixes alone, a walk up to the door sampled every 5 s
        // outweighs a dwell sampled every minute and would set the spread.)
        let Some(dwell) = Cluster::of(&pts[s..=last_in], |p| !p.presence && !moving(p, cfg)) else {
            seed = untrimmed_next;
            continue;
        };
        let (cx, cy) = dwell.centre();
        let core = (2.0 * dwell.mean_square().sqrt()).max(cfg.stop_core_m);
        let core2 = core * core;
        let outer = |p: &Pt| {
            p.presence || moving(p, cfg) || (p.x - cx).powi(2) + (p.y - cy).powi(2) > core2
        };
        let mut first = s;
        while first < last_in && outer(&pts[first]) {
            first += 1;
        }
        let mut last = last_in;
        while last > first && outer(&pts[last]) {
            last -= 1;
        }
        if last < last_in {
            end_t = pts[last].t;
        }
        // The centre and spread of what remains.
        let c = Cluster::of(&pts[first..=last], |p| !p.presence && !moving(p, cfg)).unwrap_or(c);
        let (cx, cy) = c.centre();

        // Half the silence on each side, rounded so neighbouring edges never touch.
        let start_pad = prev_kept(pts, first).map_or(0, |k| {
            ((pts[first].t - pts[k].t - 1) / 2).clamp(0, cfg.stop_edge_pad_ms)
        });
        let next = next_kept(pts, last + 1);
        let end_pad = next.map_or(0, |k| {
            ((pts[k].t - end_t) / 2).clamp(0, cfg.stop_edge_pad_ms)
        });
        let start_ms = pts[first].t - start_pad;
        let end_ms = end_t + end_pad;
        if end_ms - start_ms >= cfg.min_stop_ms
            && still_ms(&pts[first..=last], cfg) >= cfg.min_stop_ms - 2 * cfg.stop_edge_pad_ms
            && !crawling(&pts[first..=last], cfg)
        {
            out.push(Span {
                first,
                last,
                start_ms,
                end_ms,
                cx,
                cy,
                ms: c.mean_square(),
                weight: c.w,
                fixes,
            });
            seed = next;
        } else {
            seed = untrimmed_next;
        }
    }
    merge(pts, cfg, out, first_out);
}

/// The fix reports moving: a trusted Doppler speed at least `speed_floor_mps` (at rest
/// the reported speed is noise below it; walking and any vehicle are above).
#[inline]
fn moving(p: &Pt, cfg: &Config) -> bool {
    f64::from(p.v) >= cfg.speed_floor_mps
}

/// Time between consecutive fixes not both reporting movement: what a stop really
/// dwelt. An out-and-back walk, or traffic, that stays within the radius for minutes
/// reports movement all along and is no stop, whatever its shape.
fn still_ms(pts: &[Pt], cfg: &Config) -> i64 {
    let mut prev: Option<&Pt> = None;
    let mut still = 0;
    for p in pts.iter().filter(|p| !p.presence) {
        if let Some(a) = prev
            && !(moving(a, cfg) && moving(p, cfg))
        {
            still += p.t - a.t;
        }
        prev = Some(p);
    }
    still
}

/// Slow traffic chains fixes along the road inside one radius (the running centre follows
/// it) for minutes. A dwell wanders but does not trend: the centres of its first and last
/// thirds (by time, accuracy-weighted) lie within the radius of each other; a crawl's not.
fn crawling(pts: &[Pt], cfg: &Config) -> bool {
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return false;
    };
    let third = (last.t - first.t) / 3;
    let (early, late) = (first.t + third, last.t - third);
    let (mut a, mut b) = ([0.0; 3], [0.0; 3]);
    for p in pts.iter().filter(|p| !p.presence) {
        let w = weight(p);
        let m = if p.t <= early {
            &mut a
        } else if p.t >= late {
            &mut b
        } else {
            continue;
        };
        m[0] += w;
        m[1] += w * p.x;
        m[2] += w * p.y;
    }
    if a[0] == 0.0 || b[0] == 0.0 {
        return false;
    }
    let dx = b[1] / b[0] - a[1] / a[0];
    let dy = b[2] / b[0] - a[2] / a[0];
    dx * dx + dy * dy > cfg.stop_radius_m * cfg.stop_radius_m
}

/// The index of the first kept fix back inside the radius, if the track returns within
/// `excursion_ms` without going beyond the excursion radius.
fn excursion_return(
    pts: &[Pt],
    c: &Cluster,
    from: usize,
    last_in_t: i64,
    ex2: f64,
    cfg: &Config,
) -> Option<usize> {
    for (k, p) in pts.iter().enumerate().skip(from) {
        if p.t - last_in_t > cfg.excursion_ms {
            return None;
        }
        if p.presence {
            continue;
        }
        if inside(c, p, cfg) {
            return Some(k);
        }
        if c.d2(p) > ex2 {
            return None;
        }
    }
    None
}

/// Joins consecutive stops at one place separated by a short wander (a split the
/// excursion rule did not catch), in place over `out[from..]`.
fn merge(pts: &[Pt], cfg: &Config, out: &mut Vec<Span>, from: usize) {
    let r2 = cfg.stop_radius_m * cfg.stop_radius_m;
    let ex2 = cfg.excursion_radius_m * cfg.excursion_radius_m;
    let mut w = from; // write index
    for r in from..out.len() {
        let b = out[r];
        if w > from {
            let a = out[w - 1];
            let close = (b.cx - a.cx).powi(2) + (b.cy - a.cy).powi(2) <= r2;
            if close && b.start_ms - a.end_ms <= cfg.merge_gap_ms {
                let m = combine(&a, &b);
                let stayed = pts[a.last + 1..b.first]
                    .iter()
                    .all(|p| p.presence || (p.x - m.cx).powi(2) + (p.y - m.cy).powi(2) <= ex2);
                if stayed {
                    out[w - 1] = m;
                    continue;
                }
            }
        }
        out[w] = b;
        w += 1;
    }
    out.truncate(w);
    // A presence-stretched end may reach past the next stop's padded start.
    for k in from + 1..out.len() {
        out[k].start_ms = out[k].start_ms.max(out[k - 1].end_ms + 1);
    }
}

fn combine(a: &Span, b: &Span) -> Span {
    let w = a.weight + b.weight;
    let cx = (a.weight * a.cx + b.weight * b.cx) / w;
    let cy = (a.weight * a.cy + b.weight * b.cy) / w;
    let spread = |s: &Span| s.weight * (s.ms + (s.cx - cx).powi(2) + (s.cy - cy).powi(2));
    Span {
        first: a.first,
        last: b.last,
        start_ms: a.start_ms,
        end_ms: b.end_ms,
        cx,
        cy,
        ms: (spread(a) + spread(b)) / w,
        weight: w,
        fixes: a.fixes + b.fixes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fix `x`, `y` metres from the origin at second `s`, reporting `v` m/s.
    fn pt(s: i64, x: f64, y: f64, v: f32) -> Pt {
        Pt {
            t: s * 1000,
            x,
            y,
            acc: 8.0,
            presence: false,
            network: false,
            v,
            brg: if v >= 0.5 { 180.0 } else { f32::NAN },
        }
    }

    fn stops(pts: &[Pt]) -> Vec<Span> {
        let mut out = Vec::new();
        find_stops(pts, &Config::default(), &mut out);
        out
    }

    #[test]
    fn out_and_back_walk_within_the_radius_is_no_stop() {
        // 5.5 min walking 1.3 m/s: 107 m south and back, a fix every 7 s, each reporting
        // its speed. Position alone sees a 6-minute cluster with a fixed centre.
        let pts: Vec<Pt> = (0..48)
            .map(|k| {
                let s = k * 7;
                let d = 1.3 * s as f64;
                let y = if d <= 215.0 {
                    -d / 2.0
                } else {
                    -(430.0 - d) / 2.0
                };
                pt(s, 0.0, y, 1.3)
            })
            .collect();
        assert!(stops(&pts).is_empty());
    }

    #[test]
    fn walk_to_the_door_is_trimmed_off_the_stop() {
        // 80 s walking in from 100 m (every 5 s), then 10 min still (every 40 s).
        let mut pts: Vec<Pt> = (0..16)
            .map(|k| pt(k * 5, 0.0, 100.0 - 6.5 * k as f64, 1.3))
            .collect();
        pts.extend((0..16).map(|k| pt(80 + k * 40, (k % 3) as f64 * 5.0, 0.0, 0.1)));
        let s = stops(&pts);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].first, 16, "starts at the first still fix");
        assert!(s[0].cy.abs() < 5.0, "centre at the dwell: {}", s[0].cy);
    }
}
