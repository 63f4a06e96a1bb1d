//! One function per rule. Each reads the context and answers its insights in any order
//! (the caller sorts).

use super::{Figure, Insight, InsightCode, InsightSettings, PersonDayRef, Subject};
use crate::facts::{CustomerPeriod, PersonDay};
use crate::period::{DateRange, Grain};
use crate::report::people::{PersonGroup, group};
use crate::report::{Filter, Scope, Sources, coverage};
use crate::stats::median;
use domain::customer::Level;
use domain::{CustomerId, EmployeeId};
use std::collections::{BTreeMap, BTreeSet};

pub(super) struct Context<'a> {
    pub period: DateRange,
    /// Everyone reached in the department filter, whatever the person filter.
    pub team: Vec<PersonGroup<'a>>,
    pub customers: Vec<&'a CustomerPeriod>,
    pub s: &'a InsightSettings,
}

impl<'a> Context<'a> {
    pub fn new(
        sources: &Sources<'a>,
        filter: &Filter,
        reach: &BTreeSet<EmployeeId>,
        s: &'a InsightSettings,
    ) -> Context<'a> {
        let team_filter = Filter {
            employee: None,
            ..filter.clone()
        };
        let team_scope = Scope::new(&team_filter, reach, sources.directory);
        let team = group(
            sources.facts.iter().filter(|f| team_scope.fact(f)),
            sources.directory,
        );
        let scope = Scope::new(filter, reach, sources.directory);
        Context {
            period: filter.period,
            team,
            customers: coverage::customers_in_scope(sources, &scope),
            s,
        }
    }
}

fn insight(
    code: InsightCode,
    subject: Subject,
    figures: &[(&'static str, f64)],
    mut person_days: Vec<PersonDayRef>,
    mut customers: Vec<CustomerId>,
) -> Insight {
    person_days.sort();
    person_days.dedup();
    customers.sort();
    customers.dedup();
    Insight {
        code,
        subject,
        action: code.action(),
        figures: figures
            .iter()
            .map(|&(name, value)| Figure { name, value })
            .collect(),
        person_days,
        customers,
    }
}

fn day_ref(f: &PersonDay) -> PersonDayRef {
    PersonDayRef {
        employee: f.employee,
        date: f.date,
    }
}

/// Per ISO week (cut to the period), each person's completed visits against the team
/// median. A person-week is compared only when the person had a working day and no
/// leave in it (a week of leave is neither below nor above; it breaks a run). A week with
/// a team median of 0 compares nobody. Raised for a run of at least `low_visits_weeks`
/// consecutive weeks below `low_visits_pct` % of the median (strictly), with the latest
/// longest run as evidence.
pub(super) fn visits_below_team_median(ctx: &Context<'_>) -> Vec<Insight> {
    let s = ctx.s;
    let weeks = ctx.period.periods(Grain::Week);
    // below[person][week] = Some((visits, median)) when below, None otherwise.
    let mut runs: BTreeMap<EmployeeId, Vec<Option<(u32, f64)>>> = BTreeMap::new();
    for (wi, week) in weeks.iter().enumerate() {
        let range = week.range();
        let mut values: Vec<(EmployeeId, u32)> = Vec::new();
        for g in &ctx.team {
            let days: Vec<&&PersonDay> = g
                .facts
                .iter()
                .filter(|f| range.contains(f.date) && ctx.period.contains(f.date))
                .collect();
            let comparable =
                days.iter().any(|f| f.is_working_day()) && !days.iter().any(|f| f.on_leave());
            if comparable {
                values.push((g.employee, days.iter().map(|f| f.completed_visits).sum()));
            }
        }
        let team: Vec<f64> = values.iter().map(|(_, v)| *v as f64).collect();
        let med = median(&team).unwrap_or(0.0);
        for g in &ctx.team {
            let slot = runs
                .entry(g.employee)
                .or_insert_with(|| vec![None; weeks.len()]);
            if med <= 0.0 {
                continue;
            }
            if let Some((_, v)) = values.iter().find(|(e, _)| *e == g.employee)
                && (*v as f64) * 100.0 < s.low_visits_pct * med
            {
                slot[wi] = Some((*v, med));
            }
        }
    }
    let mut out = Vec::new();
    for g in &ctx.team {
        let Some(weeks_below) = runs.get(&g.employee) else {
            continue;
        };
        // The latest longest run of consecutive weeks below: `best` is `start..end`.
        let mut best = (0usize, 0usize);
        let mut start = 0;
        for (i, w) in weeks_below.iter().enumerate() {
            if w.is_none() {
                start = i + 1;
            } else if i + 1 - start >= best.1 - best.0 {
                best = (start, i + 1);
            }
        }
        let run = best.1 - best.0;
        if run == 0 || run < s.low_visits_weeks as usize {
            continue;
        }
        let (last_visits, last_median) = weeks_below[best.1 - 1].expect("a run week is below");
        let run_range = DateRange {
            from: weeks[best.0].first(),
            to: weeks[best.1 - 1].last(),
        };
        let days = g
            .facts
            .iter()
            .filter(|f| run_range.contains(f.date) && f.is_working_day())
            .map(|f| day_ref(f))
            .collect();
        out.push(insight(
            InsightCode::VisitsBelowTeamMedian,
            Subject::Person(g.employee),
            &[
                ("weeks", run as f64),
                ("last_week_visits", last_visits as f64),
                ("last_week_team_median", last_median),
                ("threshold_pct", s.low_visits_pct),
            ],
            days,
            vec![],
        ));
    }
    out
}

/// Per owner, the share of their A-level customers visited in the period.
pub(super) fn a_coverage_low(ctx: &Context<'_>) -> Vec<Insight> {
    let mut by_owner: BTreeMap<EmployeeId, Vec<&CustomerPeriod>> = BTreeMap::new();
    for c in ctx.customers.iter().filter(|c| c.level == Level::A) {
        if let Some(o) = c.owner {
            by_owner.entry(o).or_default().push(c);
        }
    }
    let mut out = Vec::new();
    for (owner, cs) in by_owner {
        let total = cs.len() as f64;
        let visited = cs.iter().filter(|c| c.visits > 0).count() as f64;
        if visited * 100.0 < ctx.s.a_coverage_min_pct * total {
            out.push(insight(
                InsightCode::ACoverageLow,
                Subject::Person(owner),
                &[
                    ("a_customers", total),
                    ("visited", visited),
                    ("coverage", visited / total),
                    ("threshold_pct", ctx.s.a_coverage_min_pct),
                ],
                vec![],
                cs.iter()
                    .filter(|c| c.visits == 0)
                    .map(|c| c.customer)
                    .collect(),
            ));
        }
    }
    out
}

/// Per person, Σ km driven between visits ÷ Σ km of the best orders over the days that
/// have both, once there are `detour_min_days` of them.
pub(super) fn detour_high(ctx: &Context<'_>) -> Vec<Insight> {
    let max = ctx.s.detour_ratio_max;
    let mut out = Vec::new();
    for g in &ctx.team {
        let t = &g.totals;
        if t.detour_days < ctx.s.detour_min_days || t.detour_driven_m <= max * t.detour_best_m {
            continue;
        }
        let days = g
            .facts
            .iter()
            .filter(|f| f.detour.as_ref().is_some_and(|d| d.ratio > max))
            .map(|f| day_ref(f))
            .collect();
        out.push(insight(
            InsightCode::DetourHigh,
            Subject::Person(g.employee),
            &[
                ("detour_ratio", t.detour_ratio().unwrap_or(0.0)),
                ("driven_km", t.detour_driven_m / 1000.0),
                ("best_km", t.detour_best_m / 1000.0),
                ("days", t.detour_days as f64),
                ("threshold", max),
            ],
            days,
            vec![],
        ));
    }
    out
}

/// Per person, Σ time in trips ÷ Σ working day over the days that have both.
pub(super) fn driving_share_high(ctx: &Context<'_>) -> Vec<Insight> {
    let pct = ctx.s.driving_share_max_pct;
    let mut out = Vec::new();
    for g in &ctx.team {
        let t = &g.totals;
        let days_known = g.facts.iter().filter(|f| f.driving_share.is_some()).count() as u32;
        if days_known < ctx.s.driving_min_days
            || (t.travel_s as f64) * 100.0 <= pct * t.travel_window_s as f64
        {
            continue;
        }
        let days = g
            .facts
            .iter()
            .filter(|f| f.driving_share.is_some_and(|d| d * 100.0 > pct))
            .map(|f| day_ref(f))
            .collect();
        out.push(insight(
            InsightCode::DrivingShareHigh,
            Subject::Person(g.employee),
            &[
                ("driving_share", t.driving_share().unwrap_or(0.0)),
                ("travel_hours", t.travel_s as f64 / 3600.0),
                ("working_hours", t.travel_window_s as f64 / 3600.0),
                ("days", days_known as f64),
                ("threshold_pct", pct),
            ],
            days,
            vec![],
        ));
    }
    out
}

/// Per person, visits shorter than the rule's minimum in the period.
pub(super) fn short_visits_repeated(ctx: &Context<'_>) -> Vec<Insight> {
    let mut out = Vec::new();
    for g in &ctx.team {
        let t = &g.totals;
        if t.short_visits < ctx.s.short_visits_min {
            continue;
        }
        let customers = g
            .facts
            .iter()
            .flat_map(|f| f.visit_rows.iter().filter(|v| v.short).map(|v| v.customer))
            .collect();
        out.push(insight(
            InsightCode::ShortVisitsRepeated,
            Subject::Person(g.employee),
            &[
                ("short_visits", t.short_visits as f64),
                ("completed_visits", t.completed_visits as f64),
                ("threshold", ctx.s.short_visits_min as f64),
            ],
            g.facts
                .iter()
                .filter(|f| f.short_visits > 0)
                .map(|f| day_ref(f))
                .collect(),
            customers,
        ));
    }
    out
}

/// Per owner, the visits their customers' frequency made due in the period against the
/// capacity of their working days in it (days due to work, leave excluded) ×
/// `daily_visit_capacity`. The evidence lists the customers with the most due visits
/// (at most 20).
pub(super) fn territory_overloaded(ctx: &Context<'_>) -> Vec<Insight> {
    let mut due: BTreeMap<EmployeeId, Vec<&CustomerPeriod>> = BTreeMap::new();
    for c in &ctx.customers {
        if let Some(o) = c.owner {
            due.entry(o).or_default().push(c);
        }
    }
    let working: BTreeMap<EmployeeId, u32> = ctx
        .team
        .iter()
        .map(|g| (g.employee, g.totals.working_days))
        .collect();
    let mut out = Vec::new();
    for (owner, mut cs) in due {
        let days = working.get(&owner).copied().unwrap_or(0);
        if days == 0 {
            continue;
        }
        let due_visits: u32 = cs.iter().map(|c| c.due_visits).sum();
        let capacity = days as f64 * ctx.s.daily_visit_capacity;
        if (due_visits as f64) * 100.0 <= ctx.s.territory_load_max_pct * capacity {
            continue;
        }
        cs.sort_by_key(|c| (std::cmp::Reverse(c.due_visits), c.customer));
        out.push(insight(
            InsightCode::TerritoryOverloaded,
            Subject::Person(owner),
            &[
                ("due_visits", due_visits as f64),
                ("working_days", days as f64),
                ("capacity", capacity),
                ("load", due_visits as f64 / capacity),
                ("threshold_pct", ctx.s.territory_load_max_pct),
            ],
            vec![],
            cs.iter().take(20).map(|c| c.customer).collect(),
        ));
    }
    out
}

/// Per customer with an outcome tracked: at least `no_outcome_min_visits` visits and an
/// outcome sum of zero or less.
pub(super) fn visits_without_outcome(ctx: &Context<'_>) -> Vec<Insight> {
    let flagged: Vec<&CustomerPeriod> = ctx
        .customers
        .iter()
        .filter(|c| {
            c.visits >= ctx.s.no_outcome_min_visits && c.outcome_sum.is_some_and(|s| s <= 0.0)
        })
        .copied()
        .collect();
    // The person-days that visited each flagged customer, in one pass over the facts.
    let mut days: BTreeMap<CustomerId, Vec<PersonDayRef>> =
        flagged.iter().map(|c| (c.customer, Vec::new())).collect();
    for f in ctx.team.iter().flat_map(|g| &g.facts) {
        for c in &f.customers {
            if let Some(v) = days.get_mut(c) {
                v.push(day_ref(f));
            }
        }
    }
    flagged
        .into_iter()
        .map(|c| {
            insight(
                InsightCode::VisitsWithoutOutcome,
                Subject::Customer(c.customer),
                &[
                    ("visits", c.visits as f64),
                    ("outcome_sum", c.outcome_sum.unwrap_or(0.0)),
                    ("threshold", ctx.s.no_outcome_min_visits as f64),
                ],
                days.remove(&c.customer).unwrap_or_default(),
                vec![c.customer],
            )
        })
        .collect()
}
