//! `integrity`: is this rep-day real? One verdict per rep and working day.
//!
//! Pure and deterministic: [`assess`] takes a [`RepDay`] (the day's raw fixes, actions,
//! photos and the customers' stored positions), a compact [`History`] (recent days'
//! track signatures of the rep and the team, recent device uses, candidate earlier
//! photos) and the tenant's [`Settings`], and returns a [`Verdict`]: a level, a score and
//! the reasons with the evidence each rests on. The same input always gives the same
//! verdict; [`CHECKS_VERSION`] is stored with it so a verdict made by older checks is
//! known as such.
//!
//! The checks (`checks/`, one module per family) each return findings; a finding's
//! weight is the tenant's weight for its code (default [`ReasonCode::default_weight`],
//! 0 switches it off) times the finding's strength, and the score is their sum.

mod checks;
mod day;
mod explain;
mod input;
mod settings;
mod verdict;

pub use checks::photos::PHASH_SAME_BITS;
pub use explain::Lang;
pub use input::{
    Action, ActionKind, CustomerPin, DayFix, DeviceClaims, DeviceUse, EarlierPhoto, History,
    PhotoCapture, PhotoFacts, Position, RepDay,
};
pub use settings::Settings;
pub use verdict::{DayRef, DaySignature, Evidence, Level, Point, Reason, ReasonCode, Verdict};

/// The version of the checks; bumped whenever a check, a weight default or a threshold
/// default changes what a verdict would say.
pub const CHECKS_VERSION: u32 = 2;

/// The verdict on one rep-day.
pub fn assess(day: &RepDay, history: &History, settings: &Settings) -> Verdict {
    let prepared = day::Day::new(day);
    let mut reasons: Vec<Reason> = checks::run(&prepared, history, settings)
        .into_iter()
        .filter_map(|f| {
            let weight = settings.weight(f.code) * f.strength;
            (weight > 0.0).then_some(Reason {
                code: f.code,
                weight: (weight * 100.0).round() / 100.0,
                evidence: f.evidence,
            })
        })
        .collect();
    reasons.sort_by(|a, b| b.weight.total_cmp(&a.weight).then(a.code.cmp(&b.code)));
    // `+ 0.0`: an empty float sum is -0.0.
    let score = (reasons.iter().map(|r| r.weight).sum::<f32>() * 100.0).round() / 100.0 + 0.0;
    let mut signature = checks::replay::signature_of(&prepared.analysis.stops);
    signature.day = day.date.map(|date| DayRef {
        employee: day.employee,
        date,
    });
    Verdict {
        version: CHECKS_VERSION,
        level: settings.level(score),
        score,
        reasons,
        signature,
    }
}

/// The day's compact track signature, kept per rep-day so a later day can be compared
/// with it (replayed tracks) without reading its fixes again. [`assess`] returns the same
/// signature (with the day named) in its verdict.
pub fn signature(fixes: &[DayFix]) -> DaySignature {
    let day = RepDay {
        fixes: fixes.to_vec(),
        now_ms: i64::MAX / 2,
        ..RepDay::default()
    };
    checks::replay::signature_of(&day::Day::new(&day).analysis.stops)
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

#[cfg(test)]
mod tests;
