//! Properties over a generated team: a rebuild gives identical facts, report totals
//! equal the roll-up's sums, and every cell has its column's type.

#[path = "common/team.rs"]
mod team;

use reports::facts::{PersonDay, customer_period, person_day};
use reports::report::{Cell, ColumnType, Filter, ReportName, Sources, build};
use reports::{Grain, PeriodKey, rollup};
use std::collections::BTreeSet;

fn facts_of(t: &team::Team) -> Vec<PersonDay> {
    t.inputs.iter().map(person_day).collect()
}

#[test]
fn a_rebuild_in_any_order_gives_identical_facts() {
    let t = team::team(12, 30, 7);
    let mut a = facts_of(&t);
    let mut shuffled = t.inputs.clone();
    shuffled.reverse();
    for i in &mut shuffled {
        i.visits.reverse();
        i.planned.reverse();
        i.tracks.reverse();
    }
    let mut b: Vec<PersonDay> = shuffled.iter().map(person_day).collect();
    let key = |f: &PersonDay| (f.employee, f.date);
    a.sort_by_key(key);
    b.sort_by_key(key);
    assert!(a == b, "the facts differ");
    // And through JSON, as storage would keep them.
    let json = serde_json::to_string(&a).unwrap();
    let back: Vec<PersonDay> = serde_json::from_str(&json).unwrap();
    assert!(back == a, "the facts changed through JSON");
}

#[test]
fn report_totals_are_the_roll_up_sums() {
    let t = team::team(12, 30, 11);
    let facts = facts_of(&t);
    let everyone: BTreeSet<_> = t.directory.people.keys().copied().collect();
    let month = PeriodKey::containing(Grain::Month, t.period.from);
    let filter = Filter::period(month.range());
    let customers: Vec<_> = team::customer_inputs(&t, month.range())
        .iter()
        .map(customer_period)
        .collect();
    let sources = Sources {
        facts: &facts,
        customers: &customers,
        approvals: &t.approvals,
        directory: &t.directory,
    };
    let root = t
        .directory
        .departments
        .iter()
        .find(|(_, d)| d.parent.is_none())
        .map(|(id, _)| *id)
        .unwrap();
    let roll = rollup(&facts, &t.directory, Grain::Month);
    let sums = &roll
        .iter()
        .find(|r| r.department == root && r.period == month)
        .unwrap()
        .totals;
    let plan = build(ReportName::PlanCompliance, &sources, &filter, &everyone);
    let total = plan.total.as_ref().unwrap();
    let at = |name: &str| total[plan.column(name).unwrap()].clone();
    assert_eq!(at("planned"), Cell::Int(sums.planned_visits.into()));
    assert_eq!(at("visits"), Cell::Int(sums.visits.into()));
    assert_eq!(at("compliance"), Cell::num(sums.plan_compliance()));
    assert!(
        sums.planned_visits > 100,
        "a month of a dozen reps plans visits"
    );

    let time = build(ReportName::TimeAtCustomers, &sources, &filter, &everyone);
    let tt = time.total.as_ref().unwrap();
    assert_eq!(
        tt[time.column("driving_share").unwrap()],
        Cell::num(sums.driving_share())
    );
    // A sum over people of each person's Σ equals the total's Σ.
    let per_person: i64 = (0..time.rows.len())
        .map(|i| match time.cell(i, "completed_visits") {
            Some(Cell::Int(n)) => *n,
            _ => panic!(),
        })
        .sum();
    assert_eq!(per_person, i64::from(sums.completed_visits));
}

#[test]
fn every_cell_has_its_columns_type() {
    let t = team::team(8, 40, 3);
    let facts = facts_of(&t);
    let everyone: BTreeSet<_> = t.directory.people.keys().copied().collect();
    let period = PeriodKey::containing(Grain::Month, t.period.to).range();
    let customers: Vec<_> = team::customer_inputs(&t, period)
        .iter()
        .map(customer_period)
        .collect();
    let sources = Sources {
        facts: &facts,
        customers: &customers,
        approvals: &t.approvals,
        directory: &t.directory,
    };
    for name in ReportName::ALL {
        let r = build(name, &sources, &Filter::period(period), &everyone);
        assert!(!r.rows.is_empty(), "{} has rows", name.as_str());
        for row in r.rows.iter().chain(r.total.as_ref()) {
            assert_eq!(row.len(), r.columns.len(), "{}", name.as_str());
            for (c, cell) in r.columns.iter().zip(row) {
                let ok = match (c.kind, cell) {
                    (_, Cell::Null) => true,
                    (ColumnType::Id | ColumnType::Text | ColumnType::Code, Cell::Text(_)) => true,
                    (ColumnType::Integer, Cell::Int(_)) => true,
                    (ColumnType::Number | ColumnType::Percent, Cell::Num(x)) => x.is_finite(),
                    (ColumnType::Date, Cell::Date(_)) => true,
                    (ColumnType::Instant, Cell::Instant(_)) => true,
                    (ColumnType::Bool, Cell::Bool(_)) => true,
                    _ => false,
                };
                assert!(ok, "{}.{}: {cell:?}", name.as_str(), c.name);
                if c.kind == ColumnType::Code
                    && let Cell::Text(code) = cell
                    && r.name != ReportName::ApprovalTurnaround
                {
                    assert!(r.codes.iter().any(|l| l.code == code), "{code} is labelled");
                }
            }
        }
    }
    let ranking = build(
        ReportName::TeamRanking,
        &sources,
        &Filter::period(period),
        &everyone,
    );
    let ranks = ranking.column("percentile_rank").unwrap();
    assert!(
        ranking
            .rows
            .iter()
            .all(|r| r[ranks].as_f64().is_none_or(|p| (0.0..=100.0).contains(&p)))
    );
    let improved = ranking.column("most_improved").unwrap();
    let metric = ranking.column("metric").unwrap();
    for m in reports::report::METRICS {
        let n = ranking
            .rows
            .iter()
            .filter(|r| r[metric] == Cell::text(m.code) && r[improved] == Cell::Bool(true))
            .count();
        assert!(n <= 1, "{} has {n} most improved", m.code);
    }
}
