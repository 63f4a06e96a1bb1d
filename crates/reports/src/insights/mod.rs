//! Insights (优化): rules over facts with tenant-adjustable thresholds, each raising an
//! insight with a stable code, the evidence it rests on (person-days or customers, and the
//! numbers) and a suggested action.
//!
//! The team a person is compared with is everyone reached in the department filter; the
//! person filter only picks which insights are returned. Insights come out sorted by
//! code (in [`InsightCode::ALL`] order), then subject id: the same facts always give the
//! same list.

mod rules;
mod settings;

pub use settings::{InsightSettings, Thresholds};

use crate::report::{Filter, Sources};
use chrono::NaiveDate;
use domain::{CustomerId, EmployeeId};
use serde::Serialize;
use std::collections::BTreeSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InsightCode {
    /// Completed visits below `low_visits_pct` % of the team median for
    /// `low_visits_weeks` consecutive weeks.
    VisitsBelowTeamMedian,
    /// An owner's A-level customers visited in the period below `a_coverage_min_pct` %.
    ACoverageLow,
    /// Km driven between visits ÷ the best order of them above `detour_ratio_max`.
    DetourHigh,
    /// Time in trips above `driving_share_max_pct` % of the working day.
    DrivingShareHigh,
    /// At least `short_visits_min` visits shorter than the rule's minimum.
    ShortVisitsRepeated,
    /// Due visits of a rep's customers above `territory_load_max_pct` % of their capacity.
    TerritoryOverloaded,
    /// At least `no_outcome_min_visits` visits to a customer and no outcome.
    VisitsWithoutOutcome,
}

impl InsightCode {
    pub const ALL: [InsightCode; 7] = [
        InsightCode::VisitsBelowTeamMedian,
        InsightCode::ACoverageLow,
        InsightCode::DetourHigh,
        InsightCode::DrivingShareHigh,
        InsightCode::ShortVisitsRepeated,
        InsightCode::TerritoryOverloaded,
        InsightCode::VisitsWithoutOutcome,
    ];

    /// What the rule suggests doing about it.
    pub fn action(self) -> ActionCode {
        match self {
            InsightCode::VisitsBelowTeamMedian => ActionCode::ReviewWorkload,
            InsightCode::ACoverageLow => ActionCode::PlanMissedACustomers,
            InsightCode::DetourHigh => ActionCode::FollowOptimisedRoute,
            InsightCode::DrivingShareHigh => ActionCode::CompactTerritory,
            InsightCode::ShortVisitsRepeated => ActionCode::CoachVisitLength,
            InsightCode::TerritoryOverloaded => ActionCode::RebalanceTerritories,
            InsightCode::VisitsWithoutOutcome => ActionCode::LowerFrequencyLevel,
        }
    }
}

/// A suggested action, by stable code (the console links each to where it is done).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionCode {
    /// Talk through the weeks with the rep: leave, territory, plan.
    ReviewWorkload,
    /// Generate plans that place the unvisited A-level customers (`plans/generate`).
    PlanMissedACustomers,
    /// Publish planned days in the optimised order and reoptimise the day in the app.
    FollowOptimisedRoute,
    /// Make the territory more compact (`plan territories`), or check the travel mode.
    CompactTerritory,
    /// Coach on the visit rule's minimum duration.
    CoachVisitLength,
    /// Rebalance territories across reps (`plan territories`).
    RebalanceTerritories,
    /// Move the customer to a lower frequency level.
    LowerFrequencyLevel,
}

/// Who or what an insight is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    Person(EmployeeId),
    Customer(CustomerId),
}

/// A person-day an insight rests on (drill-down to the day, its visits and its replay).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct PersonDayRef {
    pub employee: EmployeeId,
    pub date: NaiveDate,
}

/// A named number of the evidence.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Figure {
    pub name: &'static str,
    pub value: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Insight {
    pub code: InsightCode,
    pub subject: Subject,
    pub action: ActionCode,
    /// The numbers that raised it, the threshold among them.
    pub figures: Vec<Figure>,
    /// The person-days it rests on, by date.
    pub person_days: Vec<PersonDayRef>,
    /// The customers it rests on, by id.
    pub customers: Vec<CustomerId>,
}

impl Insight {
    pub fn figure(&self, name: &str) -> Option<f64> {
        self.figures
            .iter()
            .find(|f| f.name == name)
            .map(|f| f.value)
    }
}

/// Runs every rule over the sources within the filter and the caller's reach.
pub fn insights(
    sources: &Sources<'_>,
    filter: &Filter,
    reach: &BTreeSet<EmployeeId>,
    thresholds: &Thresholds,
) -> Vec<Insight> {
    let ctx = rules::Context::new(sources, filter, reach, thresholds.settings());
    let mut out = Vec::new();
    out.extend(rules::visits_below_team_median(&ctx));
    out.extend(rules::a_coverage_low(&ctx));
    out.extend(rules::detour_high(&ctx));
    out.extend(rules::driving_share_high(&ctx));
    out.extend(rules::short_visits_repeated(&ctx));
    out.extend(rules::territory_overloaded(&ctx));
    out.extend(rules::visits_without_outcome(&ctx));
    out.retain(|i| match (i.subject, filter.employee) {
        (Subject::Person(p), Some(e)) => p == e,
        _ => true,
    });
    out.sort_by_key(|i| (i.code, i.subject));
    out
}
