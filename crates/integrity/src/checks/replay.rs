//! Replayed tracks: today's stops (where, from when to when) matching an earlier day's
//! stops of this rep or a colleague, all shifted by one and the same time offset. An
//! honest rep who visits the same shops again arrives and leaves at different times each
//! day (traffic, queues, the talk with the owner); a recording played back by a mock app
//! keeps every arrival and departure a fixed offset apart.
//!
//! The signature is the day's stops only: two numbers each (the packed position and the
//! packed start and duration), a few hundred bytes of JSON per rep-day, and comparing
//! two days costs a few hundred multiplications.

use track::Stop;

use crate::checks::{Finding, figure};
use crate::day::Day;
use crate::input::History;
use crate::verdict::{DayRef, DaySignature, Evidence, Point, ReasonCode};

/// First word of a signature: its format, so a store holding old ones can tell.
const FORMAT: u64 = 0x5349_4731; // "SIG1"
/// Stops shorter than this are left out (a long red light, a parcel drop).
const STOP_MIN_S: i64 = 5 * 60;
/// Two stops are the same place within this.
const SAME_PLACE_M: f64 = 80.0;
/// Arrival and departure each within this of the common offset.
const SAME_TIME_S: i64 = 180;
/// A stay as long as the recorded one within this (a playback keeps every stay's length;
/// an honest rep's stays at the same shops differ by minutes from week to week).
const SAME_STAY_S: i64 = 90;
/// This many stops matching with one offset make a replay...
const MIN_MATCHED: usize = 3;
/// ...when they are at least this share of the stops of the day with fewer of them. A rep
/// on a weekly round visits the same shops in the same order, and with each day's stays a
/// few minutes longer or shorter three of seven can line up by chance (seen in the demo);
/// a playback matches most stops of the stretch it covers (a partial one: most of today's
/// or, played at 1 Hz where the phone was sparse, most of the recording's).
const MIN_SHARE: f64 = 0.5;
/// This many stops matching are a replay whatever the share: a playback at 1 Hz with
/// jitter splits and shifts many recorded stops, and five stays beginning and ending
/// with one offset do not happen by chance.
const SURE_MATCHED: usize = 5;
/// Two people at the same places at the same times on the same day travel together
/// (a manager riding along, 带访): not a recording played back.
const TOGETHER_S: i64 = 15 * 60;
const DEG_SCALE: f64 = 1e5;

#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct SigStop {
    pub lat: f64,
    pub lon: f64,
    pub start_s: i64,
    pub end_s: i64,
}

/// The day's stops, leaving out the first and the last (they are cut by when tracking
/// started and ended, not by where the rep went).
pub(crate) fn signature_of(stops: &[Stop]) -> DaySignature {
    let inner = if stops.len() > 2 {
        &stops[1..stops.len() - 1]
    } else {
        &[][..]
    };
    let mut cells = vec![FORMAT];
    for s in inner {
        let (start, end) = (s.start_ms.div_euclid(1000), s.end_ms.div_euclid(1000));
        if end - start < STOP_MIN_S || start < 0 {
            continue;
        }
        let lat = (s.lat * DEG_SCALE).round() as i32 as u32;
        let lon = (s.lon * DEG_SCALE).round() as i32 as u32;
        cells.push(u64::from(lat) << 32 | u64::from(lon));
        let dur = (end - start).min((1 << 24) - 1) as u64;
        cells.push(dur << 36 | (start as u64 & ((1 << 36) - 1)));
    }
    DaySignature { day: None, cells }
}

pub(crate) fn decode(sig: &DaySignature) -> Vec<SigStop> {
    if sig.cells.first() != Some(&FORMAT) {
        return Vec::new();
    }
    sig.cells[1..]
        .chunks_exact(2)
        .map(|w| {
            let lat = f64::from((w[0] >> 32) as u32 as i32) / DEG_SCALE;
            let lon = f64::from(w[0] as u32 as i32) / DEG_SCALE;
            let start_s = (w[1] & ((1 << 36) - 1)) as i64;
            let dur = (w[1] >> 36) as i64;
            SigStop {
                lat,
                lon,
                start_s,
                end_s: start_s + dur,
            }
        })
        .collect()
}

/// Offset between two instants as a time of day, in `[-12 h, 12 h)`: a replay may be
/// played any number of days later.
fn day_offset(a: i64, b: i64) -> i64 {
    (a - b + 43_200).rem_euclid(86_400) - 43_200
}

pub(crate) struct Match {
    pub offset_s: i64,
    pub pairs: Vec<(usize, usize)>,
}

/// The largest set of today's stops matching `other`'s with one common offset.
pub(crate) fn best_match(day: &Day, today: &[SigStop], other: &[SigStop]) -> Option<Match> {
    let mut cands: Vec<(i64, usize, usize)> = Vec::new();
    let xy: Vec<(f64, f64)> = other.iter().map(|s| day.proj.xy(s.lat, s.lon)).collect();
    for (i, s) in today.iter().enumerate() {
        let p = day.proj.xy(s.lat, s.lon);
        for (j, o) in other.iter().enumerate() {
            if day.dist(p, xy[j]) > SAME_PLACE_M {
                continue;
            }
            let a = day_offset(s.start_s, o.start_s);
            let b = day_offset(s.end_s, o.end_s);
            if (a - b).abs() <= SAME_STAY_S {
                cands.push(((a + b) / 2, i, j));
            }
        }
    }
    if cands.len() < MIN_MATCHED {
        return None;
    }
    cands.sort();
    let mut best: Option<Match> = None;
    for k in 0..cands.len() {
        let lo = cands[k].0;
        let pairs: Vec<(usize, usize)> = cands[k..]
            .iter()
            .take_while(|c| c.0 - lo <= SAME_TIME_S)
            .map(|c| (c.1, c.2))
            .collect();
        let pairs = in_order(pairs);
        if pairs.len() >= MIN_MATCHED && best.as_ref().is_none_or(|b| pairs.len() > b.pairs.len()) {
            best = Some(Match {
                offset_s: lo,
                pairs,
            });
        }
    }
    best
}

/// The longest subset pairing each stop at most once and keeping both days' order: a
/// playback visits the recorded stops in the recorded order.
fn in_order(mut pairs: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    pairs.sort();
    let n = pairs.len();
    let mut len = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for k in 0..n {
        for m in 0..k {
            if pairs[m].0 < pairs[k].0 && pairs[m].1 < pairs[k].1 && len[m] + 1 > len[k] {
                len[k] = len[m] + 1;
                prev[k] = m;
            }
        }
    }
    let Some(mut k) = (0..n).max_by_key(|&k| (len[k], usize::MAX - k)) else {
        return Vec::new();
    };
    let mut chain = vec![pairs[k]];
    while prev[k] != usize::MAX {
        k = prev[k];
        chain.push(pairs[k]);
    }
    chain.reverse();
    chain
}

pub(crate) fn check(day: &Day, history: &History, out: &mut Vec<Finding>) {
    let today = decode(&signature_of(&day.analysis.stops));
    if today.len() < MIN_MATCHED {
        return;
    }
    let me = day.input.date.map(|date| DayRef {
        employee: day.input.employee,
        date,
    });
    let mut best: Option<(Match, &DaySignature)> = None;
    for sig in &history.days {
        if sig.day.is_some() && sig.day == me {
            continue;
        }
        let other = decode(sig);
        let Some(m) = best_match(day, &today, &other) else {
            continue;
        };
        let fewer = today.len().min(other.len());
        if m.pairs.len() < SURE_MATCHED && (m.pairs.len() as f64) < MIN_SHARE * fewer as f64 {
            continue;
        }
        let colleague = sig.day.is_some_and(|d| d.employee != day.input.employee);
        let same_date = sig.day.map(|d| d.date) == day.input.date;
        if colleague && same_date && m.offset_s.abs() <= TOGETHER_S {
            continue;
        }
        if best
            .as_ref()
            .is_none_or(|(b, _)| m.pairs.len() > b.pairs.len())
        {
            best = Some((m, sig));
        }
    }
    let Some((m, sig)) = best else { return };
    let mut e = Evidence::default();
    let other = decode(sig);
    for &(i, j) in &m.pairs {
        for (s, at) in [(&today[i], 0), (&other[j], 1)] {
            if at == 0 {
                e.points.push(Point {
                    t_ms: s.start_s * 1000,
                    lat: s.lat,
                    lon: s.lon,
                    accuracy_m: None,
                });
            }
        }
    }
    e.matched_day = sig.day;
    e.other_employee = sig
        .day
        .map(|d| d.employee)
        .filter(|&x| x != day.input.employee);
    figure(&mut e, "matched_stops", m.pairs.len() as f64);
    figure(&mut e, "share", m.pairs.len() as f64 / today.len() as f64);
    figure(&mut e, "offset_s", m.offset_s as f64);
    let strength = if m.pairs.len() >= 5 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::ReplayedTrack, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::DayFix;
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn run(day: &crate::RepDay, history: &History) -> Vec<Finding> {
        let d = Day::new(day);
        let mut out = Vec::new();
        check(&d, history, &mut out);
        out
    }

    fn sig_of(day: &crate::RepDay, employee: u128, date: (i32, u32, u32)) -> DaySignature {
        let mut s = signature_of(&Day::new(day).analysis.stops);
        s.day = Some(DayRef {
            employee: Uuid::from_u128(employee),
            date: NaiveDate::from_ymd_opt(date.0, date.1, date.2).unwrap(),
        });
        s
    }

    /// The day played back `days` days and `minutes` later with a little jitter.
    fn replayed(day: &crate::RepDay, days: i64, minutes: i64) -> crate::RepDay {
        let shift = days * 86_400_000 + minutes * 60_000;
        let mut n = Noise::new(99);
        let mut r = day.clone();
        r.fixes = day
            .fixes
            .iter()
            .map(|f| {
                let mut g = f.fix;
                g.t_ms += shift + (n.range(-3.0, 3.0) * 1000.0) as i64;
                g.lat += n.normal() * 1.5e-5;
                g.lon += n.normal() * 1.5e-5;
                DayFix {
                    fix: g,
                    received_ms: g.t_ms + 20_000,
                }
            })
            .collect();
        r.now_ms += shift;
        r.date = r.date.map(|d| d + chrono::Duration::days(days));
        r
    }

    #[test]
    fn signature_round_trips_and_stays_small() {
        let d = honest_day();
        let s = signature_of(&Day::new(&d).analysis.stops);
        let stops = decode(&s);
        assert!(stops.len() >= 3, "{stops:?}");
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.len() < 40 * stops.len() + 40, "{json}");
        let first = &Day::new(&d).analysis.stops[1];
        assert!((stops[0].lat - first.lat).abs() < 1e-5);
        assert_eq!(stops[0].start_s, first.start_ms.div_euclid(1000));
    }

    #[test]
    fn yesterdays_track_played_back_today_is_a_replay() {
        let yesterday = honest_day_seeded(3);
        let history = History {
            days: vec![sig_of(&yesterday, 1, (2026, 3, 2))],
            ..History::default()
        };
        for minutes in [0, 37, -50] {
            let today = replayed(&yesterday, 1, minutes);
            let f = run(&today, &history);
            assert_eq!(f.len(), 1, "{minutes}");
            assert_eq!(f[0].code, ReasonCode::ReplayedTrack);
            let off = f[0].evidence.figures["offset_s"];
            assert!(
                (off - minutes as f64 * 60.0).abs() <= 180.0,
                "{off} vs {minutes}"
            );
            assert_eq!(f[0].evidence.other_employee, None);
        }
    }

    #[test]
    fn a_colleagues_day_replayed_names_the_colleague() {
        let theirs = honest_day_seeded(4);
        let history = History {
            days: vec![sig_of(&theirs, 2, (2026, 3, 2))],
            ..History::default()
        };
        let f = run(&replayed(&theirs, 3, 12), &history);
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].evidence.other_employee, Some(Uuid::from_u128(2)));
    }

    #[test]
    fn the_same_places_at_other_times_are_no_replay() {
        // Same shops, same order, but each stay a few minutes longer or shorter.
        let mut b = Builder::new(5);
        b.stay(30 * 60);
        b.drive(3000.0, 0.0)
            .visit(36 * 60)
            .drive(3000.0, 2000.0)
            .visit(19 * 60);
        b.drive(1500.0, 3500.0)
            .visit(47 * 60)
            .drive(0.0, 3000.0)
            .visit(26 * 60);
        b.drive(-2000.0, 500.0).stay(20 * 60);
        let other = b.build();
        let history = History {
            days: vec![sig_of(&other, 1, (2026, 2, 27))],
            ..History::default()
        };
        let today = replayed(&honest_day_seeded(5), 3, 0);
        assert!(run(&today, &history).is_empty());
    }

    #[test]
    fn pairs_keep_both_orders_and_use_each_stop_once() {
        let chain = in_order(vec![(0, 0), (0, 1), (1, 2), (2, 1), (3, 3), (3, 2)]);
        assert_eq!(chain.len(), 3, "{chain:?}");
        assert!(chain.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
        assert!(in_order(Vec::new()).is_empty());
    }

    /// Eight shops in a fixed order; `extra_min` lengthens or shortens each stay.
    fn round(extra_min: [i64; 8]) -> crate::RepDay {
        let legs = [
            (3000.0, 0.0),
            (3000.0, 2000.0),
            (1500.0, 3500.0),
            (0.0, 3000.0),
            (-1500.0, 1500.0),
            (-1000.0, -1500.0),
            (1500.0, -2500.0),
            (3500.0, -1000.0),
        ];
        let stay_min = [30, 25, 40, 20, 35, 28, 22, 33];
        let mut b = Builder::new(11);
        b.stay(30 * 60);
        for k in 0..8 {
            b.drive(legs[k].0, legs[k].1)
                .visit((stay_min[k] + extra_min[k]) * 60);
        }
        b.drive(-2000.0, 500.0).stay(20 * 60);
        b.build()
    }

    #[test]
    fn a_weekly_round_lining_up_at_a_few_shops_is_no_replay() {
        let last_week = round([0; 8]);
        let history = History {
            days: vec![sig_of(&last_week, 1, (2026, 3, 2))],
            ..History::default()
        };
        // The morning went exactly as last week; from the fourth shop on, each stay
        // was several minutes longer or shorter.
        let mut today = round([0, 0, 0, 8, -6, 7, -9, 5]);
        today.date = NaiveDate::from_ymd_opt(2026, 3, 9);
        assert!(run(&today, &history).is_empty());
        assert_eq!(run(&replayed(&last_week, 7, 4), &history).len(), 1);
    }

    #[test]
    fn riding_along_with_a_colleague_is_no_replay() {
        let theirs = honest_day_seeded(4);
        let history = History {
            days: vec![sig_of(&theirs, 2, (2026, 3, 2))],
            ..History::default()
        };
        assert!(run(&replayed(&theirs, 0, 0), &history).is_empty());
        // Their day played back on one's own phone later the same day is a replay.
        let later = run(&replayed(&theirs, 0, 150), &history);
        assert_eq!(later.len(), 1);
        assert_eq!(later[0].evidence.other_employee, Some(Uuid::from_u128(2)));
    }
}
