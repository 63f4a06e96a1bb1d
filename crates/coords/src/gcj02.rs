//! WGS-84 <-> GCJ-02 ("Mars coordinates", used by Amap, Tencent and most apps in China).
//!
//! The forward shift is the formula that has circulated publicly since ~2010:
//! a polynomial-plus-sines offset in pseudo-metres around (35°N, 105°E),
//! scaled to degrees with the Krasovsky 1940 ellipsoid. It matches what
//! providers return to within about a metre (published city fixtures differ
//! from it by ~0.65 m), far below GPS noise and the few hundred metres of the
//! shift itself.

use std::f64::consts::PI;

use crate::{LatLon, in_mainland_china, invert::invert};

/// Krasovsky 1940 semi-major axis, in metres.
const KRASOVSKY_A: f64 = 6_378_245.0;
/// Krasovsky 1940 first eccentricity squared (usually written with three more
/// digits, 0.00669342162296594323, which round to the same f64).
const KRASOVSKY_EE: f64 = 0.006_693_421_622_965_943;

/// Converts a WGS-84 point to GCJ-02. Points outside mainland China are
/// returned unchanged, as Chinese providers do.
pub fn wgs84_to_gcj02(p: LatLon) -> LatLon {
    if in_mainland_china(p) { shift(p) } else { p }
}

/// Converts a GCJ-02 point back to WGS-84 by inverting the forward shift
/// numerically (round-trip error far below a millimetre).
///
/// The mainland test is made on the GCJ-02 input, so within a few hundred
/// metres of the polygon edge (in practice only at the Hong Kong and Macau
/// boundaries; elsewhere the polygon is padded) a point may be shifted here
/// although its WGS-84 preimage lies outside, or vice versa. Providers treat
/// such border strips inconsistently too, so there is no "right" answer there;
/// we keep the rule simple and predictable.
pub fn gcj02_to_wgs84(p: LatLon) -> LatLon {
    if in_mainland_china(p) { unshift(p) } else { p }
}

/// The forward shift without the mainland test.
pub(crate) fn shift(p: LatLon) -> LatLon {
    let (dlat, dlon) = offset_deg(p);
    LatLon::new(p.lat + dlat, p.lon + dlon)
}

/// Inverse of [`shift`] without the mainland test.
pub(crate) fn unshift(p: LatLon) -> LatLon {
    // Evaluating the offset at the shifted point is already within ~1 m,
    // so the iteration starts close and needs only a few steps.
    let (dlat, dlon) = offset_deg(p);
    invert(p, LatLon::new(p.lat - dlat, p.lon - dlon), shift)
}

/// GCJ-02 minus WGS-84 at WGS-84 point `p`, in degrees (lat, lon).
fn offset_deg(p: LatLon) -> (f64, f64) {
    let x = p.lon - 105.0;
    let y = p.lat - 35.0;
    let north_m = north_pseudo_m(x, y);
    let east_m = east_pseudo_m(x, y);

    let lat_rad = p.lat.to_radians();
    let sin_lat = lat_rad.sin();
    let w = 1.0 - KRASOVSKY_EE * sin_lat * sin_lat;
    let meridian_radius = KRASOVSKY_A * (1.0 - KRASOVSKY_EE) / (w * w.sqrt());
    let parallel_radius = KRASOVSKY_A / w.sqrt() * lat_rad.cos();
    (
        (north_m / meridian_radius).to_degrees(),
        (east_m / parallel_radius).to_degrees(),
    )
}

/// Ripple shared by both components; depends on longitude only.
fn ripple(x: f64) -> f64 {
    (20.0 * (6.0 * PI * x).sin() + 20.0 * (2.0 * PI * x).sin()) * 2.0 / 3.0
}

fn north_pseudo_m(x: f64, y: f64) -> f64 {
    let base = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt();
    let mid = (20.0 * (PI * y).sin() + 40.0 * (PI * y / 3.0).sin()) * 2.0 / 3.0;
    let long = (160.0 * (PI * y / 12.0).sin() + 320.0 * (PI * y / 30.0).sin()) * 2.0 / 3.0;
    base + ripple(x) + mid + long
}

fn east_pseudo_m(x: f64, y: f64) -> f64 {
    let base = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt();
    let mid = (20.0 * (PI * x).sin() + 40.0 * (PI * x / 3.0).sin()) * 2.0 / 3.0;
    let long = (150.0 * (PI * x / 12.0).sin() + 300.0 * (PI * x / 30.0).sin()) * 2.0 / 3.0;
    base + ripple(x) + mid + long
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::haversine_m;

    #[test]
    fn shanghai_offset_has_expected_sign_and_size() {
        let wgs = LatLon::new(31.2304, 121.4737);
        let gcj = wgs84_to_gcj02(wgs);
        let (dlat, dlon) = (gcj.lat - wgs.lat, gcj.lon - wgs.lon);
        assert!((-0.0025..-0.0015).contains(&dlat), "{dlat}");
        assert!((0.0040..0.0050).contains(&dlon), "{dlon}");
    }

    #[test]
    fn inverse_converges_across_the_105e_cusp() {
        // sqrt(|lon - 105|) has unbounded slope at 105°E; make sure the
        // iteration still lands within a millimetre there.
        for dlon in [0.0, 1e-15, -1e-15, 1e-12, -1e-9, 1e-6, -1e-3] {
            let wgs = LatLon::new(30.0, 105.0 + dlon);
            let back = unshift(shift(wgs));
            assert!(haversine_m(wgs, back) < 1e-3, "{dlon}: {back:?}");
        }
    }

    #[test]
    fn outside_is_identity_both_ways() {
        let tokyo = LatLon::new(35.6762, 139.6503);
        assert_eq!(wgs84_to_gcj02(tokyo), tokyo);
        assert_eq!(gcj02_to_wgs84(tokyo), tokyo);
    }

    #[test]
    fn non_finite_input_does_not_panic() {
        for p in [
            LatLon::new(f64::NAN, 116.0),
            LatLon::new(40.0, f64::NAN),
            LatLon::new(f64::INFINITY, f64::NEG_INFINITY),
        ] {
            let _ = wgs84_to_gcj02(p);
            let _ = gcj02_to_wgs84(p);
            let _ = unshift(p);
        }
        assert!(unshift(LatLon::new(f64::NAN, 116.0)).lat.is_nan());
    }
}
