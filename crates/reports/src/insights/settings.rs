//! The thresholds of the insight rules: published defaults a tenant may adjust.
//!
//! | setting | default | range | rule |
//! |---|---|---|---|
//! | `low_visits_pct` | 60 | 1–100 | a week's completed visits below this % of the team median… |
//! | `low_visits_weeks` | 2 | 1–12 | …for this many consecutive weeks |
//! | `a_coverage_min_pct` | 90 | 1–100 | A-level customers visited in the period, per owner |
//! | `detour_ratio_max` | 1.3 | 1–5 | km driven between visits ÷ best order, over the period |
//! | `detour_min_days` | 3 | 1–31 | days with a detour ratio needed to judge |
//! | `driving_share_max_pct` | 50 | 1–100 | time in trips ÷ working day, over the period |
//! | `driving_min_days` | 3 | 1–31 | days with a driving share needed to judge |
//! | `short_visits_min` | 3 | 1–100 | visits shorter than the rule's minimum in the period |
//! | `daily_visit_capacity` | 8 | 1–50 | visits a rep can make in a working day |
//! | `territory_load_max_pct` | 100 | 50–500 | due visits of a rep's customers ÷ capacity |
//! | `no_outcome_min_visits` | 4 | 1–100 | visits in the period with no outcome recorded |
//!
//! Percentages are whole-number percent (60 = 60 %). Errors use `domain::Invalid` with
//! `out_of_range` and the units the clients already translate ("" for percents and
//! weeks, `days`).
//!
//! Every comparison is strict ("below", "above"): a value exactly at the threshold raises
//! nothing; counts are "at least".

use domain::{Invalid, Problem};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InsightSettings {
    pub low_visits_pct: f64,
    pub low_visits_weeks: u32,
    pub a_coverage_min_pct: f64,
    pub detour_ratio_max: f64,
    pub detour_min_days: u32,
    pub driving_share_max_pct: f64,
    pub driving_min_days: u32,
    pub short_visits_min: u32,
    pub daily_visit_capacity: f64,
    pub territory_load_max_pct: f64,
    pub no_outcome_min_visits: u32,
}

impl Default for InsightSettings {
    fn default() -> Self {
        InsightSettings {
            low_visits_pct: 60.0,
            low_visits_weeks: 2,
            a_coverage_min_pct: 90.0,
            detour_ratio_max: 1.3,
            detour_min_days: 3,
            driving_share_max_pct: 50.0,
            driving_min_days: 3,
            short_visits_min: 3,
            daily_visit_capacity: 8.0,
            territory_load_max_pct: 100.0,
            no_outcome_min_visits: 4,
        }
    }
}

/// Settings that passed [`InsightSettings::validate`]; only these run rules. Rules compare
/// cross-multiplied (`visited × 100 < pct × customers`), so a value exactly at a
/// percentage threshold is exactly at it, not a rounding error away.
#[derive(Clone, Debug, PartialEq)]
pub struct Thresholds(InsightSettings);

impl Thresholds {
    pub fn settings(&self) -> &InsightSettings {
        &self.0
    }
}

impl Default for Thresholds {
    fn default() -> Self {
        InsightSettings::default()
            .validate()
            .expect("the defaults are valid")
    }
}

fn within(bad: &mut Invalid, field: &str, v: f64, min: f64, max: f64, unit: &'static str) {
    if !(v.is_finite() && min <= v && v <= max) {
        bad.push(field, Problem::range(min, max, unit));
    }
}

impl InsightSettings {
    /// Checks every field; the error names each one out of range.
    pub fn validate(&self) -> Result<Thresholds, Invalid> {
        let mut bad = Invalid::default();
        within(
            &mut bad,
            "low_visits_pct",
            self.low_visits_pct,
            1.0,
            100.0,
            "",
        );
        within(
            &mut bad,
            "low_visits_weeks",
            self.low_visits_weeks.into(),
            1.0,
            12.0,
            "",
        );
        within(
            &mut bad,
            "a_coverage_min_pct",
            self.a_coverage_min_pct,
            1.0,
            100.0,
            "",
        );
        within(
            &mut bad,
            "detour_ratio_max",
            self.detour_ratio_max,
            1.0,
            5.0,
            "",
        );
        within(
            &mut bad,
            "detour_min_days",
            self.detour_min_days.into(),
            1.0,
            31.0,
            "days",
        );
        within(
            &mut bad,
            "driving_share_max_pct",
            self.driving_share_max_pct,
            1.0,
            100.0,
            "",
        );
        within(
            &mut bad,
            "driving_min_days",
            self.driving_min_days.into(),
            1.0,
            31.0,
            "days",
        );
        within(
            &mut bad,
            "short_visits_min",
            self.short_visits_min.into(),
            1.0,
            100.0,
            "",
        );
        within(
            &mut bad,
            "daily_visit_capacity",
            self.daily_visit_capacity,
            1.0,
            50.0,
            "",
        );
        within(
            &mut bad,
            "territory_load_max_pct",
            self.territory_load_max_pct,
            50.0,
            500.0,
            "",
        );
        within(
            &mut bad,
            "no_outcome_min_visits",
            self.no_outcome_min_visits.into(),
            1.0,
            100.0,
            "",
        );
        bad.into_result(|| Thresholds(self.clone()))
    }
}
