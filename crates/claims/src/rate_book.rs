//! A tenant's rate tables and the choice of the one that pays a given day: the most
//! specific scope with a version in force on that day wins.

use crate::rate::{RateProblem, RateVersion};
use crate::{ClaimError, Currency, VehicleKind};
use chrono::NaiveDate;
use domain::DepartmentId;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RateTableId(pub Uuid);

/// Whom a table applies to; `None` means any.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RateScope {
    #[serde(default)]
    pub department: Option<DepartmentId>,
    #[serde(default)]
    pub vehicle: Option<VehicleKind>,
}

/// One scope's rates over time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateTable {
    pub id: RateTableId,
    pub scope: RateScope,
    #[serde(default)]
    pub currency: Currency,
    /// In increasing version order; effective dates never go back.
    pub versions: Vec<RateVersion>,
}

impl RateTable {
    /// The version in force on `day`: the latest start on or before it; of two versions
    /// starting the same day, the later one (a correction) supersedes the earlier.
    pub fn version_on(&self, day: NaiveDate) -> Option<&RateVersion> {
        let i = self.versions.partition_point(|v| v.effective_from <= day);
        i.checked_sub(1).map(|i| &self.versions[i])
    }

    fn validate(&self) -> Result<(), ClaimError> {
        for w in self.versions.windows(2) {
            let bad = |problem| ClaimError::BadRate {
                table: Some(self.id),
                version: w[1].version,
                problem,
            };
            if w[1].version <= w[0].version {
                return Err(bad(RateProblem::VersionsNotIncreasing));
            }
            if w[1].effective_from < w[0].effective_from {
                return Err(bad(RateProblem::EffectiveDatesGoBack));
            }
        }
        self.versions.iter().try_for_each(|v| {
            v.validate(self.currency).map_err(|e| match e {
                ClaimError::BadRate {
                    version, problem, ..
                } => ClaimError::BadRate {
                    table: Some(self.id),
                    version,
                    problem,
                },
                other => other,
            })
        })
    }
}

/// The version a claim line was paid by; stored with the line so a past claim recomputes
/// exactly.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct RateRef {
    pub table: RateTableId,
    pub version: u32,
}

/// The rate that pays one day.
#[derive(Clone, Copy, Debug)]
pub struct AppliedRate<'a> {
    pub table: &'a RateTable,
    pub version: &'a RateVersion,
}

impl AppliedRate<'_> {
    pub fn reference(&self) -> RateRef {
        RateRef {
            table: self.table.id,
            version: self.version.version,
        }
    }
}

/// A tenant's validated rate tables, at most one per scope.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RateTable>", into = "Vec<RateTable>")]
pub struct RateBook(Vec<RateTable>);

impl RateBook {
    pub fn new(tables: Vec<RateTable>) -> Result<Self, ClaimError> {
        for (i, t) in tables.iter().enumerate() {
            t.validate()?;
            if tables[..i].iter().any(|o| o.scope == t.scope) {
                return Err(ClaimError::BadRate {
                    table: Some(t.id),
                    version: t.versions.first().map_or(0, |v| v.version),
                    problem: RateProblem::DuplicateScope,
                });
            }
        }
        Ok(RateBook(tables))
    }

    pub fn tables(&self) -> &[RateTable] {
        &self.0
    }

    /// The rate for a rep's `day`. `departments` is the rep's department and its ancestors,
    /// nearest first. Precedence, among tables with a version in force that day: for each
    /// department from the nearest, department + vehicle, then department alone; then
    /// vehicle alone; then the tenant's. A nearer department beats a farther one, as
    /// everywhere else rules are overridden per department.
    pub fn rate_for(
        &self,
        day: NaiveDate,
        departments: &[DepartmentId],
        vehicle: VehicleKind,
    ) -> Option<AppliedRate<'_>> {
        let rank = |s: &RateScope| -> Option<usize> {
            let vehicle_part = match s.vehicle {
                None => 1,
                Some(v) if v == vehicle => 0,
                Some(_) => return None,
            };
            let depth = match s.department {
                None => departments.len(),
                Some(d) => departments.iter().position(|x| *x == d)?,
            };
            Some(depth * 2 + vehicle_part)
        };
        self.0
            .iter()
            .filter_map(|t| Some((rank(&t.scope)?, t, t.version_on(day)?)))
            .min_by_key(|(r, _, _)| *r)
            .map(|(_, table, version)| AppliedRate { table, version })
    }

    /// The table and version a line recorded, if the book still holds them.
    pub fn get(&self, r: RateRef) -> Option<AppliedRate<'_>> {
        let table = self.0.iter().find(|t| t.id == r.table)?;
        let version = table.versions.iter().find(|v| v.version == r.version)?;
        Some(AppliedRate { table, version })
    }

    /// Only the versions in `used`, each in its table: what a frozen claim keeps.
    pub fn restricted_to(&self, used: &[RateRef]) -> RateBook {
        RateBook(
            self.0
                .iter()
                .filter_map(|t| {
                    let versions: Vec<RateVersion> = t
                        .versions
                        .iter()
                        .filter(|v| {
                            used.contains(&RateRef {
                                table: t.id,
                                version: v.version,
                            })
                        })
                        .cloned()
                        .collect();
                    (!versions.is_empty()).then(|| RateTable {
                        versions,
                        ..t.clone()
                    })
                })
                .collect(),
        )
    }
}

impl TryFrom<Vec<RateTable>> for RateBook {
    type Error = ClaimError;
    fn try_from(v: Vec<RateTable>) -> Result<Self, ClaimError> {
        RateBook::new(v)
    }
}

impl From<RateBook> for Vec<RateTable> {
    fn from(b: RateBook) -> Self {
        b.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Rounding;
    use crate::rate::{MinorPerKm, Tier};

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn flat(version: u32, from: &str, rate: i64) -> RateVersion {
        RateVersion {
            version,
            effective_from: d(from),
            tiers: vec![Tier {
                up_to: None,
                rate: MinorPerKm(rate),
            }],
            daily_cap: None,
            period_cap: None,
            rounding: Rounding::default(),
        }
    }

    fn table(
        department: Option<DepartmentId>,
        vehicle: Option<VehicleKind>,
        v: Vec<RateVersion>,
    ) -> RateTable {
        RateTable {
            id: RateTableId(Uuid::new_v4()),
            scope: RateScope {
                department,
                vehicle,
            },
            currency: Currency::CNY,
            versions: v,
        }
    }

    fn rate(book: &RateBook, day: &str, depts: &[DepartmentId], v: VehicleKind) -> Option<i64> {
        book.rate_for(d(day), depts, v)
            .map(|a| a.version.tiers[0].rate.0)
    }

    #[test]
    fn most_specific_scope_wins() {
        use VehicleKind::{Motorbike, PrivateCar};
        let (root, sales, other) = (
            DepartmentId::new(),
            DepartmentId::new(),
            DepartmentId::new(),
        );
        let book = RateBook::new(vec![
            table(None, None, vec![flat(1, "2026-01-01", 10)]),
            table(None, Some(Motorbike), vec![flat(1, "2026-01-01", 20)]),
            table(Some(root), None, vec![flat(1, "2026-01-01", 30)]),
            table(
                Some(sales),
                Some(PrivateCar),
                vec![flat(1, "2026-01-01", 40)],
            ),
            table(Some(sales), None, vec![flat(1, "2026-01-01", 50)]),
            // Starts later: until then the next scope down pays.
            table(Some(root), Some(Motorbike), vec![flat(1, "2026-11-15", 60)]),
        ])
        .unwrap();
        let chain = [sales, root];
        let cases: [(&str, &[DepartmentId], VehicleKind, Option<i64>); 10] = [
            ("2026-11-01", &chain, PrivateCar, Some(40)), // department + vehicle
            ("2026-11-01", &chain, Motorbike, Some(50)),  // department (nearest)
            ("2026-11-20", &chain, Motorbike, Some(50)),  // nearer dept beats ancestor + vehicle
            ("2026-11-01", &[root], Motorbike, Some(30)), // ancestor + vehicle not yet in force
            ("2026-11-20", &[root], Motorbike, Some(60)), // now it is
            ("2026-11-01", &[root], PrivateCar, Some(30)),
            ("2026-11-01", &[other], Motorbike, Some(20)), // vehicle alone
            ("2026-11-01", &[other], PrivateCar, Some(10)), // tenant
            ("2026-11-01", &[], PrivateCar, Some(10)),
            ("2025-12-31", &chain, PrivateCar, None), // nothing in force yet
        ];
        for (day, depts, v, want) in cases {
            assert_eq!(rate(&book, day, depts, v), want, "{day} {depts:?} {v:?}");
        }
    }

    #[test]
    fn version_in_force_on_the_day() {
        let book = RateBook::new(vec![table(
            None,
            None,
            vec![
                flat(1, "2026-01-01", 80),
                flat(2, "2026-11-16", 90),
                flat(3, "2026-11-16", 95), // same-day correction supersedes v2
                flat(4, "2027-01-01", 100),
            ],
        )])
        .unwrap();
        let cases = [
            ("2026-11-15", 80),
            ("2026-11-16", 95),
            ("2026-12-31", 95),
            ("2027-01-01", 100),
        ];
        for (day, want) in cases {
            assert_eq!(
                rate(&book, day, &[], VehicleKind::PrivateCar),
                Some(want),
                "{day}"
            );
        }
        let applied = book
            .rate_for(d("2026-11-20"), &[], VehicleKind::PrivateCar)
            .unwrap();
        assert_eq!(applied.reference().version, 3);
        assert_eq!(
            book.get(applied.reference()).unwrap().version,
            applied.version
        );
    }

    #[test]
    fn bad_books_are_refused() {
        let second = table(None, None, vec![flat(1, "2026-01-01", 90)]);
        let second_id = second.id;
        let dup = RateBook::new(vec![
            table(None, None, vec![flat(1, "2026-01-01", 80)]),
            second,
        ]);
        assert_eq!(
            dup,
            Err(ClaimError::BadRate {
                table: Some(second_id),
                version: 1,
                problem: RateProblem::DuplicateScope,
            })
        );
        // A version's own fault is reported with its table.
        let mut bad = flat(3, "2026-01-01", 80);
        bad.tiers.clear();
        let t = table(None, None, vec![bad]);
        let id = t.id;
        assert_eq!(
            RateBook::new(vec![t]),
            Err(ClaimError::BadRate {
                table: Some(id),
                version: 3,
                problem: RateProblem::NoTiers,
            })
        );
        let back = RateBook::new(vec![table(
            None,
            None,
            vec![flat(1, "2026-02-01", 80), flat(2, "2026-01-01", 90)],
        )]);
        assert!(matches!(
            back,
            Err(ClaimError::BadRate {
                problem: RateProblem::EffectiveDatesGoBack,
                version: 2,
                ..
            })
        ));
        let order = RateBook::new(vec![table(
            None,
            None,
            vec![flat(2, "2026-01-01", 80), flat(2, "2026-02-01", 90)],
        )]);
        assert!(matches!(
            order,
            Err(ClaimError::BadRate {
                problem: RateProblem::VersionsNotIncreasing,
                ..
            })
        ));
    }

    #[test]
    fn restricted_keeps_only_used_versions() {
        let t = table(
            None,
            None,
            vec![flat(1, "2026-01-01", 80), flat(2, "2026-06-01", 90)],
        );
        let id = t.id;
        let book = RateBook::new(vec![
            t,
            table(
                None,
                Some(VehicleKind::Motorbike),
                vec![flat(1, "2026-01-01", 5)],
            ),
        ])
        .unwrap();
        let kept = book.restricted_to(&[RateRef {
            table: id,
            version: 2,
        }]);
        assert_eq!(kept.tables().len(), 1);
        assert_eq!(kept.tables()[0].versions.len(), 1);
        assert_eq!(kept.tables()[0].versions[0].version, 2);
    }
}
