//! `cheatsim`: labelled honest and cheating rep-days for benchmarking `integrity`.
//!
//! A [`world::World`] is one tenant for one seed: a `tracksim` city, a team of reps with
//! their customers (stored pins off the doors by geocoding error), and several working
//! days of each rep simulated honestly — each honest day with one of the hard cases
//! ([`hard::HardCase`]). Then some rep-days are replaced by a cheating day with one trick
//! ([`tricks::Trick`]), played the way a cheater would with the tools they have (mock
//! location apps with their jitter and made-up accuracy, a colleague's phone, the phone's
//! clock, the gallery), and recorded the way the shipped web app records a day: fixes
//! from the browser's geolocation (no provider, bearing or altitude, no mock flag),
//! actions with the phone's position and clock, photos with their hashes and EXIF.
//! [`bench`] judges every test day with `integrity::assess` and tabulates.

pub mod bench;
pub mod hard;
pub mod mock;
pub mod record;
pub mod tricks;
pub mod world;
