//! Claim building, table by table: tiers, rounding, caps, rate versions, scopes, day kinds,
//! cheating, adjustments, and the inputs that are refused.

mod common;

use chrono::Days;
use claims::*;
use common::*;
use domain::DepartmentId;
use integrity::Level;

#[test]
fn tiers_split_inside_the_day_that_crosses_a_boundary() {
    // (tiers, daily metres, expected fen per line, metres per tier of each line)
    type Case = (Vec<Tier>, Vec<i64>, Vec<i64>, Vec<Vec<i64>>);
    let cases: Vec<Case> = vec![
        (
            vec![tier(Some(100), 80), tier(None, 50)],
            vec![40_000, 40_000, 40_500, 10_000],
            vec![3_200, 3_200, 1_600 + 1_025, 500],
            vec![
                vec![40_000],
                vec![40_000],
                vec![20_000, 20_500],
                vec![10_000],
            ],
        ),
        // The boundary falls exactly at the end of a day: nothing splits.
        (
            vec![tier(Some(100), 80), tier(None, 50)],
            vec![50_000, 50_000, 10_000],
            vec![4_000, 4_000, 500],
            vec![vec![50_000], vec![50_000], vec![10_000]],
        ),
        // One day spans three tiers.
        (
            vec![tier(Some(10), 100), tier(Some(20), 70), tier(None, 40)],
            vec![5_000, 30_000],
            vec![500, 500 + 700 + 600],
            vec![vec![5_000], vec![5_000, 10_000, 15_000]],
        ),
        // Sub-fen amounts in both parts, rounded once for the line: 12.345 km at 0.85 and
        // 7.655 km at 0.55 = 1049.325 + 421.025 = 1470.35 → 1470.
        (
            vec![tier(Some(1000), 85), tier(None, 55)],
            vec![987_655, 20_000],
            vec![83_950_675_i64.div_euclid(1000) + 1, 1_470],
            vec![vec![987_655], vec![12_345, 7_655]],
        ),
    ];
    for (i, (tiers, metres, want, want_parts)) in cases.into_iter().enumerate() {
        let rates = tenant_wide(vec![RateVersion {
            tiers,
            ..flat(1, "2026-01-01", 0)
        }]);
        let claim = build_claim(&november(&metres), &rates).unwrap();
        assert_eq!(amounts(&claim), want, "case {i}");
        let parts: Vec<Vec<i64>> = claim
            .lines
            .iter()
            .map(|l| l.tiers.iter().map(|p| p.meters.0).collect())
            .collect();
        assert_eq!(parts, want_parts, "case {i}");
        assert_eq!(
            claim.totals.mileage.minor,
            want.iter().sum::<i64>(),
            "case {i}"
        );
    }
}

#[test]
fn rounding_modes_per_line() {
    use RoundMode::*;
    use RoundTo::*;
    // 0.83 yuan/km over 12.345, 18.123, 6.000 and 5.500 km is exactly 1024.635, 1504.209,
    // 498.000 and 456.500 fen.
    let metres = [12_345, 18_123, 6_000, 5_500];
    let cases = [
        (Fen, HalfUp, [1_025, 1_504, 498, 457]),
        (Fen, Floor, [1_024, 1_504, 498, 456]),
        (Jiao, HalfUp, [1_020, 1_500, 500, 460]),
        (Jiao, Floor, [1_020, 1_500, 490, 450]),
        (Yuan, HalfUp, [1_000, 1_500, 500, 500]),
        (Yuan, Floor, [1_000, 1_500, 400, 400]),
    ];
    for (to, mode, want) in cases {
        let rates = tenant_wide(vec![RateVersion {
            rounding: Rounding { to, mode },
            ..flat(1, "2026-01-01", 83)
        }]);
        let claim = build_claim(&november(&metres), &rates).unwrap();
        assert_eq!(amounts(&claim), want, "{to:?} {mode:?}");
        // The total is the sum of rounded lines, not the rounded sum of exact amounts.
        assert_eq!(claim.totals.mileage.minor, want.iter().sum::<i64>());
        let exact: Vec<i64> = claim.lines.iter().map(|l| l.exact.0).collect();
        assert_eq!(exact, [1_024_635, 1_504_209, 498_000, 456_500]);
    }
}

#[test]
fn daily_then_period_caps_record_what_they_cut() {
    // 1 yuan/km; ¥50 a day; days of 30, 70, 40, 20, 60 km.
    let metres = [30_000, 70_000, 40_000, 20_000, 60_000];
    // (period cap, amounts, daily cuts per line, period cuts per line)
    type Case = (i64, [i64; 5], [i64; 5], [i64; 5]);
    let cases: [Case; 3] = [
        (
            12_000,
            [3_000, 5_000, 4_000, 0, 0],
            [0, 2_000, 0, 0, 1_000],
            [0, 0, 0, 2_000, 5_000],
        ),
        (
            10_000,
            [3_000, 5_000, 2_000, 0, 0],
            [0, 2_000, 0, 0, 1_000],
            [0, 0, 2_000, 2_000, 5_000],
        ),
        (
            100_000,
            [3_000, 5_000, 4_000, 2_000, 5_000],
            [0, 2_000, 0, 0, 1_000],
            [0; 5],
        ),
    ];
    for (period_cap, want, daily, period) in cases {
        let rates = tenant_wide(vec![RateVersion {
            daily_cap: Some(Money::cny(5_000)),
            period_cap: Some(Money::cny(period_cap)),
            ..flat(1, "2026-01-01", 100)
        }]);
        let claim = build_claim(&november(&metres), &rates).unwrap();
        assert_eq!(amounts(&claim), want, "cap {period_cap}");
        let cut = |kind: CapKind| -> Vec<i64> {
            claim
                .lines
                .iter()
                .map(|l| {
                    l.cuts
                        .iter()
                        .filter(|c| c.cap == kind)
                        .map(|c| c.cut.minor)
                        .sum()
                })
                .collect()
        };
        assert_eq!(cut(CapKind::Daily), daily, "cap {period_cap}");
        assert_eq!(cut(CapKind::Period), period, "cap {period_cap}");
        let t = &claim.totals;
        assert_eq!(t.cut_by_daily_cap.minor, daily.iter().sum::<i64>());
        assert_eq!(t.cut_by_period_cap.minor, period.iter().sum::<i64>());
        // Every line: rounded − cuts = amount.
        for l in &claim.lines {
            let cuts: i64 = l.cuts.iter().map(|c| c.cut.minor).sum();
            assert_eq!(l.rounded.minor - cuts, l.amount.minor, "{}", l.date);
            assert_eq!(
                l.flags.contains(&LineFlag::PeriodCap),
                l.cuts.iter().any(|c| c.cap == CapKind::Period)
            );
        }
        assert!(t.mileage.minor <= period_cap);
    }
}

#[test]
fn a_rate_change_mid_month_pays_each_day_by_its_version() {
    // v1 until the 15th, v2 from the 16th, each with a 25 km first tier.
    let rates = tenant_wide(vec![
        RateVersion {
            tiers: vec![tier(Some(25), 80), tier(None, 50)],
            ..flat(1, "2026-01-01", 0)
        },
        RateVersion {
            tiers: vec![tier(Some(25), 100), tier(None, 60)],
            ..flat(2, "2026-11-16", 0)
        },
    ]);
    let mut input = november(&[]);
    input.days = (13..=17)
        .map(|day| DayInput::working(d(&format!("2026-11-{day}")), km(10)))
        .collect();
    input.days[0].working_m = WholeMeters::ZERO; // the 13th: nothing driven
    let claim = build_claim(&input, &rates).unwrap();
    // 14th v1 0→10 km; 15th v1 10→20; 16th v2 20→30 (5 at 1.00, 5 at 0.60); 17th v2 30→40.
    assert_eq!(amounts(&claim), [0, 800, 800, 800, 600]);
    let versions: Vec<u32> = claim
        .lines
        .iter()
        .map(|l| l.rate.unwrap().version)
        .collect();
    assert_eq!(versions, [1, 1, 1, 2, 2]);
    assert_eq!(claim.rates_used().len(), 2);
}

#[test]
fn the_most_specific_rate_pays() {
    let (root, sales, other) = (
        DepartmentId::new(),
        DepartmentId::new(),
        DepartmentId::new(),
    );
    let scope = |department, vehicle| RateScope {
        department,
        vehicle,
    };
    let rates = RateBook::new(vec![
        table(scope(None, None), vec![flat(1, "2026-01-01", 10)]),
        table(
            scope(None, Some(VehicleKind::Motorbike)),
            vec![flat(1, "2026-01-01", 20)],
        ),
        table(scope(Some(root), None), vec![flat(1, "2026-01-01", 30)]),
        table(
            scope(Some(sales), Some(VehicleKind::PrivateCar)),
            vec![flat(1, "2026-01-01", 40)],
        ),
    ])
    .unwrap();
    let vehicles = VehicleHistory::new(vec![
        VehicleAssignment {
            from: d("2026-10-01"),
            kind: VehicleKind::PrivateCar,
            plate: None,
        },
        VehicleAssignment {
            from: d("2026-11-10"),
            kind: VehicleKind::Motorbike,
            plate: None,
        },
        VehicleAssignment {
            from: d("2026-11-20"),
            kind: VehicleKind::CompanyCar,
            plate: None,
        },
    ])
    .unwrap();
    // (department chain, fen for 10 km on the 5th (car), 12th (motorbike), 20th (company car))
    let cases: [(Vec<DepartmentId>, [i64; 3]); 4] = [
        (vec![sales, root], [400, 300, 0]),
        (vec![root], [300, 300, 0]),
        (vec![other], [100, 200, 0]),
        (vec![], [100, 200, 0]),
    ];
    for (departments, want) in cases {
        let mut input = november(&[]);
        input.departments = departments.clone();
        input.vehicles = vehicles.clone();
        input.days = ["2026-11-05", "2026-11-12", "2026-11-20"]
            .iter()
            .map(|s| DayInput::working(d(s), km(10)))
            .collect();
        let claim = build_claim(&input, &rates).unwrap();
        assert_eq!(amounts(&claim), want, "{departments:?}");
        assert_eq!(claim.lines[2].zero_reason, Some(ZeroReason::CompanyCar));
        assert_eq!(claim.lines[2].vehicle, VehicleKind::CompanyCar);
        assert!(claim.lines[2].rate.is_none());
    }
}

#[test]
fn days_off_pay_nothing_and_do_not_advance_tiers() {
    let rates = tenant_wide(vec![RateVersion {
        tiers: vec![tier(Some(15), 100), tier(None, 50)],
        ..flat(1, "2026-01-01", 0)
    }]);
    let mut input = november(&[10_000, 50_000, 30_000, 5_000, 10_000]);
    input.days[1].kind = DayKind::Leave;
    input.days[2].kind = DayKind::Holiday;
    input.days[3].kind = DayKind::DayOff;
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(amounts(&claim), [1_000, 0, 0, 0, 500 + 250]);
    let reasons: Vec<Option<ZeroReason>> = claim.lines.iter().map(|l| l.zero_reason).collect();
    assert_eq!(
        reasons,
        [
            None,
            Some(ZeroReason::Leave),
            Some(ZeroReason::Holiday),
            Some(ZeroReason::DayOff),
            None
        ]
    );
    let t = &claim.totals;
    assert_eq!((t.working_days, t.paid_days), (2, 2));
    assert_eq!(t.recorded_m, km(20));
    assert_eq!(t.paid_m, km(20));
    // The recorded figure stays visible on the leave day.
    assert_eq!(claim.lines[1].recorded_m, km(50));
    assert_eq!(claim.lines[1].paid_m, WholeMeters::ZERO);
}

#[test]
fn a_confirmed_cheat_day_is_excluded_and_review_days_are_flagged() {
    let rates = tenant_wide(vec![RateVersion {
        tiers: vec![tier(Some(15), 100), tier(None, 50)],
        ..flat(1, "2026-01-01", 0)
    }]);
    let mut input = november(&[10_000, 10_000, 10_000, 10_000, 10_000]);
    // (level, confirmed) per day
    let verdicts = [
        (Some(Level::Clean), false),
        (Some(Level::LikelyCheat), true),
        (Some(Level::Review), false),
        (Some(Level::LikelyCheat), false),
        (None, false),
    ];
    for (day, (level, confirmed)) in input.days.iter_mut().zip(verdicts) {
        day.anti_cheat = level;
        day.cheat_confirmed = confirmed;
    }
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(amounts(&claim), [1_000, 0, 500 + 250, 500, 500]);
    assert_eq!(claim.lines[1].zero_reason, Some(ZeroReason::ConfirmedCheat));
    assert_eq!(claim.lines[1].paid_m, WholeMeters::ZERO);
    let flagged: Vec<bool> = claim
        .lines
        .iter()
        .map(|l| l.flags.contains(&LineFlag::AntiCheatReview))
        .collect();
    assert_eq!(flagged, [false, false, true, true, false]);
    assert_eq!(
        (claim.totals.excluded_days, claim.totals.flagged_days),
        (1, 2)
    );
    assert_eq!(claim.lines[3].anti_cheat, Some(Level::LikelyCheat));
}

#[test]
fn outside_hours_distance_is_shown_never_paid() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    let mut input = november(&[10_000, 0]);
    input.days[0].outside_m = km(25);
    input.days[1].outside_m = km(40);
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(amounts(&claim), [1_000, 0]);
    assert_eq!(claim.lines[1].outside_m, km(40));
    assert_eq!(claim.totals.outside_m, km(65));
    assert_eq!(claim.totals.paid_m, km(10));
}

#[test]
fn adjustments_keep_the_original_and_pay_the_adjusted() {
    let rates = tenant_wide(vec![RateVersion {
        tiers: vec![tier(Some(15), 100), tier(None, 50)],
        ..flat(1, "2026-01-01", 0)
    }]);
    let mut input = november(&[10_000, 10_000, 10_000]);
    input.adjustments = vec![Adjustment {
        date: d("2026-11-02"),
        meters: WholeMeters(12_500),
        reason: "GPS lost in the Yan'an Road tunnel".into(),
    }];
    let claim = build_claim(&input, &rates).unwrap();
    // The adjusted day moves the tier boundary for the days after it.
    assert_eq!(amounts(&claim), [1_250, 250 + 375, 500]);
    let l = &claim.lines[0];
    assert_eq!(l.recorded_m, km(10));
    assert_eq!(l.adjustment.as_ref().unwrap().meters, WholeMeters(12_500));
    assert_eq!(l.paid_m, WholeMeters(12_500));
    assert!(l.flags.contains(&LineFlag::Adjusted));
    assert_eq!(claim.totals.recorded_m, km(30));
    assert_eq!(claim.totals.paid_m, WholeMeters(32_500));

    // Down to zero is allowed; the line pays nothing but keeps its recorded figure.
    input.adjustments[0].meters = WholeMeters::ZERO;
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(amounts(&claim), [0, 1_000, 500 + 250]);
}

#[test]
fn no_vehicle_or_no_rate_pays_nothing_with_a_reason() {
    let rates = tenant_wide(vec![flat(1, "2026-11-10", 100)]);
    let mut input = november(&[]);
    input.vehicles = private_car_from("2026-11-04");
    input.days = ["2026-11-03", "2026-11-05", "2026-11-10"]
        .iter()
        .map(|s| DayInput::working(d(s), km(10)))
        .collect();
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(amounts(&claim), [0, 0, 1_000]);
    assert_eq!(claim.lines[0].zero_reason, Some(ZeroReason::NoVehicle));
    assert_eq!(claim.lines[1].zero_reason, Some(ZeroReason::NoRate));
    assert_eq!(claim.lines[2].plate.as_deref(), Some("沪A·12345"));
}

#[test]
fn expenses_add_to_the_total_by_category() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    let mut input = november(&[10_000]);
    let expense = |n: u128, category, fen| Expense {
        id: ExpenseId(uuid::Uuid::from_u128(n)),
        category,
        amount: Money::cny(fen),
        date: d("2026-11-02"),
        receipt_photo: None,
        receipt_hash: None,
        note: None,
    };
    input.expenses = vec![
        expense(2, ExpenseCategory::Parking, 1_500),
        expense(1, ExpenseCategory::Toll, 2_000),
        expense(3, ExpenseCategory::Toll, 3_500),
    ];
    let claim = build_claim(&input, &rates).unwrap();
    let t = &claim.totals;
    assert_eq!(t.expenses, Money::cny(7_000));
    assert_eq!(
        t.expenses_by_category[&ExpenseCategory::Toll],
        Money::cny(5_500)
    );
    assert_eq!(
        t.expenses_by_category[&ExpenseCategory::Fuel],
        Money::cny(0)
    );
    assert_eq!(t.total, Money::cny(8_000));
    let order: Vec<u128> = claim.expenses.iter().map(|e| e.id.0.as_u128()).collect();
    assert_eq!(order, [1, 2, 3]);
}

#[test]
fn input_order_does_not_matter() {
    let rates = tenant_wide(vec![RateVersion {
        tiers: vec![tier(Some(50), 100), tier(None, 50)],
        daily_cap: Some(Money::cny(3_000)),
        ..flat(1, "2026-01-01", 0)
    }]);
    let mut input = november(&[12_345, 40_000, 7_777, 33_000, 1]);
    input.adjustments = vec![
        Adjustment {
            date: d("2026-11-03"),
            meters: km(35),
            reason: "detour".into(),
        },
        Adjustment {
            date: d("2026-11-05"),
            meters: km(30),
            reason: "closed road".into(),
        },
    ];
    let a = build_claim(&input, &rates).unwrap();
    input.days.reverse();
    input.adjustments.reverse();
    let b = build_claim(&input, &rates).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_claim_in_another_currency_than_its_rates_is_refused() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    let mut input = november(&[10_000]);
    input.currency = "USD".parse().unwrap();
    assert_eq!(
        build_claim(&input, &rates),
        Err(ClaimError::CurrencyMismatch {
            expected: "USD".parse().unwrap(),
            found: Currency::CNY
        })
    );
}

#[test]
fn bad_inputs_are_refused_with_typed_errors() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    type Mutate = fn(&mut ClaimInput);
    let cases: Vec<(&str, Mutate, &str)> = vec![
        (
            "negative distance",
            |i| i.days[0].working_m = WholeMeters(-1),
            "bad_distance",
        ),
        (
            "negative outside",
            |i| i.days[1].outside_m = WholeMeters(-5),
            "bad_distance",
        ),
        (
            "absurd distance",
            |i| i.days[0].working_m = WholeMeters(MAX_DAY_M + 1),
            "absurd_distance",
        ),
        (
            "coverage over 100 %",
            |i| i.days[0].coverage = Coverage(10_001),
            "coverage_out_of_range",
        ),
        (
            "same day twice",
            |i| i.days[1].date = i.days[0].date,
            "duplicate_date",
        ),
        (
            "day in another month",
            |i| i.days[0].date = d("2026-12-01"),
            "date_outside_period",
        ),
        ("absurd trips", |i| i.days[0].trips = 501, "too_many"),
        (
            "too many visits",
            |i| i.days[0].visits = vec!["店".into(); 201],
            "too_many",
        ),
        (
            "visit name too long",
            |i| i.days[0].visits = vec!["店".repeat(201)],
            "bad_text",
        ),
        (
            "place too long",
            |i| i.days[0].end_place = Some("x".repeat(201)),
            "bad_text",
        ),
        (
            "adjustment on leave",
            |i| {
                i.days[1].kind = DayKind::Leave;
                i.adjustments.push(adj("2026-11-03", 5_000, "forgot"));
            },
            "adjustment_not_on_working_day",
        ),
        (
            "adjustment on a day without data",
            |i| i.adjustments.push(adj("2026-11-20", 5_000, "forgot")),
            "adjustment_not_on_working_day",
        ),
        (
            "adjustment twice",
            |i| {
                i.adjustments.push(adj("2026-11-02", 5_000, "a"));
                i.adjustments.push(adj("2026-11-02", 6_000, "b"));
            },
            "duplicate_date",
        ),
        (
            "adjustment without reason",
            |i| i.adjustments.push(adj("2026-11-02", 5_000, "  ")),
            "bad_text",
        ),
        (
            "negative adjustment",
            |i| i.adjustments.push(adj("2026-11-02", -1, "x")),
            "bad_distance",
        ),
        (
            "absurd adjustment",
            |i| i.adjustments.push(adj("2026-11-02", MAX_DAY_M + 1, "x")),
            "absurd_distance",
        ),
        (
            "expense not positive",
            |i| i.expenses.push(expense(0, "CNY", "2026-11-02")),
            "amount_not_positive",
        ),
        (
            "expense in another currency",
            |i| i.expenses.push(expense(100, "USD", "2026-11-02")),
            "currency_mismatch",
        ),
        (
            "expense outside the period",
            |i| i.expenses.push(expense(100, "CNY", "2026-10-31")),
            "date_outside_period",
        ),
    ];
    for (what, mutate, code) in cases {
        let mut input = november(&[10_000, 20_000]);
        mutate(&mut input);
        let err = build_claim(&input, &rates).expect_err(what);
        assert_eq!(err.code(), code, "{what}: {err}");
        // A server can name the field at fault in its 422 (the currency one is the
        // claim's, not a field's).
        assert!(
            err.field().is_some() || code == "currency_mismatch",
            "{what}: {err}"
        );
    }
}

fn adj(date: &str, meters: i64, reason: &str) -> Adjustment {
    Adjustment {
        date: d(date),
        meters: WholeMeters(meters),
        reason: reason.into(),
    }
}

fn expense(fen: i64, currency: &str, date: &str) -> Expense {
    Expense {
        id: ExpenseId(uuid::Uuid::from_u128(1)),
        category: ExpenseCategory::Toll,
        amount: Money::new(fen, currency.parse().unwrap()),
        date: d(date),
        receipt_photo: None,
        receipt_hash: None,
        note: None,
    }
}

#[test]
fn a_month_of_days_matches_a_hand_computed_total() {
    // Every working day of November 2026 at 37.5 km, 0.80/km up to 500 km, 0.60 beyond:
    // 21 days = 787.5 km → 500 × 0.80 + 287.5 × 0.60 = 400 + 172.50 = ¥572.50.
    let rates = tenant_wide(vec![RateVersion {
        tiers: vec![tier(Some(500), 80), tier(None, 60)],
        ..flat(1, "2026-01-01", 0)
    }]);
    let mut input = november(&[]);
    let period = input.period;
    input.days = period
        .days()
        .filter(|d| {
            use chrono::Datelike;
            d.weekday().num_days_from_monday() < 5
        })
        .map(|d| DayInput::working(d, WholeMeters(37_500)))
        .collect();
    assert_eq!(input.days.len(), 21);
    let claim = build_claim(&input, &rates).unwrap();
    assert_eq!(claim.totals.mileage, Money::cny(57_250));
    assert_eq!(claim.totals.working_days, 21);
    let crossing = claim.lines.iter().find(|l| l.tiers.len() == 2).unwrap();
    // 13 days × 37.5 = 487.5 km before the 14th working day (Nov 19): 12.5 + 25 km.
    assert_eq!(crossing.date, d("2026-11-02") + Days::new(17));
    assert_eq!(crossing.amount.minor, 1_000 + 1_500);
}

#[test]
fn errors_name_the_field_and_the_day() {
    let rates = tenant_wide(vec![flat(1, "2026-01-01", 100)]);
    let mut input = november(&[10_000, 20_000]);
    input.days[1].outside_m = WholeMeters(-5);
    let err = build_claim(&input, &rates).unwrap_err();
    assert_eq!(err.field(), Some("days.outside_m"));
    assert_eq!(err.date(), Some(d("2026-11-03")));
    input.days[1].outside_m = WholeMeters::ZERO;
    input.days[0].coverage = Coverage(10_001);
    let err = build_claim(&input, &rates).unwrap_err();
    assert_eq!(
        (err.field(), err.date()),
        (Some("days.coverage"), Some(d("2026-11-02")))
    );
}
