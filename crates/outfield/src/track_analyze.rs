//! `outfield track analyze`: per device and local day, the same day object the API serves.

use anyhow::{Context, anyhow, bail};
use chrono::{FixedOffset, NaiveDate, NaiveTime, TimeZone};
use serde::Serialize;
use server::tracking::files::{self, TrackFormat};
use server::tracking::summary::{DaySummary, summarize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Serialize)]
struct Output {
    devices: Vec<DeviceOut>,
}

#[derive(Serialize)]
struct DeviceOut {
    device_id: String,
    days: Vec<DaySummary>,
}

fn parse_offset(s: &str) -> anyhow::Result<FixedOffset> {
    let t = s.trim();
    if t.eq_ignore_ascii_case("z") || t.eq_ignore_ascii_case("utc") {
        return Ok(FixedOffset::east_opt(0).expect("zero offset"));
    }
    let (sign, rest) = match t.chars().next() {
        Some('+') => (1, &t[1..]),
        Some('-') => (-1, &t[1..]),
        _ => bail!("--tz: `{s}` must look like +08:00"),
    };
    let (h, m) = rest.split_once(':').unwrap_or((rest, "0"));
    let (h, m): (i32, i32) = (
        h.parse().context("--tz hours")?,
        m.parse().context("--tz minutes")?,
    );
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
        .ok_or_else(|| anyhow!("--tz: `{s}` is out of range"))
}

fn parse_hours(s: &str) -> anyhow::Result<(NaiveTime, NaiveTime)> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| anyhow!("--work-hours: `{s}` must look like 09:00-18:00"))?;
    let t = |x: &str| {
        NaiveTime::parse_from_str(x.trim(), "%H:%M")
            .map_err(|_| anyhow!("--work-hours: `{x}` is not a time"))
    };
    Ok((t(a)?, t(b)?))
}

/// The working window of local `date` as UTC ms; an end before the start runs past midnight.
fn window(tz: &FixedOffset, date: NaiveDate, (start, end): (NaiveTime, NaiveTime)) -> (i64, i64) {
    let at = |d: NaiveDate, t: NaiveTime| {
        tz.from_local_datetime(&d.and_time(t))
            .single()
            .map(|x| x.timestamp_millis())
            .unwrap_or(0)
    };
    let end_day = if end <= start {
        date.succ_opt().unwrap_or(date)
    } else {
        date
    };
    (at(date, start), at(end_day, end))
}

pub fn run(input: &Path, format: Option<&str>, tz: &str, work_hours: &str) -> anyhow::Result<()> {
    let tz = parse_offset(tz)?;
    let hours = parse_hours(work_hours)?;
    let shown = input.display().to_string();
    let format = match format {
        Some(f) => TrackFormat::parse(f)
            .ok_or_else(|| anyhow!("--format: `{f}` must be csv, gpx or geojson"))?,
        None => TrackFormat::from_path(&shown)
            .ok_or_else(|| anyhow!("{shown}: say --format csv|gpx|geojson"))?,
    };
    let bytes = std::fs::read(input).with_context(|| format!("reading {shown}"))?;
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("device");
    let (devices, bad) = match format {
        TrackFormat::Csv => files::read_csv(&bytes),
        TrackFormat::Gpx => files::read_gpx(&bytes, stem),
        TrackFormat::GeoJson => files::read_geojson(&bytes, stem),
    }
    .map_err(|e| anyhow!("{shown}: {e}"))?;
    for b in &bad {
        if b.line > 0 {
            eprintln!(
                "{shown}: line {}, column {}: {}",
                b.line, b.column, b.problem
            );
        } else {
            eprintln!("{shown}: {}: {}", b.column, b.problem);
        }
    }
    let now = server::now_ms();
    let mut out = Output {
        devices: Vec::new(),
    };
    for (device_id, fixes) in devices {
        // Split into local days, each analysed on its own like the server does.
        let mut by_day: BTreeMap<NaiveDate, Vec<track::Fix>> = BTreeMap::new();
        for f in fixes {
            let Some(t) = chrono::DateTime::from_timestamp_millis(f.t_ms) else {
                continue;
            };
            by_day
                .entry(t.with_timezone(&tz).date_naive())
                .or_default()
                .push(f);
        }
        let days = by_day
            .into_iter()
            .map(|(date, mut fixes)| {
                let mut windows = vec![window(&tz, date, hours)];
                if hours.1 <= hours.0 {
                    // Yesterday's night window runs into today.
                    windows.push(window(&tz, date.pred_opt().unwrap_or(date), hours));
                }
                summarize(&date.to_string(), &mut fixes, &windows, &tz, now).0
            })
            .collect();
        out.devices.push(DeviceOut { device_id, days });
    }
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_and_hours() {
        assert_eq!(parse_offset("+08:00").unwrap().local_minus_utc(), 8 * 3600);
        assert_eq!(
            parse_offset("-05:30").unwrap().local_minus_utc(),
            -(5 * 3600 + 30 * 60)
        );
        assert!(parse_offset("08:00").is_err());
        assert!(parse_hours("9-18").is_err());
        let (a, b) = parse_hours("22:00-06:00").unwrap();
        let tz = parse_offset("+08:00").unwrap();
        let (s, e) = window(&tz, NaiveDate::from_ymd_opt(2026, 11, 27).unwrap(), (a, b));
        assert_eq!(e - s, 8 * 3_600_000);
    }
}
