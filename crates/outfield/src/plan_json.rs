//! `outfield plan solve --format json`: a routing day described in JSON, for callers that
//! are not benchmark files — places in planar `x`/`y` (Solomon's convention: Euclidean
//! distance, travel time = distance) or in WGS-84 `lat`/`lon` (kilometres and minutes by
//! great circle × detour at the mode's speed).
//!
//! ```json
//! {
//!   "name": "north team, Monday",
//!   "vehicles": 3, "capacity": 100,
//!   "travel": {"mode": "drive", "detour": 1.3, "speed_kmh": 30},
//!   "depot": {"lat": 31.23, "lon": 121.47, "window": [480, 1080]},
//!   "clients": [
//!     {"id": "S1", "lat": 31.24, "lon": 121.48, "demand": 1, "window": [540, 720], "service": 20}
//!   ]
//! }
//! ```
//!
//! Windows and service are in the travel time unit (minutes with `lat`/`lon`); a missing
//! window is the whole horizon. Routes are printed as client numbers (1 = first client) and,
//! with ids, as `route_ids`.

use anyhow::{anyhow, bail};
use plan::travel::{GreatCircle, Mode, Travel};
use plan::{Instance, Node};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    name: Option<String>,
    vehicles: usize,
    #[serde(default)]
    capacity: Option<f64>,
    #[serde(default)]
    travel: Option<TravelSpec>,
    depot: Place,
    clients: Vec<Place>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TravelSpec {
    #[serde(default)]
    mode: Option<String>,
    #[serde(default)]
    detour: Option<f64>,
    #[serde(default)]
    speed_kmh: Option<f64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Place {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    x: Option<f64>,
    #[serde(default)]
    y: Option<f64>,
    #[serde(default)]
    lat: Option<f64>,
    #[serde(default)]
    lon: Option<f64>,
    #[serde(default)]
    demand: f64,
    #[serde(default)]
    window: Option<(f64, f64)>,
    #[serde(default)]
    service: f64,
}

/// The instance and the clients' ids (in file order).
#[derive(Debug)]
pub struct JsonInstance {
    pub instance: Instance,
    pub ids: Vec<Option<String>>,
}

const HORIZON: f64 = 1.0e9;

pub fn parse(text: &str) -> anyhow::Result<JsonInstance> {
    let file: File = serde_json::from_str(text).map_err(|e| anyhow!("{e}"))?;
    if file.vehicles == 0 {
        bail!("vehicles: must be at least 1");
    }
    if file.clients.is_empty() {
        bail!("clients: give at least one client");
    }
    let places: Vec<&Place> = std::iter::once(&file.depot).chain(&file.clients).collect();
    let geo = places.iter().all(|p| p.lat.is_some() && p.lon.is_some());
    let planar = places.iter().all(|p| p.x.is_some() && p.y.is_some());
    let name = |i: usize| {
        if i == 0 {
            "depot".to_owned()
        } else {
            format!("clients[{}]", i - 1)
        }
    };
    if !geo && !planar {
        // Name the first place that does not use the depot's kind of coordinates.
        let kind = |p: &Place| {
            (
                p.lat.is_some() && p.lon.is_some(),
                p.x.is_some() && p.y.is_some(),
            )
        };
        let depot_kind = kind(places[0]);
        let bad = (0..places.len())
            .find(|&i| kind(places[i]) != depot_kind || kind(places[i]) == (false, false))
            .unwrap_or(0);
        bail!(
            "{}: give every place either lat and lon, or x and y (not a mix)",
            name(bad)
        );
    }
    let mut nodes = Vec::with_capacity(places.len());
    for (i, p) in places.iter().enumerate() {
        let (ready, due) = p.window.unwrap_or((0.0, HORIZON));
        if !(ready.is_finite() && due.is_finite() && ready <= due) {
            bail!(
                "{}.window: must be [earliest, latest] with earliest ≤ latest",
                name(i)
            );
        }
        let amount = |v: f64| v.is_finite() && v >= 0.0;
        if !(amount(p.service) && amount(p.demand)) {
            bail!("{}: service and demand must be numbers, 0 or more", name(i));
        }
        if geo {
            let (lat, lon) = (p.lat.unwrap_or_default(), p.lon.unwrap_or_default());
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                bail!("{}: lat/lon out of range", name(i));
            }
        }
        nodes.push(Node {
            coords: if geo {
                Some((p.lat.unwrap_or_default(), p.lon.unwrap_or_default()))
            } else {
                Some((p.x.unwrap_or_default(), p.y.unwrap_or_default()))
            },
            demand: p.demand,
            ready,
            due,
            service: p.service,
        });
    }
    let name_text = file.name.clone().unwrap_or_else(|| "json".into());
    let capacity = file.capacity.unwrap_or(f64::MAX / 4.0);
    let instance = if geo {
        let spec = file.travel.as_ref();
        let mode = match spec.and_then(|t| t.mode.as_deref()) {
            None => Mode::Drive,
            Some(m) => Mode::parse(m)
                .ok_or_else(|| anyhow!("travel.mode: `{m}` is not drive, ride or walk"))?,
        };
        let mut travel = GreatCircle::new(
            nodes.iter().map(|n| n.coords.unwrap_or_default()).collect(),
            mode,
        );
        if let Some(d) = spec.and_then(|t| t.detour) {
            if !(1.0..=3.0).contains(&d) {
                bail!("travel.detour: must be between 1 and 3");
            }
            travel.detour = d;
        }
        if let Some(v) = spec.and_then(|t| t.speed_kmh) {
            if !(v.is_finite() && v > 0.0) {
                bail!("travel.speed_kmh: must be positive");
            }
            travel.speed_kmh = v;
        }
        let n = nodes.len();
        let (mut dist, mut time) = (Vec::with_capacity(n * n), Vec::with_capacity(n * n));
        for a in 0..n {
            for b in 0..n {
                dist.push(travel.km(a, b));
                time.push(travel.minutes(a, b));
            }
        }
        Instance::with_matrices(&name_text, nodes, file.vehicles, capacity, dist, Some(time))
    } else {
        if file.travel.is_some() {
            bail!("travel: only for lat/lon places (x/y use Euclidean distance as time)");
        }
        Instance::euclidean(&name_text, nodes, file.vehicles, capacity)
    };
    Ok(JsonInstance {
        instance,
        ids: file.clients.into_iter().map(|c| c.id).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn planar_and_geographic_instances() {
        let planar = parse(
            r#"{"vehicles": 2, "capacity": 10, "depot": {"x": 0, "y": 0},
                "clients": [{"id": "a", "x": 3, "y": 4, "demand": 1, "window": [0, 100], "service": 5}]}"#,
        )
        .unwrap();
        assert_eq!(planar.instance.dist(0, 1), 5.0);
        assert_eq!(planar.ids, [Some("a".to_owned())]);
        let geo = parse(
            r#"{"vehicles": 1, "travel": {"mode": "walk", "detour": 1.0},
                "depot": {"lat": 31.0, "lon": 121.0}, "clients": [{"lat": 31.01, "lon": 121.0}]}"#,
        )
        .unwrap();
        // 0.01° of latitude is 1.112 km; walking at 4.5 km/h takes 14.8 minutes.
        assert!((geo.instance.dist(0, 1) - 1.112).abs() < 0.01);
        assert!((geo.instance.time(0, 1) - 14.83).abs() < 0.1);
    }

    #[test]
    fn bad_files_name_the_place() {
        let mixed = parse(
            r#"{"vehicles": 1, "depot": {"x": 0, "y": 0}, "clients": [{"lat": 1, "lon": 2}]}"#,
        );
        assert!(mixed.unwrap_err().to_string().starts_with("clients[0]"));
        let window = parse(
            r#"{"vehicles": 1, "depot": {"x": 0, "y": 0}, "clients": [{"x": 1, "y": 1, "window": [9, 3]}]}"#,
        );
        assert!(
            window
                .unwrap_err()
                .to_string()
                .starts_with("clients[0].window")
        );
        let syntax =
            parse(r#"{"vehicles": 1, "depot": {"x": 0, "y": 0}, "clients": [{"x": 1, "y": }]}"#);
        assert!(syntax.unwrap_err().to_string().contains("line 1 column"));
        let unknown = parse(
            r#"{"vehicles": 1, "depot": {"x": 0, "y": 0}, "clients": [{"x": 1, "y": 1, "colour": 2}]}"#,
        );
        assert!(unknown.unwrap_err().to_string().contains("colour"));
    }
}
