//! One row of `fixes.csv`, and reading/writing that file.
//!
//! The columns are exactly what `outfield track analyze --format csv` reads:
//! `device_id,timestamp,lat,lon,accuracy_m,speed_mps,bearing_deg,altitude_m,provider,mock`,
//! RFC 3339 timestamps with the local offset, empty cells for unknown values.

use std::io::{Read, Write};

use chrono::{DateTime, FixedOffset};

use crate::UTC_OFFSET_S;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Gps,
    Network,
    Fused,
}

impl Provider {
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Gps => "gps",
            Provider::Network => "network",
            Provider::Fused => "fused",
        }
    }

    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "gps" => Some(Provider::Gps),
            "network" => Some(Provider::Network),
            "fused" => Some(Provider::Fused),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Fix {
    pub device_id: String,
    /// Unix epoch milliseconds.
    pub t_ms: i64,
    pub lat: f64,
    pub lon: f64,
    pub accuracy_m: f64,
    pub speed_mps: Option<f64>,
    pub bearing_deg: Option<f64>,
    pub altitude_m: Option<f64>,
    pub provider: Provider,
    pub mock: bool,
}

pub const HEADER: [&str; 10] = [
    "device_id",
    "timestamp",
    "lat",
    "lon",
    "accuracy_m",
    "speed_mps",
    "bearing_deg",
    "altitude_m",
    "provider",
    "mock",
];

fn offset() -> FixedOffset {
    FixedOffset::east_opt(UTC_OFFSET_S).expect("valid offset")
}

/// RFC 3339 in local time, with milliseconds when `millis`.
pub fn format_time(t_ms: i64, millis: bool) -> String {
    let t = DateTime::from_timestamp_millis(t_ms)
        .expect("in range")
        .with_timezone(&offset());
    if millis {
        t.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
    } else {
        t.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    }
}

/// Parses any RFC 3339 instant into epoch milliseconds.
pub fn parse_time(s: &str) -> Option<i64> {
    DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// Rounds to `decimals` places and drops trailing zeros, so files stay small.
fn num(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn opt(x: Option<f64>, decimals: usize) -> String {
    x.map(|x| num(x, decimals)).unwrap_or_default()
}

pub fn write_csv<W: Write>(out: W, fixes: &[Fix]) -> csv::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(HEADER)?;
    for f in fixes {
        w.write_record([
            f.device_id.as_str(),
            &format_time(f.t_ms, true),
            &num(f.lat, 7),
            &num(f.lon, 7),
            &num(f.accuracy_m, 1),
            &opt(f.speed_mps, 2),
            &opt(f.bearing_deg, 1),
            &opt(f.altitude_m, 1),
            f.provider.as_str(),
            if f.mock { "true" } else { "false" },
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn read_csv<R: Read>(input: R) -> Result<Vec<Fix>, String> {
    let mut r = csv::Reader::from_reader(input);
    let header = r.headers().map_err(|e| e.to_string())?.clone();
    if header.iter().ne(HEADER) {
        return Err(format!("unexpected header {header:?}"));
    }
    let mut fixes = Vec::new();
    for (n, row) in r.records().enumerate() {
        let row = row.map_err(|e| e.to_string())?;
        let bad = |what: &str| format!("row {}: bad {what}", n + 2);
        let float = |i: usize| row[i].parse::<f64>().map_err(|_| bad(HEADER[i]));
        let optional = |i: usize| {
            if row[i].is_empty() {
                Ok(None)
            } else {
                row[i].parse::<f64>().map(Some).map_err(|_| bad(HEADER[i]))
            }
        };
        fixes.push(Fix {
            device_id: row[0].to_string(),
            t_ms: parse_time(&row[1]).ok_or_else(|| bad("timestamp"))?,
            lat: float(2)?,
            lon: float(3)?,
            accuracy_m: float(4)?,
            speed_mps: optional(5)?,
            bearing_deg: optional(6)?,
            altitude_m: optional(7)?,
            provider: Provider::parse(&row[8]).ok_or_else(|| bad("provider"))?,
            mock: match &row[9] {
                "true" => true,
                "false" => false,
                _ => return Err(bad("mock")),
            },
        });
    }
    Ok(fixes)
}
