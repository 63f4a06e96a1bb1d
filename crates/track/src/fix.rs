//! The input record (one position report from a phone) and the reasons a report is dropped.

/// Which positioning source produced a fix, as Android names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Provider {
    Gps,
    /// Wi-Fi / cell positioning: honest but coarse (median 40–90 m Wi-Fi, ~600 m cell).
    Network,
    Fused,
    Unknown,
}

/// One position report.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Fix {
    /// UTC epoch milliseconds.
    pub t_ms: i64,
    /// WGS-84 degrees.
    pub lat: f64,
    pub lon: f64,
    /// 68 % radius in metres as Android reports it; NaN (or 0, Android's "no accuracy") if unknown.
    pub accuracy_m: f32,
    /// Metres per second; NaN if unknown.
    pub speed_mps: f32,
    /// Degrees clockwise from north; NaN if unknown.
    pub bearing_deg: f32,
    /// Metres above the WGS-84 ellipsoid; NaN if unknown.
    pub altitude_m: f32,
    pub provider: Provider,
    /// The OS flagged the fix as coming from a mock-location app.
    pub mock: bool,
}

impl Fix {
    /// A GPS fix with only time, position and accuracy known (tests, imports of bare tracks).
    pub fn gps(t_ms: i64, lat: f64, lon: f64, accuracy_m: f32) -> Fix {
        Fix {
            t_ms,
            lat,
            lon,
            accuracy_m,
            speed_mps: f32::NAN,
            bearing_deg: f32::NAN,
            altitude_m: f32::NAN,
            provider: Provider::Gps,
            mock: false,
        }
    }
}

/// Why [`crate::clean`] dropped a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// Non-finite or out-of-range coordinates, (0, 0), negative accuracy, or a time before
    /// [`crate::Config::min_t_ms`].
    Invalid,
    /// Same time as (or earlier than) the previous usable fix.
    Duplicate,
    /// More than [`crate::Config::future_tolerance_ms`] after `now`.
    Future,
    /// Accuracy worse than [`crate::Config::max_accuracy_m`]: not used for distance or stop
    /// centres, but may still prove presence at a stop.
    Inaccurate,
    /// Jumps away and comes straight back (multipath), whatever accuracy it claims.
    Spike,
    /// Implied speed from its neighbours is physically impossible for a field rep.
    Teleport,
    /// Flagged by the OS as a mock location.
    Mock,
}
