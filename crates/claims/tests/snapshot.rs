//! A submitted claim is frozen: it serialises, recomputes exactly from what it kept, and
//! newer day data shows as a diff without touching it.

mod common;

use claims::*;
use common::*;
use integrity::Level;

/// The tenant's book as stored: the same table id every time it is read.
fn rates() -> RateBook {
    let mut t = table(
        RateScope::default(),
        vec![
            RateVersion {
                tiers: vec![tier(Some(72), 80), tier(None, 50)],
                daily_cap: Some(Money::cny(4_000)),
                ..flat(1, "2026-01-01", 0)
            },
            RateVersion {
                tiers: vec![tier(Some(72), 90), tier(None, 60)],
                daily_cap: Some(Money::cny(4_000)),
                ..flat(2, "2026-11-04", 0)
            },
        ],
    );
    t.id = RateTableId(uuid::Uuid::from_u128(1));
    RateBook::new(vec![t]).unwrap()
}

fn submitted() -> ClaimSnapshot {
    let mut input = november(&[12_345, 30_000, 25_000, 8_000]);
    input.days[2].anti_cheat = Some(Level::Clean);
    input.adjustments = vec![Adjustment {
        date: d("2026-11-03"),
        meters: km(32),
        reason: "phone died at 16:00".into(),
    }];
    ClaimSnapshot::freeze(input, &rates()).unwrap()
}

#[test]
fn a_snapshot_round_trips_and_recomputes_exactly() {
    let snap = submitted();
    let json = serde_json::to_string(&snap).unwrap();
    let back: ClaimSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, snap);
    assert_eq!(back.recompute().unwrap(), snap.claim);
    // It kept only the versions it used.
    let kept: Vec<u32> = back.rates.tables()[0]
        .versions
        .iter()
        .map(|v| v.version)
        .collect();
    assert_eq!(kept, [1, 2]);
}

#[test]
fn the_snapshot_outlives_a_change_of_the_tenants_rates() {
    let snap = submitted();
    // Later the tenant adds a version effective from the 1st: today's book would pay the
    // month differently, the snapshot still recomputes to what was submitted.
    let mut tables: Vec<RateTable> = rates().tables().to_vec();
    tables[0].versions.push(flat(3, "2026-11-04", 200));
    let today = RateBook::new(tables).unwrap();
    let rebuilt = build_claim(&snap.input, &today).unwrap();
    assert_ne!(rebuilt.totals.mileage, snap.claim.totals.mileage);
    assert_eq!(snap.recompute().unwrap(), snap.claim);
    let diff = snap.compare(&rebuilt);
    assert!(diff.lines.iter().all(|l| l.date >= d("2026-11-04")));
    assert!(diff.lines.iter().all(|l| l.changes.iter().any(|c| matches!(
        c,
        LineChange::Rate { after: Some(r), .. } if r.version == 3
    ))));
}

#[test]
fn late_fixes_show_as_a_diff_and_leave_the_snapshot_alone() {
    let snap = submitted();
    let frozen = snap.clone();
    let mut later = snap.input.clone();
    later.days[1].working_m = km(31); // adjusted day: recorded changes, paid does not
    later.days[2].working_m = km(28); // late fixes add 3 km
    later.days[2].anti_cheat = Some(Level::Review);
    later.days.push(DayInput::working(d("2026-11-06"), km(5)));
    let now = build_claim(&later, &rates()).unwrap();
    let diff = snap.compare(&now);
    assert_eq!(snap, frozen);

    let on = |date: &str| -> Vec<LineChange> {
        diff.lines
            .iter()
            .find(|l| l.date == d(date))
            .map(|l| l.changes.clone())
            .unwrap_or_default()
    };
    assert_eq!(on("2026-11-02"), []);
    assert_eq!(
        on("2026-11-03"),
        [LineChange::RecordedKm {
            before: km(30),
            after: km(31)
        }]
    );
    let before = snap.claim.line(d("2026-11-04")).unwrap().amount;
    let after = now.line(d("2026-11-04")).unwrap().amount;
    assert_ne!(before, after);
    assert_eq!(
        on("2026-11-04"),
        [
            LineChange::RecordedKm {
                before: km(25),
                after: km(28)
            },
            LineChange::PaidKm {
                before: km(25),
                after: km(28)
            },
            LineChange::Amount { before, after },
            LineChange::Level {
                before: Some(Level::Clean),
                after: Some(Level::Review)
            },
        ]
    );
    // The 5th's km did not change, but the 4th pushed more of it into the second tier.
    assert!(matches!(
        on("2026-11-05").as_slice(),
        [LineChange::Amount { .. }]
    ));
    assert_eq!(
        on("2026-11-06"),
        [LineChange::Added {
            amount: now.line(d("2026-11-06")).unwrap().amount
        }]
    );
    assert_eq!(diff.total_before, snap.claim.totals.total);
    assert_eq!(diff.total_after, now.totals.total);
    let json = serde_json::to_value(&diff.lines[0].changes[0]).unwrap();
    assert_eq!(json["field"], "recorded_km");
}

#[test]
fn a_confirmed_cheat_after_submission_shows_as_excluded() {
    let snap = submitted();
    let mut later = snap.input.clone();
    later.days[0].anti_cheat = Some(Level::LikelyCheat);
    later.days[0].cheat_confirmed = true;
    let now = build_claim(&later, &rates()).unwrap();
    let diff = snap.compare(&now);
    let first = &diff.lines[0];
    assert_eq!(first.date, d("2026-11-02"));
    assert!(first.changes.contains(&LineChange::ZeroReason {
        before: None,
        after: Some(ZeroReason::ConfirmedCheat)
    }));
    assert!(first.changes.contains(&LineChange::CheatConfirmed {
        before: false,
        after: true
    }));
    assert!(diff.total_after.minor < diff.total_before.minor);
}

#[test]
fn no_change_no_diff() {
    let snap = submitted();
    let again = build_claim(&snap.input, &rates()).unwrap();
    assert!(snap.compare(&again).is_empty());
    // A removed day shows as removed.
    let mut fewer = snap.input.clone();
    fewer.days.pop();
    let now = build_claim(&fewer, &rates()).unwrap();
    let diff = snap.compare(&now);
    assert_eq!(diff.lines.len(), 1);
    assert!(matches!(
        diff.lines[0].changes[..],
        [LineChange::Removed { .. }]
    ));
}
