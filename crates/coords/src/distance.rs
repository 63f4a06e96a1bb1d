//! Great-circle distance, used to express conversion errors in metres.

use crate::LatLon;

/// IUGG mean Earth radius; a sphere is accurate to ~0.5 % which is plenty for
/// judging offsets of metres to kilometres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two points (haversine formula).
pub fn haversine_m(a: LatLon, b: LatLon) -> f64 {
    let (lat1, lat2) = (a.lat.to_radians(), b.lat.to_radians());
    let dlat = lat2 - lat1;
    let dlon = (b.lon - a.lon).to_radians();
    let h = (dlat / 2.0).sin().powi(2) + lat1.cos() * lat2.cos() * (dlon / 2.0).sin().powi(2);
    // Rounding can push h a hair above 1 near antipodes, where asin gives NaN.
    // `clamp` (unlike `min`) keeps a NaN input NaN.
    2.0 * EARTH_RADIUS_M * h.sqrt().clamp(0.0, 1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude() {
        let d = haversine_m(LatLon::new(30.0, 110.0), LatLon::new(31.0, 110.0));
        assert!((d - 111_195.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn shanghai_to_beijing() {
        let shanghai = LatLon::new(31.2304, 121.4737);
        let beijing = LatLon::new(39.9042, 116.4074);
        let km = haversine_m(shanghai, beijing) / 1000.0;
        assert!((km - 1067.0).abs() < 5.0, "{km}");
    }

    #[test]
    fn zero_and_antipodes() {
        let p = LatLon::new(12.5, -40.0);
        assert_eq!(haversine_m(p, p), 0.0);
        let q = LatLon::new(-12.5, 140.0);
        let half = std::f64::consts::PI * EARTH_RADIUS_M;
        assert!((haversine_m(p, q) - half).abs() < 1e-3);
    }

    #[test]
    fn nan_propagates() {
        let p = LatLon::new(f64::NAN, 0.0);
        assert!(haversine_m(p, LatLon::new(0.0, 0.0)).is_nan());
    }
}
