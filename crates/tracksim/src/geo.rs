//! Small geodesy helpers on WGS-84 degrees.
//!
//! Distances are haversine (the `coords` crate's), the same measure the
//! benchmark methods use, so the truth mileage is exactly the sum of
//! haversine lengths of the path's straight pieces. Local offsets use an
//! equirectangular step, plenty for the metre-scale moves we make.

pub use coords::{LatLon, haversine_m};

const METRES_PER_DEG_LAT: f64 = 111_195.08; // 2πR/360 with R = 6 371 008.8 m

/// `p` moved `east` and `north` metres.
pub fn offset(p: LatLon, east: f64, north: f64) -> LatLon {
    LatLon::new(
        p.lat + north / METRES_PER_DEG_LAT,
        p.lon + east / (METRES_PER_DEG_LAT * p.lat.to_radians().cos()),
    )
}

/// Straight-line interpolation in degrees; over the ≤ 1 km pieces we use it
/// departs from the great circle by well under a millimetre.
pub fn lerp(a: LatLon, b: LatLon, f: f64) -> LatLon {
    LatLon::new(a.lat + (b.lat - a.lat) * f, a.lon + (b.lon - a.lon) * f)
}

/// Initial bearing from `a` to `b` in degrees clockwise from north, `[0, 360)`.
pub fn bearing_deg(a: LatLon, b: LatLon) -> f64 {
    let (la, lb) = (a.lat.to_radians(), b.lat.to_radians());
    let dl = (b.lon - a.lon).to_radians();
    let y = dl.sin() * lb.cos();
    let x = la.cos() * lb.sin() - la.sin() * lb.cos() * dl.cos();
    y.atan2(x).to_degrees().rem_euclid(360.0)
}

/// Length of a polyline in metres.
pub fn path_length(points: &[LatLon]) -> f64 {
    points.windows(2).map(|w| haversine_m(w[0], w[1])).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offset_matches_haversine() {
        let p = LatLon::new(31.2, 121.45);
        let q = offset(p, 300.0, 400.0);
        assert!(
            (haversine_m(p, q) - 500.0).abs() < 0.05,
            "{}",
            haversine_m(p, q)
        );
        assert!((bearing_deg(p, offset(p, 100.0, 0.0)) - 90.0).abs() < 0.01);
    }
}
