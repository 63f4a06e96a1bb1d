//! The OsmAnd tracking protocol, as Traccar Client, OsmAnd and GPSLogger speak it: a GET
//! or POST with the fix in the query string or a form body (`id`, `lat`, `lon`,
//! `timestamp`, `speed` in knots, `bearing`, `altitude`, `accuracy`, `batt`), or a JSON
//! body with `location.coords` (Traccar Client 9+, speed in m/s). Parsing is pure; the
//! listener is in `osmand_listener.rs`.

use super::fix_input::parse_time_text;
use domain::Wgs84;
use domain::fix::{FixRecord, Provider};
use serde_json::Value;

const KNOT_MPS: f64 = 1852.0 / 3600.0;

#[derive(Debug, PartialEq)]
pub struct OsmandFix {
    pub identifier: String,
    pub fix: FixRecord,
}

/// Why a request was refused: the parameter and the problem.
#[derive(Debug, PartialEq)]
pub struct OsmandError {
    pub field: &'static str,
    pub problem: String,
}

fn err(field: &'static str, problem: impl Into<String>) -> OsmandError {
    OsmandError {
        field,
        problem: problem.into(),
    }
}

fn number(v: Option<&str>, field: &'static str) -> Result<Option<f64>, OsmandError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(err(field, format!("`{s}` is not a number"))),
        },
    }
}

fn bounded(
    v: Option<f64>,
    field: &'static str,
    lo: f64,
    hi: f64,
) -> Result<Option<f32>, OsmandError> {
    match v {
        Some(x) if !(lo..=hi).contains(&x) => {
            Err(err(field, format!("must be between {lo} and {hi}")))
        }
        other => Ok(other.map(|x| x as f32)),
    }
}

fn boolean(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "1" | "yes")
    )
}

/// A fix from query-string or form parameters (later duplicates of a key win, as in
/// Traccar). `now_ms` stands in for a missing timestamp, as the protocol allows.
pub fn from_params(params: &[(String, String)], now_ms: i64) -> Result<OsmandFix, OsmandError> {
    let get = |k: &str| {
        params
            .iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    let identifier = get("id")
        .or_else(|| get("deviceid"))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("id", "is required"))?
        .to_owned();
    let (lat, lon) = match (number(get("lat"), "lat")?, number(get("lon"), "lon")?) {
        (Some(a), Some(b)) => (a, b),
        _ => match get("location").and_then(|l| l.split_once(',')) {
            Some((a, b)) => (
                number(Some(a), "location")?.ok_or_else(|| err("location", "needs lat,lon"))?,
                number(Some(b), "location")?.ok_or_else(|| err("location", "needs lat,lon"))?,
            ),
            None => return Err(err("lat", "lat and lon are required")),
        },
    };
    let (t_ms, offset_min) = match get("timestamp").filter(|s| !s.trim().is_empty()) {
        Some(t) => parse_time_text(t).map_err(|p| err("timestamp", p))?,
        None => (now_ms, None),
    };
    let p = domain::Wgs84::parse(lat, lon, domain::CoordSystem::Wgs84)
        .map_err(|e| err(e.field(), e.problem()))?;
    let battery = number(get("batt"), "batt")?.map(|b| if b > 1.0 { b / 100.0 } else { b });
    Ok(OsmandFix {
        identifier,
        fix: FixRecord {
            t_ms,
            offset_min,
            lat: p.lat(),
            lon: p.lon(),
            accuracy_m: bounded(
                number(get("accuracy"), "accuracy")?,
                "accuracy",
                0.0,
                100_000.0,
            )?,
            speed_mps: bounded(
                number(get("speed"), "speed")?.map(|k| k * KNOT_MPS),
                "speed",
                0.0,
                350.0,
            )?,
            bearing_deg: bounded(number(get("bearing"), "bearing")?, "bearing", 0.0, 360.0)?,
            altitude_m: bounded(
                number(get("altitude"), "altitude")?,
                "altitude",
                -1000.0,
                20_000.0,
            )?,
            provider: Provider::Gps,
            mock: boolean(get("mock")),
            battery: bounded(battery, "batt", 0.0, 1.0)?,
        },
    })
}

/// A fix from the JSON body form: `{"device_id": "…", "location": {"timestamp": "…",
/// "coords": {"latitude", "longitude", "accuracy", "speed", "heading", "altitude"},
/// "battery": {"level"}, "mock": false}}`.
pub fn from_json(body: &Value, now_ms: i64) -> Result<OsmandFix, OsmandError> {
    let identifier = body["device_id"]
        .as_str()
        .or_else(|| body["id"].as_str())
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| err("device_id", "is required"))?
        .to_owned();
    let loc = &body["location"];
    if !loc.is_object() {
        return Err(err("location", "is required"));
    }
    let c = &loc["coords"];
    let num = |v: &Value, field: &'static str| -> Result<Option<f64>, OsmandError> {
        match v {
            Value::Null => Ok(None),
            Value::Number(n) => n
                .as_f64()
                .map(Some)
                .ok_or_else(|| err(field, "is not a number")),
            _ => Err(err(field, "is not a number")),
        }
    };
    let lat = num(&c["latitude"], "location.coords.latitude")?
        .ok_or_else(|| err("location.coords.latitude", "is required"))?;
    let lon = num(&c["longitude"], "location.coords.longitude")?
        .ok_or_else(|| err("location.coords.longitude", "is required"))?;
    let p = Wgs84::parse(lat, lon, domain::CoordSystem::Wgs84)
        .map_err(|e| err("location.coords", e.problem()))?;
    let (t_ms, offset_min) = match &loc["timestamp"] {
        Value::String(s) => parse_time_text(s).map_err(|p| err("location.timestamp", p))?,
        Value::Number(n) => {
            parse_time_text(&n.to_string()).map_err(|p| err("location.timestamp", p))?
        }
        Value::Null => (now_ms, None),
        _ => return Err(err("location.timestamp", "is not a time")),
    };
    // Transistorsoft-style clients put `mock` either on the location or at the top.
    let mock = loc["mock"]
        .as_bool()
        .or_else(|| body["mock"].as_bool())
        .unwrap_or(false);
    let speed = num(&c["speed"], "location.coords.speed")?.filter(|s| *s >= 0.0);
    let heading = num(&c["heading"], "location.coords.heading")?.filter(|h| *h >= 0.0);
    Ok(OsmandFix {
        identifier,
        fix: FixRecord {
            t_ms,
            offset_min,
            lat: p.lat(),
            lon: p.lon(),
            accuracy_m: bounded(
                num(&c["accuracy"], "location.coords.accuracy")?,
                "location.coords.accuracy",
                0.0,
                100_000.0,
            )?,
            // Negative speed and heading mean "unknown" on iOS.
            speed_mps: bounded(speed, "location.coords.speed", 0.0, 350.0)?,
            bearing_deg: bounded(heading, "location.coords.heading", 0.0, 360.0)?,
            altitude_m: bounded(
                num(&c["altitude"], "location.coords.altitude")?,
                "location.coords.altitude",
                -1000.0,
                20_000.0,
            )?,
            provider: Provider::Gps,
            mock,
            battery: bounded(
                num(&loc["battery"]["level"], "location.battery.level")?.filter(|b| *b >= 0.0),
                "location.battery.level",
                0.0,
                1.0,
            )?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn params(q: &str) -> Vec<(String, String)> {
        form_urlencoded::parse(q.as_bytes()).into_owned().collect()
    }

    #[test]
    fn traccar_client_query() {
        let f = from_params(
            &params("id=123456&timestamp=1764207000&lat=31.2304&lon=121.4737&speed=10&bearing=90.5&altitude=12&accuracy=8.5&batt=76.0"),
            0,
        )
        .unwrap();
        assert_eq!(f.identifier, "123456");
        assert_eq!(f.fix.t_ms, 1_764_207_000_000);
        assert!(
            (f.fix.speed_mps.unwrap() - 5.144).abs() < 0.001,
            "knots to m/s"
        );
        assert_eq!(f.fix.battery, Some(0.76));
        assert_eq!(f.fix.accuracy_m, Some(8.5));
        assert!(!f.fix.mock);
    }

    #[test]
    fn iso_time_location_pair_and_missing_time() {
        let f = from_params(
            &params("deviceid=abc&location=31.2,121.4&timestamp=2026-11-27T01:30:00Z"),
            0,
        )
        .unwrap();
        assert_eq!(
            (f.fix.lat, f.fix.lon, f.fix.offset_min),
            (31.2, 121.4, Some(0))
        );
        let f = from_params(&params("id=abc&lat=31.2&lon=121.4"), 42).unwrap();
        assert_eq!(f.fix.t_ms, 42);
    }

    #[test]
    fn bad_values_are_named() {
        for (q, field) in [
            ("lat=1&lon=2", "id"),
            ("id=x&lat=abc&lon=2", "lat"),
            ("id=x&lat=1", "lat"),
            ("id=x&lat=91&lon=2", "lat"),
            ("id=x&lat=31&lon=121&timestamp=soon", "timestamp"),
            ("id=x&lat=31&lon=121&speed=-3", "speed"),
            ("id=x&lat=31&lon=121&accuracy=NaN", "accuracy"),
        ] {
            assert_eq!(from_params(&params(q), 0).unwrap_err().field, field, "{q}");
        }
    }

    #[test]
    fn json_body_form() {
        let body = json!({"device_id": "phone-7", "location": {
            "timestamp": "2026-11-27T09:30:00.000+08:00",
            "coords": {"latitude": 31.2304, "longitude": 121.4737, "accuracy": 12, "speed": 3.5, "heading": -1, "altitude": 7},
            "is_moving": true, "battery": {"level": 0.55, "is_charging": false}, "mock": true}});
        let f = from_json(&body, 0).unwrap();
        assert_eq!(f.identifier, "phone-7");
        assert_eq!(
            (f.fix.offset_min, f.fix.speed_mps, f.fix.bearing_deg),
            (Some(480), Some(3.5), None)
        );
        assert!(f.fix.mock);
        assert_eq!(f.fix.battery, Some(0.55));
        assert_eq!(
            from_json(&json!({"device_id": "x"}), 0).unwrap_err().field,
            "location"
        );
        let bad =
            json!({"device_id": "x", "location": {"coords": {"latitude": "31", "longitude": 121}}});
        assert_eq!(
            from_json(&bad, 0).unwrap_err().field,
            "location.coords.latitude"
        );
    }
}
