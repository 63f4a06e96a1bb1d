//! `reports`: the arithmetic of reports and insights (数据报表 → 优化), pure.

pub mod detour;
pub mod directory;
pub mod facts;
pub mod insights;
pub mod period;
pub mod report;
pub mod rollup;
pub mod stats;
mod track_day;

pub use directory::{CustomerInfo, DepartmentInfo, Directory, PersonInfo};
pub use period::{DateRange, Grain, PeriodKey};
pub use rollup::{Rollup, Totals, rollup};
pub use track_day::{Interval, SummaryError, TrackDay, Trip};
