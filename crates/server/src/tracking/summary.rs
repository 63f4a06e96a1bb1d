//! A day of one person's track in the shape the API and `outfield track analyze` share.

use chrono::{DateTime, SecondsFormat, TimeZone, Utc};
use domain::fix::{FixRecord, Provider};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DaySummary {
    /// Local date, `YYYY-MM-DD`.
    pub date: String,
    /// Distance travelled that day (drift while stopped excluded).
    pub mileage_m: f64,
    /// Distance travelled inside the working windows — what mileage reimbursement pays.
    pub work_mileage_m: f64,
    pub stops: Vec<StopOut>,
    pub trips: Vec<TripOut>,
    /// Periods without a usable fix.
    pub gaps: Vec<GapOut>,
    pub first_fix: Option<String>,
    pub last_fix: Option<String>,
    pub fixes_kept: usize,
    pub fixes_rejected: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct StopOut {
    pub start: String,
    pub end: String,
    pub lat: f64,
    pub lon: f64,
    pub duration_s: f64,
    pub radius_m: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TripOut {
    pub start: String,
    pub end: String,
    pub distance_m: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GapOut {
    pub start: String,
    pub end: String,
    pub duration_s: f64,
}

/// RFC 3339 in the zone the day is reported in, to the millisecond.
pub fn rfc3339<Z: TimeZone>(tz: &Z, ms: i64) -> String
where
    Z::Offset: std::fmt::Display,
{
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .with_timezone(tz)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub fn to_track_fix(f: &FixRecord) -> track::Fix {
    track::Fix {
        t_ms: f.t_ms,
        lat: f.lat,
        lon: f.lon,
        accuracy_m: f.accuracy_m.unwrap_or(f32::NAN),
        speed_mps: f.speed_mps.unwrap_or(f32::NAN),
        bearing_deg: f.bearing_deg.unwrap_or(f32::NAN),
        altitude_m: f.altitude_m.unwrap_or(f32::NAN),
        provider: match f.provider {
            Provider::Gps => track::Provider::Gps,
            Provider::Network => track::Provider::Network,
            Provider::Fused => track::Provider::Fused,
            Provider::Unknown => track::Provider::Unknown,
        },
        mock: f.mock,
    }
}

/// Analyses one local day of prepared fixes. `windows` are the working windows touching
/// the day (UTC ms); the result does not depend on the order or repetition of the fixes.
pub fn summarize<Z: TimeZone>(
    date: &str,
    fixes: &mut Vec<track::Fix>,
    windows: &[(i64, i64)],
    tz: &Z,
    now_ms: i64,
) -> (DaySummary, track::Analysis)
where
    Z::Offset: std::fmt::Display,
{
    let cfg = track::Config::default();
    track::prepare(fixes);
    let a = track::analyze(fixes, now_ms, &cfg);
    let work = track::mileage_within(&a, fixes, windows, &cfg);
    let s = DaySummary {
        date: date.to_owned(),
        mileage_m: a.mileage_m,
        work_mileage_m: work,
        stops: a
            .stops
            .iter()
            .map(|s| StopOut {
                start: rfc3339(tz, s.start_ms),
                end: rfc3339(tz, s.end_ms),
                lat: s.lat,
                lon: s.lon,
                duration_s: (s.end_ms - s.start_ms) as f64 / 1000.0,
                radius_m: s.radius_m,
            })
            .collect(),
        trips: a
            .trips
            .iter()
            .map(|t| TripOut {
                start: rfc3339(tz, t.start_ms),
                end: rfc3339(tz, t.end_ms),
                distance_m: t.distance_m,
            })
            .collect(),
        gaps: a
            .gaps
            .iter()
            .map(|g| GapOut {
                start: rfc3339(tz, g.start_ms),
                end: rfc3339(tz, g.end_ms),
                duration_s: (g.end_ms - g.start_ms) as f64 / 1000.0,
            })
            .collect(),
        first_fix: a.first_fix_ms.map(|t| rfc3339(tz, t)),
        last_fix: a.last_fix_ms.map(|t| rfc3339(tz, t)),
        fixes_kept: a.kept,
        fixes_rejected: a.rejected,
    };
    (s, a)
}
