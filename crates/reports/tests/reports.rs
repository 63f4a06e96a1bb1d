//! The report pack over the hand-computed week (see `common`).

mod common;

use common::*;
use domain::customer::Level;
use reports::DateRange;
use reports::facts::{CustomerPeriod, customer_period};
use reports::report::{
    ApprovalOutcome, ApprovalRecord, Cell, Filter, Report, ReportName, Sources, build,
};
use std::collections::BTreeSet;
use uuid::Uuid;

fn week() -> DateRange {
    DateRange::new(d(WEEK[0]), d(WEEK[6])).unwrap()
}

fn close(a: f64, b: f64) {
    assert!(
        (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0),
        "{a} vs {b}"
    );
}

struct World {
    facts: Vec<reports::facts::PersonDay>,
    customers: Vec<CustomerPeriod>,
    approvals: Vec<ApprovalRecord>,
    dir: reports::Directory,
}

impl World {
    fn new() -> World {
        let facts = week_facts();
        let dir = directory();
        let customers = customer_inputs(&facts, &dir, week())
            .iter()
            .map(customer_period)
            .collect();
        World {
            facts,
            customers,
            approvals: approvals(),
            dir,
        }
    }

    fn sources(&self) -> Sources<'_> {
        Sources {
            facts: &self.facts,
            customers: &self.customers,
            approvals: &self.approvals,
            directory: &self.dir,
        }
    }

    fn report(&self, name: ReportName, filter: &Filter) -> Report {
        build(name, &self.sources(), filter, &reach())
    }
}

/// Leave: decided after 2 h and 4 h, one pending; corrections: 1 h approved, 10 h
/// rejected; Eve's (out of reach) never counts.
fn approvals() -> Vec<ApprovalRecord> {
    let rec = |n: u128, kind: &str, who: u128, hours: Option<i64>, outcome| ApprovalRecord {
        id: Uuid::from_u128(n),
        kind: kind.into(),
        submitter: emp(who),
        submitted_on: d(WEEK[1]),
        submitted_ms: at(WEEK[1], "09:00"),
        decided_ms: hours.map(|h| at(WEEK[1], "09:00") + h * 3_600_000),
        outcome,
    };
    vec![
        rec(1, "leave", ANN, Some(2), ApprovalOutcome::Approved),
        rec(2, "leave", DI, Some(4), ApprovalOutcome::Approved),
        rec(3, "leave", CY, None, ApprovalOutcome::Pending),
        rec(4, "correction", BO, Some(1), ApprovalOutcome::Approved),
        rec(5, "correction", ANN, Some(10), ApprovalOutcome::Rejected),
        rec(6, "leave", EVE, Some(100), ApprovalOutcome::Approved),
    ]
}

fn int(r: &Report, row: usize, col: &str) -> i64 {
    match r.cell(row, col) {
        Some(Cell::Int(i)) => *i,
        other => panic!("{col}: {other:?}"),
    }
}

fn num(r: &Report, row: usize, col: &str) -> Option<f64> {
    match r.cell(row, col) {
        Some(Cell::Num(x)) => Some(*x),
        Some(Cell::Null) => None,
        other => panic!("{col}: {other:?}"),
    }
}

fn names(r: &Report) -> Vec<String> {
    (0..r.rows.len())
        .map(|i| r.cell(i, "name").unwrap().as_text().unwrap().to_owned())
        .collect()
}

fn total(r: &Report, col: &str) -> Cell {
    r.total.as_ref().unwrap()[r.column(col).unwrap()].clone()
}

#[test]
fn attendance_monthly_by_hand() {
    let w = World::new();
    let r = w.report(ReportName::AttendanceMonthly, &Filter::period(week()));
    // Ordered by department name, then name; Eve is out of reach.
    assert_eq!(names(&r), ["Ann", "Bo", "Cy", "Di"]);
    let row = |i, cols: &[&str]| cols.iter().map(|c| int(&r, i, c)).collect::<Vec<_>>();
    let cols = [
        "working_days",
        "attended_days",
        "late_days",
        "late_min",
        "absent_days",
        "leave_days",
        "missing_punch_days",
        "holidays",
    ];
    assert_eq!(row(0, &cols), [4, 4, 0, 0, 0, 0, 0, 1]);
    assert_eq!(row(1, &cols), [4, 4, 0, 0, 0, 0, 0, 1]);
    // Cy: night shifts Mon–Thu, absent Monday.
    assert_eq!(row(2, &cols), [4, 3, 0, 0, 1, 0, 0, 1]);
    // Di: 20 minutes late Monday, on leave Wednesday (not a working day).
    assert_eq!(row(3, &cols), [3, 3, 1, 20, 0, 1, 0, 1]);
    assert_eq!(num(&r, 0, "worked_hours"), Some(36.0));
    assert_eq!(num(&r, 2, "worked_hours"), Some(24.0));
    close(
        num(&r, 3, "worked_hours").unwrap(),
        (520.0 + 540.0 + 540.0) / 60.0,
    );
    assert_eq!(total(&r, "working_days"), Cell::Int(15));
    assert_eq!(total(&r, "attended_days"), Cell::Int(14));
    close(
        total(&r, "worked_hours").as_f64().unwrap(),
        36.0 + 36.0 + 24.0 + 1600.0 / 60.0,
    );
}

#[test]
fn a_department_filter_counts_the_days_spent_there() {
    let w = World::new();
    let f = Filter {
        department: Some(dept(NORTH)),
        ..Filter::period(week())
    };
    let r = w.report(ReportName::AttendanceMonthly, &f);
    assert_eq!(names(&r), ["Ann", "Bo"]);
    // Bo's Monday and Tuesday only, shown under North.
    assert_eq!(int(&r, 1, "working_days"), 2);
    assert_eq!(num(&r, 1, "worked_hours"), Some(18.0));
    assert_eq!(r.cell(1, "department"), Some(&Cell::text("North")));
    // Unfiltered, Bo stands under South, where the latest day is.
    let all = w.report(ReportName::AttendanceMonthly, &Filter::period(week()));
    assert_eq!(all.cell(1, "department"), Some(&Cell::text("South")));
    // The root's subtree is everyone reached.
    let root = Filter {
        department: Some(dept(SALES)),
        ..Filter::period(week())
    };
    assert_eq!(
        w.report(ReportName::AttendanceMonthly, &root).rows,
        all.rows
    );
}

#[test]
fn plan_compliance_from_sums() {
    let w = World::new();
    let r = w.report(ReportName::PlanCompliance, &Filter::period(week()));
    assert_eq!(names(&r), ["Ann", "Bo", "Cy", "Di"]);
    // Ann: planned 3 + 3 + 2 + 2, done 3 + 2 + 2 + 2.
    assert_eq!((int(&r, 0, "planned"), int(&r, 0, "planned_done")), (10, 9));
    assert_eq!(num(&r, 0, "compliance"), Some(0.9));
    assert_eq!((int(&r, 0, "ad_hoc"), int(&r, 0, "visits")), (2, 11));
    assert_eq!(num(&r, 1, "compliance"), Some(1.0));
    // Di had no plan: no rate rather than 0 %.
    assert_eq!(num(&r, 3, "compliance"), None);
    assert_eq!(total(&r, "planned"), Cell::Int(19));
    assert_eq!(total(&r, "compliance"), Cell::Num(18.0 / 19.0));
}

#[test]
fn time_at_customers_by_hand() {
    let w = World::new();
    let r = w.report(ReportName::TimeAtCustomers, &Filter::period(week()));
    assert_eq!(
        (int(&r, 0, "completed_visits"), int(&r, 0, "customers")),
        (11, 9)
    );
    assert_eq!(num(&r, 0, "at_customers_hours"), Some(5.0));
    close(num(&r, 0, "avg_visit_min").unwrap(), 300.0 / 11.0);
    // 5 h over four 9-hour working days (the holiday visit had no working day).
    close(
        num(&r, 0, "at_customers_share").unwrap(),
        18_000.0 / 129_600.0,
    );
    // Trips 6000 + 2400 + 13 200 s over the three tracked days' windows.
    assert_eq!(num(&r, 0, "travel_hours"), Some(6.0));
    close(num(&r, 0, "driving_share").unwrap(), 21_600.0 / 97_200.0);
    assert_eq!(int(&r, 0, "short_visits"), 1);
    // Bo has no track: unknown, not 0.
    assert_eq!(num(&r, 1, "driving_share"), None);
}

#[test]
fn mileage_by_day_and_month() {
    let w = World::new();
    let r = w.report(ReportName::MileageDaily, &Filter::period(week()));
    let rows: Vec<(String, String)> = (0..r.rows.len())
        .map(|i| {
            let Some(Cell::Date(date)) = r.cell(i, "date") else {
                panic!()
            };
            (
                date.to_string(),
                r.cell(i, "name").unwrap().as_text().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            (WEEK[0], "Ann"),
            (WEEK[1], "Ann"),
            (WEEK[1], "Cy"),
            (WEEK[2], "Cy"),
            (WEEK[3], "Ann")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(
        (
            num(&r, 0, "work_km"),
            num(&r, 0, "outside_km"),
            num(&r, 0, "total_km")
        ),
        (Some(19.0), Some(4.0), Some(23.0))
    );
    assert_eq!(total(&r, "work_km"), Cell::Num(47.0));
    assert_eq!(total(&r, "outside_km"), Cell::Num(4.0));
    assert_eq!(total(&r, "total_km"), Cell::Num(51.0));

    let m = w.report(ReportName::MileageMonthly, &Filter::period(week()));
    assert_eq!(names(&m), ["Ann", "Cy"]);
    assert_eq!(m.cell(0, "month"), Some(&Cell::text("2026-11")));
    assert_eq!(int(&m, 0, "tracked_days"), 3);
    assert_eq!(num(&m, 0, "work_km"), Some(37.0));
    close(num(&m, 0, "work_km_per_day").unwrap(), 37.0 / 3.0);
    assert_eq!(
        (int(&m, 1, "tracked_days"), num(&m, 1, "total_km")),
        (2, Some(10.0))
    );
}

#[test]
fn customer_coverage_by_level() {
    let w = World::new();
    let r = w.report(ReportName::CustomerCoverage, &Filter::period(week()));
    let levels: Vec<&str> = (0..3)
        .map(|i| r.cell(i, "level").unwrap().as_text().unwrap())
        .collect();
    assert_eq!(levels, ["A", "B", "C"]);
    // A: 200–203 visited (by Ann and by Eve: a customer's visits are anyone's), 210 and
    // 211 never. Each is due once this week (never visited before: due on Monday).
    let a: Vec<i64> = ["customers", "visited", "visits", "due_visits", "due_met"]
        .iter()
        .map(|c| int(&r, 0, c))
        .collect();
    assert_eq!(a, [6, 4, 22, 6, 4]);
    close(num(&r, 0, "coverage").unwrap(), 4.0 / 6.0);
    assert_eq!(int(&r, 1, "visits"), 18);
    assert_eq!(int(&r, 2, "visits"), 7);
    assert_eq!(total(&r, "customers"), Cell::Int(12));
    assert_eq!(total(&r, "frequency_compliance"), Cell::Num(10.0 / 12.0));
    // The level filter leaves one row; the tag filter keeps even-numbered shops.
    let only_a = Filter {
        customer_level: Some(Level::A),
        ..Filter::period(week())
    };
    assert_eq!(
        w.report(ReportName::CustomerCoverage, &only_a).rows.len(),
        1
    );
    let mall = Filter {
        customer_tag: Some("mall".into()),
        ..Filter::period(week())
    };
    let m = w.report(ReportName::CustomerCoverage, &mall);
    assert_eq!(m.total.as_ref().unwrap()[1], Cell::Int(6));
}

/// Customers summed by owner, level and tag set, as storage hands them over, give the same
/// coverage report as the customers one by one, for every filter.
#[test]
fn customer_coverage_from_sums_is_the_same() {
    let w = World::new();
    let mut groups: Vec<reports::report::CoverageGroup> = Vec::new();
    for c in &w.customers {
        let one = reports::report::CoverageGroup::of(c);
        match groups
            .iter_mut()
            .find(|g| (g.owner, g.level, &g.tags) == (one.owner, one.level, &one.tags))
        {
            Some(g) => {
                g.customers += 1;
                g.visited += one.visited;
                g.visits += one.visits;
                g.due_visits += one.due_visits;
                g.due_met += one.due_met;
            }
            None => groups.push(one),
        }
    }
    assert!(
        groups.len() < w.customers.len(),
        "some customers share a group"
    );
    let filters = [
        Filter::period(week()),
        Filter {
            customer_level: Some(Level::A),
            ..Filter::period(week())
        },
        Filter {
            customer_tag: Some("mall".into()),
            ..Filter::period(week())
        },
        Filter {
            employee: Some(emp(ANN)),
            ..Filter::period(week())
        },
    ];
    for f in &filters {
        assert_eq!(
            reports::report::customer_coverage_of_groups(&groups, f, &reach(), &w.dir),
            w.report(ReportName::CustomerCoverage, f),
            "{f:?}"
        );
    }
}

#[test]
fn visit_detail_in_check_in_order_with_customer_filters() {
    let w = World::new();
    let r = w.report(ReportName::VisitDetail, &Filter::period(week()));
    // 11 + 8 + 1 + 3 visits reached; Eve's 24 are not.
    assert_eq!(r.rows.len(), 23);
    let first = r.cell(0, "checkin").unwrap();
    assert_eq!(*first, Cell::instant_ms(Some(at(WEEK[0], "09:30"))));
    let c_only = Filter {
        customer_level: Some(Level::C),
        employee: Some(emp(ANN)),
        ..Filter::period(week())
    };
    let c = w.report(ReportName::VisitDetail, &c_only);
    // Ann's C-level visits: 207 on Thursday (late sync), 208 on the holiday.
    assert_eq!(c.rows.len(), 2);
    assert_eq!(c.cell(0, "kind"), Some(&Cell::text("ad_hoc")));
    assert!(
        c.codes
            .iter()
            .any(|l| l.code == "ad_hoc" && l.zh == "临时拜访")
    );
    let short = w.report(
        ReportName::VisitDetail,
        &Filter {
            employee: Some(emp(ANN)),
            ..Filter::period(week())
        },
    );
    let shorts = (0..short.rows.len())
        .filter(|i| short.cell(*i, "too_short") == Some(&Cell::Bool(true)))
        .count();
    assert_eq!(shorts, 1);
}

#[test]
fn a_page_is_the_same_rows_cut() {
    let w = World::new();
    for name in ReportName::ALL {
        let filter = Filter::period(week());
        let whole = w.report(name, &filter);
        for window in [0..5, 3..7, 20..40, 0..1_000, 50..60] {
            let (page, all) =
                reports::report::build_page(name, &w.sources(), &filter, &reach(), window.clone());
            assert_eq!(all, whole.rows.len(), "{name:?}");
            let (a, b) = (window.start.min(all), window.end.min(all));
            assert_eq!(page.rows, whole.rows[a..b.max(a)], "{name:?} {window:?}");
            assert_eq!(
                (&page.columns, &page.total, &page.codes),
                (&whole.columns, &whole.total, &whole.codes),
                "{name:?}"
            );
        }
    }
}

#[test]
fn a_page_needs_only_the_customers_it_names() {
    let w = World::new();
    let filter = Filter::period(week());
    for name in [ReportName::VisitDetail, ReportName::NewProspects] {
        for window in [0..5, 4..9, 0..1_000] {
            let needed = reports::report::customers_needed(
                name,
                &w.sources(),
                &filter,
                &reach(),
                window.clone(),
            )
            .expect("fewer than all");
            let mut dir = w.dir.clone();
            dir.customers.retain(|c, _| needed.contains(c));
            let lean = Sources {
                directory: &dir,
                ..w.sources()
            };
            let full =
                reports::report::build_page(name, &w.sources(), &filter, &reach(), window.clone());
            let cut = reports::report::build_page(name, &lean, &filter, &reach(), window.clone());
            assert_eq!(cut, full, "{name:?} {window:?}");
        }
    }
    let by_level = Filter {
        customer_level: Some(Level::C),
        ..Filter::period(week())
    };
    assert_eq!(
        reports::report::customers_needed(
            ReportName::VisitDetail,
            &w.sources(),
            &by_level,
            &reach(),
            0..10
        ),
        None,
        "a customer filter looks at every visit's customer"
    );
}

#[test]
fn anti_cheat_summary() {
    let w = World::new();
    let r = w.report(ReportName::AntiCheat, &Filter::period(week()));
    let cols = [
        "assessed_days",
        "clean_days",
        "review_days",
        "likely_cheat_days",
        "not_assessed_days",
    ];
    let ann: Vec<i64> = cols.iter().map(|c| int(&r, 0, c)).collect();
    // Monday clean, Tuesday review, Wednesday and Thursday not assessed.
    assert_eq!(ann, [2, 1, 1, 0, 2]);
    assert_eq!(num(&r, 0, "flagged_share"), Some(0.5));
    assert_eq!(num(&r, 1, "flagged_share"), None);
}

#[test]
fn approval_turnaround_median_and_p90() {
    let w = World::new();
    let r = w.report(ReportName::ApprovalTurnaround, &Filter::period(week()));
    assert_eq!(r.cell(0, "kind"), Some(&Cell::text("correction")));
    assert_eq!(
        (
            int(&r, 0, "submitted"),
            int(&r, 0, "approved"),
            int(&r, 0, "rejected")
        ),
        (2, 1, 1)
    );
    assert_eq!(
        (num(&r, 0, "median_hours"), num(&r, 0, "p90_hours")),
        (Some(5.5), Some(10.0))
    );
    assert_eq!(r.cell(1, "kind"), Some(&Cell::text("leave")));
    // The built-in request types carry their labels; a type a tenant added has none.
    let label = |code: &str| r.codes.iter().find(|c| c.code == code).map(|c| c.zh);
    assert_eq!((label("leave"), label("correction")), (Some("请假"), None));
    assert_eq!((int(&r, 1, "submitted"), int(&r, 1, "pending")), (3, 1));
    assert_eq!(
        (num(&r, 1, "median_hours"), num(&r, 1, "p90_hours")),
        (Some(3.0), Some(4.0))
    );
    // Eve's 100-hour leave is out of reach; overall [1, 2, 4, 10].
    assert_eq!(total(&r, "submitted"), Cell::Int(5));
    assert_eq!(total(&r, "median_hours"), Cell::Num(3.0));
    assert_eq!(total(&r, "p90_hours"), Cell::Num(10.0));
}

#[test]
fn team_ranking_against_the_previous_week() {
    let mut w = World::new();
    // The week before: completed visits Ann 5, Bo 2, Cy 1, Di 3 (on Monday 10-26).
    let prev = "2026-10-26";
    for (who, n) in [(ANN, 5u128), (BO, 2), (CY, 1), (DI, 3)] {
        let day = Day {
            visits: (0..n)
                .map(|j| planned(5000 + 10 * who + j, j, prev, "10:00", 30))
                .collect(),
            ..Day::new(who, if who == ANN { NORTH } else { SOUTH }, prev).nine_to_six()
        };
        w.facts.push(reports::facts::person_day(&day.input()));
    }
    let r = w.report(ReportName::TeamRanking, &Filter::period(week()));
    let rows: Vec<usize> = (0..r.rows.len())
        .filter(|i| r.cell(*i, "metric") == Some(&Cell::text("completed_visits")))
        .collect();
    assert_eq!(rows.len(), 4);
    let got: Vec<(String, f64, f64, f64, f64, bool)> = rows
        .iter()
        .map(|&i| {
            (
                r.cell(i, "name").unwrap().as_text().unwrap().to_owned(),
                num(&r, i, "value").unwrap(),
                num(&r, i, "team_median").unwrap(),
                num(&r, i, "percentile_rank").unwrap(),
                num(&r, i, "change").unwrap(),
                r.cell(i, "most_improved") == Some(&Cell::Bool(true)),
            )
        })
        .collect();
    // This week 11, 8, 1, 3: median (3 + 8) / 2; mid-rank percentiles; Ann and Bo both
    // gained 6, the tie goes to the lower id (Ann).
    let want = [
        ("Ann", 11.0, 5.5, 87.5, 6.0, true),
        ("Bo", 8.0, 5.5, 62.5, 6.0, false),
        ("Cy", 1.0, 5.5, 12.5, 0.0, false),
        ("Di", 3.0, 5.5, 37.5, 0.0, false),
    ]
    .map(|(n, a, b, c, e, f)| (n.to_owned(), a, b, c, e, f));
    assert_eq!(got, want);
    // The detour ratio is lower-is-better and only Ann has one: rank 50, median hers.
    let det = (0..r.rows.len())
        .find(|i| {
            r.cell(*i, "metric") == Some(&Cell::text("detour_ratio"))
                && r.cell(*i, "name") == Some(&Cell::text("Ann"))
        })
        .unwrap();
    assert_eq!(num(&r, det, "percentile_rank"), Some(50.0));
    close(
        num(&r, det, "value").unwrap(),
        32_000.0 / (best_m(4.0) + best_m(3.0) + best_m(7.0)),
    );
    // A person filter shows their rows, ranked against the whole team.
    let one = w.report(
        ReportName::TeamRanking,
        &Filter {
            employee: Some(emp(CY)),
            ..Filter::period(week())
        },
    );
    assert!(names(&one).iter().all(|n| n == "Cy"));
    let cy = (0..one.rows.len())
        .find(|i| one.cell(*i, "metric") == Some(&Cell::text("completed_visits")))
        .unwrap();
    assert_eq!(num(&one, cy, "percentile_rank"), Some(12.5));
}

#[test]
fn new_prospects() {
    // Di finds a prospect (customer 212) on Thursday; Bo visits it on Thursday after her.
    let mut w = World::new();
    let di_thu = Day {
        visits: vec![
            planned(303, 5, WEEK[3], "10:00", 30),
            reports::facts::VisitInput {
                kind: reports::facts::VisitKind::Prospect,
                ..planned(600, 12, WEEK[3], "15:00", 20)
            },
        ],
        ..Day::new(DI, SOUTH, WEEK[3]).nine_to_six()
    };
    let bo_thu = Day {
        visits: vec![planned(601, 12, WEEK[3], "16:00", 20)],
        ..Day::new(BO, SOUTH, WEEK[3]).nine_to_six()
    };
    w.facts
        .retain(|f| !((f.employee == emp(DI) || f.employee == emp(BO)) && f.date == d(WEEK[3])));
    w.facts.push(reports::facts::person_day(&di_thu.input()));
    w.facts.push(reports::facts::person_day(&bo_thu.input()));
    w.dir.customers.insert(
        cust(12),
        reports::CustomerInfo {
            name: "New shop".into(),
            level: Level::C,
            tags: vec![],
            owner: None,
            status: domain::customer::CustomerStatus::Pending,
        },
    );
    let r = w.report(ReportName::NewProspects, &Filter::period(week()));
    assert_eq!(names(&r), ["Di"]);
    assert_eq!(
        ["prospects", "approved", "pending", "follow_up_visits"].map(|c| int(&r, 0, c)),
        [1, 0, 1, 1]
    );
    assert_eq!(num(&r, 0, "approval_rate"), Some(0.0));
}

#[test]
fn nothing_outside_reach_ever_shows() {
    let w = World::new();
    let only_ann: BTreeSet<_> = [emp(ANN)].into();
    let others: Vec<String> = [BO, CY, DI, EVE]
        .iter()
        .flat_map(|p| [emp(*p).to_string(), w.dir.person_name(emp(*p))])
        .collect();
    for name in ReportName::ALL {
        let r = build(name, &w.sources(), &Filter::period(week()), &only_ann);
        let json = serde_json::to_string(&r).unwrap();
        for o in &others {
            assert!(!json.contains(o.as_str()), "{} shows {o}", name.as_str());
        }
    }
    // Ann's plan compliance is the same whatever the reach holds beyond her.
    let alone = build(
        ReportName::PlanCompliance,
        &w.sources(),
        &Filter::period(week()),
        &only_ann,
    );
    let all = w.report(ReportName::PlanCompliance, &Filter::period(week()));
    assert_eq!(alone.rows[0], all.rows[0]);
}

#[test]
fn a_report_as_json() {
    let w = World::new();
    let r = w.report(ReportName::PlanCompliance, &Filter::period(week()));
    let v: serde_json::Value = serde_json::to_value(&r).unwrap();
    assert_eq!(v["name"], "plan_compliance");
    assert_eq!(v["title_zh"], "计划达成率");
    let c = &v["columns"][5];
    assert_eq!(c["name"], "compliance");
    assert_eq!(c["type"], "percent");
    assert_eq!(c["label_en"], "Plan compliance");
    assert_eq!(v["columns"][3]["unit"], "count");
    assert_eq!(v["rows"][0][5], 0.9);
    assert_eq!(v["rows"][3][5], serde_json::Value::Null);
    let d = w.report(ReportName::VisitDetail, &Filter::period(week()));
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["rows"][0][1], "2026-11-02");
    assert_eq!(v["rows"][0][9], "2026-11-02T01:30:00.000Z");
    for n in ReportName::ALL {
        assert_eq!(ReportName::parse(n.as_str()), Some(n));
    }
    assert_eq!(ReportName::parse("payroll"), None);
}

#[test]
fn a_filter_from_a_client_is_checked() {
    let f: Filter = serde_json::from_value(serde_json::json!({
        "period": {"from": "2026-11-30", "to": "2026-11-01"},
        "department": null, "employee": null, "customer_level": "A", "customer_tag": null
    }))
    .unwrap();
    assert_eq!(f.customer_level, Some(Level::A));
    let err = f.validate(366).unwrap_err();
    assert_eq!(err.codes(), [("period.to".to_owned(), "bad_range")]);
    assert!(Filter::period(week()).validate(7).is_ok());
    assert!(Filter::period(week()).validate(6).is_err());
}
