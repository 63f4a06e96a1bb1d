//! Other expenses on a claim (tolls, parking, fuel), their totals by category, and the
//! receipts that were claimed before.

use crate::{ClaimError, Currency, Money, Period};
use chrono::NaiveDate;
use domain::ids::PhotoId;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ExpenseId(pub Uuid);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpenseCategory {
    Toll,
    Parking,
    Fuel,
    Other,
}

/// SHA-256 of the receipt photo's bytes, as 64 lowercase hex digits (what the photo
/// pipeline stores).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ReceiptHash(String);

impl ReceiptHash {
    pub fn parse(s: &str) -> Result<ReceiptHash, ClaimError> {
        if s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(ReceiptHash(s.to_string()))
        } else {
            Err(ClaimError::BadReceiptHash)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ReceiptHash {
    type Error = ClaimError;
    fn try_from(s: String) -> Result<Self, ClaimError> {
        ReceiptHash::parse(&s)
    }
}

impl From<ReceiptHash> for String {
    fn from(h: ReceiptHash) -> String {
        h.0
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expense {
    pub id: ExpenseId,
    pub category: ExpenseCategory,
    pub amount: Money,
    pub date: NaiveDate,
    #[serde(default)]
    pub receipt_photo: Option<PhotoId>,
    #[serde(default)]
    pub receipt_hash: Option<ReceiptHash>,
    #[serde(default)]
    pub note: Option<String>,
}

/// ¥100,000 for one receipt: above it the figure is a unit mistake.
pub const MAX_EXPENSE_MINOR: i64 = 10_000_000;
pub const MAX_NOTE_CHARS: usize = 500;
pub const MAX_EXPENSES: usize = 1000;

impl Expense {
    pub(crate) fn validate(&self, currency: Currency, period: Period) -> Result<(), ClaimError> {
        if self.amount.currency != currency {
            return Err(ClaimError::CurrencyMismatch {
                expected: currency,
                found: self.amount.currency,
            });
        }
        if self.amount.minor <= 0 {
            return Err(ClaimError::AmountNotPositive {
                field: "expenses.amount",
            });
        }
        if self.amount.minor > MAX_EXPENSE_MINOR {
            return Err(ClaimError::AbsurdAmount {
                field: "expenses.amount",
                max_minor: MAX_EXPENSE_MINOR,
            });
        }
        if !period.contains(self.date) {
            return Err(ClaimError::DateOutsidePeriod {
                field: "expenses.date",
                date: self.date,
                period,
            });
        }
        if let Some(n) = &self.note
            && n.chars().count() > MAX_NOTE_CHARS
        {
            return Err(ClaimError::BadText {
                field: "expenses.note",
                max_chars: MAX_NOTE_CHARS,
            });
        }
        Ok(())
    }
}

/// Totals per category, every category present (zero when unused), in category order.
pub fn totals_by_category(
    currency: Currency,
    expenses: &[Expense],
) -> Result<BTreeMap<ExpenseCategory, Money>, ClaimError> {
    use ExpenseCategory::*;
    let mut out: BTreeMap<ExpenseCategory, Money> = [Toll, Parking, Fuel, Other]
        .into_iter()
        .map(|c| (c, Money::zero(currency)))
        .collect();
    for e in expenses {
        let slot = out.get_mut(&e.category).expect("every category present");
        *slot = slot.checked_add(e.amount)?;
    }
    Ok(out)
}

/// A receipt claimed before, as storage finds it across the tenant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EarlierReceipt {
    pub hash: ReceiptHash,
    pub expense: ExpenseId,
}

/// An expense whose receipt was already claimed: `earlier` is the first claim of it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptReuse {
    pub expense: ExpenseId,
    pub earlier: ExpenseId,
}

/// The expenses whose receipt hash appears among `earlier` receipts or on an earlier
/// expense of the same list (the first occurrence is the original). An expense listed in
/// `earlier` under its own id (the same expense, stored) is not a reuse of itself.
pub fn reused_receipts(expenses: &[Expense], earlier: &[EarlierReceipt]) -> Vec<ReceiptReuse> {
    let mut first: HashMap<&ReceiptHash, ExpenseId> = HashMap::new();
    for r in earlier {
        first.entry(&r.hash).or_insert(r.expense);
    }
    let mut out = Vec::new();
    for e in expenses {
        let Some(h) = &e.receipt_hash else { continue };
        match first.get(h) {
            Some(&orig) if orig != e.id => out.push(ReceiptReuse {
                expense: e.id,
                earlier: orig,
            }),
            Some(_) => {}
            None => {
                first.insert(h, e.id);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hash(c: char) -> ReceiptHash {
        ReceiptHash::parse(&c.to_string().repeat(64)).unwrap()
    }

    fn expense(n: u128, category: ExpenseCategory, fen: i64, h: Option<char>) -> Expense {
        Expense {
            id: ExpenseId(Uuid::from_u128(n)),
            category,
            amount: Money::cny(fen),
            date: "2026-11-05".parse().unwrap(),
            receipt_photo: None,
            receipt_hash: h.map(hash),
            note: None,
        }
    }

    #[test]
    fn totals_per_category() {
        use ExpenseCategory::*;
        let list = [
            expense(1, Toll, 1_500, None),
            expense(2, Parking, 1_000, None),
            expense(3, Toll, 2_250, None),
        ];
        let t = totals_by_category(Currency::CNY, &list).unwrap();
        assert_eq!(t[&Toll], Money::cny(3_750));
        assert_eq!(t[&Parking], Money::cny(1_000));
        assert_eq!(t[&Fuel], Money::cny(0));
        assert_eq!(t.len(), 4);
    }

    #[test]
    fn reused_receipts_are_flagged() {
        use ExpenseCategory::*;
        let list = [
            expense(1, Fuel, 30_000, Some('a')),
            expense(2, Toll, 1_000, Some('b')),
            expense(3, Toll, 1_000, Some('b')), // same receipt twice in one claim
            expense(4, Parking, 500, None),
            expense(5, Fuel, 30_000, Some('c')),
        ];
        let earlier = [
            EarlierReceipt {
                hash: hash('a'),
                expense: ExpenseId(Uuid::from_u128(99)),
            },
            // The expense itself, already stored: not a reuse.
            EarlierReceipt {
                hash: hash('c'),
                expense: ExpenseId(Uuid::from_u128(5)),
            },
        ];
        let got = reused_receipts(&list, &earlier);
        let id = |n| ExpenseId(Uuid::from_u128(n));
        assert_eq!(
            got,
            [
                ReceiptReuse {
                    expense: id(1),
                    earlier: id(99)
                },
                ReceiptReuse {
                    expense: id(3),
                    earlier: id(2)
                },
            ]
        );
    }

    #[test]
    fn bad_expenses_are_refused() {
        let period: Period = "2026-11".parse().unwrap();
        let ok = expense(1, ExpenseCategory::Toll, 100, None);
        assert_eq!(ok.validate(Currency::CNY, period), Ok(()));
        let cases: Vec<(Expense, &str)> = vec![
            (
                expense(1, ExpenseCategory::Toll, 0, None),
                "amount_not_positive",
            ),
            (
                expense(1, ExpenseCategory::Toll, -5, None),
                "amount_not_positive",
            ),
            (
                expense(1, ExpenseCategory::Toll, MAX_EXPENSE_MINOR + 1, None),
                "absurd_amount",
            ),
            (
                Expense {
                    amount: Money::new(100, "USD".parse().unwrap()),
                    ..ok.clone()
                },
                "currency_mismatch",
            ),
            (
                Expense {
                    date: "2026-12-01".parse().unwrap(),
                    ..ok.clone()
                },
                "date_outside_period",
            ),
            (
                Expense {
                    note: Some("x".repeat(501)),
                    ..ok.clone()
                },
                "bad_text",
            ),
        ];
        for (e, code) in cases {
            assert_eq!(
                e.validate(Currency::CNY, period).unwrap_err().code(),
                code,
                "{e:?}"
            );
        }
        for bad in ["", "ABC", &"A".repeat(64), &"g".repeat(64), &"a".repeat(63)] {
            assert_eq!(ReceiptHash::parse(bad), Err(ClaimError::BadReceiptHash));
        }
    }
}
