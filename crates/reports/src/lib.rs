//! `reports`: the arithmetic of reports and insights (数据报表 → 优化), pure.
//!
//! A storage layer reads rows, calls this crate and writes what it answers:
//!
//! 1. **Facts.** [`facts::person_day`] turns everything stored for one person and one
//!    local date (the attendance record, the published plan, the visits, the stored day
//!    summaries as [`TrackDay`], the anti-cheat level) into a [`facts::PersonDay`];
//!    [`facts::customer_period`] turns a customer's visits into a
//!    [`facts::CustomerPeriod`] (visits, due visits met, last visit, outcome). Facts are
//!    functions of their inputs, never increments: a late sync or a rebuild recomputes
//!    them from the full set and gets the same value, bit for bit through JSON.
//!    Unknown inputs give `None`, never 0.
//! 2. **Roll-ups.** [`rollup`] sums facts by department subtree and day, ISO week or
//!    month ([`Totals`]); ratios are recomputed from sums ([`Totals::driving_share`]…),
//!    never averaged.
//! 3. **Reports.** [`report::build`] makes each standard report ([`report::ReportName`])
//!    as data: typed columns with units and zh/en labels, rows of cells, a totals row,
//!    for a [`report::Filter`] and the set of people the caller reaches.
//! 4. **Insights.** [`insights::insights`] runs the rules with the tenant's validated
//!    [`insights::InsightSettings`]; each insight has a stable code, its evidence and a
//!    suggested action.
//!
//! Medians and percentile ranks are defined once in [`stats`]; the detour ratio's best
//! order is `plan`'s exact dynamic programme ([`detour`]).
//!
//! ```
//! use reports::facts::{DayType, PersonDayInput, VisitInput, VisitKind, person_day};
//! use reports::report::{Filter, ReportName, Sources, build, Cell};
//! use reports::{DateRange, Directory};
//! use domain::visit_rule::CheckinStatus;
//! use domain::{CustomerId, DepartmentId, EmployeeId};
//!
//! let tz = chrono_tz::Asia::Shanghai;
//! let date = "2026-11-02".parse().unwrap();
//! let at = |min| domain::attendance::local_instant(tz, date, min);
//! let rep = EmployeeId::new();
//! let shop = CustomerId::new();
//! let visit = VisitInput {
//!     id: uuid::Uuid::now_v7(),
//!     customer: shop,
//!     kind: VisitKind::Planned,
//!     checkin_ms: at(10 * 60),
//!     checkout_ms: Some(at(10 * 60 + 25)),
//!     checkin: CheckinStatus::Within,
//!     min_duration_s: Some(15 * 60),
//!     place: None,
//!     outcome: Some(1200.0),
//! };
//! let fact = person_day(&PersonDayInput {
//!     employee: rep,
//!     department: DepartmentId::new(),
//!     date,
//!     tz,
//!     day_type: DayType::Workday,
//!     attendance: None,
//!     planned: vec![shop, CustomerId::new()],
//!     visits: vec![visit],
//!     tracks: vec![],
//!     integrity: None,
//! });
//! assert_eq!((fact.planned_visits, fact.planned_done), (2, 1));
//! assert_eq!(fact.avg_visit_s, Some(1500.0));
//! // No track, no attendance rule: unknown, not zero.
//! assert_eq!((fact.driving_share, fact.total_m), (None, None));
//!
//! let directory = Directory::default();
//! let facts = [fact];
//! let sources = Sources { facts: &facts, customers: &[], approvals: &[], directory: &directory };
//! let filter = Filter::period(DateRange::new(date, date).unwrap());
//! let report = build(ReportName::PlanCompliance, &sources, &filter, &[rep].into());
//! assert_eq!(report.cell(0, "compliance"), Some(&Cell::Num(0.5)));
//! ```

pub mod dashboard;
pub mod detour;
pub mod directory;
pub mod facts;
pub mod insights;
pub mod period;
pub mod report;
pub mod rollup;
pub mod schedule;
pub mod stats;
mod track_day;

pub use directory::{CustomerInfo, DepartmentInfo, Directory, PersonInfo};
pub use period::{DateRange, Grain, PeriodKey};
pub use rollup::{Rollup, Totals, rollup};
pub use track_day::{Interval, SummaryError, TrackDay, Trip};
