//! The verdict as a whole: weighing, ordering, levels, determinism.

use crate::checks::testkit::*;
use crate::*;

fn pin_dropped() -> RepDay {
    let mut d = honest_day();
    let pins = d.customers.clone();
    for a in &mut d.actions {
        if let Some(pin) = a.customer.and_then(|c| pins.iter().find(|p| p.id == c)) {
            a.position = Some(Position {
                lat: pin.lat,
                lon: pin.lon,
                accuracy_m: Some(5.0),
            });
        }
    }
    d
}

#[test]
fn honest_days_are_clean() {
    for seed in 1..30 {
        let v = assess(
            &honest_day_seeded(seed),
            &History::default(),
            &Settings::default(),
        );
        assert_eq!(v.level, Level::Clean, "seed {seed}: {:?}", v.reasons);
        assert_eq!(v.version, CHECKS_VERSION);
        assert!(v.signature.day.is_some());
    }
}

#[test]
fn reasons_are_weighed_sorted_and_levelled() {
    let mut d = pin_dropped();
    d.actions[0].device.developer_mode = Some(true);
    let v = assess(&d, &History::default(), &Settings::default());
    let codes: Vec<ReasonCode> = v.reasons.iter().map(|r| r.code).collect();
    assert_eq!(codes[0], ReasonCode::PinDrop, "{codes:?}");
    assert_eq!(*codes.last().unwrap(), ReasonCode::DeveloperMode);
    for w in v.reasons.windows(2) {
        assert!(w[0].weight >= w[1].weight);
    }
    let sum: f32 = v.reasons.iter().map(|r| r.weight).sum();
    assert!((v.score - sum).abs() < 0.01);
    assert!(v.level >= Level::Review);
}

#[test]
fn a_tenant_weight_of_zero_switches_a_check_off() {
    let d = pin_dropped();
    let mut s = Settings::default();
    s.weights.insert(ReasonCode::PinDrop, 0.0);
    let v = assess(&d, &History::default(), &s);
    assert!(v.reasons.iter().all(|r| r.code != ReasonCode::PinDrop));
    s.weights.insert(ReasonCode::PinDrop, 5.0);
    let v = assess(&d, &History::default(), &s);
    assert_eq!(v.level, Level::LikelyCheat);
}

#[test]
fn a_weak_claim_alone_stays_clean() {
    let mut d = honest_day();
    for a in &mut d.actions {
        a.device.developer_mode = Some(true);
    }
    let v = assess(&d, &History::default(), &Settings::default());
    assert_eq!(v.level, Level::Clean);
    assert_eq!(v.reasons.len(), 1);
}

#[test]
fn the_verdict_does_not_depend_on_input_order() {
    let d = pin_dropped();
    let mut shuffled = d.clone();
    shuffled.fixes.reverse();
    shuffled.actions.reverse();
    shuffled.photos.reverse();
    let h = History::default();
    let s = Settings::default();
    assert_eq!(assess(&d, &h, &s), assess(&shuffled, &h, &s));
}

#[test]
fn signature_matches_the_verdicts() {
    let d = honest_day();
    let v = assess(&d, &History::default(), &Settings::default());
    assert_eq!(signature(&d.fixes).cells, v.signature.cells);
    assert!(v.signature.cells.len() >= 7);
}

#[test]
fn bands_find_every_hash_within_three_bits() {
    let h = 0x1234_5678_9abc_def0u64;
    let near = h ^ (1 << 3) ^ (1 << 20) ^ (1 << 40);
    let (a, b) = (phash_bands(h), phash_bands(near));
    assert!(a.iter().zip(&b).any(|(x, y)| x == y));
    assert!((h ^ near).count_ones() <= PHASH_SAME_BITS);
}
