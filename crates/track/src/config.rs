//! Every threshold of the pipeline in one place, with the reasoning behind each default.

/// Thresholds for cleaning, stop detection and mileage. `Config::default()` is tuned for
/// phones carried by field reps in cities (walking, driving, public transport).
#[derive(Clone, Debug)]
pub struct Config {
    // ---- cleaning ----
    /// Fixes stamped before this instant are [`crate::Rejection::Invalid`]; a phone whose
    /// clock reset reports 1970. Default 2000-01-01T00:00Z.
    pub min_t_ms: i64,
    /// Fixes more than this after `now` are [`crate::Rejection::Future`]. Default 5 min:
    /// phone clocks drift by seconds, not minutes.
    pub future_tolerance_ms: i64,
    /// Fixes with a worse (larger) accuracy are [`crate::Rejection::Inaccurate`]. Default
    /// 100 m: GPS and most Wi-Fi fixes pass, cell fixes (~600 m) do not.
    pub max_accuracy_m: f32,
    /// Accuracy assumed when a fix reports none (NaN or 0). Default 25 m: between urban
    /// GPS (7–13 m) and Wi-Fi (40–90 m), so an unknown fix neither dominates nor vanishes.
    pub unknown_accuracy_m: f32,
    /// A spike leaves and returns by more than this each way, beyond what the fixes'
    /// accuracies explain (and, while moving, beyond where the Doppler velocity puts the
    /// track). Default 60 m: multipath jumps are 100–300 m, and the accuracies already
    /// allow for ordinary noise (an honest fix lies 60 m beyond two 68 % radii far less
    /// than once a day). At 100 m, jumps of 100–150 m next to indoor fixes claiming 40 m
    /// passed as travel.
    pub spike_min_m: f64,
    /// ... and after the spike the track is back within this fraction of the shorter leg
    /// of where it left (or within the two fixes' accuracies). Default 0.25: a genuine
    /// out-and-back drive rarely returns that close within one or two sampling intervals.
    pub spike_return_ratio: f64,
    /// At most this many consecutive fixes form one spike. Default 3 (a multipath burst).
    pub spike_max_fixes: usize,
    /// ... spanning (leave to return) at most this long. Default 5 min.
    pub spike_max_span_ms: i64,
    /// Speed, beyond the fixes' accuracies, above which a short hop is a
    /// [`crate::Rejection::Teleport`]. Default 70 m/s (252 km/h): above any car on a road.
    pub max_speed_mps: f64,
    /// The speed test applies only to hops shorter than this. Default 5 min: over longer
    /// silences a high-speed train (97 m/s) or a flight is real; the hop is then bridged.
    pub teleport_window_ms: i64,

    // ---- stops ----
    /// A stop's fixes lie within this distance of its centre. Default 100 m (the usual
    /// stay-point radius, e.g. trackintel's): indoor drift of 10–50 m stays inside.
    pub stop_radius_m: f64,
    /// Edge fixes of a stop farther than this, or than twice the stop's RMS spread if
    /// larger, from its centre are arrival or departure, not dwell: they are trimmed off
    /// the stop and count as travel. Default 25 m (a car park's size; the spread covers
    /// indoor drift).
    pub stop_core_m: f64,
    /// Minimum stop duration. Default 5 min, as the business defines a visit; a traffic
    /// light (30–120 s) is far below.
    pub min_stop_ms: i64,
    /// The true arrival lies between the last fix outside a stop and the first inside; a
    /// stop's start (and symmetrically its end) is moved out by half that interval, at most
    /// by this much. Default 60 s: with sparse sampling this stops a 5-minute visit
    /// measuring 4 min 30 s between fixes.
    pub stop_edge_pad_ms: i64,
    /// Indoor drift may wander past the radius for a while; an excursion that stays within
    /// [`Config::excursion_radius_m`] and comes back within this time does not end a stop.
    /// Default 2 min (autocorrelation times of indoor GPS error are 30–60 s).
    pub excursion_ms: i64,
    /// See [`Config::excursion_ms`]. Default 200 m (twice the radius); a departing car is
    /// past it in ten seconds.
    pub excursion_radius_m: f64,
    /// Two stops with centres within the radius, separated by less than this and with
    /// nothing in between farther than the excursion radius, are one stop. Default 5 min.
    pub merge_gap_ms: i64,
    /// Fixes rejected only as [`crate::Rejection::Inaccurate`] with accuracy up to this
    /// still prove presence: they extend a stop whose centre is within their accuracy
    /// circle. They never move a centre or add distance. Default 1000 m (cell fixes).
    pub presence_max_accuracy_m: f32,
    /// Correlation time of a phone's position error at rest (indoor drift): a stop's
    /// centre, the mean of its fixes, has about one independent error per this much
    /// dwell, which sets how uncertain the centre is when a trip leg is measured from it.
    /// Default 5 min (indoor fused-location drift decorrelates over minutes, not seconds).
    pub stop_drift_tau_ms: i64,

    // ---- gaps ----
    /// No kept fix for longer than this is reported as a [`crate::Gap`]. Default 5 min.
    pub gap_ms: i64,

    // ---- mileage ----
    /// White-acceleration spectral density (m²/s³) of the constant-velocity Kalman
    /// smoother run over each trip. Default 2.0: follows urban driving manoeuvres while
    /// averaging out position noise between 1 Hz fixes. See `mileage.rs`.
    pub accel_psd: f64,
    /// Distance accrues only once the smoothed position has moved this far from where the
    /// last distance was counted. Default 10 m: above the wander of a phone waiting at a
    /// traffic light, short enough that chords barely cut corners.
    pub min_step_m: f64,
    /// Multiplier on the straight line that bridges a signal gap longer than
    /// [`Config::gap_ms`] inside a trip. Default 1.0: the straight line is what the
    /// evidence proves (and what a tunnel is); raise it only with a measured road
    /// circuity for the region.
    pub gap_detour_factor: f64,
    /// Reported (Doppler) speeds below this are read as standing still. Default 0.5 m/s:
    /// at rest the reported speed is noise of ~0.3 m/s that never goes negative, which
    /// integrated over a 60 s red light would add ~7 m; walking (1.2 m/s) and crawling
    /// traffic (≥ 1 m/s) stay above it.
    pub speed_floor_mps: f64,
    /// Reported speed is trusted only on satellite fixes (provider not `Network`) whose
    /// accuracy is known and at most this. Default 50 m: a fix that coarse comes from
    /// Wi-Fi/cell positioning, which measures no Doppler.
    pub speed_max_accuracy_m: f32,
    /// Between two consecutive fixes with trusted speed, the path is taken as the speed
    /// integrated over time, but never longer than the straight line times this (nor
    /// shorter than the straight line). Default √2 ≈ 1.414: the longest a path with one
    /// right-angle turn can be compared with its chord (equal legs). The reported bearings,
    /// when known, tighten it to the turn they show (see `mileage.rs`).
    pub max_detour: f64,
    /// The speed integral between two fixes stands unless it lies outside those bounds by
    /// more than this many standard deviations of the straight line's position noise
    /// (√(σa² + σb²), σ from the fixes' accuracies). Default 2: a two-sigma consistency
    /// test, so noise alone rarely overrides a good speed, while a red light between
    /// sparse fixes (the integral off by tens to hundreds of metres) always is.
    pub speed_bound_sigmas: f64,
    /// The largest speed change (m/s², speeding up or braking) a tracked vehicle makes.
    /// Between two fixes with trusted speed, the path can be no longer than accelerating
    /// from the first speed at this rate and braking to the second; a straight line
    /// between the positions longer than that (beyond its noise) proves a position wrong
    /// (multipath claiming good accuracy), and the speed integral stands. Default 4 m/s²:
    /// above brisk urban driving (1.5–3), so real manoeuvres are never cut.
    pub max_accel_mps2: f64,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            min_t_ms: 946_684_800_000,
            future_tolerance_ms: 5 * 60_000,
            max_accuracy_m: 100.0,
            unknown_accuracy_m: 25.0,
            spike_min_m: 60.0,
            spike_return_ratio: 0.25,
            spike_max_fixes: 3,
            spike_max_span_ms: 5 * 60_000,
            max_speed_mps: 70.0,
            teleport_window_ms: 5 * 60_000,
            stop_radius_m: 100.0,
            stop_core_m: 25.0,
            min_stop_ms: 5 * 60_000,
            stop_edge_pad_ms: 60_000,
            excursion_ms: 2 * 60_000,
            excursion_radius_m: 200.0,
            merge_gap_ms: 5 * 60_000,
            presence_max_accuracy_m: 1000.0,
            stop_drift_tau_ms: 5 * 60_000,
            gap_ms: 5 * 60_000,
            accel_psd: 2.0,
            min_step_m: 10.0,
            gap_detour_factor: 1.0,
            speed_floor_mps: 0.5,
            speed_max_accuracy_m: 50.0,
            max_detour: std::f64::consts::SQRT_2,
            speed_bound_sigmas: 2.0,
            max_accel_mps2: 4.0,
        }
    }
}
