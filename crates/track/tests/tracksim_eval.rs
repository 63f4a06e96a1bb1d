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

/// Config overrides for tuning: `TRACK_CFG="min_step_m=5,accel_psd=3"`.
fn config() -> Config {
    let mut cfg = Config::default();
    let Ok(spec) = std::env::var("TRACK_CFG") else {
        return cfg;
    };
    for kv in spec.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').expect("key=value");
        let v: f64 = v.parse().expect("number");
        match k {
            "min_step_m" => cfg.min_step_m = v,
            "accel_psd" => cfg.accel_psd = v,
            "stop_core_m" => cfg.stop_core_m = v,
            "stop_radius_m" => cfg.stop_radius_m = v,
            "stop_edge_pad_ms" => cfg.stop_edge_pad_ms = v as i64,
            "excursion_ms" => cfg.excursion_ms = v as i64,
            "merge_gap_ms" => cfg.merge_gap_ms = v as i64,
            "gap_detour_factor" => cfg.gap_detour_factor = v,
            "max_detour" => cfg.max_detour = v,
            "speed_bound_sigmas" => cfg.speed_bound_sigmas = v,
            "speed_floor_mps" => cfg.speed_floor_mps = v,
            "speed_max_accuracy_m" => cfg.speed_max_accuracy_m = v as f32,
            _ => panic!("unknown config key {k}"),
        }
    }
    cfg
}

/// One-to-one matches, greedily by largest time overlap (as `bench/track/compare.py`).
fn matches(found: &[(i64, i64, f64, f64)], truth: &[(i64, i64, f64, f64)]) -> usize {
    let mut pairs = Vec::new();
    for (i, f) in found.iter().enumerate() {
        for (j, t) in truth.iter().enumerate() {
            let overlap = f.1.min(t.1) - f.0.max(t.0);
            let dy = (t.2 - f.2) * 111_195.0;
            let dx = (t.3 - f.3) * 111_195.0 * t.2.to_radians().cos();
            if overlap > 0 && (dx * dx + dy * dy).sqrt() <= 150.0 {
                pairs.push((overlap, i, j));
            }
        }
    }
    pairs.sort_by(|a, b| b.cmp(a));
    let (mut uf, mut ut) = (vec![false; found.len()], vec![false; truth.len()]);
    let mut n = 0;
    for (_, i, j) in pairs {
        if !uf[i] && !ut[j] {
            uf[i] = true;
            ut[j] = true;
            n += 1;
        }
    }
    n
}

#[derive(Default)]
struct Tally {
    errs: Vec<f64>,
    chord: Vec<f64>,
    tp: usize,
    found: usize,
    want: usize,
}

impl Tally {
    fn line(&self, name: &str) -> String {
        let q = |v: &[f64], p: f64| {
            let mut a: Vec<f64> = v.iter().map(|e| e.abs()).collect();
            a.sort_by(f64::total_cmp);
            if a.is_empty() {
                return f64::NAN;
            }
            // Linear interpolation between order statistics ("inclusive").
            let h = p * (a.len() - 1) as f64;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            (a[lo] + (a[hi] - a[lo]) * (h - lo as f64)) * 100.0
        };
        let (p, r) = (
            self.tp as f64 / self.found as f64,
            self.tp as f64 / self.want as f64,
        );
        format!(
            "{name}: {} days: mileage median {:.2} % p90 {:.2} % worst {:.2} % bias {:+.2} % (chord median {:.2} % worst {:.2} %); stops P {p:.3} R {r:.3} F1 {:.3}",
            self.errs.len(),
            q(&self.errs, 0.5),
            q(&self.errs, 0.9),
            q(&self.errs, 1.0),
            self.errs.iter().sum::<f64>() / self.errs.len() as f64 * 100.0,
            q(&self.chord, 0.5),
            q(&self.chord, 1.0),
            2.0 * p * r / (p + r)
        )
    }

    fn add(&mut self, o: &Tally) {
        self.errs.extend(&o.errs);
        self.chord.extend(&o.chord);
        self.tp += o.tp;
        self.found += o.found;
        self.want += o.want;
    }
}

fn read_fix(line: &str) -> (String, Fix) {
    let c: Vec<&str> = line.split(',').collect();
    let f = Fix {
        t_ms: parse_ts(c[1]),
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
    (c[0].to_string(), f)
}

/// Scores one data set; per sampling kind and overall.
fn evaluate(dir: &str, cfg: &Config) -> BTreeMap<String, Tally> {
    let csv = std::fs::read_to_string(format!("{dir}/fixes.csv")).unwrap();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{dir}/truth.json")).unwrap())
            .unwrap();
    let offset_ms = 8 * 3_600_000; // tracksim writes Shanghai local time
    let mut by_day: BTreeMap<(String, i64), Vec<Fix>> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let (id, f) = read_fix(line);
        let day = (f.t_ms + offset_ms).div_euclid(86_400_000);
        by_day.entry((id, day)).or_default().push(f);
    }
    let wh = truth["work_hours"].as_str().unwrap();
    let hm =
        |s: &str| (s[0..2].parse::<i64>().unwrap() * 60 + s[3..5].parse::<i64>().unwrap()) * 60_000;
    let (w0, w1) = (hm(&wh[0..5]), hm(&wh[6..11]));
    let verbose = std::env::var("VERBOSE").is_ok();
    let mut out: BTreeMap<String, Tally> = BTreeMap::new();
    for dev in truth["devices"].as_array().unwrap() {
        let id = dev["device_id"].as_str().unwrap();
        let kind = dev["sampling"].as_str().unwrap().to_string();
        for d in dev["days"].as_array().unwrap() {
            let date = d["date"].as_str().unwrap();
            let day = days_from_civil(
                date[0..4].parse().unwrap(),
                date[5..7].parse().unwrap(),
                date[8..10].parse().unwrap(),
            );
            let mut fixes = by_day.remove(&(id.to_string(), day)).unwrap_or_default();
            prepare(&mut fixes);
            let a = analyze(&fixes, i64::MAX / 2, cfg);
            let base = day * 86_400_000 - offset_ms;
            let got = mileage_within(&a, &fixes, &[(base + w0, base + w1)], cfg);
            let truth_m = d["work_mileage_m"].as_f64().unwrap();
            let chord = d["chord_work_mileage_m"].as_f64().unwrap_or(f64::NAN);
            let true_stops: Vec<(i64, i64, f64, f64)> = d["stops"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| {
                    (
                        parse_ts(t["start"].as_str().unwrap()),
                        parse_ts(t["end"].as_str().unwrap()),
                        t["lat"].as_f64().unwrap(),
                        t["lon"].as_f64().unwrap(),
                    )
                })
                .collect();
            let found: Vec<(i64, i64, f64, f64)> = a
                .stops
                .iter()
                .map(|s| (s.start_ms, s.end_ms, s.lat, s.lon))
                .collect();
            let tp = matches(&found, &true_stops);
            let t = out.entry(kind.clone()).or_default();
            t.errs.push((got - truth_m) / truth_m);
            t.chord.push((chord - truth_m) / truth_m);
            t.tp += tp;
            t.found += found.len();
            t.want += true_stops.len();
            if verbose {
                eprintln!(
                    "{id} {date} [{kind}]: work {got:.0} vs {truth_m:.0} ({:+.2} %; chord {:+.2} %), stops {tp}/{} found {}",
                    (got - truth_m) / truth_m * 100.0,
                    (chord - truth_m) / truth_m * 100.0,
                    true_stops.len(),
                    found.len()
                );
            }
        }
    }
    out
}

#[test]
#[ignore = "a tuning tool: scores tracksim output named by TRACKSIM_DIR; run with --ignored --nocapture"]
fn tracksim_dataset() {
    let Ok(dirs) = std::env::var("TRACKSIM_DIR") else {
        eprintln!("set TRACKSIM_DIR (several: separated by ':')");
        return;
    };
    let cfg = config();
    for dir in dirs.split(':') {
        let per_kind = evaluate(dir, &cfg);
        let mut all = Tally::default();
        for (kind, t) in &per_kind {
            eprintln!("  {}", t.line(kind));
            all.add(t);
        }
        eprintln!("{}", all.line(dir));
    }
}
