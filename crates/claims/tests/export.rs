//! A payout batch's rows add up to its claims' totals to the fen, however many lines.

mod common;

use claims::*;
use common::team::team;
use common::*;

fn parse_decimal(s: &str) -> i64 {
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (y, f) = s.split_once('.').unwrap();
    let v = y.parse::<i64>().unwrap() * 100 + f.parse::<i64>().unwrap();
    if neg { -v } else { v }
}

#[test]
fn the_rows_add_up_to_the_claims_to_the_fen() {
    let period: Period = "2026-12".parse().unwrap();
    let t = team(300, period, 42, 10);
    let claims: Vec<Claim> = t
        .inputs
        .iter()
        .enumerate()
        .map(|(i, input)| {
            let mut input = input.clone();
            // Receipts on every third rep, odd amounts.
            if i % 3 == 0 {
                input.expenses.push(Expense {
                    id: ExpenseId(uuid::Uuid::from_u128(i as u128)),
                    category: ExpenseCategory::Toll,
                    amount: Money::cny(1_000 + i as i64 * 7),
                    date: period.first(),
                    receipt_photo: None,
                    receipt_hash: None,
                    note: None,
                });
            }
            build_claim(&input, &t.rates).unwrap()
        })
        .collect();
    let export = payout_export("PAY-2026-12-001", &claims).unwrap();
    assert!(export.lines.len() > 9_000, "{} lines", export.lines.len());

    // Lines are rounded one by one; the export's totals are sums of those rounded lines.
    let exact_sum: i64 = claims
        .iter()
        .flat_map(|c| &c.lines)
        .map(|l| l.exact.0)
        .sum();
    let line_sum: i64 = export.lines.iter().map(|l| l.amount.minor).sum();
    let expense_sum: i64 = export.expenses.iter().map(|e| e.amount.minor).sum();
    let claims_total: i64 = claims.iter().map(|c| c.totals.total.minor).sum();
    assert_eq!(line_sum, export.mileage.minor);
    assert_eq!(expense_sum, export.expenses_total.minor);
    assert_eq!(line_sum + expense_sum, export.total.minor);
    assert_eq!(export.total.minor, claims_total);
    assert_eq!(
        export.summary.iter().map(|s| s.total.minor).sum::<i64>(),
        claims_total
    );
    // Rounding per line is a real difference here, not a no-op: the rounded sum of the
    // exact amounts (before caps) is not what was paid.
    let rounded_lines: i64 = claims
        .iter()
        .flat_map(|c| &c.lines)
        .map(|l| l.rounded.minor)
        .sum();
    assert_ne!(rounded_lines * 1000, exact_sum);

    // Per rep, the line rows add up to the summary row.
    for s in &export.summary {
        let rep_lines: i64 = export
            .lines
            .iter()
            .filter(|l| l.employee == s.employee)
            .map(|l| l.amount.minor)
            .sum();
        assert_eq!(rep_lines, s.mileage.minor);
    }
    for (s, c) in export.summary.iter().zip(&claims) {
        assert_eq!(s.employee, c.employee);
        let cuts: i64 = c
            .lines
            .iter()
            .flat_map(|l| &l.cuts)
            .map(|x| x.cut.minor)
            .sum();
        assert_eq!(s.cut_by_caps.minor, cuts);
    }
    assert_eq!(export.lines[0].visits, claims[0].lines[0].visits);

    // As text (what CSV and XLSX carry), the figures still add up exactly.
    let text_sum: i64 = export
        .lines
        .iter()
        .map(|l| parse_decimal(&l.amount.to_decimal_string()))
        .chain(
            export
                .expenses
                .iter()
                .map(|e| parse_decimal(&e.amount.to_decimal_string())),
        )
        .sum();
    assert_eq!(text_sum, parse_decimal(&export.total.to_decimal_string()));

    // The JSON payload for an ERP round-trips.
    let json = serde_json::to_string(&export).unwrap();
    assert_eq!(serde_json::from_str::<PayoutExport>(&json).unwrap(), export);
}

#[test]
fn bad_batches_are_refused() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    let nov = build_claim(&november(&[10_000]), &rates).unwrap();
    let mut dec_input = november(&[]);
    dec_input.period = "2026-12".parse().unwrap();
    dec_input.employee = domain::EmployeeId::new();
    let dec = build_claim(&dec_input, &rates).unwrap();
    let mut other_rep = november(&[5_000]);
    other_rep.employee = domain::EmployeeId::new();
    let other = build_claim(&other_rep, &rates).unwrap();

    let cases: Vec<(&str, Vec<Claim>, &str)> = vec![
        ("PAY-1", vec![], "empty_batch"),
        (" ", vec![nov.clone()], "bad_text"),
        ("PAY-1", vec![nov.clone(), dec], "batch_mixes_periods"),
        (
            "PAY-1",
            vec![nov.clone(), nov.clone()],
            "rep_twice_in_batch",
        ),
    ];
    for (reference, claims, code) in cases {
        assert_eq!(payout_export(reference, &claims).unwrap_err().code(), code);
    }
    let ok = payout_export(" PAY-1 ", &[nov.clone(), other.clone()]).unwrap();
    assert_eq!(ok.reference, "PAY-1");
    assert_eq!(ok.total, Money::cny(1_500));
}
