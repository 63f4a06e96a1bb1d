//! What the engine needs to know about one request: the facts its conditions test and
//! the approvers the submitter chose. The payload itself stays with the request type.

use crate::flow::{Condition, FieldValue, Op};
use crate::money::Fen;
use crate::org::Org;
use domain::{DepartmentId, EmployeeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestFacts {
    /// The claimed amount, for types that have one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Fen>,
    /// Named fields of the payload that conditions may test (`days`, `leave_kind`, …).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub fields: BTreeMap<String, FieldValue>,
}

/// People the submitter named, by step index, for steps that ask for them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choices {
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub approvers: BTreeMap<usize, Vec<EmployeeId>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cc: BTreeMap<usize, Vec<EmployeeId>>,
}

impl Condition {
    /// Whether the condition holds for a request by someone in `department`.
    pub fn holds(&self, facts: &RequestFacts, department: DepartmentId, org: &Org) -> bool {
        match self {
            Condition::Amount { op, fen } => facts.amount.is_some_and(|a| op.holds(&a, fen)),
            Condition::SubmitterIn { department: root } => org.is_within(department, *root),
            Condition::Field { key, op, value } => match facts.fields.get(key) {
                None => *op == Op::Ne,
                Some(actual) => compare(actual, *op, value),
            },
        }
    }
}

/// Numbers compare in every way, text and booleans only for (in)equality; values of
/// different kinds are unequal and never ordered.
fn compare(actual: &FieldValue, op: Op, expected: &FieldValue) -> bool {
    match (actual, expected) {
        (FieldValue::Number(a), FieldValue::Number(b)) => op.holds(a, b),
        (FieldValue::Text(a), FieldValue::Text(b)) if !op.is_ordering() => op.holds(a, b),
        (FieldValue::Bool(a), FieldValue::Bool(b)) if !op.is_ordering() => op.holds(a, b),
        _ => op == Op::Ne,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_values_compare_by_kind() {
        use FieldValue::*;
        let n = |x: f64| Number(x);
        let t = |s: &str| Text(s.into());
        let cases = [
            (n(3.0), Op::Ge, n(3.0), true),
            (n(2.5), Op::Gt, n(3.0), false),
            (n(2.5), Op::Lt, n(3.0), true),
            (n(3.0), Op::Eq, n(3.0), true),
            (t("fuel"), Op::Eq, t("fuel"), true),
            (t("fuel"), Op::Ne, t("toll"), true),
            (t("b"), Op::Gt, t("a"), false),
            (Bool(true), Op::Eq, Bool(true), true),
            (Bool(true), Op::Ge, Bool(false), false),
            (t("3"), Op::Eq, n(3.0), false),
            (t("3"), Op::Ne, n(3.0), true),
            (Bool(false), Op::Lt, n(1.0), false),
        ];
        for (actual, op, expected, holds) in cases {
            assert_eq!(
                compare(&actual, op, &expected),
                holds,
                "{actual:?} {op:?} {expected:?}"
            );
        }
    }

    #[test]
    fn facts_and_rules_read_from_sparse_json() {
        let facts: RequestFacts = serde_json::from_str(
            r#"{"amount": 250000, "fields": {"days": 1.5, "kind": "annual", "paid": true}}"#,
        )
        .unwrap();
        assert_eq!(facts.amount, Some(Fen(250_000)));
        assert_eq!(facts.fields["days"], FieldValue::Number(1.5));
        assert_eq!(facts.fields["kind"], FieldValue::Text("annual".into()));
        assert_eq!(facts.fields["paid"], FieldValue::Bool(true));
        let rules: crate::ExceptionRules =
            serde_json::from_str(r#"{"no_approver": "skip"}"#).unwrap();
        assert_eq!(rules.no_approver, crate::NoApprover::Skip);
        assert!(rules.skip_submitter && rules.decide_once);
    }
}
