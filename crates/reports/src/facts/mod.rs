//! Facts: what one person did on one day, and what happened to one customer over a
//! period. Both are pure functions of their inputs.

mod customer_period;
mod person_day;

pub use customer_period::{
    CustomerPeriod, CustomerPeriodInput, CustomerVisit, customer_period, default_interval,
};
pub use person_day::{
    AttendanceFact, DayType, Detour, MIN_BEST_PATH_M, PersonDay, PersonDayInput, VisitFact,
    VisitInput, VisitKind, person_day,
};
