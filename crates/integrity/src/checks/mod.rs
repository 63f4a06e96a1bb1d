//! The checks, one module per family. Each reads the prepared [`Day`] (and the history
//! where it needs it) and returns findings; [`crate::assess`] weighs them.

pub(crate) mod clock;
pub(crate) mod coverage;
pub(crate) mod device;
pub(crate) mod frozen;
pub(crate) mod photos;
pub(crate) mod physics;
pub(crate) mod pin_drop;
pub(crate) mod proxy;
pub(crate) mod replay;
pub(crate) mod synthetic;

#[cfg(test)]
pub(crate) mod testkit;

use crate::day::Day;
use crate::input::History;
use crate::settings::Settings;
use crate::verdict::{Evidence, ReasonCode};

/// One check's finding before weighing: `strength` scales the code's weight (1 = a
/// typical case; more when the evidence is overwhelming, less when it is thin).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Finding {
    pub code: ReasonCode,
    pub strength: f32,
    pub evidence: Evidence,
}

impl Finding {
    pub fn new(code: ReasonCode, strength: f32, evidence: Evidence) -> Finding {
        Finding {
            code,
            strength,
            evidence,
        }
    }
}

/// Every check's findings on the day, in no particular order.
pub(crate) fn run(day: &Day, history: &History, settings: &Settings) -> Vec<Finding> {
    let mut out = Vec::new();
    device::check(day, &mut out);
    physics::check(day, &mut out);
    synthetic::check(day, &mut out);
    frozen::check(day, &mut out);
    pin_drop::check(day, &mut out);
    replay::check(day, history, &mut out);
    clock::check(day, &mut out);
    proxy::check(day, history, settings, &mut out);
    photos::check(day, history, &mut out);
    coverage::check(day, &mut out);
    out
}

/// Adds a named figure, rounded so a verdict reads the same on every platform.
pub(crate) fn figure(e: &mut Evidence, name: &str, value: f64) {
    if value.is_finite() {
        e.figures
            .insert(name.to_string(), (value * 1000.0).round() / 1000.0);
    }
}
