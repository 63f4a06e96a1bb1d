//! Mileage and expense claims (开车报销): drafts built from the stored day data, the rep's
//! adjustments and expenses, submission (a frozen snapshot), the decision, and the drafts
//! a period's end generates for every active rep.
//!
//! Lifecycle: `draft` → `submitted` → `approved` | `rejected` → `paid`. A draft (and a
//! rejected claim being reworked) follows the day data: it is recomputed when read and
//! when one of its days changes. A submitted claim never changes; reading it shows the
//! difference against a recomputation instead. Submission starts the claim's
//! `mileage_claim` approval request (`services::approvals`; `approval_id` links them): the
//! final approval marks the claim `approved`, a rejection makes it `rejected` (editable,
//! submitted again as the request's next round), a withdrawal returns it to `draft`.

use super::Saved;
use super::claim_input::{self, TenantBasis, claim_input};
use super::claim_views::{self, ClaimSummary, ClaimView, ExpenseView};
use crate::actions::{digest, id_reused};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::NaiveDate;
use claims::{
    Claim, ClaimSnapshot, EarlierReceipt, ExpenseId, Period, PeriodKind, ReceiptHash, build_claim,
    reused_receipts,
};
use domain::access::{Action, Principal, Reach, Resource};
use domain::employee::Employee;
use domain::{DepartmentId, EmployeeId, Invalid, Problem, TenantId};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use storage::{ClaimFigures, ClaimFilter, Page, StoredAdjustment, StoredClaim, StoredExpense};
use utoipa::ToSchema;
use uuid::Uuid;

const EDITABLE: [&str; 2] = ["draft", "rejected"];
const STATUSES: [&str; 5] = ["draft", "submitted", "approved", "rejected", "paid"];

fn not_editable() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "claim_not_editable",
        "the claim is submitted or decided; it can no longer change",
    )
}

fn caller_id(p: &Principal) -> Option<Uuid> {
    match p {
        Principal::User(u) => Some(u.employee.0),
        Principal::ApiKey(_) => None,
    }
}

/// How a period of `kind` is written, for a 422 that tells the caller.
pub(crate) fn period_format(kind: PeriodKind) -> domain::Format {
    match kind {
        PeriodKind::Month => domain::Format::Month,
        PeriodKind::HalfMonth => domain::Format::HalfMonth,
        PeriodKind::Week => domain::Format::IsoWeek,
    }
}

/// A period id a caller sent, which must be of the tenant's kind (`2026-11`, `2026-11-H1`
/// or `2026-W48`): anything else is a 422 on `field` saying which form is expected.
pub(crate) fn parse_period_of(kind: PeriodKind, field: &str, text: &str) -> ApiResult<Period> {
    kind.parse(text.trim()).map_err(|_| bad_period(kind, field))
}

/// A 422 `bad_period` on `field`, naming the form the tenant's periods are written in.
pub(crate) fn bad_period(kind: PeriodKind, field: &str) -> ApiError {
    let (what, example) = match kind {
        PeriodKind::Month => ("months", "2026-11"),
        PeriodKind::HalfMonth => ("half-months", "2026-11-H1"),
        PeriodKind::Week => ("ISO weeks", "2026-W48"),
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "bad_period",
        format!("this tenant's claim periods are {what}, written like {example}"),
    )
    .field(field, Problem::format(period_format(kind)))
}

pub(crate) fn parse_period(field: &str, text: &str) -> ApiResult<Period> {
    text.trim()
        .parse::<Period>()
        .map_err(|e| ApiError::from(e).renamed("period", field))
}

/// The figures stored beside a computed claim.
pub(crate) fn figures(c: &Claim) -> ApiResult<ClaimFigures> {
    Ok(ClaimFigures {
        currency: c.currency.to_string(),
        mileage_minor: c.totals.mileage.minor,
        expenses_minor: c.totals.expenses.minor,
        total_minor: c.totals.total.minor,
        paid_m: c.totals.paid_m.0,
        rate_refs: serde_json::to_string(&c.rates_used()).map_err(ApiError::internal)?,
        claim: serde_json::to_string(c).map_err(ApiError::internal)?,
    })
}

pub(crate) fn stored_claim(row: &StoredClaim) -> ApiResult<Claim> {
    serde_json::from_str(&row.claim).map_err(ApiError::internal)
}

/// A claim row with its freshest figures: an editable claim is recomputed from the current
/// data (and stored when that changed it); any other answers what it froze.
async fn current(
    s: &AppState,
    basis: &mut TenantBasis,
    tenant: TenantId,
    mut row: StoredClaim,
    person: &Employee,
) -> ApiResult<(StoredClaim, Claim)> {
    if !EDITABLE.contains(&row.status.as_str()) {
        let claim = stored_claim(&row)?;
        return Ok((row, claim));
    }
    let period = parse_period("period", &row.period)?;
    let input = claim_input(s, basis, tenant, person, period, Some(row.id)).await?;
    let claim = build_claim(&input, &basis.rates)?;
    let f = figures(&claim)?;
    if f.claim != row.claim && s.store.update_editable_claim(tenant, row.id, &f).await? {
        row = s.store.claim(tenant, row.id, &Reach::Tenant).await?;
    }
    Ok((row, claim))
}

async fn full_view(
    s: &AppState,
    basis: &mut TenantBasis,
    tenant: TenantId,
    row: StoredClaim,
    person: &Employee,
) -> ApiResult<ClaimView> {
    let (row, claim) = current(s, basis, tenant, row, person).await?;
    let adjustments = s.store.claim_adjustments(tenant, row.id).await?;
    let hashes: Vec<String> = claim
        .expenses
        .iter()
        .filter_map(|e| e.receipt_hash.as_ref().map(|h| h.as_str().to_owned()))
        .collect();
    let earlier: Vec<EarlierReceipt> = s
        .store
        .receipts_seen(tenant, &hashes)
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(EarlierReceipt {
                hash: ReceiptHash::parse(&r.receipt_hash).ok()?,
                expense: ExpenseId(r.id),
            })
        })
        .collect();
    let reuse = reused_receipts(&claim.expenses, &earlier);
    let diff = match row.snapshot.as_deref() {
        Some(snap) if !EDITABLE.contains(&row.status.as_str()) => {
            let snapshot: ClaimSnapshot = serde_json::from_str(snap).map_err(ApiError::internal)?;
            let period = parse_period("period", &row.period)?;
            let mut input = claim_input(s, basis, tenant, person, period, Some(row.id)).await?;
            // The frozen adjustments and expenses are the claim's; only the day data moves.
            input.adjustments = snapshot
                .input
                .adjustments
                .iter()
                .filter(|a| input.days.iter().any(|d| d.date == a.date))
                .cloned()
                .collect();
            input.expenses = snapshot.input.expenses.clone();
            build_claim(&input, &basis.rates)
                .ok()
                .map(|now| snapshot.compare(&now))
        }
        _ => None,
    };
    let summary = claim_views::summary(&row, &claim, person.name.clone(), person.department_id);
    claim_views::view(summary, &claim, &adjustments, &reuse, diff.as_ref())
}

async fn reached_claim(
    s: &AppState,
    principal: &Principal,
    action: Action,
    id: Uuid,
) -> ApiResult<(StoredClaim, Employee, Reach)> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Claims, action)?;
    let row = s.store.claim(tenant, id, &reach).await?;
    let person = s
        .store
        .employee(tenant, EmployeeId(row.employee_id), &Reach::Tenant)
        .await?;
    Ok((row, person, reach))
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewClaim {
    /// The rep; the caller when left out (a rep creates their own).
    pub employee_id: Option<EmployeeId>,
    /// In the tenant's claim period (`GET /api/v1/claim-settings`): `2026-11` for months,
    /// `2026-11-H1`/`H2` for half-months, `2026-W48` for ISO weeks. Left out: the period
    /// today falls in. A claim that exists answers whatever its period's kind.
    pub period: Option<String>,
}

/// The rep's draft for the period: created from the day data, or the one that exists
/// (one claim per rep and period, however many times and concurrently it is asked for).
/// A new claim's period must be of the tenant's kind.
pub async fn create(
    s: &AppState,
    principal: &Principal,
    input: NewClaim,
) -> ApiResult<Saved<ClaimView>> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Claims, Action::Write)?;
    let kind = super::claim_setup::period_kind(s, tenant).await?;
    let period = match input.period.as_deref() {
        None => {
            let tz = s.tenant_zone(tenant).await?;
            Period::containing(kind, chrono::Utc::now().with_timezone(&tz).date_naive())
        }
        Some(text) => text
            .trim()
            .parse::<Period>()
            .map_err(|_| bad_period(kind, "period"))?,
    };
    let employee = match (input.employee_id, caller_id(principal)) {
        (Some(e), _) => e,
        (None, Some(me)) => EmployeeId(me),
        (None, None) => {
            return Err(ApiError::invalid_one("employee_id", Problem::Required));
        }
    };
    let person = crate::refs::employee(s, tenant, &reach, "employee_id", employee).await?;
    let mut basis = TenantBasis::load(s, tenant).await?;
    let (row, created) = match s
        .store
        .claim_of(tenant, person.id, &period.to_string())
        .await?
    {
        Some(row) => (row, false),
        None => {
            // Claims of another kind stay readable; new ones follow the setting.
            let period = parse_period_of(kind, "period", &period.to_string())?;
            let input = claim_input(s, &mut basis, tenant, &person, period, None).await?;
            let claim = build_claim(&input, &basis.rates)?;
            s.store
                .create_draft_claim(
                    tenant,
                    person.id,
                    &period.to_string(),
                    caller_id(principal),
                    &figures(&claim)?,
                )
                .await?
        }
    };
    Ok(Saved {
        item: full_view(s, &mut basis, tenant, row, &person).await?,
        created,
    })
}

/// One claim the caller reaches.
pub async fn get(s: &AppState, principal: &Principal, id: Uuid) -> ApiResult<ClaimView> {
    let (row, person, _) = reached_claim(s, principal, Action::Read, id).await?;
    let tenant = principal.tenant();
    let mut basis = TenantBasis::load(s, tenant).await?;
    full_view(s, &mut basis, tenant, row, &person).await
}

/// Which claims to list.
pub struct ClaimQuery {
    pub period: Option<String>,
    pub employee_id: Option<EmployeeId>,
    pub department_id: Option<DepartmentId>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// The claims the caller reaches (a rep's own, a manager's subtree, everyone for finance
/// and admins), oldest first. Figures are as last computed.
pub async fn list(
    s: &AppState,
    principal: &Principal,
    q: ClaimQuery,
) -> ApiResult<Page<ClaimSummary>> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Claims, Action::Read)?;
    if let Some(st) = q.status.as_deref()
        && !STATUSES.contains(&st)
    {
        return Err(ApiError::bad_request(
            "status",
            Problem::unknown_value(&STATUSES),
        ));
    }
    let period = match q.period.as_deref() {
        Some(p) => match p.trim().parse::<Period>() {
            Ok(p) => Some(p.to_string()),
            Err(_) => {
                let kind = super::claim_setup::period_kind(s, tenant).await?;
                return Err(ApiError::bad_request(
                    "period",
                    Problem::format(period_format(kind)),
                ));
            }
        },
        None => None,
    };
    let page = s
        .store
        .list_claims(
            tenant,
            &reach,
            &ClaimFilter {
                period,
                employee_id: q.employee_id,
                department_id: q.department_id,
                status: q.status,
                cursor: q.cursor,
                limit: q.limit,
            },
        )
        .await?;
    let mut people: HashMap<Uuid, (String, DepartmentId)> = HashMap::new();
    let mut items = Vec::with_capacity(page.items.len());
    for row in page.items {
        if let std::collections::hash_map::Entry::Vacant(slot) = people.entry(row.employee_id) {
            let p = s
                .store
                .employee(tenant, EmployeeId(row.employee_id), &Reach::Tenant)
                .await?;
            slot.insert((p.name, p.department_id));
        }
        let (name, dept) = people[&row.employee_id].clone();
        let claim = stored_claim(&row)?;
        items.push(claim_views::summary(&row, &claim, name, dept));
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineAdjustment {
    /// The distance the rep drove for work that day, in metres.
    pub meters: i64,
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// The rep (or a manager for them) replaces one working day's distance, with a reason;
/// the recorded distance stays on the line beside it.
pub async fn adjust(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    date: &str,
    a: LineAdjustment,
) -> ApiResult<ClaimView> {
    let tenant = principal.tenant();
    let date: NaiveDate = date
        .parse()
        .map_err(|_| ApiError::bad_request("date", Problem::format(domain::Format::Date)))?;
    let (row, person, _) = reached_claim(s, principal, Action::Write, id).await?;
    if !EDITABLE.contains(&row.status.as_str()) {
        return Err(not_editable());
    }
    let period = parse_period("period", &row.period)?;
    let mut basis = TenantBasis::load(s, tenant).await?;
    let mut input = claim_input(s, &mut basis, tenant, &person, period, Some(row.id)).await?;
    let adjustment = claims::Adjustment {
        date,
        meters: claims::WholeMeters(a.meters),
        reason: a.reason.trim().to_owned(),
    };
    input.adjustments.retain(|x| x.date != date);
    input.adjustments.push(adjustment.clone());
    build_claim(&input, &basis.rates).map_err(|e| {
        ApiError::from(e)
            .renamed("adjustments.meters", "meters")
            .renamed("adjustments.reason", "reason")
            .renamed("adjustments.date", "date")
    })?;
    let stored = StoredAdjustment {
        day: date.to_string(),
        meters: a.meters,
        reason: adjustment.reason,
        by_id: caller_id(principal),
        at_ms: crate::now_ms(),
    };
    if !s.store.put_adjustment(tenant, row.id, &stored).await? {
        return Err(not_editable());
    }
    full_view(s, &mut basis, tenant, row, &person).await
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewExpense {
    /// Client-generated id: a retry answers the stored expense.
    pub id: Uuid,
    #[schema(value_type = crate::openapi::values::ExpenseCategory)]
    pub category: String,
    /// In minor units (fen).
    pub amount_minor: i64,
    /// ISO 4217; the claim's currency (CNY) when left out.
    pub currency: Option<String>,
    #[schema(format = Date)]
    pub date: String,
    /// The receipt photo (uploaded by the rep through `POST /api/v1/photos` with purpose
    /// `receipt`); a receipt already claimed anywhere in the tenant — the same file or a
    /// resized or re-encoded copy — is flagged (`duplicate_of`).
    pub photo_id: Option<Uuid>,
    #[schema(max_length = 500)]
    pub note: Option<String>,
}

/// Adds an expense to an editable claim; idempotent by its client id.
pub async fn add_expense(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    e: NewExpense,
) -> ApiResult<Saved<ExpenseView>> {
    let tenant = principal.tenant();
    let body_digest = digest(&e);
    let (row, person, _) = reached_claim(s, principal, Action::Write, id).await?;
    if let Some(stored) = s.store.expense(tenant, e.id).await? {
        if stored.digest != body_digest || stored.claim_id != row.id {
            return Err(id_reused());
        }
        return Ok(Saved {
            item: expense_view(s, tenant, &stored).await?,
            created: false,
        });
    }
    if !EDITABLE.contains(&row.status.as_str()) {
        return Err(not_editable());
    }
    let category: claims::ExpenseCategory =
        serde_json::from_value(serde_json::Value::String(e.category.clone())).map_err(|_| {
            ApiError::invalid_one(
                "category",
                Problem::unknown_value(&["toll", "parking", "fuel", "other"]),
            )
        })?;
    let currency: claims::Currency = match &e.currency {
        Some(c) => c
            .parse()
            .map_err(|err| ApiError::from(err).renamed("currency", "currency"))?,
        None => claims::Currency::CNY,
    };
    let date: NaiveDate = e
        .date
        .parse()
        .map_err(|_| ApiError::invalid_one("date", Problem::format(domain::Format::Date)))?;
    let receipt_hash = match e.photo_id {
        Some(photo) => Some(receipt_key(s, tenant, person.id, photo).await?),
        None => None,
    };
    let expense = claims::Expense {
        id: ExpenseId(e.id),
        category,
        amount: claims::Money::new(e.amount_minor, currency),
        date,
        receipt_photo: e.photo_id.map(domain::ids::PhotoId),
        receipt_hash: receipt_hash
            .as_deref()
            .map(ReceiptHash::parse)
            .transpose()
            .map_err(ApiError::internal)?,
        note: e.note.as_deref().map(str::trim).map(str::to_owned),
    };
    let period = parse_period("period", &row.period)?;
    let mut basis = TenantBasis::load(s, tenant).await?;
    let mut input = claim_input(s, &mut basis, tenant, &person, period, Some(row.id)).await?;
    input.expenses.push(expense.clone());
    build_claim(&input, &basis.rates).map_err(|err| {
        ApiError::from(err)
            .renamed("expenses.amount", "amount_minor")
            .renamed("expenses.date", "date")
            .renamed("expenses.note", "note")
    })?;
    let stored = StoredExpense {
        id: e.id,
        claim_id: row.id,
        employee_id: person.id.0,
        category: e.category.clone(),
        amount_minor: e.amount_minor,
        currency: currency.to_string(),
        day: date.to_string(),
        photo_id: e.photo_id,
        receipt_hash,
        note: expense.note,
        digest: body_digest.clone(),
        created_by: caller_id(principal),
        created_ms: 0,
    };
    let Some((stored, created)) = s.store.insert_expense(tenant, &stored).await? else {
        return Err(not_editable());
    };
    if stored.digest != body_digest || stored.claim_id != row.id {
        return Err(id_reused());
    }
    // The claim follows its new expense at once.
    current(s, &mut basis, tenant, row, &person).await?;
    Ok(Saved {
        item: expense_view(s, tenant, &stored).await?,
        created,
    })
}

/// The key a receipt is known by across the tenant: the SHA-256 of the first photo of
/// it. The upload pipeline flags a photo that repeats an earlier one (the same bytes, or
/// a resized or re-encoded copy by its perceptual hash) with `photo_reused`; a receipt
/// repeating an earlier receipt takes that one's key, so claiming a re-photographed copy
/// shows `duplicate_of` as claiming the same file does. Only the rep's own receipt
/// photos (purpose `receipt`) are accepted.
async fn receipt_key(
    s: &AppState,
    tenant: TenantId,
    rep: EmployeeId,
    photo: Uuid,
) -> ApiResult<String> {
    let mut p = match s.store.photo(tenant, photo).await {
        Ok(p) if p.employee_id == rep.0 && p.purpose == "receipt" => p,
        Ok(_) | Err(storage::StoreError::NotFound) => {
            return Err(ApiError::invalid_one("photo_id", Problem::NotFound));
        }
        Err(err) => return Err(err.into()),
    };
    // Each step goes to an earlier photo, so the walk ends; the bound is for safety.
    for _ in 0..8 {
        let flags: Vec<domain::evidence::Flag> =
            serde_json::from_str(&p.flags).map_err(ApiError::internal)?;
        let Some(earlier) = flags
            .iter()
            .filter(|f| f.code == domain::evidence::FlagCode::PhotoReused)
            .find_map(|f| f.evidence["photo_id"].as_str()?.parse::<Uuid>().ok())
        else {
            break;
        };
        match s.store.photo(tenant, earlier).await {
            Ok(e) if e.purpose == "receipt" => p = e,
            Ok(_) | Err(storage::StoreError::NotFound) => break,
            Err(err) => return Err(err.into()),
        }
    }
    Ok(p.sha256)
}

async fn expense_view(
    s: &AppState,
    tenant: TenantId,
    stored: &StoredExpense,
) -> ApiResult<ExpenseView> {
    let e = claim_input::expense(stored)?;
    let earlier: Vec<EarlierReceipt> = match &stored.receipt_hash {
        None => Vec::new(),
        Some(h) => s
            .store
            .receipts_seen(tenant, std::slice::from_ref(h))
            .await?
            .into_iter()
            .filter_map(|r| {
                Some(EarlierReceipt {
                    hash: ReceiptHash::parse(&r.receipt_hash).ok()?,
                    expense: ExpenseId(r.id),
                })
            })
            .collect(),
    };
    let reuse = reused_receipts(std::slice::from_ref(&e), &earlier);
    Ok(claim_views::expense(&e, &reuse))
}

/// Freezes the claim as submitted: its input and the rate versions it used become the
/// snapshot, which recomputes exactly whatever changes afterwards. The claim's
/// `mileage_claim` approval request starts (or, after a rejection or a withdrawal, its
/// next round does) in the same transaction.
pub async fn submit(s: &AppState, principal: &Principal, id: Uuid) -> ApiResult<ClaimView> {
    let tenant = principal.tenant();
    submit_as_request(s, principal, id, None, approvals::Choices::default()).await?;
    let (row, person, _) = reached_claim(s, principal, Action::Read, id).await?;
    let mut basis = TenantBasis::load(s, tenant).await?;
    full_view(s, &mut basis, tenant, row, &person).await
}

/// Submits the claim through its approval request: `new` is the request's client id and
/// body digest when `POST /requests` asked (a replay answers `false`). Answers whether a
/// request was created.
pub(crate) async fn submit_as_request(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    new: Option<(Uuid, &str)>,
    choices: approvals::Choices,
) -> ApiResult<bool> {
    let tenant = principal.tenant();
    let (row, person, _) = reached_claim(s, principal, Action::Write, id).await?;
    if let Some((request, d)) = new
        && let Some(existing) = super::approvals::stored_digest(s, tenant, request).await?
    {
        return if existing == d {
            Ok(false)
        } else {
            Err(crate::actions::id_reused())
        };
    }
    if !EDITABLE.contains(&row.status.as_str()) {
        return Err(not_editable());
    }
    let period = parse_period("period", &row.period)?;
    let mut basis = TenantBasis::load(s, tenant).await?;
    let input = claim_input(s, &mut basis, tenant, &person, period, Some(row.id)).await?;
    let snapshot = ClaimSnapshot::freeze(input, &basis.rates)?;
    let f = figures(&snapshot.claim)?;
    let text = serde_json::to_string(&snapshot).map_err(ApiError::internal)?;
    let fallback = crate::actions::sha256_hex(format!("claim {id}").as_bytes());
    let (request, d) = new.unwrap_or((Uuid::now_v7(), &fallback));
    let frozen = super::approvals::ClaimFreeze {
        claim: &row,
        figures: &f,
        snapshot: &text,
        by: caller_id(principal),
    };
    super::approvals::submit_claim(s, tenant, frozen, (request, d), choices).await
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClaimDecision {
    #[schema(value_type = crate::openapi::values::DecisionStatus)]
    pub decision: String,
    #[schema(max_length = 500)]
    pub comment: Option<String>,
}

/// The decision through the claim: a thin wrapper over its approval request, decided by
/// whoever the tenant's `mileage_claim` flow waits for (a claim submitted before the
/// engine keeps the single decision by a manager who reaches the rep). Nobody decides
/// their own; a claim the caller cannot read is a 404.
pub async fn decide(
    s: &AppState,
    principal: &Principal,
    id: Uuid,
    d: ClaimDecision,
) -> ApiResult<ClaimView> {
    let tenant = principal.tenant();
    if !["approved", "rejected"].contains(&d.decision.as_str()) {
        return Err(ApiError::invalid_one(
            "decision",
            Problem::unknown_value(&["approved", "rejected"]),
        ));
    }
    let comment = match d.comment.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(c) => Some(
            domain::tenant::clean_name(c, 500)
                .map_err(|p| ApiError::invalid(Invalid::one("comment", p)))?,
        ),
    };
    let reach = super::reach(principal, Resource::Claims, Action::Read)?;
    let row = s.store.claim(tenant, id, &reach).await?;
    if caller_id(principal) == Some(row.employee_id) {
        return Err(ApiError::forbidden());
    }
    let already = || {
        ApiError::new(
            StatusCode::CONFLICT,
            "already_decided",
            "this claim was already decided",
        )
    };
    if row.status != "submitted" {
        return Err(
            if EDITABLE.contains(&row.status.as_str()) && row.decided_ms.is_none() {
                ApiError::new(
                    StatusCode::CONFLICT,
                    "claim_not_submitted",
                    "the claim has not been submitted",
                )
            } else {
                already()
            },
        );
    }
    match super::approvals::request_of_subject(s, tenant, id).await? {
        Some(request) => {
            super::approvals::decide_subject(
                s,
                principal,
                request,
                d.decision == "approved",
                comment,
            )
            .await?;
        }
        None => {
            // Submitted before the approval engine: the single decision it had then.
            super::reach(principal, Resource::ClaimDecisions, Action::Write)?;
            if !s
                .store
                .decide_claim(
                    tenant,
                    id,
                    &d.decision,
                    caller_id(principal),
                    comment.as_deref(),
                )
                .await?
            {
                return Err(already());
            }
        }
    }
    get(s, principal, id).await
}

/// What a generation run did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Generated {
    pub reps: usize,
    pub created: usize,
    pub updated: usize,
    /// Submitted or decided claims, left as they are.
    pub frozen: usize,
    /// Reps whose every day of the period is in an older claim of another period (the
    /// tenant changed its claim period): no draft is made.
    pub covered: usize,
    pub failed: usize,
}

/// How many reps' claims a generation run computes at once: each worker reads its reps'
/// rows and writes their drafts on a connection of its own, so the database's round
/// trips overlap instead of adding up.
const GENERATE_WORKERS: usize = 4;

/// Drafts for every active field rep of the tenant for `period` (existing drafts are
/// brought up to date; submitted claims are left alone). Idempotent. The period must be of
/// the tenant's kind (a 422 on `period` otherwise).
pub async fn generate(s: &AppState, tenant: TenantId, period: Period) -> ApiResult<Generated> {
    let kind = super::claim_setup::period_kind(s, tenant).await?;
    if period.kind() != kind {
        return Err(bad_period(kind, "period"));
    }
    let people = super::report_facts::field_reps(s, tenant).await?;
    let mut workers = tokio::task::JoinSet::new();
    for chunk in people.chunks(people.len().div_ceil(GENERATE_WORKERS).max(1)) {
        let (s, chunk) = (s.clone(), chunk.to_vec());
        workers.spawn(async move {
            let mut basis = TenantBasis::load(&s, tenant).await?;
            let mut out = Generated::default();
            for person in &chunk {
                out.reps += 1;
                match generate_one(&s, &mut basis, tenant, person, period).await {
                    Ok(Outcome::Created) => out.created += 1,
                    Ok(Outcome::Updated) => out.updated += 1,
                    Ok(Outcome::Frozen) => out.frozen += 1,
                    Ok(Outcome::Covered) => out.covered += 1,
                    Err(e) => {
                        out.failed += 1;
                        tracing::warn!(employee = %person.id.0, error = %e.message, "claim generation failed");
                    }
                }
            }
            ApiResult::Ok(out)
        });
    }
    let mut out = Generated::default();
    while let Some(done) = workers.join_next().await {
        let part = done.map_err(ApiError::internal)??;
        out.reps += part.reps;
        out.created += part.created;
        out.updated += part.updated;
        out.frozen += part.frozen;
        out.covered += part.covered;
        out.failed += part.failed;
    }
    Ok(out)
}

enum Outcome {
    Created,
    Updated,
    Frozen,
    Covered,
}

async fn generate_one(
    s: &AppState,
    basis: &mut TenantBasis,
    tenant: TenantId,
    person: &Employee,
    period: Period,
) -> ApiResult<Outcome> {
    let existing = s
        .store
        .claim_of(tenant, person.id, &period.to_string())
        .await?;
    match existing {
        Some(row) if !EDITABLE.contains(&row.status.as_str()) => Ok(Outcome::Frozen),
        Some(row) => {
            current(s, basis, tenant, row, person).await?;
            Ok(Outcome::Updated)
        }
        None => {
            if claim_input::covered_elsewhere(s, tenant, person, period).await? {
                return Ok(Outcome::Covered);
            }
            let input = claim_input(s, basis, tenant, person, period, None).await?;
            let claim = build_claim(&input, &basis.rates)?;
            let (_, created) = s
                .store
                .create_draft_claim(
                    tenant,
                    person.id,
                    &period.to_string(),
                    None,
                    &figures(&claim)?,
                )
                .await?;
            Ok(if created {
                Outcome::Created
            } else {
                Outcome::Updated
            })
        }
    }
}

/// After a day's summary changed: the rep's editable claims whose period holds the day
/// follow it (whatever the period's kind: a claim made before the tenant changed its
/// period keeps following its days).
pub async fn day_changed(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    date: NaiveDate,
) -> ApiResult<()> {
    let mut basis = None;
    let mut person = None;
    for kind in PeriodKind::ALL {
        let period = Period::containing(kind, date);
        let Some(row) = s
            .store
            .claim_of(tenant, employee, &period.to_string())
            .await?
        else {
            continue;
        };
        if !EDITABLE.contains(&row.status.as_str()) {
            continue;
        }
        let person = match &person {
            Some(p) => p,
            None => person.insert(s.store.employee(tenant, employee, &Reach::Tenant).await?),
        };
        let basis = match &mut basis {
            Some(b) => b,
            None => basis.insert(TenantBasis::load(s, tenant).await?),
        };
        current(s, basis, tenant, row, person).await?;
    }
    Ok(())
}
