//! `tracksim`: realistic phone-GPS traces of field reps, with ground truth.
//!
//! For each rep and working day it simulates the true movement through a
//! Shanghai-like grid city ([`city`], [`plan`], [`motion`]), samples it the
//! way a phone app would with realistic errors ([`phone`]), adds the file
//! artefacts phones cause (duplicates, late rows, mock fixes), and records
//! the truth: working-hours and total mileage and the true stops ([`truth`]).
//! Everything is deterministic per seed; each rep-day has its own random
//! stream. Pure: no I/O except the explicit [`write_dataset`].

pub mod city;
pub mod fix;
pub mod geo;
pub mod motion;
pub mod phone;
pub mod plan;
pub mod rng;
pub mod truth;

use std::path::Path;

use chrono::{Datelike, Duration, NaiveDate, NaiveTime, Weekday};

use crate::city::City;
use crate::fix::{Fix, Provider, format_time};
use crate::phone::{Phone, Sampling};
use crate::plan::{DayPlan, Rep, plan_day};
use crate::rng::{Dice, mix};
use crate::truth::{DayTruth, DeviceTruth, Events, StopTruth, Truth};

/// Shanghai local time, UTC+08:00 all year.
pub const UTC_OFFSET_S: i32 = 8 * 3600;

/// Epoch milliseconds of a local wall-clock time.
pub fn local_ms(date: NaiveDate, time: NaiveTime) -> i64 {
    date.and_time(time).and_utc().timestamp_millis() - i64::from(UTC_OFFSET_S) * 1000
}

/// Probabilities of the difficulties; `Knobs::default()` is the benchmark.
#[derive(Clone, Debug)]
pub struct Knobs {
    /// Position errors at all (off: every fix is the true position).
    pub noise: bool,
    /// Per satellite fix outside open sky: start of a multipath jump.
    pub multipath_p: f64,
    /// Scales each indoor stay's share of network fixes (2–20 %).
    pub network_scale: f64,
    /// Per visit: basement or underground car park (2–20 min, no signal).
    pub basement_p: f64,
    /// Per drive: a 2–5 min tunnel on its longest straight arterial run.
    pub tunnel_p: f64,
    /// Per day: the app is killed for 2–8 min while driving.
    pub killed_p: f64,
    /// Per drive: a congested stretch crawled at 1–3 m/s.
    pub crawl_p: f64,
    /// Per row: re-sent (duplicated) later in the file.
    pub duplicate_p: f64,
    /// Per row: starts a batch of 1–8 rows uploaded late (out of order).
    pub late_p: f64,
    /// Per day: a burst of 3–8 mock-location fixes (flagged `mock=true`).
    pub mock_day_p: f64,
    /// Per visit to a shop closer than `walk_max_m`: the rep walks there, leaving the car.
    pub on_foot_p: f64,
    pub walk_max_m: f64,
}

impl Default for Knobs {
    fn default() -> Self {
        Knobs {
            noise: true,
            multipath_p: 0.003,
            network_scale: 1.0,
            basement_p: 0.12,
            tunnel_p: 0.15,
            killed_p: 0.05,
            crawl_p: 0.3,
            duplicate_p: 0.004,
            late_p: 0.002,
            mock_day_p: 0.08,
            on_foot_p: 0.4,
            walk_max_m: 700.0,
        }
    }
}

impl Knobs {
    /// No errors and no artefacts: fixes are the truth, sampled.
    pub fn clean() -> Knobs {
        Knobs {
            noise: false,
            multipath_p: 0.0,
            network_scale: 0.0,
            basement_p: 0.0,
            tunnel_p: 0.0,
            killed_p: 0.0,
            duplicate_p: 0.0,
            late_p: 0.0,
            mock_day_p: 0.0,
            ..Knobs::default()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Config {
    pub seed: u64,
    pub reps: usize,
    /// Working days (Monday–Friday) per rep.
    pub days: usize,
    /// First day; weekends are skipped.
    pub start: NaiveDate,
    pub work_start: NaiveTime,
    pub work_end: NaiveTime,
    /// Force one fixed sampling interval (seconds) on every device.
    pub interval: Option<u32>,
    pub knobs: Knobs,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            seed: 1,
            reps: 3,
            days: 60,
            start: NaiveDate::from_ymd_opt(2026, 3, 2).expect("valid date"),
            work_start: NaiveTime::from_hms_opt(9, 0, 0).expect("valid time"),
            work_end: NaiveTime::from_hms_opt(18, 0, 0).expect("valid time"),
            interval: None,
            knobs: Knobs::default(),
        }
    }
}

pub struct Dataset {
    /// Rows in file order (with duplicates and late rows).
    pub fixes: Vec<Fix>,
    pub truth: Truth,
}

/// The `n`-th working day from `start` (weekends skipped).
pub fn working_day(start: NaiveDate, n: usize) -> NaiveDate {
    let mut d = start;
    let mut left = n;
    loop {
        if !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) {
            if left == 0 {
                return d;
            }
            left -= 1;
        }
        d += Duration::days(1);
    }
}

/// Device `index`'s phone: two in three sample adaptively, every third at a
/// fixed 30 s; providers alternate between raw `gps` and `fused`.
pub fn phone_for(index: usize, cfg: &Config) -> Phone {
    let sampling = match cfg.interval {
        Some(n) => Sampling::Fixed(n),
        None if index % 3 == 1 => Sampling::Fixed(30),
        None => Sampling::Adaptive,
    };
    let provider = if index.is_multiple_of(2) {
        Provider::Fused
    } else {
        Provider::Gps
    };
    Phone {
        device_id: format!("rep-{:02}", index + 1),
        sampling,
        provider,
    }
}

/// One simulated rep-day: its true plan, the rows it adds to the file, and
/// its truth.
pub struct SimDay {
    pub plan: DayPlan,
    pub rows: Vec<Fix>,
    pub truth: DayTruth,
}

pub fn simulate_day(
    cfg: &Config,
    city: &City,
    rep: &Rep,
    phone: &Phone,
    rep_index: usize,
    date: NaiveDate,
) -> SimDay {
    let seed = mix(
        cfg.seed,
        rep_index as u64 + 1,
        date.num_days_from_ce() as u64,
    );
    let plan = plan_day(city, rep, date, &cfg.knobs, seed);
    simulate_plan(cfg, rep, phone, rep_index, date, plan)
}

/// Records a day whose true plan the caller made (e.g. with [`plan::plan_route`]): the phone's
/// rows and the truth, as [`simulate_day`] does for the days it plans itself.
pub fn simulate_plan(
    cfg: &Config,
    rep: &Rep,
    phone: &Phone,
    rep_index: usize,
    date: NaiveDate,
    plan: DayPlan,
) -> SimDay {
    let seed = mix(
        cfg.seed,
        rep_index as u64 + 1,
        date.num_days_from_ce() as u64,
    );
    let mut dice = Dice::new(mix(seed, 0xF1, 0x5));
    let (real, counts) = phone::record(&plan.track, phone, &cfg.knobs, &mut dice);
    let (w0, w1) = (local_ms(date, cfg.work_start), local_ms(date, cfg.work_end));
    let track = &plan.track;

    // Straight lines through true positions at the recorded instants.
    let mut instants = vec![w0];
    instants.extend(real.iter().map(|f| f.t_ms).filter(|&t| t > w0 && t < w1));
    instants.push(w1);
    let chord = instants
        .windows(2)
        .map(|w| geo::haversine_m(track.pos_at(w[0]), track.pos_at(w[1])))
        .sum::<f64>();

    let mock = mock_burst(&plan, rep, &cfg.knobs, &mut dice);
    let mut rows: Vec<Fix> = real.iter().cloned().chain(mock.iter().cloned()).collect();
    rows.sort_by_key(|f| f.t_ms);
    let (duplicates, late) = shuffle_like_a_phone(&mut rows, &cfg.knobs, &mut dice);

    let round = |m: f64| (m * 10.0).round() / 10.0;
    let truth = DayTruth {
        date: date.format("%Y-%m-%d").to_string(),
        work_mileage_m: round(track.odo_at(w1) - track.odo_at(w0)),
        mileage_m: round(track.last().odo_m),
        chord_work_mileage_m: round(chord),
        stops: plan
            .stops
            .iter()
            .map(|s| StopTruth {
                start: format_time(s.start_ms, false),
                end: format_time(s.end_ms, false),
                lat: (s.pos.lat * 1e7).round() / 1e7,
                lon: (s.pos.lon * 1e7).round() / 1e7,
                kind: s.kind.as_str().to_string(),
            })
            .collect(),
        events: Events {
            fixes: real.len() as u32,
            network_fixes: counts.network,
            multipath_jumps: counts.multipath,
            signal_gaps: plan.gaps.len() as u32,
            signal_gap_s: plan.gaps.iter().map(|(a, b)| (b - a) as u32).sum(),
            red_lights: track.lights.len() as u32,
            mock_fixes: mock.len() as u32,
            duplicate_rows: duplicates,
            late_rows: late,
        },
    };
    SimDay { plan, rows, truth }
}

/// A mock-location app reporting the rep at some customer 2–10 km away
/// while they sit somewhere else. Flagged `mock=true` (Android's
/// `isFromMockProvider`); not part of the truth.
fn mock_burst(plan: &DayPlan, rep: &Rep, knobs: &Knobs, dice: &mut Dice) -> Vec<Fix> {
    if !dice.chance(knobs.mock_day_p) {
        return Vec::new();
    }
    let visits: Vec<_> = plan
        .stops
        .iter()
        .filter(|s| s.kind == plan::StopKind::Visit)
        .collect();
    let Some(stop) = visits.get(dice.int(0, visits.len() as i64 - 1) as usize) else {
        return Vec::new();
    };
    let (dx, dy) = dice.direction();
    let d = dice.range(2000.0, 10_000.0);
    let fake = geo::offset(stop.pos, dx * d, dy * d);
    let t0 = stop.start_ms + dice.int(60_000, 240_000);
    (0..dice.int(3, 8))
        .map(|k| Fix {
            device_id: rep.device_id.clone(),
            t_ms: t0 + k * 5000 + dice.int(0, 999),
            lat: fake.lat,
            lon: fake.lon,
            accuracy_m: 3.0,
            speed_mps: Some(0.0),
            bearing_deg: None,
            altitude_m: Some(0.0),
            provider: Provider::Gps,
            mock: true,
        })
        .collect()
}

/// Phones re-send rows they are not sure were received, and upload batches
/// kept while offline late: duplicates up to 20 rows later, and blocks of
/// 1–8 rows moved 10–120 rows later. Returns (duplicates, moved rows).
fn shuffle_like_a_phone(rows: &mut Vec<Fix>, knobs: &Knobs, dice: &mut Dice) -> (u32, u32) {
    let (mut dups, mut moved) = (0, 0);
    let mut i = 0;
    while i < rows.len() {
        if dice.chance(knobs.duplicate_p) {
            let to = (i + dice.int(1, 20) as usize).min(rows.len());
            rows.insert(to, rows[i].clone());
            dups += 1;
        }
        i += 1;
    }
    let mut i = 0;
    while i < rows.len() {
        if dice.chance(knobs.late_p) {
            let n = (dice.int(1, 8) as usize).min(rows.len() - i);
            let block: Vec<Fix> = rows.drain(i..i + n).collect();
            let to = (i + dice.int(10, 120) as usize).min(rows.len());
            moved += n as u32;
            rows.splice(to..to, block);
        }
        i += 1;
    }
    (dups, moved)
}

/// The whole data set: every rep, every working day.
pub fn generate(cfg: &Config) -> Dataset {
    let city = City::new(cfg.seed);
    let mut fixes = Vec::new();
    let mut devices = Vec::new();
    for r in 0..cfg.reps {
        let rep = Rep::new(&city, r, &mut Dice::new(mix(cfg.seed, r as u64 + 1, 0)));
        let phone = phone_for(r, cfg);
        let mut days = Vec::new();
        for d in 0..cfg.days {
            let day = simulate_day(cfg, &city, &rep, &phone, r, working_day(cfg.start, d));
            fixes.extend(day.rows);
            days.push(day.truth);
        }
        devices.push(DeviceTruth {
            device_id: phone.device_id.clone(),
            sampling: phone.sampling.describe(),
            days,
        });
    }
    let hm = |t: NaiveTime| t.format("%H:%M").to_string();
    Dataset {
        fixes,
        truth: Truth {
            schema: "tracksim-truth/1".into(),
            seed: cfg.seed,
            utc_offset: "+08:00".into(),
            work_hours: format!("{}-{}", hm(cfg.work_start), hm(cfg.work_end)),
            devices,
        },
    }
}

/// Writes `fixes.csv` and `truth.json` into `dir` (created if missing).
pub fn write_dataset(dir: &Path, data: &Dataset) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let csv = std::io::BufWriter::new(std::fs::File::create(dir.join("fixes.csv"))?);
    fix::write_csv(csv, &data.fixes).map_err(std::io::Error::other)?;
    let json = serde_json::to_string_pretty(&data.truth).map_err(std::io::Error::other)?;
    std::fs::write(dir.join("truth.json"), json + "\n")
}

#[cfg(test)]
mod tests;
