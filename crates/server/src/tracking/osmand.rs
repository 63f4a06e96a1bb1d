//! The OsmAnd tracking protocol, as Traccar Client, OsmAnd and GPSLogger speak it: a GET
//! or POST with the fix in the query string or a form body, or a JSON body with
//! `location.coords` (Traccar Client 9+, speed in m/s). Parsing is pure; the listener is in
//! `osmand_listener.rs`.
//!
//! Query and form parameters, read as Traccar's own decoder reads them:
//! - `id` or `deviceid`: the device's identifier.
//! - `lat` + `lon`, or `location=lat,lon`. A request with only `cell`/`wifi` readings is
//!   refused (`no_position`): Traccar would look the networks up; we have no such service.
//! - `timestamp`: epoch seconds or milliseconds (a number above 10^11 is milliseconds),
//!   RFC 3339 with an offset, or `YYYY-MM-DD HH:MM:SS` (also with `T`) without an offset,
//!   which is read as UTC — what Traccar does, its server running in UTC. Missing: the
//!   time the request arrived.
//! - `speed` in knots (Traccar Client's unit; Traccar converts every client's value from
//!   knots), `bearing` or `heading` in degrees, `altitude` in metres.
//! - `accuracy` in metres; without it `hdop`, which OsmAnd fills with its location
//!   accuracy in metres (not a dilution of precision).
//! - `batt` in percent (0-100) or as a fraction (0-1); `mock=true` for mock locations.
//!
//! Other parameters (`ignition`, `rpm`, `fuel`, `vacc`, `hacc`, …) are ignored.

use super::fix_input::parse_time_text;
use chrono::NaiveDateTime;
use domain::fix::{FixRecord, Provider};
use domain::{Format, Problem, Wgs84};
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
    pub problem: Problem,
}

fn err(field: &'static str, problem: Problem) -> OsmandError {
    OsmandError { field, problem }
}

fn not_a_number(field: &'static str) -> OsmandError {
    err(field, Problem::format(Format::Number))
}

fn number(v: Option<&str>, field: &'static str) -> Result<Option<f64>, OsmandError> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => match s.parse::<f64>() {
            Ok(x) if x.is_finite() => Ok(Some(x)),
            _ => Err(not_a_number(field)),
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
        Some(x) if !(lo..=hi).contains(&x) => Err(err(field, Problem::range(lo, hi, ""))),
        other => Ok(other.map(|x| x as f32)),
    }
}

fn boolean(v: Option<&str>) -> bool {
    matches!(
        v.map(|s| s.trim().to_ascii_lowercase()).as_deref(),
        Some("true" | "1" | "yes")
    )
}

/// A `timestamp` in any form the protocol's clients send (see the module comment): epoch
/// ms and, when the text carried one, the offset in minutes.
pub fn parse_time(s: &str) -> Result<(i64, Option<i16>), Problem> {
    if let Ok(t) = parse_time_text(s) {
        return Ok(t);
    }
    // No offset: `2014-06-04 09:10:11` (a `+` in the query decodes to the space) is UTC.
    let s = s.trim();
    ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .map(|t| (t.and_utc().timestamp_millis(), None))
        .ok_or(Problem::format(Format::Instant))
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
        .ok_or_else(|| err("id", Problem::Required))?
        .to_owned();
    let (lat, lon) = match (number(get("lat"), "lat")?, number(get("lon"), "lon")?) {
        (Some(a), Some(b)) => (a, b),
        _ => match get("location") {
            Some(l) => {
                let (a, b) = l.split_once(',').ok_or_else(|| not_a_number("location"))?;
                let part = |x| number(Some(x), "location")?.ok_or_else(|| not_a_number("location"));
                (part(a)?, part(b)?)
            }
            None if get("cell").is_some() || get("wifi").is_some() => {
                return Err(err("lat", Problem::NoPosition));
            }
            None => return Err(err("lat", Problem::Required)),
        },
    };
    let (t_ms, offset_min) = match get("timestamp").filter(|s| !s.trim().is_empty()) {
        Some(t) => parse_time(t).map_err(|p| err("timestamp", p))?,
        None => (now_ms, None),
    };
    let p = Wgs84::parse(lat, lon, domain::CoordSystem::Wgs84)
        .map_err(|e| err(e.field(), e.problem()))?;
    let battery = number(get("batt"), "batt")?.map(|b| if b > 1.0 { b / 100.0 } else { b });
    Ok(OsmandFix {
        identifier,
        fix: FixRecord {
            t_ms,
            offset_min,
            lat: p.lat(),
            lon: p.lon(),
            accuracy_m: match number(get("accuracy"), "accuracy")? {
                Some(a) => bounded(Some(a), "accuracy", 0.0, 100_000.0)?,
                None => bounded(number(get("hdop"), "hdop")?, "hdop", 0.0, 100_000.0)?,
            },
            speed_mps: bounded(
                number(get("speed"), "speed")?.map(|k| k * KNOT_MPS),
                "speed",
                0.0,
                350.0,
            )?,
            bearing_deg: match number(get("bearing"), "bearing")? {
                Some(b) => bounded(Some(b), "bearing", 0.0, 360.0)?,
                None => bounded(number(get("heading"), "heading")?, "heading", 0.0, 360.0)?,
            },
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
        .ok_or_else(|| err("device_id", Problem::Required))?
        .to_owned();
    let loc = &body["location"];
    if !loc.is_object() {
        return Err(err("location", Problem::Required));
    }
    let c = &loc["coords"];
    let num = |v: &Value, field: &'static str| -> Result<Option<f64>, OsmandError> {
        match v {
            Value::Null => Ok(None),
            Value::Number(n) => n.as_f64().map(Some).ok_or_else(|| not_a_number(field)),
            _ => Err(not_a_number(field)),
        }
    };
    let lat = num(&c["latitude"], "location.coords.latitude")?
        .ok_or_else(|| err("location.coords.latitude", Problem::Required))?;
    let lon = num(&c["longitude"], "location.coords.longitude")?
        .ok_or_else(|| err("location.coords.longitude", Problem::Required))?;
    let p = Wgs84::parse(lat, lon, domain::CoordSystem::Wgs84)
        .map_err(|e| err("location.coords", e.problem()))?;
    let (t_ms, offset_min) = match &loc["timestamp"] {
        Value::String(s) => parse_time(s).map_err(|p| err("location.timestamp", p))?,
        Value::Number(n) => parse_time(&n.to_string()).map_err(|p| err("location.timestamp", p))?,
        Value::Null => (now_ms, None),
        _ => return Err(err("location.timestamp", Problem::format(Format::Instant))),
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
        for (q, field, code) in [
            ("lat=1&lon=2", "id", "required"),
            ("id=x&lat=abc&lon=2", "lat", "invalid_format"),
            ("id=x&lat=1", "lat", "required"),
            ("id=x&lat=91&lon=2", "lat", "out_of_range"),
            ("id=x&location=31", "location", "invalid_format"),
            (
                "id=x&lat=31&lon=121&timestamp=soon",
                "timestamp",
                "invalid_format",
            ),
            (
                "id=x&lat=31&lon=121&timestamp=2014-06-04",
                "timestamp",
                "invalid_format",
            ),
            ("id=x&lat=31&lon=121&speed=-3", "speed", "out_of_range"),
            (
                "id=x&lat=31&lon=121&accuracy=NaN",
                "accuracy",
                "invalid_format",
            ),
            ("id=x&lat=31&lon=121&hdop=x", "hdop", "invalid_format"),
            ("id=x&lat=31&lon=121&heading=400", "heading", "out_of_range"),
            ("id=x&wifi=00-14-22-01-23-45,-80", "lat", "no_position"),
        ] {
            let e = from_params(&params(q), 0).unwrap_err();
            assert_eq!((e.field, e.problem.code()), (field, code), "{q}");
        }
    }

    #[test]
    fn timestamps_in_every_form_clients_send() {
        let utc = |s: &str| {
            chrono::DateTime::parse_from_rfc3339(s)
                .unwrap()
                .timestamp_millis()
        };
        for (text, want) in [
            ("1377177267", (1_377_177_267_000, None)),
            ("1377177267.25", (1_377_177_267_250, None)),
            ("1442068686579", (1_442_068_686_579, None)),
            (
                "2016-01-27T18:55:47Z",
                (utc("2016-01-27T18:55:47Z"), Some(0)),
            ),
            (
                "2026-11-27T09:30:00.500+08:00",
                (utc("2026-11-27T01:30:00.5Z"), Some(480)),
            ),
            // No offset: UTC, as Traccar reads it; the offset stays unknown.
            ("2014-06-04 09:10:11", (utc("2014-06-04T09:10:11Z"), None)),
            ("2014-06-04T09:10:11", (utc("2014-06-04T09:10:11Z"), None)),
            (
                "2014-06-04 09:10:11.250",
                (utc("2014-06-04T09:10:11.25Z"), None),
            ),
        ] {
            assert_eq!(parse_time(text), Ok(want), "{text}");
        }
        for bad in ["", "2014-06-04", "09:10:11", "2014-13-04 09:10:11", "inf"] {
            assert!(parse_time(bad).is_err(), "{bad}");
        }
    }

    /// The query requests of Traccar's own OsmAnd decoder test (`OsmAndProtocolDecoderTest`,
    /// `testDecodeQuery`), as published, one a line: real clients' requests, each read as
    /// Traccar reads it, or refused with the reason. The listener's test sends them too.
    const TRACCAR_QUERIES: &str = include_str!("../../tests/fixtures/traccar_osmand_queries.txt");

    fn traccar(i: usize, now: i64) -> Result<OsmandFix, OsmandError> {
        let line = TRACCAR_QUERIES.lines().nth(i).unwrap();
        let (_, q) = line.split_once('?').unwrap();
        from_params(&params(q), now)
    }

    #[test]
    fn traccars_published_requests() {
        let now = 1_795_743_000_000;
        assert_eq!(TRACCAR_QUERIES.lines().count(), 11);
        let refused = |i: usize| {
            let e = traccar(i, now).unwrap_err();
            (e.field, e.problem.code())
        };
        assert_eq!(refused(0), ("lat", "no_position"), "cell and Wi-Fi only");
        assert_eq!(refused(1), ("id", "required"), "no device id");
        let ok: Vec<OsmandFix> = (2..11).map(|i| traccar(i, now).unwrap()).collect();
        let ids: Vec<&str> = ok.iter().map(|f| f.identifier.as_str()).collect();
        assert_eq!(
            ids,
            [
                "902064",
                "902064",
                "353861053849681",
                "123456",
                "123456",
                "123456",
                "861001000719969",
                "123456",
                "123456789012345"
            ]
        );
        let fix = |i: usize| &ok[i - 2].fix;
        assert_eq!(
            (fix(2).t_ms, fix(2).offset_min),
            (1_453_920_947_000, Some(0))
        );
        assert_eq!(
            fix(2).accuracy_m,
            Some(6.0),
            "OsmAnd's hdop is its accuracy in metres"
        );
        assert_eq!(fix(2).altitude_m, Some(224.0));
        assert_eq!(fix(3).t_ms, 1_442_068_686_579, "milliseconds");
        assert_eq!(
            (fix(4).t_ms, fix(4).offset_min),
            (1_401_873_011_000, None),
            "2014-06-04 09:10:11 without an offset is UTC"
        );
        assert_eq!((fix(4).lat, fix(4).lon), (49.60688, 6.15788));
        assert_eq!(fix(6).t_ms, 1_377_177_267_000, "seconds");
        assert_eq!(
            (fix(7).t_ms, fix(7).bearing_deg),
            (now, Some(0.0)),
            "no timestamp: arrival time; heading is the bearing"
        );
        assert_eq!(fix(8).battery, Some(0.87), "batt is a percentage");
        assert_eq!((fix(9).lat, fix(9).lon), (60.0, 30.0), "location=lat,lon");
        let f = fix(10);
        assert!((f.speed_mps.unwrap() - 20.578).abs() < 0.001, "40 knots");
        assert!((f.bearing_deg.unwrap() - 7.198_898).abs() < 1e-5);
        assert_eq!(f.accuracy_m, None);
    }

    /// Two of the JSON bodies in Traccar's decoder test (`testDecodeJson`): iOS's -1 for an
    /// unknown speed, heading and battery level, and a full Android fix.
    #[test]
    fn traccars_published_json_bodies() {
        let ios: Value = serde_json::from_str(
            r#"{"location":{"extras":{},"mock":true,"coords":{"speed_accuracy":-1,"speed":-1,"longitude":-122.406417,"ellipsoidal_altitude":0,"floor":null,"heading_accuracy":-1,"latitude":37.785834000000001,"accuracy":5,"altitude_accuracy":-1,"altitude":0,"heading":-1},"is_moving":false,"age":188,"odometer":0,"uuid":"2FB04C65-99CF-42AB-8DD3-EBCB4B108BF8","event":"motionchange","battery":{"level":-1,"is_charging":false},"activity":{"type":"unknown","confidence":100},"timestamp":"2025-05-09T04:11:30.579Z"},"device_id":"658765"}"#,
        )
        .unwrap();
        let f = from_json(&ios, 0).unwrap();
        assert_eq!(f.identifier, "658765");
        assert_eq!(
            (
                f.fix.speed_mps,
                f.fix.bearing_deg,
                f.fix.battery,
                f.fix.mock
            ),
            (None, None, None, true)
        );
        assert_eq!(f.fix.t_ms, 1_746_763_890_579);
        let android: Value = serde_json::from_str(
            r#"{"location":{"event":"motionchange","is_moving":false,"uuid":"0e9a2473-a9a7-4c00-997b-fb97d2154e75","timestamp":"2021-07-21T08:06:34.444Z","odometer":0,"coords":{"latitude":-6.1148096,"longitude":106.6837015,"accuracy":3.8,"speed":18.67,"speed_accuracy":0.26,"heading":63,"heading_accuracy":0.28,"altitude":35.7,"altitude_accuracy":3.8},"activity":{"type":"still","confidence":100},"battery":{"is_charging":false,"level":0.79},"extras":{}},"device_id":"8737767034"}"#,
        )
        .unwrap();
        let f = from_json(&android, 0).unwrap().fix;
        assert_eq!(
            (f.speed_mps, f.bearing_deg, f.battery),
            (Some(18.67), Some(63.0), Some(0.79)),
            "JSON speed is m/s, not knots"
        );
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
