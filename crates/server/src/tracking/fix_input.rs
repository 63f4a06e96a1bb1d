//! Fixes as clients send them, checked and turned into [`FixRecord`]s. Shared by the
//! field app's JSON API and the OsmAnd protocol.

use chrono::{DateTime, FixedOffset};
use domain::fix::{FixRecord, Provider};
use domain::{CoordSystem, Format, Problem, Wgs84};
use serde::Deserialize;
use utoipa::ToSchema;

/// An instant: RFC 3339 with the device's offset (kept), or epoch milliseconds.
#[derive(Clone, Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(untagged)]
pub enum Instant {
    #[schema(example = "2026-11-27T09:30:00.000+08:00")]
    Text(String),
    Millis(i64),
}

impl Instant {
    /// Epoch ms and, for text with an offset, the offset in minutes.
    pub fn resolve(&self) -> Result<(i64, Option<i16>), Problem> {
        match self {
            Instant::Millis(ms) => Ok((*ms, None)),
            Instant::Text(s) => parse_time_text(s),
        }
    }
}

/// RFC 3339 / ISO 8601 with an offset, or a bare number of epoch seconds (OsmAnd clients
/// send both forms).
pub fn parse_time_text(s: &str) -> Result<(i64, Option<i16>), Problem> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<f64>() {
        if !secs.is_finite() {
            return Err(Problem::format(Format::Instant));
        }
        // Some clients send milliseconds in the seconds field; 1e11 s is the year 5138.
        let ms = if secs.abs() > 1e11 {
            secs
        } else {
            secs * 1000.0
        };
        return Ok((ms.round() as i64, None));
    }
    let t: DateTime<FixedOffset> = DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .map_err(|_| Problem::format(Format::Instant))?;
    Ok((
        t.timestamp_millis(),
        Some((t.offset().local_minus_utc() / 60) as i16),
    ))
}

/// One fix in `POST /api/v1/locations`.
#[derive(Clone, Debug, Deserialize, ToSchema)]
pub struct FixInput {
    /// When the fix was taken.
    pub t: Instant,
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: f64,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: f64,
    /// `wgs84` (default), `gcj02` or `bd09`: what the phone's location SDK returned.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    /// Radius in metres with 68 % confidence, as Android and iOS report it.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 100000.0)]
    pub accuracy_m: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 350.0)]
    pub speed_mps: Option<f64>,
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 360.0)]
    pub bearing_deg: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -1000.0, maximum = 20000.0)]
    pub altitude_m: Option<f64>,
    /// `gps`, `network` or `fused`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::values::FixProvider>)]
    pub provider: Option<String>,
    /// The OS said a mock-location app produced this fix.
    #[serde(default)]
    pub mock: bool,
    /// Battery level 0–1.
    #[serde(default)]
    #[schema(minimum = 0.0, maximum = 1.0)]
    pub battery: Option<f64>,
}

/// Checks an optional measurement: finite and in range, else the field's problem.
fn measure(
    v: Option<f64>,
    field: &'static str,
    lo: f64,
    hi: f64,
) -> Result<Option<f32>, (&'static str, Problem)> {
    match v {
        None => Ok(None),
        Some(x) if x.is_finite() && (lo..=hi).contains(&x) => Ok(Some(x as f32)),
        Some(_) => Err((field, Problem::range(lo, hi, ""))),
    }
}

impl FixInput {
    /// The stored form, or the first problem as (field, problem). `now_ms` bounds how far
    /// in the future a device clock may claim to be (5 minutes).
    pub fn to_record(&self, now_ms: i64) -> Result<FixRecord, (&'static str, Problem)> {
        let (t_ms, offset_min) = self.t.resolve().map_err(|p| ("t", p))?;
        if t_ms > now_ms + 5 * 60_000 {
            return Err(("t", Problem::InFuture { max_ahead_min: 5 }));
        }
        if t_ms < 946_684_800_000 {
            return Err(("t", Problem::TooOld));
        }
        let system = match self.coord_system.as_deref() {
            None => CoordSystem::Wgs84,
            Some(s) => CoordSystem::parse(s)
                .ok_or(("coord_system", domain::customer::coord_system_problem()))?,
        };
        let p = Wgs84::parse(self.lat, self.lon, system).map_err(|e| (e.field(), e.problem()))?;
        let provider = match self.provider.as_deref() {
            None => Provider::Unknown,
            Some(s) => Provider::parse(s).ok_or((
                "provider",
                Problem::unknown_value(&["gps", "network", "fused"]),
            ))?,
        };
        Ok(FixRecord {
            t_ms,
            offset_min,
            lat: p.lat(),
            lon: p.lon(),
            accuracy_m: measure(self.accuracy_m, "accuracy_m", 0.0, 100_000.0)?,
            speed_mps: measure(self.speed_mps, "speed_mps", 0.0, 350.0)?,
            bearing_deg: measure(self.bearing_deg, "bearing_deg", 0.0, 360.0)?,
            altitude_m: measure(self.altitude_m, "altitude_m", -1000.0, 20_000.0)?,
            provider,
            mock: self.mock,
            battery: measure(self.battery, "battery", 0.0, 1.0)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fix(t: Instant) -> FixInput {
        FixInput {
            t,
            lat: 31.23,
            lon: 121.47,
            coord_system: None,
            accuracy_m: Some(8.0),
            speed_mps: None,
            bearing_deg: None,
            altitude_m: None,
            provider: Some("gps".into()),
            mock: false,
            battery: None,
        }
    }

    #[test]
    fn times_keep_their_offset() {
        let (ms, off) = parse_time_text("2026-11-27T09:30:00+08:00").unwrap();
        assert_eq!(ms, 1_795_743_000_000);
        assert_eq!(off, Some(480));
        assert_eq!(
            parse_time_text("1764207000").unwrap(),
            (1_764_207_000_000, None)
        );
        assert_eq!(
            parse_time_text("1764207000123").unwrap(),
            (1_764_207_000_123, None)
        );
        assert!(parse_time_text("yesterday").is_err());
        assert!(
            parse_time_text("2026-11-27 09:30").is_err(),
            "no offset, no instant"
        );
    }

    #[test]
    fn bad_values_name_their_field() {
        let now = 1_764_207_000_000;
        assert!(fix(Instant::Millis(now)).to_record(now).is_ok());
        assert_eq!(
            fix(Instant::Millis(now + 600_000))
                .to_record(now)
                .unwrap_err()
                .0,
            "t"
        );
        let mut f = fix(Instant::Millis(now));
        f.lat = 91.0;
        assert_eq!(f.to_record(now).unwrap_err().0, "lat");
        let mut f = fix(Instant::Millis(now));
        f.accuracy_m = Some(f64::NAN);
        assert_eq!(f.to_record(now).unwrap_err().0, "accuracy_m");
        let mut f = fix(Instant::Millis(now));
        f.provider = Some("satellite".into());
        assert_eq!(f.to_record(now).unwrap_err().0, "provider");
    }

    #[test]
    fn gcj02_input_is_stored_as_wgs84() {
        let now = 1_764_207_000_000;
        let mut f = fix(Instant::Millis(now));
        f.coord_system = Some("gcj02".into());
        let r = f.to_record(now).unwrap();
        assert!(
            r.lon < 121.47,
            "GCJ-02 is shifted east of WGS-84 in Shanghai"
        );
    }
}
