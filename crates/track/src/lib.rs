//! The tracking engine's core: from raw phone fixes to stops, trips and payable mileage.
//!
//! Pure `std`, deterministic, panic-free on any input, and fast (a few single passes over
//! slices in a local metric projection; see `benches/throughput.rs`):
//!
//! 1. [`prepare`] puts one device's fixes in a canonical order (sorted, one per instant),
//! 2. [`clean`] judges each fix (invalid, duplicate, future, inaccurate, spike, teleport, mock),
//! 3. [`analyze`] finds stops (stay points robust to indoor drift, gaps and multipath;
//!    Doppler speed tells a dwell from a walk that stays within the radius),
//!    the trips between them and their distance (Kalman-smoothed, noise-gated, gaps bridged;
//!    between fixes that report Doppler speed, the speed integrated within position bounds),
//! 4. [`mileage_within`] clips that distance to working-hour windows,
//! 5. [`simplify`] thins a polyline for display (Douglas–Peucker in metres).
//!
//! ```
//! use track::{Config, Fix, analyze, prepare};
//! let t0 = 1_780_000_000_000;
//! // A phone parked for ten minutes, then driven 1.1 km east.
//! let mut fixes: Vec<Fix> = (0..600).map(|i| Fix::gps(t0 + i * 1000, 31.2, 121.4, 10.0)).collect();
//! fixes.extend((1..=100).map(|i| Fix::gps(t0 + 600_000 + i * 1000, 31.2, 121.4 + i as f64 * 1.05e-4, 5.0)));
//! prepare(&mut fixes);
//! let a = analyze(&fixes, t0 + 86_400_000, &Config::default());
//! assert_eq!(a.stops.len(), 1);
//! assert!((a.mileage_m - 1000.0).abs() < 20.0, "{}", a.mileage_m);
//! ```

mod analyze;
mod clean;
mod config;
mod fix;
mod mileage;
mod motion;
mod prepare;
mod project;
mod simplify;
mod stops;
mod window;

pub use analyze::{Analysis, Gap, Stop, Trip, analyze};
pub use clean::clean;
pub use config::Config;
pub use fix::{Fix, Provider, Rejection};
pub use mileage::Knot;
pub use prepare::prepare;
pub use project::{EARTH_RADIUS_M, Projection};
pub use simplify::simplify;
pub use window::mileage_within;
