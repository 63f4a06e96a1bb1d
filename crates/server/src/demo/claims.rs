//! The demo's mileage reimbursement (开车报销): every rep's vehicle and the company's rate
//! tables when the company is made, and — once the history is played — last month's
//! claims as the period's end generated them, moved on through the API by the people who
//! would: some reps adjusted a day or added a receipt and submitted, their managers
//! approved most, and finance paid one in a batch. A finance user signing in finds claims
//! in every status.

use super::client::Client;
use super::company::Created;
use super::history::{id, text};
use crate::clock::replaying;
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use ::demo::picture::{TakenAt, receipt_jpeg};
use ::demo::{DemoCompany, DemoRole};
use chrono::{Datelike, Duration, NaiveDate};
use claims::{Period, PeriodKind, RateVersion};
use serde_json::{Value, json};
use storage::{Store, StoredRateTable, StoredRateVersion, StoredVehicle};

/// The company's rate tables: a tenant-wide table for cars (¥0.70/km, then ¥0.80/km
/// with a ¥80 daily cap from mid-2025: two versions) and one for motorbikes.
fn rate_tables() -> Value {
    json!({"tables": [
        {"id": id("rates:cars"), "versions": [
            {"version": 1, "effective_from": "2024-01-01", "tiers": [{"rate": 70}]},
            {"version": 2, "effective_from": "2025-07-01", "tiers": [{"rate": 80}],
             "daily_cap": {"minor": 8000, "currency": "CNY"},
             "period_cap": {"minor": 150000, "currency": "CNY"}},
        ]},
        {"id": id("rates:motorbike"), "vehicle": "motorbike", "versions": [
            {"version": 1, "effective_from": "2024-01-01", "tiers": [{"rate": 30}],
             "daily_cap": {"minor": 3000, "currency": "CNY"}},
        ]},
    ]})
}

fn person(company: &DemoCompany, role: DemoRole) -> usize {
    company
        .employees
        .iter()
        .position(|e| e.role == role)
        .expect("the demo has this role")
}

/// Vehicles for every field rep (every seventh rides a motorbike) and the rate tables,
/// written straight to the store like the rest of the company (validated by the `claims`
/// crate first, as the API would).
pub(super) async fn setup(store: &Store, company: &DemoCompany, made: &Created) -> ApiResult<()> {
    let tables: Vec<StoredRateTable> = rate_tables()["tables"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| {
            let versions = t["versions"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| {
                    let v: RateVersion =
                        serde_json::from_value(v.clone()).map_err(ApiError::internal)?;
                    Ok(StoredRateVersion {
                        version: i64::from(v.version),
                        effective_from: v.effective_from.to_string(),
                        body: serde_json::to_string(&v).map_err(ApiError::internal)?,
                    })
                })
                .collect::<ApiResult<Vec<_>>>()?;
            Ok(StoredRateTable {
                id: serde_json::from_value(t["id"].clone()).map_err(ApiError::internal)?,
                department_id: None,
                vehicle: t["vehicle"].as_str().map(str::to_owned),
                currency: "CNY".into(),
                versions,
            })
        })
        .collect::<ApiResult<_>>()?;
    crate::services::claim_input::rate_book(&tables)?;
    if let Err(refused) = store.put_rate_tables(made.tenant, &tables, None).await? {
        return Err(ApiError::internal(format!(
            "demo rates refused: {refused:?}"
        )));
    }
    let reps = company
        .employees
        .iter()
        .enumerate()
        .filter(|(_, e)| e.role == DemoRole::Field);
    for (k, (i, _)) in reps.enumerate() {
        let who = made.people[i];
        let (kind, plate) = if k % 7 == 6 {
            ("motorbike", None)
        } else {
            ("private_car", Some(format!("沪A·{}", 52_000 + 137 * k)))
        };
        let row = StoredVehicle {
            employee_id: who.0,
            from_date: "2024-01-01".into(),
            kind: kind.into(),
            plate,
            set_by: None,
            set_ms: 0,
        };
        store
            .replace_vehicle_history(made.tenant, who, &[row], None)
            .await?;
    }
    Ok(())
}

/// Never later than an hour ago: a demo started on the 1st does not act in the future.
fn past(ms: i64) -> i64 {
    ms.min(crate::now_ms() - 3_600_000)
}

/// Local 09:00 + `minutes` on `date`, Shanghai, as epoch milliseconds, in the past.
fn at(date: NaiveDate, minutes: i64) -> i64 {
    past(
        date.and_hms_opt(9, 0, 0)
            .expect("valid time")
            .and_utc()
            .timestamp_millis()
            - 8 * 3_600_000
            + minutes * 60_000,
    )
}

fn taken(ms: i64) -> TakenAt {
    let t = chrono::DateTime::from_timestamp_millis(ms + 8 * 3_600_000)
        .unwrap_or_default()
        .naive_utc();
    TakenAt {
        year: t.year(),
        month: t.month(),
        day: t.day(),
        hour: chrono::Timelike::hour(&t),
        minute: chrono::Timelike::minute(&t),
        second: 0,
        offset_min: 480,
    }
}

/// What happens to the k-th rep's claim (reps with a history, in the company's order).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Draft,
    Submitted,
    Approved,
    Paid,
}

fn fate(k: usize) -> Fate {
    match k {
        0 => Fate::Paid,
        1 | 3 => Fate::Approved,
        2 | 4 => Fate::Submitted,
        _ => Fate::Draft,
    }
}

/// Last month's claims: generated for every rep, then moved on through the API. Answers
/// how many claims were made.
pub(super) async fn last_month(
    state: &AppState,
    company: &DemoCompany,
    made: &Created,
    reps: &[usize],
    today: NaiveDate,
) -> ApiResult<usize> {
    let period = Period::containing(PeriodKind::Month, today).previous();
    let generated = crate::services::claims::generate(state, made.tenant, period).await?;
    let this_month = period.next().first();
    let finance = Client::new(
        state,
        made.tenant,
        made.people[person(company, DemoRole::Finance)],
    )
    .await?;
    let mut to_pay = Vec::new();
    for (k, &rep) in reps.iter().enumerate() {
        let f = fate(k);
        if f == Fate::Draft {
            continue;
        }
        let who = made.people[rep];
        let client = Client::new(state, made.tenant, who).await?;
        let claim = client
            .post("/api/v1/claims", &json!({"period": period.to_string()}))
            .await?;
        let claim_id = claim["id"].as_str().unwrap_or_default().to_owned();
        let t0 = at(this_month, 30 * k as i64);
        // One rep took a detour around roadworks, another parked at a customer's mall.
        let detour = claim["lines"].as_array().and_then(|l| {
            l.iter()
                .find(|l| l["kind"] == "working_day" && l["working_m"].as_i64() > Some(5_000))
        });
        if k == 0
            && let Some(line) = detour
        {
            let date = line["date"].as_str().unwrap_or_default();
            let meters = line["working_m"].as_i64().unwrap_or(0) + 3_200;
            replaying(
                t0,
                client.post(
                    &format!("/api/v1/claims/{claim_id}/lines/{date}/adjust"),
                    &json!({"meters": meters, "reason": "道路施工绕行，实际多开3.2公里"}),
                ),
            )
            .await?;
        }
        if k == 1 {
            let day = period.first() + Duration::days(9 + k as i64);
            let shot = at(day, 5 * 60);
            let photo = id(&format!("claim:{k}:receipt"));
            let meta = json!({"id": photo, "t": text(shot), "lang": "zh", "purpose": "receipt"});
            let jpeg =
                tokio::task::spawn_blocking(move || receipt_jpeg(k as u64, 180, 240, taken(shot)))
                    .await
                    .map_err(ApiError::internal)?;
            replaying(past(t0), client.upload("/api/v1/photos", &meta, jpeg)).await?;
            replaying(
                t0 + 60_000,
                client.post(
                    &format!("/api/v1/claims/{claim_id}/expenses"),
                    &json!({"id": id(&format!("claim:{k}:expense")), "category": "parking",
                            "amount_minor": 2_500 + 500 * k as i64, "date": day.to_string(),
                            "photo_id": photo, "note": "客户商场地下停车"}),
                ),
            )
            .await?;
        }
        replaying(
            t0 + 5 * 60_000,
            client.post(&format!("/api/v1/claims/{claim_id}/submit"), &json!({})),
        )
        .await?;
        client.close().await?;
        if f == Fate::Submitted {
            continue;
        }
        let boss = Client::new(
            state,
            made.tenant,
            made.people[super::history::manager_of(company, rep)],
        )
        .await?;
        replaying(
            past(t0 + 24 * 3_600_000),
            boss.post(
                &format!("/api/v1/claims/{claim_id}/decision"),
                &json!({"decision": "approved", "comment": "已核对轨迹"}),
            ),
        )
        .await?;
        boss.close().await?;
        if f == Fate::Paid {
            to_pay.push(claim_id);
        }
    }
    if !to_pay.is_empty() {
        replaying(
            at(this_month + Duration::days(3), 6 * 60),
            finance.post(
                "/api/v1/payouts",
                &json!({"id": id(&format!("payout:{period}")),
                        "reference": format!("报销{}-01", period.to_string().replace('-', "")), "claim_ids": to_pay}),
            ),
        )
        .await?;
    }
    finance.close().await?;
    Ok(generated.created + generated.updated)
}
