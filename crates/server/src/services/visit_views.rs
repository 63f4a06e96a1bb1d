//! What a visit looks like to its readers: the views the check-in answer, the detail, the
//! lists and the rep's day show, and the one flag set they all read, recomputed after
//! every part's write (`domain::visit_flags`).

use crate::actions::{from_json, to_json};
use crate::error::{ApiError, ApiResult};
use crate::services::photos::{PhotoView, view as photo_view};
use crate::state::AppState;
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use domain::access::Reach;
use domain::attendance::local_instant;
use domain::customer::Customer;
use domain::evidence::Flag;
use domain::evidence::FlagCode;
use domain::ids::FormId;
use domain::visit_flags::{VisitFacts, visit_flags};
use domain::visit_rule::{CheckinStatus, CheckoutRequires, VisitPolicy, VisitRule};
use domain::{CustomerId, EmployeeId, Format, Problem, TenantId};
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::{FlagBasis, FlagWrite, StoreError, StoredPhoto, VisitRecord};
use utoipa::ToSchema;
use uuid::Uuid;

/// The kind under which visit rules are stored.
pub(crate) const RULE: &str = "visit";

/// The visit rule that applies to a person's department, validated.
pub(crate) async fn policy_for(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
) -> ApiResult<VisitPolicy> {
    let person = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    policy_in(s, tenant, person.department_id).await
}

/// The visit rule that applies in a department, validated.
pub(crate) async fn policy_in(
    s: &AppState,
    tenant: TenantId,
    department: domain::DepartmentId,
) -> ApiResult<VisitPolicy> {
    let rule: VisitRule = super::rules::rule_for(s, tenant, RULE, department).await?;
    Ok(rule.validate()?)
}

// ---- views ----

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
pub struct PlaceJudgement {
    pub status: CheckinStatus,
    /// Metres from the fix to the customer; null when the customer has no location.
    pub distance_m: Option<f64>,
    pub radius_m: f64,
}

#[derive(Serialize, ToSchema)]
pub struct CheckinView {
    pub t: DateTime<Utc>,
    /// The device's UTC offset in minutes when it acted.
    pub offset_min: Option<i16>,
    /// Null when the check-in came without a position (flagged `no_fix`).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    #[serde(flatten)]
    pub judgement: PlaceJudgement,
}

#[derive(Serialize, Deserialize, ToSchema, Clone, Copy)]
pub struct CheckoutJudgementView {
    pub duration_s: i64,
    pub min_duration_s: i64,
    pub too_short: bool,
    pub distance_m: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct CheckoutView {
    pub t: DateTime<Utc>,
    pub offset_min: Option<i16>,
    /// Null when the check-out came without a position (flagged `no_fix`).
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    #[serde(flatten)]
    pub judgement: CheckoutJudgementView,
}

#[derive(Serialize, ToSchema)]
pub struct ReportView {
    pub form_id: FormId,
    pub form_version: i32,
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    pub t: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct FormRef {
    pub id: FormId,
    pub version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct VisitView {
    pub id: Uuid,
    pub employee_id: EmployeeId,
    pub customer_id: CustomerId,
    /// `planned`, `ad_hoc` or `prospect`.
    pub kind: String,
    pub check_in: CheckinView,
    pub check_out: Option<CheckoutView>,
    pub report: Option<ReportView>,
    /// Present on a single visit; lists leave it out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub photos: Option<Vec<PhotoView>>,
    /// The visit's flags, each code once: its check-in's, check-out's and photos' flags
    /// and, once checked out, `photos_missing` / `report_missing` (`domain::visit_flags`).
    /// Lists and the single visit show the same set; `?flag=` filters by it.
    pub flags: Vec<Flag>,
    /// On a single visit: the report form the visit rule assigns to this customer (its
    /// latest version), how many photos the rule asks for, and what it requires before
    /// check-out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form: Option<FormRef>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_photos: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkout_requires: Option<CheckoutRequires>,
    pub received_at: DateTime<Utc>,
    /// When the visit last changed: check-in, check-out, report, a photo (its flags
    /// follow those; `updated_since` on the list compares this).
    pub updated_at: DateTime<Utc>,
}

pub(crate) fn instant(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Builds the view from a visit whose flag set is computed ([`refresh_flags`]); with
/// `photos`, the single-visit form.
fn visit_view(v: VisitRecord, photos: Option<&[StoredPhoto]>) -> ApiResult<VisitView> {
    let c = &v.checkin;
    let flags: Vec<Flag> = match &v.flags_json {
        Some(json) => from_json(json)?,
        None => return Err(ApiError::internal("a visit's flags were not computed")),
    };
    let check_out = match &v.checkout {
        Some(o) => Some(CheckoutView {
            t: instant(o.fix.t_ms),
            offset_min: o.fix.offset_min,
            lat: o.fix.lat,
            lon: o.fix.lon,
            accuracy_m: o.fix.accuracy_m,
            judgement: from_json(&o.judgement_json)?,
        }),
        None => None,
    };
    let photos = photos
        .map(|list| list.iter().map(photo_view).collect::<ApiResult<Vec<_>>>())
        .transpose()?;
    Ok(VisitView {
        id: c.id,
        employee_id: c.employee,
        customer_id: c.customer,
        kind: c.kind.clone(),
        check_in: CheckinView {
            t: instant(c.fix.t_ms),
            offset_min: c.fix.offset_min,
            lat: c.fix.lat,
            lon: c.fix.lon,
            accuracy_m: c.fix.accuracy_m,
            judgement: from_json(&c.judgement_json)?,
        },
        check_out,
        report: v
            .report
            .as_ref()
            .map(|r| -> ApiResult<ReportView> {
                Ok(ReportView {
                    form_id: FormId(r.form_id),
                    form_version: r.form_version,
                    answers: from_json(&r.answers_json)?,
                    t: instant(r.t_ms),
                })
            })
            .transpose()?,
        photos,
        flags,
        form: None,
        required_photos: None,
        checkout_requires: None,
        received_at: instant(v.received_ms),
        updated_at: instant(v.updated_ms),
    })
}

/// What a visit's flag set and full view read besides the visit: its rule, its photos
/// and its customer (none when deleted since). Read once per write and shared by both.
pub(crate) struct VisitParts {
    pub policy: VisitPolicy,
    pub photos: Vec<StoredPhoto>,
    pub customer: Option<Customer>,
}

impl VisitParts {
    async fn read(
        s: &AppState,
        tenant: TenantId,
        v: &VisitRecord,
        policy: VisitPolicy,
    ) -> ApiResult<VisitParts> {
        Ok(VisitParts {
            policy,
            photos: s.store.visit_photos(tenant, v.checkin.id).await?,
            customer: optional_customer(s, tenant, v.checkin.customer).await?,
        })
    }

    /// Whether a report form applies to the visited customer (a deleted one has none).
    pub fn report_required(&self) -> bool {
        self.customer
            .as_ref()
            .is_some_and(|c| self.policy.form_for(c.level, &c.tags).is_some())
    }
}

/// The visited customer, or none when it was deleted since: the visit stays readable.
pub(crate) async fn optional_customer(
    s: &AppState,
    tenant: TenantId,
    id: CustomerId,
) -> ApiResult<Option<Customer>> {
    match s.store.customer(tenant, id, &Reach::Tenant).await {
        Ok(c) => Ok(Some(c)),
        Err(StoreError::NotFound) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// The visit's one flag set from its parts, as `domain::visit_flags` decides it.
fn flags_of(
    v: &VisitRecord,
    photos: &[StoredPhoto],
    policy: &VisitPolicy,
    report_required: bool,
) -> ApiResult<Vec<Flag>> {
    let check_in: Vec<Flag> = from_json(&v.checkin.flags_json)?;
    let check_out: Option<Vec<Flag>> = v
        .checkout
        .as_ref()
        .map(|o| from_json(&o.flags_json))
        .transpose()?;
    let photo_flags: Vec<Vec<Flag>> = photos
        .iter()
        .map(|p| from_json(&p.flags))
        .collect::<ApiResult<_>>()?;
    Ok(visit_flags(&VisitFacts {
        check_in: &check_in,
        check_out: check_out.as_deref(),
        photos: &photo_flags,
        required_photos: policy.required_photos,
        photos_rule: policy.checkout_requires.photos,
        report_required,
        report_rule: policy.checkout_requires.report,
        has_report: v.report.is_some(),
    }))
}

/// The flag set a write will leave: `v` and `photos` as they will be after it. The write
/// stores it in its own transaction when the visit still has those parts, so the usual
/// write after the write ([`refresh_known`]) is needed only when something came between.
pub(crate) fn planned_flags(
    v: &VisitRecord,
    photos: &[StoredPhoto],
    policy: &VisitPolicy,
    customer: Option<&Customer>,
) -> ApiResult<FlagWrite> {
    let report_required = customer.is_some_and(|c| policy.form_for(c.level, &c.tags).is_some());
    Ok(FlagWrite {
        json: to_json(&flags_of(v, photos, policy, report_required)?)?,
        basis: basis_of(v, photos),
    })
}

fn basis_of(v: &VisitRecord, photos: &[StoredPhoto]) -> FlagBasis {
    FlagBasis {
        checkout_id: v.checkout.as_ref().map(|c| c.id),
        report_id: v.report.as_ref().map(|r| r.id),
        photos: photos.len() as i64,
    }
}

/// Recomputes and stores a visit's flag set after one of its parts changed, and returns
/// the visit with it and the parts it was computed from. The write only lands if no part
/// changed meanwhile; otherwise the set is computed again from the newer parts. `policy`
/// is the visit rule when the caller has it at hand.
pub(crate) async fn refresh_under(
    s: &AppState,
    tenant: TenantId,
    id: Uuid,
    policy: Option<&VisitPolicy>,
) -> ApiResult<(VisitRecord, VisitParts)> {
    let v = s.store.visit(tenant, id).await?;
    let policy = match policy {
        Some(p) => p.clone(),
        None => policy_for(s, tenant, v.checkin.employee).await?,
    };
    refresh_known(s, tenant, v, policy, None, None).await
}

/// [`refresh_under`] from what the writer already holds: the visit as its write returned
/// it, its rule and, when read, its customer (`Some(None)`: deleted). Only the photos are
/// read again; a part written meanwhile fails the guarded write and the set is computed
/// again from a fresh read.
pub(crate) async fn refresh_known(
    s: &AppState,
    tenant: TenantId,
    mut v: VisitRecord,
    policy: VisitPolicy,
    customer: Option<Option<Customer>>,
    mut photos: Option<Vec<StoredPhoto>>,
) -> ApiResult<(VisitRecord, VisitParts)> {
    let id = v.checkin.id;
    let customer = match customer {
        Some(c) => c,
        None => optional_customer(s, tenant, v.checkin.customer).await?,
    };
    for _ in 0..8 {
        // Photos the caller read before its write serve the first try: a photo added
        // since changes the count the flag write is conditioned on, and the next try
        // reads them afresh.
        let (photos, known) = match photos.take() {
            Some(known) => (known, true),
            None => (s.store.visit_photos(tenant, id).await?, false),
        };
        let parts = VisitParts {
            policy: policy.clone(),
            photos,
            customer: customer.clone(),
        };
        let json = to_json(&flags_of(
            &v,
            &parts.photos,
            &parts.policy,
            parts.report_required(),
        )?)?;
        // The write itself stored this very set (see [`planned_flags`]).
        if known && v.flags_json.as_deref() == Some(json.as_str()) {
            return Ok((v, parts));
        }
        let basis = basis_of(&v, &parts.photos);
        if s.store.set_visit_flags(tenant, id, &json, &basis).await? {
            v.flags_json = Some(json);
            return Ok((v, parts));
        }
        v = s.store.visit(tenant, id).await?;
    }
    Err(ApiError::internal(
        "a visit kept changing while its flags were computed",
    ))
}

/// The full view of a visit from [`refresh_known`]'s answer.
pub(crate) async fn known_view(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
    policy: VisitPolicy,
    customer: Option<Option<Customer>>,
    photos: Option<Vec<StoredPhoto>>,
) -> ApiResult<VisitView> {
    let (v, parts) = refresh_known(s, tenant, v, policy, customer, photos).await?;
    view_of(s, tenant, v, &parts).await
}

/// [`refresh_under`] for callers that need only the visit.
pub(crate) async fn refresh_flags(
    s: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> ApiResult<VisitRecord> {
    Ok(refresh_under(s, tenant, id, None).await?.0)
}

/// The full view of a visit right after one of its parts was written.
pub(crate) async fn refreshed_view(
    s: &AppState,
    tenant: TenantId,
    id: Uuid,
    policy: Option<&VisitPolicy>,
) -> ApiResult<VisitView> {
    let (v, parts) = refresh_under(s, tenant, id, policy).await?;
    view_of(s, tenant, v, &parts).await
}

/// A visit as lists show it (no photos), with the same flag set as its detail.
pub(crate) async fn list_view(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
) -> ApiResult<VisitView> {
    // A visit written before flag sets existed gets its set on first sight.
    let v = match v.flags_json {
        Some(_) => v,
        None => refresh_flags(s, tenant, v.checkin.id).await?,
    };
    visit_view(v, None)
}

pub(crate) async fn full_view(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
) -> ApiResult<VisitView> {
    let policy = policy_for(s, tenant, v.checkin.employee).await?;
    full_view_under(s, tenant, v, &policy).await
}

/// [`full_view`] when the visit's rule is already at hand.
pub(crate) async fn full_view_under(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
    policy: &VisitPolicy,
) -> ApiResult<VisitView> {
    if v.flags_json.is_none() {
        return refreshed_view(s, tenant, v.checkin.id, Some(policy)).await;
    }
    let parts = VisitParts::read(s, tenant, &v, policy.clone()).await?;
    view_of(s, tenant, v, &parts).await
}

/// The single-visit view from a visit with its flag set and its parts.
async fn view_of(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
    parts: &VisitParts,
) -> ApiResult<VisitView> {
    let policy = &parts.policy;
    let assigned = parts
        .customer
        .as_ref()
        .and_then(|c| policy.form_for(c.level, &c.tags));
    let form = match assigned {
        Some(id) => match s.store.form(tenant, id, None).await {
            Ok(f) => Some(FormRef {
                id,
                version: f.version,
            }),
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let mut view = visit_view(v, Some(&parts.photos))?;
    view.form = form;
    view.required_photos = Some(policy.required_photos);
    view.checkout_requires = Some(policy.checkout_requires);
    Ok(view)
}

/// One visit with its photos and every flag, for a caller who reaches its rep.
pub async fn get(s: &AppState, tenant: TenantId, reach: &Reach, id: Uuid) -> ApiResult<VisitView> {
    let v = s.store.visit(tenant, id).await?;
    s.store.employee(tenant, v.checkin.employee, reach).await?;
    full_view(s, tenant, v).await
}

/// Which visits to list: by rep, customer, local dates (tenant's zone, `YYYY-MM-DD`,
/// inclusive), check-in judgement or flag code, a page at a time.
pub struct VisitSearch {
    pub employee_id: Option<EmployeeId>,
    pub customer_id: Option<CustomerId>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub judgement: Option<String>,
    pub flag: Option<String>,
    /// Epoch ms (see `storage::VisitFilter::updated_since`).
    pub updated_since: Option<i64>,
    pub cursor: Option<String>,
    pub limit: u32,
}

/// Visits of the people the reach covers, newest first, as lists show them.
pub async fn list(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    q: VisitSearch,
) -> ApiResult<storage::Page<VisitView>> {
    let tz = s.tenant_zone(tenant).await?;
    let date = |field: &str, v: &Option<String>| -> ApiResult<Option<NaiveDate>> {
        v.as_deref()
            .map(|d| {
                d.parse::<NaiveDate>()
                    .map_err(|_| ApiError::bad_request(field, Problem::format(Format::Date)))
            })
            .transpose()
    };
    let from = date("from", &q.from)?.map(|d| local_instant(tz, d, 0));
    let to = date("to", &q.to)?.map(|d| local_instant(tz, d.succ_opt().unwrap_or(d), 0));
    if let Some(j) = &q.judgement
        && !["within", "outside", "uncertain"].contains(&j.as_str())
    {
        return Err(ApiError::bad_request(
            "judgement",
            Problem::unknown_value(&["within", "outside", "uncertain"]),
        ));
    }
    if let Some(f) = &q.flag
        && serde_json::from_value::<FlagCode>(json!(f)).is_err()
    {
        return Err(ApiError::bad_request(
            "flag",
            Problem::UnknownValue { allowed: vec![] },
        ));
    }
    let page = s
        .store
        .list_visits(
            tenant,
            reach,
            &storage::VisitFilter {
                employee_id: q.employee_id,
                customer_id: q.customer_id,
                from_ms: from,
                to_ms: to,
                status: q.judgement,
                flag: q.flag,
                updated_since: q.updated_since,
                cursor: q.cursor,
                limit: q.limit,
            },
        )
        .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for v in page.items {
        items.push(list_view(s, tenant, v).await?);
    }
    Ok(storage::Page {
        items,
        next_cursor: page.next_cursor,
    })
}
