//! Scores the engine on a `tracksim` data set (fixes.csv + truth.json), the way the
//! benchmark does: per device and local day, working-hours mileage error and stop F1.
//! `TRACKSIM_DIR=/path cargo test --release -p track --test tracksim_eval -- --ignored --nocapture`

use std::collections::BTreeMap;
use track::{Config, Fix, Provider, analyze, mileage_within, prepare};

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// "2026-03-02T07:36:39.502+08:00" → UTC epoch ms.
fn parse_ts(s: &str) -> i64 {
    let n = |a: usize, b: usize| s[a..b].parse::<i64>().unwrap();
    let days = days_from_civil(n(0, 4), n(5, 7), n(8, 10));
    let mut ms = ((days * 24 + n(11, 13)) * 60 + n(14, 16)) * 60_000 + n(17, 19) * 1000;
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let end = frac
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(frac.len());
        let digits = &frac[..end];
        let v: i64 = digits.parse().unwrap();
        ms += match digits.len() {
            1 => v * 100,
            2 => v * 10,
            3 => v,
            k => v / 10_i64.pow(k as u32 - 3),
        };
        rest = &frac[end..];
    }
    if rest != "Z" && !rest.is_empty() {
        let sign = if rest.starts_with('-') { -1 } else { 1 };
        let off =
            (rest[1..3].parse::<i64>().unwrap() * 60 + rest[4..6].parse::<i64>().unwrap()) * 60_000;
        ms -= sign * off;
    }
    ms
}

fn f32_or_nan(s: &str) -> f32 {
    s.parse().unwrap_or(f32::NAN)
}

#[test]
#[ignore]
fn tracksim_dataset() {
    let Ok(dir) = std::env::var("TRACKSIM_DIR") else {
        eprintln!("set TRACKSIM_DIR");
        return;
    };
    let csv = std::fs::read_to_string(format!("{dir}/fixes.csv")).unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/truth.json")).unwrap())
            .unwrap();
    let offset_ms = 8 * 3_600_000; // tracksim writes Shanghai local time
    let mut by_day: BTreeMap<(String, i64), Vec<Fix>> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let t = parse_ts(c[1]);
        let f = Fix {
            t_ms: t,
            lat: c[2].parse().unwrap_or(f64::NAN),
            lon: c[3].parse().unwrap_or(f64::NAN),
            accuracy_m: f32_or_nan(c[4]),
            speed_mps: f32_or_nan(c[5]),
            bearing_deg: f32_or_nan(c[6]),
            altitude_m: f32_or_nan(c[7]),
            provider: match c[8] {
                "gps" => Provider::Gps,
                "network" => Provider::Network,
                "fused" => Provider::Fused,
                _ => Provider::Unknown,
            },
            mock: c[9] == "true",
        };
        let day = (t + offset_ms).div_euclid(86_400_000);
        by_day.entry((c[0].to_string(), day)).or_default().push(f);
    }
    let wh = truth["work_hours"].as_str().unwrap();
    let hm =
        |s: &str| (s[0..2].parse::<i64>().unwrap() * 60 + s[3..5].parse::<i64>().unwrap()) * 60_000;
    let (w0, w1) = (hm(&wh[0..5]), hm(&wh[6..11]));
    let cfg = Config::default();
    let (mut errs, mut tp, mut found, mut want) = (vec![], 0, 0, 0);
    for dev in truth["devices"].as_array().unwrap() {
        let id = dev["device_id"].as_str().unwrap();
        for d in dev["days"].as_array().unwrap() {
            let date = d["date"].as_str().unwrap();
            let day = days_from_civil(
                date[0..4].parse().unwrap(),
                date[5..7].parse().unwrap(),
                date[8..10].parse().unwrap(),
            );
            let Some(mut fixes) = by_day.remove(&(id.to_string(), day)) else {
                continue;
            };
            prepare(&mut fixes);
            let a = analyze(&fixes, i64::MAX / 2, &cfg);
            let base = day * 86_400_000 - offset_ms;
            let got = mileage_within(&a, &fixes, &[(base + w0, base + w1)], &cfg);
            let truth_m = d["work_mileage_m"].as_f64().unwrap();
            if truth_m > 500.0 {
                errs.push((got - truth_m) / truth_m);
            }
            let stops = d["stops"].as_array().unwrap();
            want += stops.len();
            found += a.stops.len();
            let mut used = vec![false; stops.len()];
            let mut day_tp = 0;
            for s in &a.stops {
                let hit = stops.iter().enumerate().position(|(k, t)| {
                    let (ts, te) = (
                        parse_ts(t["start"].as_str().unwrap()),
                        parse_ts(t["end"].as_str().unwrap()),
                    );
                    let (lat, lon) = (t["lat"].as_f64().unwrap(), t["lon"].as_f64().unwrap());
                    let dy = (lat - s.lat) * 111_195.0;
                    let dx = (lon - s.lon) * 111_195.0 * lat.to_radians().cos();
                    !used[k]
                        && (dx * dx + dy * dy).sqrt() <= 150.0
                        && s.start_ms < te
                        && ts < s.end_ms
                });
                if let Some(k) = hit {
                    used[k] = true;
                    day_tp += 1;
                }
            }
            tp += day_tp;
            if std::env::var("VERBOSE").is_ok() {
                let chord = d["chord_work_mileage_m"].as_f64().unwrap_or(f64::NAN);
                eprintln!(
                    "{id} {date}: work {got:.0} vs {truth_m:.0} ({:+.2} %; chord {:+.2} %), stops {day_tp}/{} found {}",
                    (got - truth_m) / truth_m * 100.0,
                    (chord - truth_m) / truth_m * 100.0,
                    stops.len(),
                    a.stops.len()
                );
            }
        }
    }
    let mut abs: Vec<f64> = errs.iter().map(|e| e.abs()).collect();
    abs.sort_by(f64::total_cmp);
    let (p, r) = (tp as f64 / found as f64, tp as f64 / want as f64);
    eprintln!(
        "{} days: mileage median {:.2} % worst {:.2} % bias {:+.2} %; stops P {p:.3} R {r:.3} F1 {:.3}",
        errs.len(),
        abs[abs.len() / 2] * 100.0,
        abs[abs.len() - 1] * 100.0,
        errs.iter().sum::<f64>() / errs.len() as f64 * 100.0,
        2.0 * p * r / (p + r)
    );
}
