//! Round trips over a grid covering mainland China, with the worst error reported.
//!
//! Run with `--nocapture` to see the measured maxima.

use coords::{
    LatLon, bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, haversine_m,
    in_mainland_china, wgs84_to_bd09, wgs84_to_gcj02,
};

/// Required accuracy. Measured errors are nanometres (f64 rounding), so
/// anything approaching this limit is a real regression.
const LIMIT_M: f64 = 0.01;

/// Worst error seen for one round trip, and where.
#[derive(Default)]
struct Worst {
    error_m: f64,
    at: Option<LatLon>,
    checked: usize,
}

impl Worst {
    fn record(&mut self, start: LatLon, back: LatLon) {
        let e = haversine_m(start, back);
        // A NaN error must count as the worst, not slip past the comparison.
        if e.is_nan() || e > self.error_m {
            self.error_m = e;
            self.at = Some(start);
        }
        self.checked += 1;
    }
}

/// Grid points inside the polygon whose converted images are also inside, so
/// that the inverse applies the shift too. The odd offsets keep the grid off
/// round numbers (and off the polygon's vertices).
fn grid(step: f64) -> impl Iterator<Item = LatLon> {
    let rows = ((54.0 - 17.9) / step) as usize;
    let cols = ((135.0 - 73.5) / step) as usize;
    (0..rows).flat_map(move |r| {
        (0..cols).map(move |c| {
            LatLon::new(
                17.9 + 0.0137 + r as f64 * step,
                73.5 + 0.0071 + c as f64 * step,
            )
        })
    })
}

#[test]
fn round_trips_stay_below_a_centimetre_everywhere() {
    let (mut gcj, mut bd, mut gcj_bd) = (Worst::default(), Worst::default(), Worst::default());
    let mut border_skips = 0;
    for p in grid(0.2).filter(|&p| in_mainland_china(p)) {
        let g = wgs84_to_gcj02(p);
        let b = wgs84_to_bd09(p);
        let gb = gcj02_to_bd09(p);
        if !in_mainland_china(g) || !in_mainland_china(b) || !in_mainland_china(gb) {
            // Within a kilometre of the edge; see `border_behaviour_is_as_documented`.
            border_skips += 1;
            continue;
        }
        gcj.record(p, gcj02_to_wgs84(g));
        bd.record(p, bd09_to_wgs84(b));
        gcj_bd.record(p, bd09_to_gcj02(gb));
    }
    for (name, w) in [
        ("WGS->GCJ->WGS", &gcj),
        ("WGS->BD->WGS", &bd),
        ("GCJ->BD->GCJ", &gcj_bd),
    ] {
        println!(
            "{name}: max error {:.3e} m at {:?} over {} grid points ({border_skips} skipped at the border)",
            w.error_m, w.at, w.checked
        );
        assert!(
            w.checked > 20_000,
            "{name}: grid too sparse ({})",
            w.checked
        );
        assert!(w.error_m < LIMIT_M, "{name}: {} m at {:?}", w.error_m, w.at);
    }
    assert!(border_skips < 100, "{border_skips} points near the border");
}

#[test]
fn round_trips_near_the_105e_cusp() {
    // GCJ-02 has a sqrt(|lon - 105|) term whose slope is unbounded at 105°E.
    let mut worst = Worst::default();
    for i in 0..400 {
        let lat = 22.0 + i as f64 * 0.07;
        for dlon in [0.0, 1e-14, -1e-13, 1e-10, -1e-8, 1e-6, -1e-4, 1e-2] {
            let p = LatLon::new(lat, 105.0 + dlon);
            if in_mainland_china(p) {
                worst.record(p, gcj02_to_wgs84(wgs84_to_gcj02(p)));
                worst.record(p, bd09_to_wgs84(wgs84_to_bd09(p)));
            }
        }
    }
    println!(
        "105°E cusp: max error {:.3e} m at {:?}",
        worst.error_m, worst.at
    );
    assert!(worst.error_m < LIMIT_M);
}

#[test]
fn inverse_directions_round_trip_too() {
    // Starting from GCJ-02 / BD-09 instead of WGS-84.
    let mut worst = Worst::default();
    for p in grid(0.5).filter(|&p| in_mainland_china(p)) {
        let w = gcj02_to_wgs84(p);
        if in_mainland_china(w) {
            worst.record(p, wgs84_to_gcj02(w));
        }
        let w = bd09_to_wgs84(p);
        if in_mainland_china(w) {
            worst.record(p, wgs84_to_bd09(w));
        }
    }
    println!(
        "GCJ->WGS->GCJ and BD->WGS->BD: max error {:.3e} m",
        worst.error_m
    );
    assert!(worst.error_m < LIMIT_M);
}

#[test]
fn border_behaviour_is_as_documented() {
    // Shenzhen's bank of the Shenzhen River is inside, but its GCJ-02 image
    // (shifted ~300 m south-east) lands in Hong Kong: the inverse then
    // returns the GCJ-02 point unchanged. This is the documented limitation.
    let p = LatLon::new(22.5165, 114.0700);
    assert!(in_mainland_china(p));
    let g = wgs84_to_gcj02(p);
    assert_ne!(g, p);
    assert!(!in_mainland_china(g));
    assert_eq!(gcj02_to_wgs84(g), g);
    // A kilometre inland the round trip is exact again.
    let p = LatLon::new(22.545, 114.070);
    let back = gcj02_to_wgs84(wgs84_to_gcj02(p));
    assert!(haversine_m(p, back) < LIMIT_M);
}
