//! Geofences (电子围栏): named circles and GeoJSON polygons, and the accuracy-aware
//! judgement of a fix against them — a ±80 m fix near a 100 m fence is "uncertain",
//! never a confident "inside".

use crate::customer::{PointInput, parse_point};
use crate::ids::GeofenceId;
use crate::tenant::clean_name;
use crate::{CoordSystem, Format, Invalid, LatLon, Problem, Wgs84};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::f64::consts::PI;

/// What a client sends to create or replace a geofence: either a circle (`center` and
/// `radius_m`) or a polygon (`geojson`), never both.
#[derive(Clone, Debug, Default, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GeofenceInput {
    /// Client-generated id: a retried create with the same id returns the first result.
    #[serde(default)]
    pub id: Option<GeofenceId>,
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 100))]
    pub name: String,
    /// The centre of a circular fence.
    #[serde(default)]
    pub center: Option<PointInput>,
    /// The radius of a circular fence, 10–50,000 m.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(minimum = 10.0, maximum = 50000.0))]
    pub radius_m: Option<f64>,
    /// A GeoJSON `Polygon` or `MultiPolygon` geometry (or a `Feature` holding one), with
    /// positions in `[lon, lat]` order and holes as inner rings.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Object>))]
    pub geojson: Option<Value>,
    /// The datum of the `geojson` positions: `wgs84` (default), `gcj02` or `bd09` — what a
    /// Chinese map's drawing tool hands over. `center` carries its own.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, example = "gcj02"))]
    pub coord_system: Option<String>,
}

pub const MIN_RADIUS_M: f64 = 10.0;
pub const MAX_RADIUS_M: f64 = 50_000.0;
/// Bounds the work of one judgement (every edge is visited) and the stored size.
pub const MAX_VERTICES: usize = 10_000;

/// A validated fence. Positions are WGS-84.
#[derive(Clone, Debug, PartialEq)]
pub struct Fence {
    pub name: String,
    pub shape: Shape,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    Circle {
        center: Wgs84,
        radius_m: f64,
    },
    /// One or more polygons; each is an outer ring followed by its holes.
    Polygons(Vec<Polygon>),
}

/// Rings are stored open (the closing vertex is not repeated), without repeated vertices.
#[derive(Clone, Debug, PartialEq)]
pub struct Polygon {
    pub rings: Vec<Vec<LatLon>>,
}

/// Where a fix is relative to a fence, given its accuracy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Judgement {
    /// The whole accuracy circle is inside.
    Inside,
    /// The whole accuracy circle is outside.
    Outside,
    /// The accuracy circle crosses the boundary (or the accuracy is unknown).
    Uncertain,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FenceJudgement {
    pub judgement: Judgement,
    /// Metres from the fix to the fence's boundary: negative inside, positive outside.
    pub boundary_distance_m: f64,
}

/// Turns a signed distance to a boundary into a judgement. Confident only when the
/// boundary is at least `accuracy_m` away; a point exactly on the boundary, or an
/// unknown/invalid accuracy (NaN, negative, infinite), is uncertain.
pub fn classify(signed_distance_m: f64, accuracy_m: f64) -> Judgement {
    if !accuracy_m.is_finite() || accuracy_m < 0.0 || !signed_distance_m.is_finite() {
        return Judgement::Uncertain;
    }
    if signed_distance_m < 0.0 && -signed_distance_m >= accuracy_m {
        Judgement::Inside
    } else if signed_distance_m > 0.0 && signed_distance_m >= accuracy_m {
        Judgement::Outside
    } else {
        Judgement::Uncertain
    }
}

/// Judges a WGS-84 fix with its horizontal accuracy (metres, 68 % radius as phones
/// report it) against a fence.
pub fn judge(fence: &Fence, lat: f64, lon: f64, accuracy_m: f64) -> FenceJudgement {
    let d = signed_distance_m(&fence.shape, LatLon { lat, lon });
    FenceJudgement {
        judgement: classify(d, accuracy_m),
        boundary_distance_m: d,
    }
}

/// A circle judged directly, for visit check-in radii around a customer.
pub fn judge_circle(
    center: Wgs84,
    radius_m: f64,
    lat: f64,
    lon: f64,
    accuracy_m: f64,
) -> FenceJudgement {
    let d = coords::haversine_m(center.latlon(), LatLon { lat, lon }) - radius_m;
    FenceJudgement {
        judgement: classify(d, accuracy_m),
        boundary_distance_m: d,
    }
}

/// Signed metres from `p` to the shape's boundary (negative inside).
pub fn signed_distance_m(shape: &Shape, p: LatLon) -> f64 {
    match shape {
        Shape::Circle { center, radius_m } => coords::haversine_m(center.latlon(), p) - radius_m,
        Shape::Polygons(polys) => {
            let mut nearest = f64::INFINITY;
            let mut inside = false;
            for poly in polys {
                let mut odd = false;
                for ring in &poly.rings {
                    let (d, crossings) = ring_metrics(ring, p);
                    nearest = nearest.min(d);
                    odd ^= crossings;
                }
                inside |= odd;
            }
            if inside { -nearest } else { nearest }
        }
    }
}

/// Mean Earth radius, the same sphere `coords::haversine_m` uses.
const EARTH_RADIUS_M: f64 = 6_371_008.8;
const M_PER_DEG: f64 = EARTH_RADIUS_M * PI / 180.0;

/// An equirectangular projection centred on `origin`, in metres. It is affine in
/// (lon, lat), so straight GeoJSON edges stay straight and the even-odd count is exact;
/// distances are accurate near the origin, which is where the nearest edge matters.
fn project(origin: LatLon, p: LatLon, cos_lat: f64) -> (f64, f64) {
    let mut dlon = p.lon - origin.lon;
    // Take the short way round, so a fence near the antimeridian still works.
    if dlon > 180.0 {
        dlon -= 360.0;
    } else if dlon < -180.0 {
        dlon += 360.0;
    }
    (dlon * M_PER_DEG * cos_lat, (p.lat - origin.lat) * M_PER_DEG)
}

/// The distance from `p` to the ring's edges and whether a ray from `p` crosses the
/// ring an odd number of times.
fn ring_metrics(ring: &[LatLon], p: LatLon) -> (f64, bool) {
    let cos_lat = p.lat.to_radians().cos();
    let pts: Vec<(f64, f64)> = ring.iter().map(|&v| project(p, v, cos_lat)).collect();
    let mut best_sq = f64::INFINITY;
    let mut odd = false;
    for i in 0..pts.len() {
        let a = pts[i];
        let b = pts[(i + 1) % pts.len()];
        best_sq = best_sq.min(origin_to_segment_sq(a, b));
        // Half-open test on y so a vertex on the ray is counted once.
        if (a.1 > 0.0) != (b.1 > 0.0) {
            let x = a.0 + (0.0 - a.1) * (b.0 - a.0) / (b.1 - a.1);
            if x > 0.0 {
                odd = !odd;
            }
        }
    }
    (best_sq.sqrt(), odd)
}

fn origin_to_segment_sq(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len_sq = dx * dx + dy * dy;
    let t = if len_sq > 0.0 {
        ((-a.0 * dx - a.1 * dy) / len_sq).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (x, y) = (a.0 + t * dx, a.1 + t * dy);
    x * x + y * y
}

impl GeofenceInput {
    pub fn validate(&self) -> Result<Fence, Invalid> {
        let mut bad = Invalid::default();
        let name = bad.check("name", clean_name(&self.name, 100));
        let is_circle = self.center.is_some() || self.radius_m.is_some();
        let shape = match (&self.geojson, is_circle) {
            (Some(_), true) => {
                bad.push(
                    "geojson",
                    Problem::ExclusiveWith {
                        other: "center".into(),
                    },
                );
                None
            }
            (None, false) => {
                bad.push(
                    "geojson",
                    Problem::NeedsOneOf {
                        fields: vec!["center".into(), "geojson".into()],
                    },
                );
                None
            }
            (None, true) => {
                if self.coord_system.is_some() {
                    bad.push("coord_system", Problem::NotApplicable);
                }
                self.circle(&mut bad)
            }
            (Some(g), false) => {
                let system = match self.coord_system.as_deref() {
                    None => Some(CoordSystem::Wgs84),
                    Some(s) => {
                        let parsed = CoordSystem::parse(s);
                        if parsed.is_none() {
                            bad.push("coord_system", crate::customer::coord_system_problem());
                        }
                        parsed
                    }
                };
                system.and_then(|sys| match parse_geojson(g, sys) {
                    Ok(polys) => Some(Shape::Polygons(polys)),
                    Err(e) => {
                        bad.problems.extend(e.nest("geojson").problems);
                        None
                    }
                })
            }
        };
        bad.into_result(|| Fence {
            name: name.unwrap_or_default(),
            shape: shape.unwrap_or(Shape::Polygons(Vec::new())),
        })
    }

    fn circle(&self, bad: &mut Invalid) -> Option<Shape> {
        let center = match &self.center {
            None => {
                bad.push("center", Problem::Required);
                None
            }
            Some(p) => match parse_point(p) {
                Ok(w) => Some(w),
                Err(e) => {
                    bad.problems.extend(e.nest("center.").problems);
                    None
                }
            },
        };
        let radius = match self.radius_m {
            Some(r) if r.is_finite() && (MIN_RADIUS_M..=MAX_RADIUS_M).contains(&r) => Some(r),
            _ => {
                bad.push("radius_m", Problem::range(MIN_RADIUS_M, MAX_RADIUS_M, "m"));
                None
            }
        };
        Some(Shape::Circle {
            center: center?,
            radius_m: radius?,
        })
    }
}

/// Parses a GeoJSON Polygon/MultiPolygon (or a Feature holding one). Problems are named
/// by their JSON path relative to the geometry value, e.g. `.coordinates[0][3]`.
pub fn parse_geojson(v: &Value, system: CoordSystem) -> Result<Vec<Polygon>, Invalid> {
    let (geom, prefix) = match v.get("type").and_then(Value::as_str) {
        Some("Feature") => (v.get("geometry").unwrap_or(&Value::Null), ".geometry"),
        _ => (v, ""),
    };
    let kind = geom.get("type").and_then(Value::as_str);
    let coords = geom.get("coordinates");
    let at = |s: &str| format!("{prefix}{s}");
    let polys_json: Vec<(String, &Value)> = match (kind, coords) {
        (Some("Polygon"), Some(c)) => vec![(at(".coordinates"), c)],
        (Some("MultiPolygon"), Some(Value::Array(ps))) => ps
            .iter()
            .enumerate()
            .map(|(i, p)| (at(&format!(".coordinates[{i}]")), p))
            .collect(),
        (Some("Polygon" | "MultiPolygon"), _) => {
            return Err(Invalid::one(
                at(".coordinates"),
                Problem::format(Format::GeoJson),
            ));
        }
        _ => {
            return Err(Invalid::one(at(".type"), Problem::format(Format::GeoJson)));
        }
    };
    if polys_json.is_empty() {
        return Err(Invalid::one(at(".coordinates"), Problem::Required));
    }
    let total: usize = polys_json
        .iter()
        .filter_map(|(_, p)| p.as_array())
        .flatten()
        .filter_map(Value::as_array)
        .map(Vec::len)
        .sum();
    if total > MAX_VERTICES {
        return Err(Invalid::one(
            at(".coordinates"),
            Problem::TooMany { max: MAX_VERTICES },
        ));
    }
    let mut bad = Invalid::default();
    let mut polys = Vec::new();
    for (path, p) in polys_json {
        let Some(rings_json) = p.as_array().filter(|r| !r.is_empty()) else {
            bad.push(path, Problem::format(Format::GeoJson));
            continue;
        };
        let mut rings = Vec::new();
        for (j, r) in rings_json.iter().enumerate() {
            match parse_ring(r, system) {
                Ok(ring) => rings.push(ring),
                Err((sub, problem)) => bad.push(format!("{path}[{j}]{sub}"), problem),
            }
        }
        polys.push(Polygon { rings });
    }
    bad.into_result(|| polys)
}

/// One ring, open and without repeated vertices; on error the sub-path and the problem
/// (only the first bad position, so 10,000 bad vertices are not 10,000 problems).
fn parse_ring(r: &Value, system: CoordSystem) -> Result<Vec<LatLon>, (String, Problem)> {
    let Some(positions) = r.as_array() else {
        return Err((String::new(), Problem::format(Format::GeoJson)));
    };
    let mut ring: Vec<LatLon> = Vec::with_capacity(positions.len());
    for (k, pos) in positions.iter().enumerate() {
        let nums = pos
            .as_array()
            .map(|a| a.iter().map(Value::as_f64).collect::<Vec<_>>());
        // A position may carry an altitude after lon and lat; it is ignored.
        let (lon, lat) = match nums.as_deref() {
            Some([Some(lon), Some(lat), ..]) => (*lon, *lat),
            _ => {
                return Err((format!("[{k}]"), Problem::format(Format::GeoJson)));
            }
        };
        if !(-180.0..=180.0).contains(&lon) {
            return Err((format!("[{k}]"), Problem::range(-180.0, 180.0, "")));
        }
        if !(-90.0..=90.0).contains(&lat) {
            return Err((format!("[{k}]"), Problem::range(-90.0, 90.0, "")));
        }
        let v = system.to_wgs84(LatLon { lat, lon });
        if ring.last() != Some(&v) {
            ring.push(v);
        }
    }
    // GeoJSON rings repeat the first vertex at the end; an unclosed ring is closed for us.
    while ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    let mut distinct: Vec<(u64, u64)> = ring
        .iter()
        .map(|p| (p.lat.to_bits(), p.lon.to_bits()))
        .collect();
    distinct.sort_unstable();
    distinct.dedup();
    if distinct.len() < 3 {
        return Err((String::new(), Problem::DegenerateShape));
    }
    if ring_area_m2(&ring) < 1.0 {
        return Err((String::new(), Problem::DegenerateShape));
    }
    Ok(ring)
}

/// Shoelace area in the local projection around the first vertex.
fn ring_area_m2(ring: &[LatLon]) -> f64 {
    let o = ring[0];
    let cos_lat = o.lat.to_radians().cos();
    let pts: Vec<(f64, f64)> = ring.iter().map(|&v| project(o, v, cos_lat)).collect();
    let twice: f64 = (0..pts.len())
        .map(|i| {
            let (a, b) = (pts[i], pts[(i + 1) % pts.len()]);
            a.0 * b.1 - b.0 * a.1
        })
        .sum();
    twice.abs() / 2.0
}

impl Fence {
    /// The polygons as a GeoJSON geometry (closed rings, `[lon, lat]`), for display;
    /// `None` for a circle.
    pub fn geojson(&self) -> Option<Value> {
        let Shape::Polygons(polys) = &self.shape else {
            return None;
        };
        let poly_json = |p: &Polygon| -> Value {
            p.rings
                .iter()
                .map(|r| {
                    let mut pts: Vec<Value> = r
                        .iter()
                        .map(|v| serde_json::json!([v.lon, v.lat]))
                        .collect();
                    pts.push(serde_json::json!([r[0].lon, r[0].lat]));
                    Value::Array(pts)
                })
                .collect()
        };
        Some(match polys.as_slice() {
            [one] => serde_json::json!({"type": "Polygon", "coordinates": poly_json(one)}),
            many => serde_json::json!({
                "type": "MultiPolygon",
                "coordinates": many.iter().map(poly_json).collect::<Vec<_>>(),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const LAT: f64 = 31.2;
    const LON: f64 = 121.4;

    /// The point `east` and `north` metres from (LAT, LON).
    fn at(east: f64, north: f64) -> (f64, f64) {
        (
            LAT + north / M_PER_DEG,
            LON + east / (M_PER_DEG * LAT.to_radians().cos()),
        )
    }

    /// `[lon, lat]` of a square with corners at ±half metres around (cx, cy) metres.
    fn square(cx: f64, cy: f64, half: f64) -> Vec<Value> {
        [
            (-1.0, -1.0),
            (1.0, -1.0),
            (1.0, 1.0),
            (-1.0, 1.0),
            (-1.0, -1.0),
        ]
        .iter()
        .map(|(sx, sy)| {
            let (lat, lon) = at(cx + sx * half, cy + sy * half);
            json!([lon, lat])
        })
        .collect()
    }

    fn polygon(geojson: Value) -> Fence {
        GeofenceInput {
            name: "仓库".into(),
            geojson: Some(geojson),
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    fn circle(radius: f64) -> Fence {
        GeofenceInput {
            name: "门店".into(),
            center: Some(PointInput {
                lat: LAT,
                lon: LON,
                coord_system: None,
            }),
            radius_m: Some(radius),
            ..Default::default()
        }
        .validate()
        .unwrap()
    }

    fn j(f: &Fence, east: f64, north: f64, acc: f64) -> FenceJudgement {
        let (lat, lon) = at(east, north);
        judge(f, lat, lon, acc)
    }

    #[test]
    fn classify_edges() {
        assert_eq!(classify(-20.0, 20.0), Judgement::Inside);
        assert_eq!(classify(-19.9, 20.0), Judgement::Uncertain);
        assert_eq!(classify(20.0, 20.0), Judgement::Outside);
        assert_eq!(classify(19.9, 20.0), Judgement::Uncertain);
        assert_eq!(classify(0.0, 0.0), Judgement::Uncertain, "on the boundary");
        assert_eq!(classify(-5.0, 0.0), Judgement::Inside);
        for acc in [f64::NAN, -1.0, f64::INFINITY] {
            assert_eq!(classify(-1000.0, acc), Judgement::Uncertain);
        }
    }

    #[test]
    fn circle_uses_the_fix_accuracy() {
        let f = circle(100.0);
        let c = j(&f, 0.0, 0.0, 20.0);
        assert_eq!(c.judgement, Judgement::Inside);
        assert!((c.boundary_distance_m + 100.0).abs() < 0.01);
        // 90 m from the centre: 10 m inside the boundary.
        assert_eq!(j(&f, 90.0, 0.0, 5.0).judgement, Judgement::Inside);
        assert_eq!(j(&f, 90.0, 0.0, 20.0).judgement, Judgement::Uncertain);
        // 150 m from the centre: 50 m outside.
        assert_eq!(j(&f, 0.0, 150.0, 40.0).judgement, Judgement::Outside);
        assert_eq!(j(&f, 0.0, 150.0, 80.0).judgement, Judgement::Uncertain);
        let out = j(&f, 0.0, 150.0, 40.0).boundary_distance_m;
        assert!((out - 50.0).abs() < 0.1, "{out}");
    }

    #[test]
    fn polygon_boundary_with_different_accuracies() {
        let f = polygon(json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 500.0)]}));
        let c = j(&f, 0.0, 0.0, 30.0);
        assert_eq!(c.judgement, Judgement::Inside);
        assert!((c.boundary_distance_m + 500.0).abs() < 0.5, "{c:?}");
        // 460 m east: 40 m inside the east edge.
        let near = j(&f, 460.0, 0.0, 10.0);
        assert_eq!(near.judgement, Judgement::Inside);
        assert!((near.boundary_distance_m + 40.0).abs() < 0.5, "{near:?}");
        assert_eq!(j(&f, 460.0, 0.0, 39.0).judgement, Judgement::Inside);
        assert_eq!(j(&f, 460.0, 0.0, 41.0).judgement, Judgement::Uncertain);
        // 550 m east: 50 m outside.
        let out = j(&f, 550.0, 0.0, 10.0);
        assert_eq!(out.judgement, Judgement::Outside);
        assert!((out.boundary_distance_m - 50.0).abs() < 0.5, "{out:?}");
        assert_eq!(j(&f, 550.0, 0.0, 80.0).judgement, Judgement::Uncertain);
        // Beyond a corner the nearest boundary point is the corner itself.
        let corner = j(&f, 530.0, 540.0, 1.0).boundary_distance_m;
        assert!((corner - 50.0).abs() < 0.5, "{corner}");
    }

    #[test]
    fn holes_are_outside() {
        let f = polygon(json!({
            "type": "Polygon",
            "coordinates": [square(0.0, 0.0, 500.0), square(0.0, 0.0, 100.0)]
        }));
        let hole = j(&f, 0.0, 0.0, 20.0);
        assert_eq!(hole.judgement, Judgement::Outside);
        assert!((hole.boundary_distance_m - 100.0).abs() < 0.5);
        assert_eq!(j(&f, 0.0, 90.0, 20.0).judgement, Judgement::Uncertain);
        assert_eq!(j(&f, 0.0, 300.0, 20.0).judgement, Judgement::Inside);
    }

    #[test]
    fn multipolygon_and_feature() {
        let f = polygon(json!({
            "type": "Feature",
            "properties": {"name": "two shops"},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[square(0.0, 0.0, 100.0)], [square(2000.0, 0.0, 100.0)]]
            }
        }));
        assert_eq!(j(&f, 2000.0, 0.0, 20.0).judgement, Judgement::Inside);
        assert_eq!(j(&f, 1000.0, 0.0, 20.0).judgement, Judgement::Outside);
        assert!((j(&f, 1000.0, 0.0, 20.0).boundary_distance_m - 900.0).abs() < 1.0);
        let back = f.geojson().unwrap();
        assert_eq!(back["type"], "MultiPolygon");
        assert_eq!(back["coordinates"][1][0].as_array().unwrap().len(), 5);
    }

    #[test]
    fn unclosed_rings_are_closed() {
        let mut open = square(0.0, 0.0, 300.0);
        open.pop();
        let a = polygon(json!({"type": "Polygon", "coordinates": [open]}));
        let b = polygon(json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 300.0)]}));
        assert_eq!(a, b);
        let Shape::Polygons(p) = &a.shape else {
            panic!()
        };
        assert_eq!(p[0].rings[0].len(), 4);
    }

    #[test]
    fn gcj02_polygons_are_stored_as_wgs84() {
        let g = json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 300.0)]});
        let f = GeofenceInput {
            name: "x".into(),
            geojson: Some(g),
            coord_system: Some("gcj02".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        // Read as GCJ-02, the square sits a few hundred metres from where WGS-84 puts it.
        assert_ne!(j(&f, 0.0, 0.0, 5.0).judgement, Judgement::Inside);
    }

    fn fields(input: GeofenceInput) -> Vec<String> {
        input
            .validate()
            .unwrap_err()
            .problems
            .into_iter()
            .map(|p| p.field)
            .collect()
    }

    #[test]
    fn validation_names_the_bad_part() {
        let base = GeofenceInput {
            name: "x".into(),
            ..Default::default()
        };
        assert_eq!(
            fields(GeofenceInput {
                name: " ".into(),
                radius_m: Some(5.0),
                center: Some(PointInput {
                    lat: 95.0,
                    lon: 1.0,
                    coord_system: None
                }),
                ..Default::default()
            }),
            ["name", "center.lat", "radius_m"]
        );
        assert_eq!(
            fields(GeofenceInput {
                radius_m: Some(60_000.0),
                ..base.clone()
            }),
            ["center", "radius_m"]
        );
        assert_eq!(fields(base.clone()), ["geojson"]);
        let two = square(0.0, 0.0, 10.0)[..2].to_vec();
        let mut bad_pos = square(0.0, 0.0, 10.0);
        bad_pos[2] = json!([200.0, 31.0]);
        assert_eq!(
            fields(GeofenceInput {
                geojson: Some(
                    json!({"type": "MultiPolygon", "coordinates": [[two], [square(0.0, 0.0, 10.0), bad_pos]]})
                ),
                ..base.clone()
            }),
            ["geojson.coordinates[0][0]", "geojson.coordinates[1][1][2]"]
        );
        let line = vec![
            json!([121.0, 31.0]),
            json!([121.001, 31.0]),
            json!([121.002, 31.0]),
        ];
        assert_eq!(
            fields(GeofenceInput {
                geojson: Some(json!({"type": "Polygon", "coordinates": [line]})),
                ..base.clone()
            }),
            ["geojson.coordinates[0]"]
        );
        assert_eq!(
            fields(GeofenceInput {
                geojson: Some(json!({"type": "LineString", "coordinates": []})),
                ..base.clone()
            }),
            ["geojson.type"]
        );
        let many: Vec<Value> = (0..=MAX_VERTICES)
            .map(|i| json!([121.0 + i as f64 * 1e-5, 31.0]))
            .collect();
        assert_eq!(
            fields(GeofenceInput {
                geojson: Some(json!({"type": "Polygon", "coordinates": [many]})),
                ..base.clone()
            }),
            ["geojson.coordinates"]
        );
        assert_eq!(
            fields(GeofenceInput {
                geojson: Some(json!({"type": "Polygon", "coordinates": [square(0.0, 0.0, 50.0)]})),
                radius_m: Some(100.0),
                ..base
            }),
            ["geojson"]
        );
    }

    #[test]
    fn unknown_input_fields_are_refused() {
        let e = serde_json::from_value::<GeofenceInput>(json!({"name": "x", "radius": 100}));
        assert!(e.is_err());
    }
}
