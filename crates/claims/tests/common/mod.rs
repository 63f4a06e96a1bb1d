//! Builders shared by the claim tests.
#![allow(dead_code)]

pub mod team;

use chrono::NaiveDate;
use claims::*;
use domain::{DepartmentId, EmployeeId};
use uuid::Uuid;

pub fn d(s: &str) -> NaiveDate {
    s.parse().unwrap()
}

pub fn km(k: i64) -> WholeMeters {
    WholeMeters::km(k)
}

pub fn tier(up_to_km: Option<i64>, fen_per_km: i64) -> Tier {
    Tier {
        up_to: up_to_km.map(WholeMeters::km),
        rate: MinorPerKm(fen_per_km),
    }
}

/// A version with one flat rate, no caps, fen half up.
pub fn flat(version: u32, from: &str, fen_per_km: i64) -> RateVersion {
    RateVersion {
        version,
        effective_from: d(from),
        tiers: vec![tier(None, fen_per_km)],
        daily_cap: None,
        period_cap: None,
        rounding: Rounding::default(),
    }
}

pub fn table(scope: RateScope, versions: Vec<RateVersion>) -> RateTable {
    RateTable {
        id: RateTableId(Uuid::new_v4()),
        scope,
        currency: Currency::CNY,
        versions,
    }
}

pub fn tenant_wide(versions: Vec<RateVersion>) -> RateBook {
    RateBook::new(vec![table(RateScope::default(), versions)]).unwrap()
}

pub fn private_car_from(from: &str) -> VehicleHistory {
    VehicleHistory::new(vec![VehicleAssignment {
        from: d(from),
        kind: VehicleKind::PrivateCar,
        plate: Some("沪A·12345".into()),
    }])
    .unwrap()
}

/// November 2026, a private car all along, working days with the given distances from
/// the 2nd on (one per calendar day, weekends included: the tests care about order).
pub fn november(distances_m: &[i64]) -> ClaimInput {
    let days = distances_m
        .iter()
        .enumerate()
        .map(|(i, m)| {
            DayInput::working(
                d("2026-11-02") + chrono::Days::new(i as u64),
                WholeMeters(*m),
            )
        })
        .collect();
    ClaimInput {
        employee: EmployeeId(Uuid::from_u128(7)),
        period: "2026-11".parse().unwrap(),
        currency: Currency::CNY,
        departments: Vec::<DepartmentId>::new(),
        vehicles: private_car_from("2026-01-01"),
        days,
        adjustments: Vec::new(),
        expenses: Vec::new(),
    }
}

pub fn amounts(c: &Claim) -> Vec<i64> {
    c.lines.iter().map(|l| l.amount.minor).collect()
}
