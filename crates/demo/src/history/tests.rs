use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::*;
use crate::{DEFAULT_SEED, DemoRole, demo_company};

fn last_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 26).unwrap()
}

fn full() -> (crate::DemoCompany, History) {
    let company = demo_company(DEFAULT_SEED);
    let h = history(
        &company,
        &HistoryOptions {
            seed: DEFAULT_SEED,
            last_day: last_day(),
            days: 30,
            reps: 100,
        },
    );
    (company, h)
}

#[test]
fn same_seed_same_history_and_another_seed_differs() {
    let (company, a) = full();
    let (_, b) = full();
    assert_eq!(a, b);
    let c = history(
        &company,
        &HistoryOptions {
            seed: DEFAULT_SEED + 1,
            last_day: last_day(),
            days: 30,
            reps: 100,
        },
    );
    assert_ne!(a, c);
}

#[test]
fn thirty_days_of_every_rep_on_weekdays_with_their_own_shops() {
    let (company, h) = full();
    assert_eq!(h.last_day, last_day());
    assert_eq!(h.first_day, last_day() - Duration::days(29));
    let reps = company
        .employees
        .iter()
        .filter(|e| e.role == DemoRole::Field)
        .count();
    assert_eq!(h.reps.len(), reps);
    for r in &h.reps {
        assert!(r.days.len() >= 18, "{} days", r.days.len());
        for d in &r.days {
            assert!(d.date >= h.first_day && d.date <= h.last_day);
            assert!(!matches!(d.date.weekday(), Weekday::Sat | Weekday::Sun));
            assert!(d.shops.len() >= 3);
            for &s in &d.shops {
                assert_eq!(company.customers[s].owner, r.employee);
            }
        }
        // Every shop of the rep is on one of their routes.
        let owned = company
            .customers
            .iter()
            .filter(|c| c.owner == r.employee)
            .count();
        assert_eq!(r.routes.routes.iter().flatten().count(), owned);
    }
}

#[test]
fn late_days_early_leaves_a_leave_requests_and_cheats_exist() {
    let (_, h) = full();
    let days: Vec<&WorkDay> = h.reps.iter().flat_map(|r| &r.days).collect();
    assert!(days.iter().filter(|d| d.late).count() >= 3);
    assert!(days.iter().any(|d| d.early));
    assert!(days.iter().all(|d| !(d.late && d.early)));
    let on_leave = h
        .reps
        .iter()
        .find(|r| r.employee == h.leave.employee)
        .unwrap();
    assert!(h.leave.to > h.leave.from);
    assert!(
        on_leave
            .days
            .iter()
            .all(|d| d.date < h.leave.from || d.date > h.leave.to)
    );
    let cheats: Vec<Cheat> = days.iter().filter_map(|d| d.cheat).collect();
    assert!(cheats.contains(&Cheat::MockLocation));
    assert!(cheats.contains(&Cheat::ReusedPhoto));
    assert!(cheats.contains(&Cheat::Teleport));
    assert!(cheats.iter().any(|c| matches!(c, Cheat::RemoteCheckin(_))));
    assert!(cheats.contains(&Cheat::PinDropFromHome));
    assert!(cheats.iter().any(|c| matches!(c, Cheat::Replay { .. })));
    assert!(
        h.pending
            .iter()
            .any(|p| matches!(p, PendingRequest::Correction { .. }))
    );
    assert!(
        h.pending
            .iter()
            .any(|p| matches!(p, PendingRequest::Leave { from, .. } if *from > h.last_day))
    );
    assert!(h.upcoming.iter().any(|p| p.published));
    assert!(h.upcoming.iter().any(|p| !p.published));
    assert!(h.upcoming.iter().all(|p| p.date > h.last_day));
}

#[test]
fn a_traced_day_passes_its_shops_and_its_actions_are_in_order() {
    let (company, h) = full();
    let rep = &h.reps[0];
    let day = &rep.days[0];
    let t = trace_day(&company, rep, day);
    assert_eq!(t, trace_day(&company, rep, day), "deterministic");
    assert_eq!(t.visits.len(), day.shops.len());
    assert!(t.fixes.len() > 300, "{} fixes", t.fixes.len());
    assert!(t.fixes.windows(2).all(|w| w[0].t_ms <= w[1].t_ms));
    let out = t.clock_out.unwrap();
    assert!(t.clock_in.t_ms < t.visits[0].check_in.t_ms);
    for v in &t.visits {
        assert!(v.check_in.t_ms < v.photo.t_ms && v.photo.t_ms < v.check_out.t_ms);
        assert!(v.check_out.t_ms < out.t_ms);
        let c = &company.customers[v.customer];
        let d = tracksim::geo::haversine_m(
            tracksim::geo::LatLon::new(c.lat, c.lon),
            tracksim::geo::LatLon::new(v.check_in.lat, v.check_in.lon),
        );
        // The phone's fix inside the shop: drift of tens of metres, rarely a network fix.
        assert!(d < 700.0, "{d} m from {}", c.name);
    }
}

#[test]
fn cheating_days_carry_their_evidence() {
    let (company, h) = full();
    for r in &h.reps {
        for d in r.days.iter().filter(|d| d.cheat.is_some()) {
            let t = trace_day(&company, r, d);
            match d.cheat.unwrap() {
                Cheat::MockLocation => assert!(t.visits.iter().any(|v| v.mock_device)),
                Cheat::ReusedPhoto => {
                    let first = trace_day(&company, r, &r.days[0]);
                    assert_eq!(t.visits[1].photo_seed, first.visits[0].photo_seed);
                }
                Cheat::RemoteCheckin(far) => {
                    let v = t.visits.iter().find(|v| v.customer == far).unwrap();
                    let c = &company.customers[far];
                    let d = tracksim::geo::haversine_m(
                        tracksim::geo::LatLon::new(c.lat, c.lon),
                        tracksim::geo::LatLon::new(v.check_in.lat, v.check_in.lon),
                    );
                    assert!(d > 500.0, "remote check-in only {d} m away");
                }
                Cheat::Teleport => {
                    let jump = t.fixes.windows(2).any(|w| {
                        tracksim::geo::haversine_m(
                            tracksim::geo::LatLon::new(w[0].lat, w[0].lon),
                            tracksim::geo::LatLon::new(w[1].lat, w[1].lon),
                        ) > 5_000.0
                    });
                    assert!(jump);
                }
                Cheat::PinDropFromHome => {
                    let ll = |lat, lon| tracksim::geo::LatLon::new(lat, lon);
                    for v in &t.visits {
                        let c = &company.customers[v.customer];
                        assert_eq!((v.check_in.lat, v.check_in.lon), (c.lat, c.lon));
                    }
                    // The phone itself never leaves home: its fixes stay within a few
                    // hundred metres of the first one.
                    let home = ll(t.fixes[0].lat, t.fixes[0].lon);
                    let far = t
                        .fixes
                        .iter()
                        .map(|f| tracksim::geo::haversine_m(home, ll(f.lat, f.lon)))
                        .fold(0.0, f64::max);
                    assert!(far < 1_000.0, "{far} m");
                }
                Cheat::Replay { of_day } => {
                    let orig = trace_day(&company, r, &r.days[of_day]);
                    assert_eq!(t.fixes.len(), orig.fixes.len());
                    let shift = t.fixes[0].t_ms - orig.fixes[0].t_ms;
                    assert!(shift >= 86_400_000 && shift % 86_400_000 != 0);
                    assert!(t.fixes.iter().zip(&orig.fixes).all(|(a, b)| {
                        a.t_ms - b.t_ms == shift && (a.lat, a.lon) == (b.lat, b.lon)
                    }));
                    let shops =
                        |t: &DayTrace| t.visits.iter().map(|v| v.customer).collect::<Vec<_>>();
                    assert_eq!(shops(&t), shops(&orig));
                }
            }
        }
    }
}
