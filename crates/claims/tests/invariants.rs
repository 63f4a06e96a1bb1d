//! Properties every claim keeps, over generated team-months with adjustments and tight
//! caps: amounts are the rounded tier split minus recorded cuts, caps hold, totals add up,
//! the input's order does not matter and a snapshot recomputes to the same claim.

mod common;

use claims::*;
use common::team::{Rng, team};

fn tight(rates: &RateBook) -> RateBook {
    let mut tables = rates.tables().to_vec();
    for t in &mut tables {
        for v in &mut t.versions {
            v.daily_cap = Some(Money::cny(10_000));
            v.period_cap = Some(Money::cny(150_000));
        }
    }
    RateBook::new(tables).unwrap()
}

#[test]
fn every_claim_keeps_its_invariants() {
    let period: Period = "2027-03".parse().unwrap();
    let mut checked_lines = 0;
    let (mut daily_cuts, mut period_cuts, mut crossings) = (0, 0, 0);
    for seed in 1..=12 {
        let t = team(40, period, seed, 8);
        let rates = tight(&t.rates);
        let mut rng = Rng::new(seed + 100);
        for input in &t.inputs {
            let mut input = input.clone();
            let working: Vec<_> = input
                .days
                .iter()
                .filter(|d| d.kind == DayKind::WorkingDay)
                .map(|d| d.date)
                .collect();
            for date in working {
                if rng.range(0, 6) != 0 {
                    continue;
                }
                input.adjustments.push(Adjustment {
                    date,
                    meters: WholeMeters(rng.range(0, 250_000)),
                    reason: "odometer photo".into(),
                });
            }
            let claim = build_claim(&input, &rates).unwrap();
            assert_eq!(claim.lines.len(), input.days.len());
            assert!(claim.lines.windows(2).all(|w| w[0].date < w[1].date));

            let mut km_before = WholeMeters::ZERO;
            let mut paid_before = 0i64;
            for l in &claim.lines {
                checked_lines += 1;
                assert!(l.amount.minor >= 0);
                let Some(r) = l.rate else {
                    assert!(l.zero_reason.is_some(), "{}", l.date);
                    assert_eq!((l.amount.minor, l.paid_m), (0, WholeMeters::ZERO));
                    continue;
                };
                assert_eq!(l.zero_reason, None);
                let version = rates.get(r).unwrap().version;
                let basis = l.adjustment.as_ref().map_or(l.recorded_m, |a| a.meters);
                assert_eq!(l.paid_m, basis);
                // The tier split continues from the distance paid earlier in the period.
                let (exact, parts) = version.split(km_before, basis);
                assert_eq!((exact, &parts), (l.exact, &l.tiers));
                crossings += usize::from(parts.len() > 1);
                assert_eq!(
                    parts.iter().map(|p| p.meters.0).sum::<i64>(),
                    basis.0,
                    "{}",
                    l.date
                );
                km_before = km_before + basis;
                assert_eq!(l.rounded.minor, version.rounding.apply(l.exact));
                let cuts: i64 = l.cuts.iter().map(|c| c.cut.minor).sum();
                assert!(l.cuts.iter().all(|c| c.cut.minor > 0));
                assert_eq!(l.rounded.minor - cuts, l.amount.minor);
                assert!(l.amount.minor <= version.daily_cap.unwrap().minor);
                paid_before += l.amount.minor;
                assert!(paid_before <= version.period_cap.unwrap().minor);
                daily_cuts += l.cuts.iter().filter(|c| c.cap == CapKind::Daily).count();
                period_cuts += l.cuts.iter().filter(|c| c.cap == CapKind::Period).count();
            }
            let t = &claim.totals;
            assert_eq!(t.mileage.minor, paid_before);
            assert_eq!(t.paid_m, km_before);
            assert_eq!(
                t.outside_m.0,
                claim.lines.iter().map(|l| l.outside_m.0).sum::<i64>()
            );

            let mut shuffled = input.clone();
            shuffled.days.reverse();
            shuffled.adjustments.reverse();
            assert_eq!(build_claim(&shuffled, &rates).unwrap(), claim);
            let snap = ClaimSnapshot::freeze(input, &rates).unwrap();
            assert_eq!(snap.claim, claim);
            assert_eq!(snap.recompute().unwrap(), claim);
        }
    }
    // The generated months really exercise the rules checked above.
    assert!(checked_lines > 10_000, "{checked_lines}");
    assert!(daily_cuts > 100, "{daily_cuts} daily cuts");
    assert!(period_cuts > 20, "{period_cuts} period cuts");
    assert!(crossings > 100, "{crossings} tier crossings");
}
