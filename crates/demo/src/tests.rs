//! Checks the demo company's shape, uniqueness, geography and stability.

use std::collections::{HashMap, HashSet};

use crate::places::{DISTRICTS, distance_m, road_of};
use crate::{DEFAULT_SEED, DemoCompany, DemoRole, demo_company, summary};

fn company() -> DemoCompany {
    demo_company(DEFAULT_SEED)
}

fn assert_unique<'a>(what: &str, values: impl IntoIterator<Item = &'a str>) {
    let mut seen = HashSet::new();
    for v in values {
        assert!(seen.insert(v), "duplicate {what}: {v}");
    }
}

#[test]
fn counts() {
    let c = company();
    assert_eq!(c.tenant_slug, "demo");
    assert_eq!(c.timezone, "Asia/Shanghai");
    assert_eq!(c.departments.len(), 3);
    assert_eq!(c.customers.len(), 600);
    assert_eq!(c.employees.len(), 30);
    let role = |r| c.employees.iter().filter(|e| e.role == r).count();
    assert_eq!(role(DemoRole::Admin), 1);
    assert_eq!(role(DemoRole::Manager), 3);
    assert_eq!(role(DemoRole::Field), 25);
    assert_eq!(role(DemoRole::Finance), 1);
    let admin = c
        .employees
        .iter()
        .find(|e| e.role == DemoRole::Admin)
        .unwrap();
    assert_eq!(admin.username, "admin");
    assert_eq!(admin.department, 0);
}

#[test]
fn departments_form_a_tree() {
    let c = company();
    assert_eq!(c.departments[0].parent, None);
    for d in &c.departments[1..] {
        assert_eq!(d.parent, Some(0));
    }
    for dept in 0..3 {
        let managers = c
            .employees
            .iter()
            .filter(|e| e.role == DemoRole::Manager && e.department == dept)
            .count();
        assert_eq!(managers, 1, "department {dept}");
    }
}

#[test]
fn identifiers_are_unique() {
    let c = company();
    let e = &c.employees;
    let cu = &c.customers;
    assert_unique("employee name", e.iter().map(|x| x.name.as_str()));
    assert_unique("username", e.iter().map(|x| x.username.as_str()));
    assert_unique("employee_no", e.iter().map(|x| x.employee_no.as_str()));
    assert_unique("email", e.iter().map(|x| x.email.as_str()));
    assert_unique("customer name", cu.iter().map(|x| x.name.as_str()));
    assert_unique("code", cu.iter().map(|x| x.code.as_str()));
    assert_unique("external_id", cu.iter().map(|x| x.external_id.as_str()));
    assert_unique(
        "phone",
        e.iter()
            .map(|x| x.phone.as_str())
            .chain(cu.iter().map(|x| x.contact_phone.as_str())),
    );
}

#[test]
fn formats_are_plausible() {
    let c = company();
    for e in &c.employees {
        assert!(e.email.starts_with(&format!("{}@", e.username)) && e.email.ends_with(".example"));
        assert!(e.username.is_ascii());
        assert!(e.employee_no.starts_with('E') && e.employee_no.len() == 5);
        assert!((2..=3).contains(&e.name.chars().count()), "{}", e.name);
    }
    let phones = c
        .employees
        .iter()
        .map(|e| &e.phone)
        .chain(c.customers.iter().map(|c| &c.contact_phone));
    for p in phones {
        assert_eq!(p.len(), 11, "{p}");
        assert!(p.bytes().all(|b| b.is_ascii_digit()), "{p}");
        assert!(["13", "15", "17", "18", "19"].contains(&&p[..2]), "{p}");
    }
    for cu in &c.customers {
        assert!(cu.tags.len() <= 3);
        assert!(cu.name.ends_with("店)"), "{}", cu.name);
        assert!(cu.code.starts_with('C') && cu.code.len() == 6);
        assert!(cu.external_id.starts_with("ERP-SH-"));
    }
}

#[test]
fn owners_are_field_reps_of_the_right_group() {
    let c = company();
    let pudong_dept = c
        .departments
        .iter()
        .position(|d| d.name == "浦东销售组")
        .unwrap();
    for cu in &c.customers {
        let owner = &c.employees[cu.owner];
        assert_eq!(owner.role, DemoRole::Field, "{}", cu.name);
        assert_eq!(
            cu.district == "浦东新区",
            owner.department == pudong_dept,
            "{}",
            cu.name
        );
    }
}

#[test]
fn workload_is_balanced() {
    let c = company();
    let mut load: HashMap<usize, usize> = HashMap::new();
    for cu in &c.customers {
        *load.entry(cu.owner).or_default() += 1;
    }
    assert_eq!(load.len(), 25, "every rep owns shops");
    let min = *load.values().min().unwrap() as f64;
    let max = *load.values().max().unwrap() as f64;
    assert!(min / max >= 0.7, "min {min} max {max}");
}

#[test]
fn territories_are_compact() {
    // Reps own patches, not random shops: a group spans 10+ km, while a
    // rep's shops sit on average ~1 km from their centroid. Only the
    // sparse outer districts (宝山) give a rep a wider patch.
    for seed in [DEFAULT_SEED, 1, 99] {
        let c = demo_company(seed);
        let mut by_rep: HashMap<usize, Vec<(f64, f64)>> = HashMap::new();
        for cu in &c.customers {
            by_rep.entry(cu.owner).or_default().push((cu.lat, cu.lon));
        }
        let spreads: Vec<f64> = by_rep.values().map(|pts| spread_m(pts)).collect();
        let worst = spreads.iter().cloned().fold(0.0, f64::max);
        let mean = spreads.iter().sum::<f64>() / spreads.len() as f64;
        assert!(worst < 6_500.0, "seed {seed}: worst spread {worst:.0} m");
        assert!(mean < 1_600.0, "seed {seed}: mean spread {mean:.0} m");
    }
}

/// Mean distance of points from their centroid.
fn spread_m(pts: &[(f64, f64)]) -> f64 {
    let n = pts.len() as f64;
    let centre = (
        pts.iter().map(|p| p.0).sum::<f64>() / n,
        pts.iter().map(|p| p.1).sum::<f64>() / n,
    );
    pts.iter().map(|&p| distance_m(p, centre)).sum::<f64>() / n
}

#[test]
fn level_shares() {
    let c = company();
    let share = |l| c.customers.iter().filter(|x| x.level == l).count() as f64 / 600.0;
    assert!((share('A') - 0.15).abs() < 0.03);
    assert!((share('B') - 0.35).abs() < 0.04);
    assert!((share('C') - 0.50).abs() < 0.04);
}

#[test]
fn geography_agrees_with_addresses() {
    for seed in [DEFAULT_SEED, 1, 42] {
        for cu in &demo_company(seed).customers {
            assert!((30.9..=31.45).contains(&cu.lat), "{} {}", cu.name, cu.lat);
            assert!(
                (121.25..=121.75).contains(&cu.lon),
                "{} {}",
                cu.name,
                cu.lon
            );
            assert!(
                cu.address.starts_with(&format!("上海市{}", cu.district)),
                "{}",
                cu.address
            );
            let road = road_of(cu.district, &cu.address).expect("address names a known road");
            let d = distance_m((cu.lat, cu.lon), (road.lat, road.lon));
            assert!(d <= 1_500.0, "{} is {d:.0} m from {}", cu.name, road.name);
            if cu.district == "浦东新区" {
                // East of the Huangpu's Lujiazui bend.
                assert!(cu.lon > 121.505, "{} {}", cu.name, cu.lon);
            }
        }
    }
}

#[test]
fn anchors_stay_in_bounds() {
    for d in DISTRICTS {
        for r in d.roads {
            assert!(
                (30.92..=31.43).contains(&r.lat) && (121.27..=121.73).contains(&r.lon),
                "{}",
                r.name
            );
            if d.pudong {
                assert!(r.lon >= 121.515, "{}", r.name);
            }
        }
    }
    assert_eq!(DISTRICTS.iter().map(|d| d.shops).sum::<usize>(), 600);
}

#[test]
fn deterministic_per_seed() {
    assert_eq!(demo_company(DEFAULT_SEED), demo_company(DEFAULT_SEED));
    let a = demo_company(1);
    let b = demo_company(2);
    assert_ne!(a.customers, b.customers);
    let same_names = a
        .customers
        .iter()
        .zip(&b.customers)
        .filter(|(x, y)| x.name == y.name)
        .count();
    assert!(
        same_names < 300,
        "{same_names} names unchanged between seeds"
    );
}

#[test]
fn many_seeds_hold_invariants() {
    for seed in 0..20 {
        let c = demo_company(seed);
        assert_unique("customer name", c.customers.iter().map(|x| x.name.as_str()));
        assert_unique("employee name", c.employees.iter().map(|x| x.name.as_str()));
        assert_unique("username", c.employees.iter().map(|x| x.username.as_str()));
    }
}

#[test]
fn summary_mentions_counts() {
    let s = summary(&company());
    assert!(s.contains("600"), "{s}");
    assert!(s.contains("25 field reps"), "{s}");
}
