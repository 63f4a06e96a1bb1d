//! GCJ-02 <-> BD-09 (Baidu), plus the WGS-84 <-> BD-09 compositions.
//!
//! Baidu's datum is GCJ-02 with a further small rotation and scaling of the
//! (lon, lat) pair treated as a plane vector, then a fixed translation. The
//! published forward formula is reproduced here; the inverse is computed by
//! iteration because the usual closed-form "inverse" in circulation is only an
//! approximation (off by up to ~1 m).

use crate::{LatLon, gcj02, in_mainland_china, invert::invert};

/// The "x_pi" constant of the published formula: pi * 3000 / 180.
const X_PI: f64 = std::f64::consts::PI * 3000.0 / 180.0;
/// Fixed translation (degrees) applied after the rotation.
const SHIFT_LON: f64 = 0.0065;
const SHIFT_LAT: f64 = 0.006;
/// Amplitudes of the radial and angular wobble.
const RADIAL_AMP: f64 = 0.000_02;
const ANGULAR_AMP: f64 = 0.000_003;

/// Converts GCJ-02 to BD-09; unchanged outside mainland China.
pub fn gcj02_to_bd09(p: LatLon) -> LatLon {
    if in_mainland_china(p) { to_bd(p) } else { p }
}

/// Converts BD-09 to GCJ-02 (iterated, sub-millimetre round trip); unchanged
/// outside mainland China. The mainland test uses the BD-09 input; see
/// [`crate::gcj02_to_wgs84`] for what that means near the border.
pub fn bd09_to_gcj02(p: LatLon) -> LatLon {
    if in_mainland_china(p) { from_bd(p) } else { p }
}

/// Converts WGS-84 to BD-09 via GCJ-02; unchanged outside mainland China.
///
/// The mainland test is made once, on the input, so a point just inside the
/// border is not left half-converted when its GCJ-02 image falls outside.
pub fn wgs84_to_bd09(p: LatLon) -> LatLon {
    if in_mainland_china(p) {
        to_bd(gcj02::shift(p))
    } else {
        p
    }
}

/// Converts BD-09 to WGS-84 via GCJ-02; unchanged outside mainland China.
pub fn bd09_to_wgs84(p: LatLon) -> LatLon {
    if in_mainland_china(p) {
        gcj02::unshift(from_bd(p))
    } else {
        p
    }
}

/// The forward formula without the mainland test.
fn to_bd(p: LatLon) -> LatLon {
    let (x, y) = (p.lon, p.lat);
    let r = x.hypot(y) + RADIAL_AMP * (y * X_PI).sin();
    let theta = y.atan2(x) + ANGULAR_AMP * (x * X_PI).cos();
    LatLon::new(r * theta.sin() + SHIFT_LAT, r * theta.cos() + SHIFT_LON)
}

/// Inverse of [`to_bd`] without the mainland test.
fn from_bd(p: LatLon) -> LatLon {
    // Undo the wobble using the BD-09 values themselves: good to ~1 m,
    // which puts the iteration's start right next to the answer.
    let (x, y) = (p.lon - SHIFT_LON, p.lat - SHIFT_LAT);
    let r = x.hypot(y) - RADIAL_AMP * (y * X_PI).sin();
    let theta = y.atan2(x) - ANGULAR_AMP * (x * X_PI).cos();
    let guess = LatLon::new(r * theta.sin(), r * theta.cos());
    invert(p, guess, to_bd)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haversine_m;

    #[test]
    fn iteration_beats_the_closed_form_guess() {
        let gcj = LatLon::new(39.915, 116.404);
        let back = from_bd(to_bd(gcj));
        assert!(haversine_m(gcj, back) < 1e-6, "{back:?}");
    }

    #[test]
    fn baidu_offset_is_roughly_constant() {
        // BD-09 sits ~0.006° north-east of GCJ-02 everywhere in China.
        let gcj = LatLon::new(30.0, 110.0);
        let bd = gcj02_to_bd09(gcj);
        assert!((0.004..0.009).contains(&(bd.lat - gcj.lat)));
        assert!((0.004..0.009).contains(&(bd.lon - gcj.lon)));
    }

    #[test]
    fn outside_is_identity_all_ways() {
        let seoul = LatLon::new(37.5665, 126.9780);
        assert_eq!(gcj02_to_bd09(seoul), seoul);
        assert_eq!(bd09_to_gcj02(seoul), seoul);
        assert_eq!(wgs84_to_bd09(seoul), seoul);
        assert_eq!(bd09_to_wgs84(seoul), seoul);
    }
}
