//! Physics: hops between credible fixes that no vehicle makes (a kilometre-scale jump
//! between two places the phone rested at, or a sustained speed above any road's), and
//! check-ins whose position is far from where the track puts the phone at that moment
//! (teleport: the phone was elsewhere). Hops are measured beyond both fixes' accuracies,
//! so coarse honest fixes never make one.

use crate::checks::{Finding, figure};
use crate::day::{Day, action_point, position_accuracy};
use crate::input::ActionKind;
use crate::verdict::{Evidence, ReasonCode};

/// A jump is at least this far beyond both accuracies: multipath reflections reach
/// 100–300 m, cell fixes state their 250–600 m honestly.
const JUMP_MIN_M: f64 = 800.0;
/// Between two resting positions (a phone lying still before and after), an average
/// speed above this over a kilometre-scale hop is impossible in a city: a car has to
/// accelerate, drive through traffic and park.
const REST_TO_REST_MPS: f64 = 20.0;
/// Any hop faster than this beyond its accuracies (162 km/h) is no car in a city; a
/// high-speed train exceeds it (a known blind spot the tenant can switch off).
const MOVING_MPS: f64 = 45.0;
/// Sustained: consecutive hops at least this fast, together at least this long.
const SUSTAINED_MPS: f64 = 42.0;
const SUSTAINED_MIN_S: f64 = 30.0;
/// Hops across a longer silence are not judged (a flight, a train with the phone off).
const MAX_HOP_MS: i64 = 15 * 60_000;
/// A position is "at rest" when the neighbouring fix is within this (beyond accuracies).
const REST_M: f64 = 30.0;
/// An action far from the track: this far beyond both accuracies, at this speed.
const TELEPORT_MIN_M: f64 = 500.0;
const TELEPORT_MPS: f64 = 25.0;
/// The fixes around an action it is compared with lie within this time of it.
const TELEPORT_WINDOW_MS: i64 = 15 * 60_000;
/// An excursion returns within this of where it left.
const RETURN_M: f64 = 500.0;

struct Hop {
    /// Position of `a` in the credible fixes.
    ka: usize,
    a: usize,
    b: usize,
    excess_m: f64,
    speed_mps: f64,
}

pub(crate) fn check(day: &Day, out: &mut Vec<Finding>) {
    let credible: Vec<usize> = (0..day.fixes.len()).filter(|&i| day.credible(i)).collect();
    let hops: Vec<Hop> = (1..credible.len())
        .filter_map(|k| hop(day, k - 1, credible[k - 1], credible[k]))
        .collect();
    let at_rest = |k: usize, dir: isize| -> bool {
        let j = k as isize + dir;
        if j < 0 || j as usize >= credible.len() {
            return false;
        }
        let (a, b) = (credible[k], credible[j as usize]);
        let dt = (day.fixes[a].t_ms - day.fixes[b].t_ms).abs();
        let d = day.dist(day.xy[a], day.xy[b]) - day.accuracy(a) - day.accuracy(b);
        (20_000..=MAX_HOP_MS).contains(&dt) && d <= REST_M
    };
    let mut jumps: Vec<&Hop> = Vec::new();
    for h in &hops {
        if h.excess_m < JUMP_MIN_M {
            continue;
        }
        let limit = if at_rest(h.ka, -1) && at_rest(h.ka + 1, 1) {
            REST_TO_REST_MPS
        } else {
            MOVING_MPS
        };
        if h.speed_mps >= limit {
            jumps.push(h);
        }
    }
    let sustained = sustained_runs(day, &hops);

    let excursion = excursions(day, &jumps);
    teleports(day, &excursion, out);

    if jumps.is_empty() && sustained.is_empty() {
        return;
    }
    let mut e = Evidence::default();
    let mut max_speed: f64 = 0.0;
    let mut max_dist: f64 = 0.0;
    for h in jumps
        .iter()
        .copied()
        .chain(sustained.iter().flatten().map(|&k| &hops[k]))
    {
        max_speed = max_speed.max(h.speed_mps);
        max_dist = max_dist.max(h.excess_m);
        if e.points.len() < 40 {
            e.points.push(day.point(h.a));
            e.points.push(day.point(h.b));
        }
    }
    e.points.sort_by_key(|p| p.t_ms);
    e.points.dedup_by_key(|p| p.t_ms);
    figure(&mut e, "speed_mps", max_speed);
    figure(&mut e, "distance_m", max_dist);
    figure(&mut e, "jumps", jumps.len() as f64);
    let run_s: f64 = sustained
        .iter()
        .map(|r| {
            let (a, b) = (hops[r[0]].a, hops[*r.last().unwrap_or(&r[0])].b);
            (day.fixes[b].t_ms - day.fixes[a].t_ms) as f64 / 1000.0
        })
        .sum();
    figure(&mut e, "sustained_s", run_s);
    let strength = if jumps.len() + sustained.len() >= 2 {
        1.5
    } else {
        1.0
    };
    out.push(Finding::new(ReasonCode::ImpossibleSpeed, strength, e));
}

fn hop(day: &Day, ka: usize, a: usize, b: usize) -> Option<Hop> {
    let dt = day.fixes[b].t_ms - day.fixes[a].t_ms;
    if dt <= 0 || dt > MAX_HOP_MS {
        return None;
    }
    let excess = day.dist(day.xy[a], day.xy[b]) - day.accuracy(a) - day.accuracy(b);
    Some(Hop {
        ka,
        a,
        b,
        excess_m: excess,
        speed_mps: excess / (dt as f64 / 1000.0).max(1.0),
    })
}

/// Runs of consecutive fast hops (indices into `hops`) lasting long enough.
fn sustained_runs(day: &Day, hops: &[Hop]) -> Vec<Vec<usize>> {
    let mut runs = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let close = |run: &mut Vec<usize>, runs: &mut Vec<Vec<usize>>| {
        if run.len() >= 2 {
            let t0 = day.fixes[hops[run[0]].a].t_ms;
            let t1 = day.fixes[hops[run[run.len() - 1]].b].t_ms;
            if (t1 - t0) as f64 / 1000.0 >= SUSTAINED_MIN_S {
                runs.push(std::mem::take(run));
            }
        }
        run.clear();
    };
    for (k, h) in hops.iter().enumerate() {
        let joined = run.last().is_none_or(|&p| hops[p].b == h.a);
        if h.speed_mps >= SUSTAINED_MPS && joined {
            run.push(k);
        } else {
            close(&mut run, &mut runs);
            if h.speed_mps >= SUSTAINED_MPS {
                run.push(k);
            }
        }
    }
    close(&mut run, &mut runs);
    runs
}

/// Marks the fixes of out-and-back jumps (the track leaves by an impossible hop and comes
/// back near where it left by another): those fixes are not where the phone was.
fn excursions(day: &Day, jumps: &[&Hop]) -> Vec<bool> {
    let mut away = vec![false; day.fixes.len()];
    for (k, out) in jumps.iter().enumerate() {
        for back in &jumps[k + 1..] {
            let home = day.dist(day.xy[out.a], day.xy[back.b])
                - day.accuracy(out.a)
                - day.accuracy(back.b);
            if home <= RETURN_M {
                for flag in &mut away[out.b..=back.a] {
                    *flag = true;
                }
                break;
            }
        }
    }
    away
}

/// Actions whose position is far from the track around them, the track taken without
/// the excursions (a mock location switched on for the check-in records a few fixes at
/// the fake place too).
fn teleports(day: &Day, away: &[bool], out: &mut Vec<Finding>) {
    let real: Vec<usize> = day.kept.iter().copied().filter(|&i| !away[i]).collect();
    let mut e = Evidence::default();
    let mut worst: f64 = 0.0;
    for a in &day.actions {
        if a.kind == ActionKind::ClockOut {
            // Clock-outs often happen later, from wherever; their place proves little.
            continue;
        }
        let Some(p) = a.position else { continue };
        let t = Day::position_time(a);
        let xy = day.action_xy(&p);
        let acc = position_accuracy(&p);
        let k = real.partition_point(|&i| day.fixes[i].t_ms <= t);
        let sides = [k.checked_sub(1).map(|k| real[k]), real.get(k).copied()];
        let mut judged = 0;
        let mut impossible = 0;
        let mut far: f64 = f64::INFINITY;
        for i in sides.into_iter().flatten() {
            let dt = (day.fixes[i].t_ms - t).abs();
            if dt > TELEPORT_WINDOW_MS {
                continue;
            }
            judged += 1;
            let excess = day.dist(xy, day.xy[i]) - acc - day.accuracy(i);
            let speed = excess / (dt as f64 / 1000.0).max(10.0);
            if excess >= TELEPORT_MIN_M && speed >= TELEPORT_MPS {
                impossible += 1;
                far = far.min(excess);
            }
        }
        if judged > 0 && impossible == judged {
            e.actions.push(a.id);
            worst = worst.max(far);
            for i in sides.into_iter().flatten() {
                e.points.push(day.point(i));
            }
            e.points.extend(action_point(a));
        }
    }
    if e.actions.is_empty() {
        return;
    }
    e.points.sort_by_key(|p| p.t_ms);
    figure(&mut e, "distance_m", worst);
    let n = e.actions.len() as f64;
    figure(&mut e, "count", n);
    let strength = if e.actions.len() >= 2 { 1.5 } else { 1.0 };
    out.push(Finding::new(ReasonCode::Teleport, strength, e));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::testkit::*;
    use crate::input::{DayFix, Position};

    #[test]
    fn honest_day_has_no_physics_finding() {
        for seed in 1..20 {
            let d = honest_day_seeded(seed);
            assert!(findings(&d, check).is_empty(), "seed {seed}");
        }
    }

    #[test]
    fn a_check_in_far_from_the_track_is_a_teleport() {
        let mut d = honest_day();
        let (lat, lon) = ll(9000.0, 9000.0);
        d.actions[3].position = Some(Position {
            lat,
            lon,
            accuracy_m: Some(5.0),
        });
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::Teleport]);
        assert_eq!(f[0].evidence.actions, vec![d.actions[3].id]);
        assert!(f[0].evidence.figures["distance_m"] > 5000.0);
    }

    #[test]
    fn an_honest_large_accuracy_far_off_is_no_teleport() {
        let mut d = honest_day();
        let p = d.actions[1].position.unwrap();
        // 250 m off, stating 300 m: indoors on a coarse fix.
        d.actions[1].position = Some(Position {
            lat: p.lat + 250.0 / 111_195.0,
            accuracy_m: Some(300.0),
            ..p
        });
        assert!(findings(&d, check).is_empty());
    }

    #[test]
    fn mock_fixes_around_a_fake_check_in_make_an_excursion() {
        let mut d = honest_day();
        // Three fixes 4 km away during a stay, the check-in among them.
        let a = d
            .actions
            .iter()
            .position(|a| a.kind == ActionKind::CheckIn)
            .unwrap();
        let t = d.actions[a].t_ms;
        let (lat, lon) = ll(7000.0, -3000.0);
        d.fixes.retain(|f| (f.fix.t_ms - t).abs() > 100_000);
        for k in -1..=1 {
            let mut f = track::Fix::gps(t + k * 50_000, lat, lon, 5.0);
            f.lon += k as f64 * 1e-6;
            d.fixes.push(DayFix {
                fix: f,
                received_ms: t + 200_000,
            });
        }
        d.actions[a].position = Some(Position {
            lat,
            lon,
            accuracy_m: Some(5.0),
        });
        d.actions[a].fix_t_ms = Some(t);
        let f = findings(&d, check);
        assert_eq!(
            codes(&f),
            vec![ReasonCode::ImpossibleSpeed, ReasonCode::Teleport]
        );
        assert_eq!(f[1].evidence.actions, vec![d.actions[a].id]);
    }

    #[test]
    fn sustained_speed_above_any_road() {
        let mut d = honest_day();
        let t0 = d.fixes.last().unwrap().fix.t_ms + 60_000;
        for k in 0..12 {
            let (lat, lon) = ll(-2000.0 + k as f64 * 500.0, 500.0);
            d.fixes.push(DayFix {
                fix: track::Fix::gps(t0 + k * 8_000, lat, lon, 5.0),
                received_ms: t0 + 100_000,
            });
        }
        let f = findings(&d, check);
        assert_eq!(codes(&f), vec![ReasonCode::ImpossibleSpeed]);
        assert!(f[0].evidence.figures["speed_mps"] > 55.0);
        assert!(f[0].evidence.figures["sustained_s"] >= 80.0);
    }

    #[test]
    fn highway_speed_and_a_tunnel_gap_are_no_finding() {
        let mut d = honest_day();
        let t0 = d.fixes.last().unwrap().fix.t_ms + 60_000;
        // 33 m/s (120 km/h) for 5 min, with a 4-minute tunnel in the middle.
        for k in 0..60 {
            if (25..49).contains(&k) {
                continue;
            }
            let (lat, lon) = ll(-2000.0 + k as f64 * 165.0, 500.0);
            d.fixes.push(DayFix {
                fix: track::Fix::gps(t0 + k * 5_000, lat, lon, 5.0),
                received_ms: t0 + 400_000,
            });
        }
        assert!(findings(&d, check).is_empty());
    }
}
