//! A submitted claim is frozen: its input, the rate versions it used and the result,
//! serialisable as one value. New day data never edits it; recomputing shows a diff.

use crate::build::build_claim;
use crate::claim::{Claim, ClaimInput, ZeroReason};
use crate::day::DayKind;
use crate::rate_book::RateRef;
use crate::{ClaimError, Money, RateBook, WholeMeters};
use chrono::NaiveDate;
use integrity::Level;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimSnapshot {
    pub input: ClaimInput,
    /// Only the rate versions the claim used: enough to recompute it exactly even after
    /// the tenant's tables moved on.
    pub rates: RateBook,
    pub claim: Claim,
}

impl ClaimSnapshot {
    pub fn freeze(input: ClaimInput, rates: &RateBook) -> Result<ClaimSnapshot, ClaimError> {
        let claim = build_claim(&input, rates)?;
        let rates = rates.restricted_to(&claim.rates_used());
        Ok(ClaimSnapshot {
            input,
            rates,
            claim,
        })
    }

    /// The claim from the frozen input and rates; equal to `claim` unless the snapshot was
    /// tampered with.
    pub fn recompute(&self) -> Result<Claim, ClaimError> {
        build_claim(&self.input, &self.rates)
    }

    /// What `current` (built from today's day data) would change, line by line.
    pub fn compare(&self, current: &Claim) -> ClaimDiff {
        diff(&self.claim, current)
    }
}

/// One field of a line that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", rename_all = "snake_case")]
pub enum LineChange {
    /// The day is in the new claim only.
    Added {
        amount: Money,
    },
    /// The day is in the frozen claim only.
    Removed {
        amount: Money,
    },
    Kind {
        before: DayKind,
        after: DayKind,
    },
    RecordedKm {
        before: WholeMeters,
        after: WholeMeters,
    },
    PaidKm {
        before: WholeMeters,
        after: WholeMeters,
    },
    Amount {
        before: Money,
        after: Money,
    },
    Level {
        before: Option<Level>,
        after: Option<Level>,
    },
    CheatConfirmed {
        before: bool,
        after: bool,
    },
    ZeroReason {
        before: Option<ZeroReason>,
        after: Option<ZeroReason>,
    },
    Rate {
        before: Option<RateRef>,
        after: Option<RateRef>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineDiff {
    pub date: NaiveDate,
    pub changes: Vec<LineChange>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimDiff {
    /// Only days with a change, in date order.
    pub lines: Vec<LineDiff>,
    pub total_before: Money,
    pub total_after: Money,
}

impl ClaimDiff {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.total_before == self.total_after
    }
}

/// Line by line, what differs between `before` and `after`.
pub fn diff(before: &Claim, after: &Claim) -> ClaimDiff {
    let mut dates: BTreeMap<NaiveDate, (Option<usize>, Option<usize>)> = BTreeMap::new();
    for (i, l) in before.lines.iter().enumerate() {
        dates.entry(l.date).or_default().0 = Some(i);
    }
    for (i, l) in after.lines.iter().enumerate() {
        dates.entry(l.date).or_default().1 = Some(i);
    }
    let mut lines = Vec::new();
    for (date, (b, a)) in dates {
        let changes = match (b.map(|i| &before.lines[i]), a.map(|i| &after.lines[i])) {
            (Some(b), None) => vec![LineChange::Removed { amount: b.amount }],
            (None, Some(a)) => vec![LineChange::Added { amount: a.amount }],
            (Some(b), Some(a)) => {
                let mut c = Vec::new();
                macro_rules! field {
                    ($variant:ident, $f:ident) => {
                        if b.$f != a.$f {
                            c.push(LineChange::$variant {
                                before: b.$f.clone(),
                                after: a.$f.clone(),
                            });
                        }
                    };
                }
                field!(Kind, kind);
                field!(RecordedKm, recorded_m);
                field!(PaidKm, paid_m);
                field!(Amount, amount);
                field!(Level, anti_cheat);
                field!(CheatConfirmed, cheat_confirmed);
                field!(ZeroReason, zero_reason);
                field!(Rate, rate);
                c
            }
            (None, None) => unreachable!("every date came from a line"),
        };
        if !changes.is_empty() {
            lines.push(LineDiff { date, changes });
        }
    }
    ClaimDiff {
        lines,
        total_before: before.totals.total,
        total_after: after.totals.total,
    }
}
