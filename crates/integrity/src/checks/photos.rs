//! Photos: one uploaded before in the tenant (the same file, or a re-encoded or resized
//! copy: perceptual hashes within a few bits), and one whose EXIF time or place
//! contradicts when and where it claims to be taken. A camera whose EXIF clock is set to
//! another time zone writes times off by whole hours; those are not held against it.

use std::collections::BTreeMap;

use uuid::Uuid;

use crate::checks::{Finding, figure};
use crate::day::{Day, position_accuracy};
use crate::input::History;
use crate::verdict::{Evidence, Point, ReasonCode};

/// Perceptual hashes within this Hamming distance are the same picture. Photos of the
/// same shelf a week apart differ by 6 bits or more; a re-saved copy by 0–2. (The
/// store's band index finds every candidate within 3.)
pub const PHASH_SAME_BITS: u32 = 3;
/// EXIF time may differ from the photo's by this much.
const EXIF_TIME_MS: i64 = 10 * 60_000;
/// A whole-hour difference within this is a camera in another time zone.
const ZONE_SLACK_MS: i64 = 90_000;
/// EXIF place may be this far from the photo's, beyond both accuracies.
const EXIF_PLACE_M: f64 = 500.0;

pub(crate) fn check(day: &Day, history: &History, out: &mut Vec<Finding>) {
    let mut reused = Evidence::default();
    let mut exif = Evidence::default();
    let mut identical = 0;
    let mut closest_bits = u32::MAX;
    let mut others: Vec<Uuid> = Vec::new();
    // Today's photos among themselves: the same file on two visits.
    let mut by_sha: BTreeMap<&str, Uuid> = BTreeMap::new();
    let mut photos: Vec<&crate::PhotoFacts> = day.input.photos.iter().collect();
    photos.sort_by(|a, b| a.t_ms.cmp(&b.t_ms).then(a.id.cmp(&b.id)));
    for p in &photos {
        let mut matched: Option<Uuid> = None;
        if let Some(&first) = by_sha.get(p.sha256.as_str()) {
            matched = Some(first);
            identical += 1;
        } else {
            by_sha.insert(p.sha256.as_str(), p.id);
        }
        if matched.is_none() {
            let informative = (8..=56).contains(&p.phash.count_ones());
            let mut best: Option<(u32, &crate::EarlierPhoto)> = None;
            for e in &history.earlier_photos {
                if e.id == p.id || e.t_ms >= p.t_ms {
                    continue;
                }
                let bits = if e.sha256 == p.sha256 {
                    0
                } else if informative {
                    (e.phash ^ p.phash).count_ones()
                } else {
                    u32::MAX
                };
                if bits <= PHASH_SAME_BITS
                    && best.is_none_or(|(b, x)| (bits, x.t_ms, x.id) < (b, e.t_ms, e.id))
                {
                    best = Some((bits, e));
                }
            }
            if let Some((bits, e)) = best {
                matched = Some(e.id);
                closest_bits = closest_bits.min(bits);
                if e.sha256 == p.sha256 {
                    identical += 1;
                }
                if e.employee != day.input.employee {
                    others.push(e.employee);
                }
            }
        }
        if let Some(m) = matched {
            reused.photos.push(p.id);
            reused.matched_photos.push(m);
            reused.actions.extend(p.action);
        }
        if contradicts(day, p, &mut exif) {
            exif.photos.push(p.id);
            exif.actions.extend(p.action);
        }
    }
    if !reused.photos.is_empty() {
        let n = reused.photos.len() as f64;
        figure(&mut reused, "count", n);
        figure(&mut reused, "identical", identical as f64);
        if closest_bits != u32::MAX {
            figure(&mut reused, "phash_bits", f64::from(closest_bits));
        }
        others.sort();
        reused.other_employee = others.first().copied();
        let strength = if reused.photos.len() >= 2 { 1.5 } else { 1.0 };
        out.push(Finding::new(ReasonCode::PhotoReused, strength, reused));
    }
    if !exif.photos.is_empty() {
        let n = exif.photos.len() as f64;
        figure(&mut exif, "count", n);
        out.push(Finding::new(ReasonCode::PhotoExifMismatch, 1.0, exif));
    }
}

fn contradicts(day: &Day, p: &crate::PhotoFacts, e: &mut Evidence) -> bool {
    let mut bad = false;
    if let Some(t) = p.exif_time_ms {
        let diff = t - p.t_ms;
        let zone = diff.abs() <= 14 * 3_600_000 && {
            let r = diff.rem_euclid(3_600_000);
            r.min(3_600_000 - r) <= ZONE_SLACK_MS
        };
        if diff.abs() > EXIF_TIME_MS && !zone {
            bad = true;
            let prev = e.figures.get("time_diff_s").copied().unwrap_or(0.0);
            if (diff / 1000).abs() as f64 > prev.abs() {
                figure(e, "time_diff_s", (diff / 1000) as f64);
            }
        }
    }
    if let (Some(x), Some(q)) = (p.exif_position, p.position) {
        let d = day.dist(day.action_xy(&x), day.action_xy(&q))
            - position_accuracy(&x)
            - position_accuracy(&q);
        if d > EXIF_PLACE_M {
            bad = true;
            let prev = e.figures.get("distance_m").copied().unwrap_or(0.0);
            figure(e, "distance_m", prev.max(d));
            e.points.push(Point {
                t_ms: p.exif_time_ms.unwrap_or(p.t_ms),
                lat: x.lat,
                lon: x.lon,
                accuracy_m: x.accuracy_m,
            });
        }
    }
    bad
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::EarlierPhoto;

    fn run(d: &crate::RepDay, h: &History) -> Vec<Finding> {
        let day = Day::new(d);
        let mut out = Vec::new();
        check(&day, h, &mut out);
        out.sort_by_key(|f| f.code);
        out
    }

    fn earlier(p: &crate::PhotoFacts, flip: u32, sha: &str, days: i64) -> EarlierPhoto {
        EarlierPhoto {
            id: Uuid::from_u128(77),
            employee: Uuid::from_u128(2),
            t_ms: p.t_ms - days * 86_400_000,
            sha256: sha.into(),
            phash: p.phash ^ ((1u64 << flip) - 1),
        }
    }

    #[test]
    fn the_same_file_and_a_resaved_copy_are_reuse() {
        let d = honest_day();
        let p = &d.photos[1];
        for (flip, sha) in [(0, p.sha256.as_str()), (2, "other")] {
            let h = History {
                earlier_photos: vec![earlier(p, flip, sha, 7)],
                ..History::default()
            };
            let f = run(&d, &h);
            assert_eq!(codes(&f), vec![ReasonCode::PhotoReused]);
            assert_eq!(f[0].evidence.photos, vec![p.id]);
            assert_eq!(f[0].evidence.matched_photos, vec![Uuid::from_u128(77)]);
            assert_eq!(f[0].evidence.other_employee, Some(Uuid::from_u128(2)));
        }
    }

    #[test]
    fn the_same_shelf_next_week_is_not_reuse() {
        let d = honest_day();
        let h = History {
            earlier_photos: vec![earlier(&d.photos[1], 7, "other", 7)],
            ..History::default()
        };
        assert!(run(&d, &h).is_empty());
    }

    #[test]
    fn exif_from_last_week_or_another_place() {
        let mut d = honest_day();
        d.photos[0].exif_time_ms = Some(d.photos[0].t_ms - 6 * 86_400_000 - 5_000_000);
        let mut far = d.photos[2].exif_position.unwrap();
        far.lat += 0.03;
        d.photos[2].exif_position = Some(far);
        let f = run(&d, &History::default());
        assert_eq!(codes(&f), vec![ReasonCode::PhotoExifMismatch]);
        assert_eq!(f[0].evidence.photos.len(), 2);
    }

    #[test]
    fn a_camera_in_another_time_zone_is_no_mismatch() {
        let mut d = honest_day();
        d.photos[0].exif_time_ms = Some(d.photos[0].t_ms + 8 * 3_600_000 + 20_000);
        assert!(run(&d, &History::default()).is_empty());
    }
}
