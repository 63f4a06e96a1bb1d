//! A tenant's anti-cheat settings: weights and thresholds per check, shared devices.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::verdict::{Level, ReasonCode};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Overrides of a check's default weight (0 switches the check off).
    #[serde(default)]
    pub weights: BTreeMap<ReasonCode, f32>,
    /// A day whose score reaches this is `review`.
    pub review_at: f32,
    /// A day whose score reaches this is `likely_cheat`.
    pub likely_at: f32,
    /// Device ids a team shares by policy: using one of them is not proxy punching.
    #[serde(default)]
    pub shared_devices: Vec<String>,
    /// Levels that notify the rep's manager.
    #[serde(default)]
    pub notify: Vec<Level>,
    /// Days after the verdict during which the rep may appeal.
    pub appeal_days: u16,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            weights: BTreeMap::new(),
            review_at: 1.0,
            likely_at: 3.0,
            shared_devices: Vec::new(),
            notify: vec![Level::LikelyCheat],
            appeal_days: 7,
        }
    }
}

impl Settings {
    /// The weight a reason of this code counts with.
    pub fn weight(&self, code: ReasonCode) -> f32 {
        self.weights
            .get(&code)
            .copied()
            .unwrap_or_else(|| code.default_weight())
    }

    pub fn level(&self, score: f32) -> Level {
        if score >= self.likely_at {
            Level::LikelyCheat
        } else if score >= self.review_at {
            Level::Review
        } else {
            Level::Clean
        }
    }
}
