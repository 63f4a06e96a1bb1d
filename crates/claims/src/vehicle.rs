//! The vehicle a rep uses for work, with its history: which vehicle on day D.

use crate::ClaimError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VehicleKind {
    /// The rep's own car: mileage is reimbursed.
    PrivateCar,
    /// The company's car: fuel and wear are the company's, mileage pays nothing.
    CompanyCar,
    /// A motorbike or e-bike (两轮).
    Motorbike,
    /// On foot or public transport: no mileage.
    None,
}

impl VehicleKind {
    /// Whether mileage on this vehicle can be reimbursed at all (a rate still has to apply).
    pub fn pays_mileage(self) -> bool {
        matches!(self, VehicleKind::PrivateCar | VehicleKind::Motorbike)
    }
}

/// From `from` on (until the next assignment), the rep works with this vehicle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VehicleAssignment {
    pub from: NaiveDate,
    pub kind: VehicleKind,
    /// 车牌, as written (沪A·12345); shown on the claim, not interpreted.
    #[serde(default)]
    pub plate: Option<String>,
}

const MAX_PLATE_CHARS: usize = 16;

/// A rep's vehicles over time, sorted by start day, one assignment per start day.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<VehicleAssignment>", into = "Vec<VehicleAssignment>")]
pub struct VehicleHistory(Vec<VehicleAssignment>);

impl VehicleHistory {
    pub fn new(mut items: Vec<VehicleAssignment>) -> Result<Self, ClaimError> {
        items.sort_by_key(|a| a.from);
        for w in items.windows(2) {
            if w[0].from == w[1].from {
                return Err(ClaimError::DuplicateDate {
                    field: "vehicles.from",
                    date: w[0].from,
                });
            }
        }
        for a in &mut items {
            if let Some(p) = &a.plate {
                let p = p.trim();
                if p.is_empty() || p.chars().count() > MAX_PLATE_CHARS {
                    return Err(ClaimError::BadText {
                        field: "vehicles.plate",
                        max_chars: MAX_PLATE_CHARS,
                    });
                }
                a.plate = Some(p.to_string());
            }
        }
        Ok(VehicleHistory(items))
    }

    /// The assignment in force on `day`; `None` before the first one.
    pub fn on(&self, day: NaiveDate) -> Option<&VehicleAssignment> {
        let i = self.0.partition_point(|a| a.from <= day);
        i.checked_sub(1).map(|i| &self.0[i])
    }

    /// The kind on `day`; no assignment yet means no vehicle.
    pub fn kind_on(&self, day: NaiveDate) -> VehicleKind {
        self.on(day).map_or(VehicleKind::None, |a| a.kind)
    }

    pub fn assignments(&self) -> &[VehicleAssignment] {
        &self.0
    }
}

impl TryFrom<Vec<VehicleAssignment>> for VehicleHistory {
    type Error = ClaimError;
    fn try_from(v: Vec<VehicleAssignment>) -> Result<Self, ClaimError> {
        VehicleHistory::new(v)
    }
}

impl From<VehicleHistory> for Vec<VehicleAssignment> {
    fn from(h: VehicleHistory) -> Self {
        h.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn at(from: &str, kind: VehicleKind, plate: Option<&str>) -> VehicleAssignment {
        VehicleAssignment {
            from: d(from),
            kind,
            plate: plate.map(str::to_string),
        }
    }

    #[test]
    fn which_vehicle_on_a_day() {
        let h = VehicleHistory::new(vec![
            at("2026-11-10", VehicleKind::CompanyCar, None),
            at("2026-10-01", VehicleKind::PrivateCar, Some(" 沪A·12345 ")),
            at("2026-11-20", VehicleKind::Motorbike, None),
        ])
        .unwrap();
        let cases = [
            ("2026-09-30", VehicleKind::None),
            ("2026-10-01", VehicleKind::PrivateCar),
            ("2026-11-09", VehicleKind::PrivateCar),
            ("2026-11-10", VehicleKind::CompanyCar),
            ("2026-11-19", VehicleKind::CompanyCar),
            ("2026-11-20", VehicleKind::Motorbike),
            ("2027-05-01", VehicleKind::Motorbike),
        ];
        for (day, want) in cases {
            assert_eq!(h.kind_on(d(day)), want, "{day}");
        }
        assert_eq!(
            h.on(d("2026-10-05")).unwrap().plate.as_deref(),
            Some("沪A·12345")
        );
    }

    #[test]
    fn bad_history_is_refused() {
        let dup = VehicleHistory::new(vec![
            at("2026-10-01", VehicleKind::PrivateCar, None),
            at("2026-10-01", VehicleKind::CompanyCar, None),
        ]);
        assert!(matches!(dup, Err(ClaimError::DuplicateDate { .. })));
        let blank = VehicleHistory::new(vec![at("2026-10-01", VehicleKind::PrivateCar, Some(" "))]);
        assert!(matches!(blank, Err(ClaimError::BadText { .. })));
        let json =
            r#"[{"from":"2026-10-01","kind":"private_car"},{"from":"2026-10-01","kind":"none"}]"#;
        assert!(serde_json::from_str::<VehicleHistory>(json).is_err());
    }

    #[test]
    fn which_kinds_pay() {
        assert!(VehicleKind::PrivateCar.pays_mileage());
        assert!(VehicleKind::Motorbike.pays_mileage());
        assert!(!VehicleKind::CompanyCar.pays_mileage());
        assert!(!VehicleKind::None.pays_mileage());
    }
}
