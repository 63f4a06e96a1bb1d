//! Finance: payout batches of approved claims, and their exports (XLSX, CSV, JSON for an
//! ERP) whose totals equal the claims' totals to the fen — every figure comes from
//! `claims::payout_export` over the claims as frozen.

use super::Saved;
use super::claim_labels::{Vocabulary, label};
use super::claim_views::word as code;
use super::claims::stored_claim;
use crate::actions::{digest, id_reused};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use claims::{Claim, PayoutExport, payout_export};
use domain::access::{Action, Principal, Reach, Resource};
use domain::{EmployeeId, Problem, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::{PayoutRefused, StoredPayout};
use tabular::{Cell, Column, ColumnKind, SheetData};
use utoipa::ToSchema;
use uuid::Uuid;

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPayout {
    /// Client-generated id: a retry answers the stored batch.
    pub id: Uuid,
    /// The bank or ERP reference, unique in the tenant.
    #[schema(min_length = 1, max_length = 100)]
    pub reference: String,
    /// Approved claims of one period, at most one per rep.
    pub claim_ids: Vec<Uuid>,
}

#[derive(Clone, Debug, Serialize, ToSchema)]
pub struct PayoutView {
    pub id: Uuid,
    pub reference: String,
    pub period: String,
    pub currency: String,
    pub total_minor: i64,
    pub claim_ids: Vec<Uuid>,
    pub paid_by: Option<Uuid>,
    pub paid_at: DateTime<Utc>,
}

fn view(p: &StoredPayout) -> ApiResult<PayoutView> {
    Ok(PayoutView {
        id: p.id,
        reference: p.reference.clone(),
        period: p.period.clone(),
        currency: p.currency.clone(),
        total_minor: p.total_minor,
        claim_ids: serde_json::from_str(&p.claim_ids).map_err(ApiError::internal)?,
        paid_by: p.paid_by,
        paid_at: super::claim_views::instant(p.paid_ms),
    })
}

fn not_approved(field: String) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "claim_not_approved",
        "only approved claims can be paid",
    )
    .field(field, Problem::NotAllowed)
}

/// Marks approved claims paid under one reference, all or none; idempotent by client id.
pub async fn create(
    s: &AppState,
    principal: &Principal,
    input: NewPayout,
) -> ApiResult<Saved<PayoutView>> {
    let tenant = principal.tenant();
    super::reach(principal, Resource::Payouts, Action::Write)?;
    let body_digest = digest(&input);
    if let Some(done) = replay(s, tenant, input.id, &body_digest).await? {
        return done;
    }
    let mut rows = Vec::with_capacity(input.claim_ids.len());
    for (i, id) in input.claim_ids.iter().enumerate() {
        rows.push(crate::refs::found(
            format!("claim_ids[{i}]"),
            s.store.claim(tenant, *id, &Reach::Tenant).await,
        )?);
    }
    if let Some(i) = rows.iter().position(|r| r.status != "approved") {
        // A copy of this request sent at the same time may have paid them just now.
        if let Some(done) = replay(s, tenant, input.id, &body_digest).await? {
            return done;
        }
        return Err(not_approved(format!("claim_ids[{i}]")));
    }
    let claims: Vec<Claim> = rows.iter().map(stored_claim).collect::<ApiResult<_>>()?;
    let export = payout_export(&input.reference, &claims)
        .map_err(|e| ApiError::from(e).renamed("reference", "reference"))
        .map_err(|e| {
            if e.fields.is_empty() {
                let field = "claim_ids".to_owned();
                e.field(field, Problem::NotAllowed)
            } else {
                e
            }
        })?;
    let stored = StoredPayout {
        id: input.id,
        reference: export.reference.clone(),
        period: export.period.to_string(),
        currency: export.currency.to_string(),
        total_minor: export.total.minor,
        claim_ids: serde_json::to_string(&input.claim_ids).map_err(ApiError::internal)?,
        digest: body_digest.clone(),
        paid_by: match principal {
            Principal::User(u) => Some(u.employee.0),
            Principal::ApiKey(_) => None,
        },
        paid_ms: 0,
    };
    match s
        .store
        .create_payout(tenant, &stored, &input.claim_ids)
        .await?
    {
        Ok((p, created)) => {
            if p.digest != body_digest {
                return Err(id_reused());
            }
            Ok(Saved {
                item: view(&p)?,
                created,
            })
        }
        Err(PayoutRefused::NotApproved) => match replay(s, tenant, input.id, &body_digest).await? {
            Some(done) => done,
            None => Err(not_approved("claim_ids".into())),
        },
        Err(PayoutRefused::ReferenceTaken) => Err(ApiError::from(storage::StoreError::Conflict {
            field: "reference",
        })),
    }
}

/// The answer to a retried create: the stored batch under the client's id (200), or 409
/// when that id carried another body; `None` when no batch has the id.
async fn replay(
    s: &AppState,
    tenant: domain::TenantId,
    id: Uuid,
    body_digest: &str,
) -> ApiResult<Option<ApiResult<Saved<PayoutView>>>> {
    Ok(s.store.payout(tenant, id).await?.map(|p| {
        if p.digest != body_digest {
            return Err(id_reused());
        }
        Ok(Saved {
            item: view(&p)?,
            created: false,
        })
    }))
}

/// One batch.
pub async fn get(s: &AppState, principal: &Principal, id: Uuid) -> ApiResult<PayoutView> {
    super::reach(principal, Resource::Payouts, Action::Read)?;
    let p = s
        .store
        .payout(principal.tenant(), id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    view(&p)
}

/// The tenant's batches, oldest first; `period` (`2026-11`) keeps one period's.
pub async fn list(
    s: &AppState,
    principal: &Principal,
    period: Option<&str>,
    cursor: Option<&str>,
    limit: u32,
) -> ApiResult<storage::Page<PayoutView>> {
    super::reach(principal, Resource::Payouts, Action::Read)?;
    let period = match period {
        Some(p) => Some(
            p.trim()
                .parse::<claims::Period>()
                .map_err(|_| {
                    ApiError::bad_request("period", Problem::format(domain::Format::Month))
                })?
                .to_string(),
        ),
        None => None,
    };
    let page = s
        .store
        .list_payouts(principal.tenant(), period.as_deref(), cursor, limit)
        .await?;
    Ok(storage::Page {
        items: page.items.iter().map(view).collect::<ApiResult<_>>()?,
        next_cursor: page.next_cursor,
    })
}

/// A batch's export as the claims froze it.
pub struct Exported {
    pub export: PayoutExport,
    /// Name, employee number and department name of each rep.
    pub people: HashMap<EmployeeId, (String, String, String)>,
    /// Each rep's claim status (`paid` once the batch is stored).
    pub status: HashMap<EmployeeId, String>,
}

pub async fn export(s: &AppState, principal: &Principal, id: Uuid) -> ApiResult<Exported> {
    super::reach(principal, Resource::Payouts, Action::Read)?;
    let tenant: TenantId = principal.tenant();
    let p = s
        .store
        .payout(tenant, id)
        .await?
        .ok_or_else(ApiError::not_found)?;
    let rows = s.store.payout_claims(tenant, p.id).await?;
    let claims: Vec<Claim> = rows.iter().map(stored_claim).collect::<ApiResult<_>>()?;
    let export = payout_export(&p.reference, &claims).map_err(ApiError::internal)?;
    let status = rows
        .iter()
        .map(|r| (EmployeeId(r.employee_id), r.status.clone()))
        .collect();
    let names: HashMap<_, _> = s
        .store
        .list_departments(tenant, &Reach::Tenant)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let mut people = HashMap::new();
    for c in &claims {
        let e = s.store.employee(tenant, c.employee, &Reach::Tenant).await?;
        let dept = names.get(&e.department_id).cloned().unwrap_or_default();
        people.insert(
            c.employee,
            (e.name, e.employee_no.unwrap_or_default(), dept),
        );
    }
    Ok(Exported {
        export,
        people,
        status,
    })
}

fn km(m: i64) -> Cell {
    Cell::Decimal(m, 3)
}

fn money(minor: i64) -> Cell {
    Cell::Money(minor)
}

/// The workbook: a summary sheet (one row per rep, then the total), one sheet per claim
/// with its day lines (then a total row), and the expenses, each with its header row, frozen panes, autofilter and CNY formats. Codes
/// (status, day kind, vehicle, anti-cheat level, why a day pays nothing, expense
/// category) are written as words in the sheet's language.
pub fn workbook(x: &Exported, zh: bool) -> Vec<SheetData> {
    let e = &x.export;
    let word = |v: Vocabulary, code: &str| Cell::Text(label(v, code, zh));
    let who = |id: &EmployeeId| x.people.get(id).cloned().unwrap_or_default();
    let t = |en: &'static str, cn: &'static str| if zh { cn } else { en };
    let col = |h: &'static str, c: &'static str, kind| Column {
        header: t(h, c).to_owned(),
        kind,
    };
    use ColumnKind::{Money as M, Number as N, Text as T};
    let summary_cols = vec![
        col("Name", "姓名", T),
        col("Employee no.", "工号", T),
        col("Department", "部门", T),
        col("Status", "状态", T),
        col("Working days", "工作日", N(0)),
        col("Paid days", "计费天数", N(0)),
        col("Excluded days", "不计天数", N(0)),
        col("Flagged days", "待核查天数", N(0)),
        col("Recorded km", "记录里程(km)", N(3)),
        col("Paid km", "计费里程(km)", N(3)),
        col("Cut by caps", "封顶扣减", M),
        col("Mileage", "里程金额", M),
        col("Expenses", "其他费用", M),
        col("Total", "合计", M),
    ];
    let mut summary: Vec<Vec<Cell>> = e
        .summary
        .iter()
        .map(|r| {
            let (name, no, dept) = who(&r.employee);
            vec![
                Cell::Text(name),
                Cell::Text(no),
                Cell::Text(dept),
                word(
                    Vocabulary::ClaimStatus,
                    x.status.get(&r.employee).map_or("", String::as_str),
                ),
                Cell::Decimal(i64::from(r.working_days), 0),
                Cell::Decimal(i64::from(r.paid_days), 0),
                Cell::Decimal(i64::from(r.excluded_days), 0),
                Cell::Decimal(i64::from(r.flagged_days), 0),
                km(r.recorded_m.0),
                km(r.paid_m.0),
                money(r.cut_by_caps.minor),
                money(r.mileage.minor),
                money(r.expenses.minor),
                money(r.total.minor),
            ]
        })
        .collect();
    let mut total_row = vec![Cell::Text(t("Total", "合计").to_owned())];
    total_row.extend(std::iter::repeat_n(Cell::Empty, 10));
    total_row.extend([
        money(e.mileage.minor),
        money(e.expenses_total.minor),
        money(e.total.minor),
    ]);
    summary.push(total_row);
    let line_cols = vec![
        col("Date", "日期", T),
        col("Day", "日类型", T),
        col("Vehicle", "车辆", T),
        col("Plate", "车牌", T),
        col("Recorded km", "记录里程(km)", N(3)),
        col("Adjusted km", "调整里程(km)", N(3)),
        col("Adjustment reason", "调整原因", T),
        col("Paid km", "计费里程(km)", N(3)),
        col("Outside hours km", "工作时间外里程(km)", N(3)),
        col("Visits", "拜访", T),
        col("Start", "起点", T),
        col("End", "终点", T),
        col("Trips", "行程数", N(0)),
        col("Coverage %", "轨迹覆盖率%", N(1)),
        col("Anti-cheat", "防作弊", T),
        col("Amount", "金额", M),
        col("Not paid because", "不计原因", T),
    ];
    // One sheet per claim: its day lines, then a total row equal to the claim's mileage.
    let fixed = [t("Summary", "汇总"), t("Expenses", "费用明细")];
    let names = claim_sheet_names(e.summary.iter().map(|r| who(&r.employee)), &fixed);
    let mut claim_sheets = Vec::with_capacity(e.summary.len());
    for (r, name) in e.summary.iter().zip(names) {
        let mut rows: Vec<Vec<Cell>> = e
            .lines
            .iter()
            .filter(|l| l.employee == r.employee)
            .map(|l| {
                vec![
                    Cell::Text(l.date.to_string()),
                    word(Vocabulary::DayKind, &code(&l.kind)),
                    word(Vocabulary::Vehicle, &code(&l.vehicle)),
                    Cell::Text(l.plate.clone().unwrap_or_default()),
                    km(l.recorded_m.0),
                    l.adjusted_m.map_or(Cell::Empty, |m| km(m.0)),
                    Cell::Text(l.adjustment_reason.clone().unwrap_or_default()),
                    km(l.paid_m.0),
                    km(l.outside_m.0),
                    Cell::Text(l.visits.join(" → ")),
                    Cell::Text(l.start_place.clone().unwrap_or_default()),
                    Cell::Text(l.end_place.clone().unwrap_or_default()),
                    Cell::Decimal(i64::from(l.trips), 0),
                    Cell::Decimal(i64::from(l.coverage.percent_tenths()), 1),
                    l.anti_cheat
                        .map_or(Cell::Empty, |v| word(Vocabulary::AntiCheat, v.as_str())),
                    money(l.amount.minor),
                    l.zero_reason
                        .as_ref()
                        .map_or(Cell::Empty, |z| word(Vocabulary::ZeroReason, &code(z))),
                ]
            })
            .collect();
        let mut total = vec![Cell::Text(t("Total", "合计").to_owned())];
        total.extend(std::iter::repeat_n(Cell::Empty, 6));
        total.push(km(r.paid_m.0));
        total.extend(std::iter::repeat_n(Cell::Empty, 7));
        total.push(money(r.mileage.minor));
        total.push(Cell::Empty);
        rows.push(total);
        claim_sheets.push(SheetData {
            name,
            columns: line_cols.clone(),
            rows,
        });
    }
    let expense_cols = vec![
        col("Name", "姓名", T),
        col("Date", "日期", T),
        col("Category", "类别", T),
        col("Amount", "金额", M),
        col("Receipt photo", "票据照片", T),
    ];
    let expenses = e
        .expenses
        .iter()
        .map(|x| {
            vec![
                Cell::Text(who(&x.employee).0),
                Cell::Text(x.date.to_string()),
                word(Vocabulary::ExpenseCategory, &code(&x.category)),
                money(x.amount.minor),
                Cell::Text(x.receipt_photo.map(|p| p.0.to_string()).unwrap_or_default()),
            ]
        })
        .collect();
    let mut sheets = Vec::with_capacity(claim_sheets.len() + 2);
    sheets.push(SheetData {
        name: fixed[0].to_owned(),
        columns: summary_cols,
        rows: summary,
    });
    sheets.extend(claim_sheets);
    sheets.push(SheetData {
        name: fixed[1].to_owned(),
        columns: expense_cols,
        rows: expenses,
    });
    sheets
}

/// Excel's sheet names: at most 31 UTF-16 units, none of `[]:*?/\`, unique regardless of
/// case. A claim's sheet is its rep's name and employee number; a name met twice (or
/// equal to a fixed sheet's) gets " (2)", " (3)" ….
fn claim_sheet_names(
    people: impl Iterator<Item = (String, String, String)>,
    fixed: &[&str],
) -> Vec<String> {
    let clip = |text: &str, units: usize| {
        let mut out = String::new();
        let mut used = 0;
        for c in text.trim().chars() {
            let c = if "[]:*?/\\'".contains(c) || c.is_control() {
                '_'
            } else {
                c
            };
            used += c.len_utf16();
            if used > units {
                break;
            }
            out.push(c);
        }
        out.trim().to_owned()
    };
    let mut taken: std::collections::HashSet<String> =
        fixed.iter().map(|f| f.to_lowercase()).collect();
    let mut out = Vec::new();
    for (name, no, _) in people {
        let base = match (name.trim(), no.trim()) {
            ("", "") => "-".to_owned(),
            (n, "") => clip(n, 31),
            ("", no) => clip(no, 31),
            (n, no) => clip(&format!("{n} {no}"), 31),
        };
        let mut candidate = base.clone();
        let mut n = 2;
        while taken.contains(&candidate.to_lowercase()) {
            let suffix = format!(" ({n})");
            candidate = format!("{}{suffix}", clip(&base, 31 - suffix.len()));
            n += 1;
        }
        taken.insert(candidate.to_lowercase());
        out.push(candidate);
    }
    out
}

/// The summary as CSV: one row per rep, then the total; amounts as exact decimals.
pub fn csv_rows(x: &Exported, zh: bool) -> (Vec<&'static str>, Vec<Vec<String>>) {
    let e = &x.export;
    let headers = if zh {
        vec![
            "姓名",
            "工号",
            "部门",
            "工作日",
            "计费天数",
            "计费里程(km)",
            "里程金额",
            "其他费用",
            "合计",
            "币种",
        ]
    } else {
        vec![
            "name",
            "employee_no",
            "department",
            "working_days",
            "paid_days",
            "paid_km",
            "mileage",
            "expenses",
            "total",
            "currency",
        ]
    };
    let money = |m: claims::Money| m.to_decimal_string();
    let mut rows: Vec<Vec<String>> = e
        .summary
        .iter()
        .map(|r| {
            let (name, no, dept) = x.people.get(&r.employee).cloned().unwrap_or_default();
            vec![
                name,
                no,
                dept,
                r.working_days.to_string(),
                r.paid_days.to_string(),
                format!("{}.{:03}", r.paid_m.0 / 1000, r.paid_m.0 % 1000),
                money(r.mileage),
                money(r.expenses),
                money(r.total),
                e.currency.to_string(),
            ]
        })
        .collect();
    rows.push(vec![
        if zh { "合计" } else { "total" }.to_owned(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        String::new(),
        money(e.mileage),
        money(e.expenses_total),
        money(e.total),
        e.currency.to_string(),
    ]);
    (headers, rows)
}

#[cfg(test)]
mod tests {
    use super::claim_sheet_names;

    #[test]
    fn claim_sheets_have_unique_valid_names() {
        let people = [
            ("王芳", "E001"),
            ("王芳", "E001"),
            ("汇总", ""),
            ("a/b:c", ""),
            ("A very long name that Excel would refuse", "E1234567"),
            ("", ""),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned(), String::new()));
        let names = claim_sheet_names(people.into_iter(), &["汇总", "费用明细"]);
        assert_eq!(
            names,
            [
                "王芳 E001",
                "王芳 E001 (2)",
                "汇总 (2)",
                "a_b_c",
                "A very long name that Excel wou",
                "-",
            ]
        );
        assert!(names.iter().all(|n| n.encode_utf16().count() <= 31));
    }
}
