//! Track files for `outfield track analyze`: CSV (our column layout), GPX and GeoJSON,
//! read into fixes per device. Bad rows are reported with their line and skipped; the
//! rest is analysed.

use super::fix_input::parse_time_text;
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrackFormat {
    Csv,
    Gpx,
    GeoJson,
}

impl TrackFormat {
    pub fn parse(s: &str) -> Option<TrackFormat> {
        match s.to_ascii_lowercase().as_str() {
            "csv" => Some(TrackFormat::Csv),
            "gpx" => Some(TrackFormat::Gpx),
            "geojson" | "json" => Some(TrackFormat::GeoJson),
            _ => None,
        }
    }

    pub fn from_path(path: &str) -> Option<TrackFormat> {
        TrackFormat::parse(path.rsplit('.').next()?)
    }
}

/// A refused line: where and why.
#[derive(Clone, Debug, PartialEq)]
pub struct BadLine {
    pub line: u64,
    pub column: String,
    pub problem: String,
}

pub type Devices = BTreeMap<String, Vec<track::Fix>>;

fn fix(t_ms: i64, lat: f64, lon: f64) -> track::Fix {
    track::Fix {
        t_ms,
        lat,
        lon,
        accuracy_m: f32::NAN,
        speed_mps: f32::NAN,
        bearing_deg: f32::NAN,
        altitude_m: f32::NAN,
        provider: track::Provider::Unknown,
        mock: false,
    }
}

/// CSV with header `device_id,timestamp,lat,lon,accuracy_m` and optionally
/// `speed_mps,bearing_deg,altitude_m,provider,mock` (any order; extra columns ignored).
pub fn read_csv(bytes: &[u8]) -> Result<(Devices, Vec<BadLine>), String> {
    let mut rdr = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = rdr.headers().map_err(|e| format!("header: {e}"))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().trim_start_matches('\u{feff}') == name)
    };
    let need = |name: &str| col(name).ok_or_else(|| format!("header: column `{name}` is missing"));
    let (c_dev, c_t, c_lat, c_lon) = (
        need("device_id")?,
        need("timestamp")?,
        need("lat")?,
        need("lon")?,
    );
    let c_acc = col("accuracy_m");
    let (c_speed, c_bear, c_alt, c_prov, c_mock) = (
        col("speed_mps"),
        col("bearing_deg"),
        col("altitude_m"),
        col("provider"),
        col("mock"),
    );
    let mut devices = Devices::new();
    let mut bad = Vec::new();
    let mut rec = csv::StringRecord::new();
    loop {
        let line = rdr.position().line();
        match rdr.read_record(&mut rec) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                bad.push(BadLine {
                    line,
                    column: "-".into(),
                    problem: e.to_string(),
                });
                continue;
            }
        }
        let line = rec.position().map(|p| p.line()).unwrap_or(line);
        let get = |c: Option<usize>| {
            c.and_then(|c| rec.get(c))
                .map(str::trim)
                .filter(|s| !s.is_empty())
        };
        let mut problem = |column: &str, p: &str| {
            bad.push(BadLine {
                line,
                column: column.into(),
                problem: p.into(),
            })
        };
        let num = |c: Option<usize>| -> Result<Option<f64>, ()> {
            match get(c) {
                None => Ok(None),
                Some(s) => s
                    .parse::<f64>()
                    .ok()
                    .filter(|x| x.is_finite())
                    .map(Some)
                    .ok_or(()),
            }
        };
        let Some(device) = get(Some(c_dev)) else {
            problem("device_id", "is empty");
            continue;
        };
        let t = match get(Some(c_t)).map(parse_time_text) {
            Some(Ok((t, _))) => t,
            Some(Err(p)) => {
                problem("timestamp", &p.english());
                continue;
            }
            None => {
                problem("timestamp", "is empty");
                continue;
            }
        };
        let (Ok(Some(lat)), Ok(Some(lon))) = (num(Some(c_lat)), num(Some(c_lon))) else {
            problem("lat/lon", "must both be numbers");
            continue;
        };
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
            problem("lat/lon", "out of range");
            continue;
        }
        let mut f = fix(t, lat, lon);
        let mut opt = |c: Option<usize>, name: &str, slot: &mut f32| match num(c) {
            Ok(v) => *slot = v.map(|x| x as f32).unwrap_or(f32::NAN),
            Err(()) => bad.push(BadLine {
                line,
                column: name.into(),
                problem: "is not a number; ignored".into(),
            }),
        };
        opt(c_acc, "accuracy_m", &mut f.accuracy_m);
        opt(c_speed, "speed_mps", &mut f.speed_mps);
        opt(c_bear, "bearing_deg", &mut f.bearing_deg);
        opt(c_alt, "altitude_m", &mut f.altitude_m);
        f.provider = match get(c_prov).map(str::to_ascii_lowercase).as_deref() {
            Some("gps") => track::Provider::Gps,
            Some("network") => track::Provider::Network,
            Some("fused") => track::Provider::Fused,
            _ => track::Provider::Unknown,
        };
        f.mock = matches!(
            get(c_mock).map(str::to_ascii_lowercase).as_deref(),
            Some("true" | "1")
        );
        devices.entry(device.to_owned()).or_default().push(f);
    }
    Ok((devices, bad))
}

/// GPX: every track (or the file, if tracks are unnamed) is a device. Points without a
/// time are skipped and reported once per track (a file exported from a planner often
/// has none at all); a file with routes (`<rte>`) or waypoints but no track is refused:
/// those are plans, not recorded positions.
pub fn read_gpx(bytes: &[u8], default_device: &str) -> Result<(Devices, Vec<BadLine>), String> {
    let doc = gpx::read(bytes).map_err(|e| format!("not a GPX file: {e}"))?;
    if doc.tracks.is_empty() {
        let has = match (doc.routes.len(), doc.waypoints.len()) {
            (0, 0) => String::from("nothing"),
            (r, 0) => format!("{r} route(s) (<rte>)"),
            (0, w) => format!("{w} waypoint(s) (<wpt>)"),
            (r, w) => format!("{r} route(s) (<rte>) and {w} waypoint(s) (<wpt>)"),
        };
        return Err(format!(
            "has no track (<trk>), only {has}; a route is a planned path without recorded times"
        ));
    }
    let mut devices = Devices::new();
    let mut bad = Vec::new();
    for (ti, trk) in doc.tracks.iter().enumerate() {
        let name = trk
            .name
            .clone()
            .unwrap_or_else(|| default_device.to_owned());
        let (mut untimed, mut total) = (0usize, 0usize);
        for seg in &trk.segments {
            for p in &seg.points {
                total += 1;
                let time = p.time.and_then(|t| t.format().ok());
                let Some(Ok((t, _))) = time.as_deref().map(parse_time_text) else {
                    untimed += 1;
                    continue;
                };
                let pt = p.point();
                let mut f = fix(t, pt.y(), pt.x());
                if let Some(h) = p.hdop {
                    // GPX has no accuracy; HDOP × ~5 m (open-sky UERE) is the usual stand-in.
                    f.accuracy_m = (h * 5.0) as f32;
                }
                f.altitude_m = p.elevation.map(|e| e as f32).unwrap_or(f32::NAN);
                f.speed_mps = p.speed.map(|v| v as f32).unwrap_or(f32::NAN);
                f.provider = track::Provider::Gps;
                devices.entry(name.clone()).or_default().push(f);
            }
        }
        if untimed > 0 {
            let problem = if untimed == total {
                format!(
                    "none of its {total} points has a time; a track without times cannot be analysed"
                )
            } else {
                format!("{untimed} of its {total} points have no time and were skipped")
            };
            bad.push(BadLine {
                line: 0,
                column: format!("trk[{ti}] ({name})"),
                problem,
            });
        }
    }
    Ok((devices, bad))
}

/// GeoJSON: Point features with `properties.time`/`timestamp` (and optional `device_id`,
/// `accuracy_m`), or LineString features with `properties.coordTimes`.
pub fn read_geojson(bytes: &[u8], default_device: &str) -> Result<(Devices, Vec<BadLine>), String> {
    let v: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| format!("not JSON: {e}"))?;
    let features = match v["type"].as_str() {
        Some("FeatureCollection") => v["features"].as_array().cloned().unwrap_or_default(),
        Some("Feature") => vec![v.clone()],
        _ => return Err("expected a GeoJSON Feature or FeatureCollection".into()),
    };
    let mut devices = Devices::new();
    let mut bad = Vec::new();
    for (i, feat) in features.iter().enumerate() {
        let props = &feat["properties"];
        let device = props["device_id"]
            .as_str()
            .unwrap_or(default_device)
            .to_owned();
        let time_of = |t: &serde_json::Value| match t {
            serde_json::Value::String(s) => parse_time_text(s).ok().map(|x| x.0),
            serde_json::Value::Number(n) => parse_time_text(&n.to_string()).ok().map(|x| x.0),
            _ => None,
        };
        let coord = |c: &serde_json::Value| Some((c[1].as_f64()?, c[0].as_f64()?));
        match feat["geometry"]["type"].as_str() {
            Some("Point") => {
                let t = time_of(&props["time"]).or_else(|| time_of(&props["timestamp"]));
                match (t, coord(&feat["geometry"]["coordinates"])) {
                    (Some(t), Some((lat, lon))) => {
                        let mut f = fix(t, lat, lon);
                        f.accuracy_m = props["accuracy_m"]
                            .as_f64()
                            .map(|a| a as f32)
                            .unwrap_or(f32::NAN);
                        devices.entry(device).or_default().push(f);
                    }
                    _ => bad.push(BadLine {
                        line: 0,
                        column: format!("features[{i}]"),
                        problem: "needs coordinates and a time".into(),
                    }),
                }
            }
            Some("LineString") => {
                let coords = feat["geometry"]["coordinates"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                let times = props["coordTimes"].as_array().cloned().unwrap_or_default();
                if times.len() != coords.len() {
                    bad.push(BadLine {
                        line: 0,
                        column: format!("features[{i}]"),
                        problem: "coordTimes must match coordinates".into(),
                    });
                    continue;
                }
                for (c, t) in coords.iter().zip(&times) {
                    if let (Some(t), Some((lat, lon))) = (time_of(t), coord(c)) {
                        devices
                            .entry(device.clone())
                            .or_default()
                            .push(fix(t, lat, lon));
                    }
                }
            }
            _ => bad.push(BadLine {
                line: 0,
                column: format!("features[{i}]"),
                problem: "geometry must be Point or LineString".into(),
            }),
        }
    }
    Ok((devices, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_and_bad_lines() {
        let text = "device_id,timestamp,lat,lon,accuracy_m,provider,mock\n\
                    a,2026-11-27T09:00:00+08:00,31.2,121.4,8,gps,false\n\
                    a,not a time,31.2,121.4,8,gps,false\n\
                    b,1764205200,31.3,121.5,,network,true\n\
                    b,1764205260,95,121.5,5,gps,false\n";
        let (devices, bad) = read_csv(text.as_bytes()).unwrap();
        assert_eq!(devices["a"].len(), 1);
        assert_eq!(devices["b"].len(), 1);
        assert!(devices["b"][0].accuracy_m.is_nan() && devices["b"][0].mock);
        let lines: Vec<(u64, &str)> = bad.iter().map(|b| (b.line, b.column.as_str())).collect();
        assert_eq!(lines, [(3, "timestamp"), (5, "lat/lon")]);
        assert!(
            read_csv(b"device,timestamp,lat,lon\n")
                .unwrap_err()
                .contains("device_id")
        );
    }

    #[test]
    fn geojson_points_and_lines() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","geometry":{"type":"Point","coordinates":[121.4,31.2]},"properties":{"time":"2026-11-27T01:00:00Z","device_id":"x"}},
          {"type":"Feature","geometry":{"type":"LineString","coordinates":[[121.4,31.2],[121.41,31.21]]},"properties":{"coordTimes":["2026-11-27T01:00:00Z","2026-11-27T01:01:00Z"]}},
          {"type":"Feature","geometry":{"type":"Point","coordinates":[121.4,31.2]},"properties":{}}]}"#;
        let (devices, bad) = read_geojson(text.as_bytes(), "file").unwrap();
        assert_eq!(devices["x"].len(), 1);
        assert_eq!(devices["file"].len(), 2);
        assert_eq!(bad.len(), 1);
    }

    #[test]
    fn gpx_track() {
        let text = r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
          <trk><name>rep1</name><trkseg>
            <trkpt lat="31.2" lon="121.4"><time>2026-11-27T01:00:00Z</time><hdop>2</hdop></trkpt>
            <trkpt lat="31.21" lon="121.41"><time>2026-11-27T01:01:00Z</time></trkpt>
            <trkpt lat="31.22" lon="121.42"></trkpt>
          </trkseg></trk></gpx>"#;
        let (devices, bad) = read_gpx(text.as_bytes(), "file").unwrap();
        assert_eq!(devices["rep1"].len(), 2);
        assert_eq!(devices["rep1"][0].accuracy_m, 10.0);
        assert_eq!(bad.len(), 1);
        assert_eq!(
            bad[0].problem,
            "1 of its 3 points have no time and were skipped"
        );
    }

    #[test]
    fn gpx_without_times_is_reported_once() {
        let points: String = (0..500)
            .map(|i| format!(r#"<trkpt lat="31.{i:03}" lon="121.4"><ele>5</ele></trkpt>"#))
            .collect();
        let text = format!(
            r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
              <trk><trkseg>{points}</trkseg></trk></gpx>"#
        );
        let (devices, bad) = read_gpx(text.as_bytes(), "walk").unwrap();
        assert!(devices.is_empty());
        assert_eq!(
            bad,
            [BadLine {
                line: 0,
                column: "trk[0] (walk)".into(),
                problem:
                    "none of its 500 points has a time; a track without times cannot be analysed"
                        .into(),
            }]
        );
    }

    #[test]
    fn gpx_with_only_a_route_says_it_has_no_track() {
        let text = r#"<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="http://www.topografix.com/GPX/1/1">
          <rte><name>Monday round</name>
            <rtept lat="31.2" lon="121.4"></rtept><rtept lat="31.3" lon="121.5"></rtept>
          </rte></gpx>"#;
        let e = read_gpx(text.as_bytes(), "file").unwrap_err();
        assert!(
            e.starts_with("has no track (<trk>), only 1 route(s) (<rte>)"),
            "{e}"
        );
    }
}
