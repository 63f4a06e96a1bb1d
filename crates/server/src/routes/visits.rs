//! Visits (拜访): check in at a customer (planned, ad hoc, or a new prospect created on the
//! spot) judged against the radius with the fix's accuracy; check out judged against the
//! minimum duration; the report against its form version; lists for managers. Every
//! action carries a client id: a replay answers the first result, a different body under
//! the same id is a 409, an action arriving late is judged at the time it happened.

use crate::actions::{
    ActionFix, action_fix, device_evidence, digest, from_json, id_reused, parse_time, to_json,
};
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path, Query};
use crate::routes::forms::load_form;
use crate::routes::photos::{PhotoView, view as photo_view};
use crate::routes::{default_limit, rule_for, scope};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use crate::tracking::schedule_cache::parse_tz;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Action, Reach, Resource};
use domain::attendance::local_instant;
use domain::customer::Customer;
use domain::evidence::{DeviceFacts, Flag, FlagCode};
use domain::forms::{NormalisedAnswers, validate_answers};
use domain::ids::FormId;
use domain::visit_flags::{VisitFacts, visit_flags};
use domain::visit_rule::{CheckinStatus, CheckoutRequires, Unmet, VisitPolicy, VisitRule};
use domain::{CheckinRadius, CustomerId, EmployeeId, Invalid, TenantId, Wgs84};
use domain::{Format, Problem};
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::{
    FlagBasis, NewCheckin, NewProspect, StoreError, StoredCheckout, StoredPhoto, StoredReport,
    VisitRecord,
};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_rule, put_rule, delete_rule))
        .routes(routes!(list_visits, check_in))
        .routes(routes!(get_visit))
        .routes(routes!(check_out))
        .routes(routes!(put_report))
        .routes(routes!(approve_prospect))
}

const RULE: &str = "visit";

// ---- rules ----

/// The visit rule stored for the tenant (`scope` = `tenant`) or a department; the default
/// (200 m, no minimum, no photos, no form) when none is stored there.
#[utoipa::path(get, path = "/api/v1/visit-rules/{scope}", operation_id = "get_visit_rule", tag = "visits",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = VisitRule), (status = 404, body = ErrorBody)))]
async fn get_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<Json<VisitRule>> {
    caller.reach(Resource::Departments, Action::Read)?;
    let dept = scope(&s, caller.tenant(), &raw).await?;
    let stored = s.store.rules(caller.tenant(), RULE).await?.remove(&dept);
    Ok(Json(match stored {
        Some(json) => from_json(&json)?,
        None => VisitRule::default(),
    }))
}

/// Sets the visit rule of the tenant or of a department (its sub-departments inherit it
/// unless they have their own).
#[utoipa::path(put, path = "/api/v1/visit-rules/{scope}", operation_id = "put_visit_rule", tag = "visits", request_body = VisitRule,
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 200, body = VisitRule), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn put_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
    Json(rule): Json<VisitRule>,
) -> ApiResult<Json<VisitRule>> {
    caller.reach(Resource::Departments, Action::Write)?;
    let dept = scope(&s, caller.tenant(), &raw).await?;
    let policy = rule.validate()?;
    let forms = policy
        .forms
        .iter()
        .enumerate()
        .map(|(i, m)| (format!("forms[{i}].form_id"), m.form_id))
        .chain(
            policy
                .default_form_id
                .map(|f| ("default_form_id".to_owned(), f)),
        );
    for (field, form) in forms {
        crate::refs::form(&s, caller.tenant(), field, form).await?;
    }
    s.store
        .put_rule(caller.tenant(), RULE, dept, &to_json(&rule)?)
        .await?;
    Ok(Json(rule))
}

/// Removes the visit rule stored for the tenant or a department; it then inherits.
#[utoipa::path(delete, path = "/api/v1/visit-rules/{scope}", operation_id = "delete_visit_rule", tag = "visits",
    params(("scope" = String, Path, pattern = r"^(tenant|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$", description = "`tenant` or a department id")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_rule(
    State(s): State<AppState>,
    caller: Caller,
    Path(raw): Path<String>,
) -> ApiResult<StatusCode> {
    crate::routes::delete_rule(&s, &caller, RULE, &raw).await
}

async fn policy_for(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
) -> ApiResult<VisitPolicy> {
    let person = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    let rule: VisitRule = rule_for(s, tenant, RULE, person.department_id).await?;
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
}

fn instant(ms: i64) -> DateTime<Utc> {
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
    })
}

/// Whether a report form applies to the visited customer (a deleted customer has none).
async fn form_applies(
    s: &AppState,
    tenant: TenantId,
    policy: &VisitPolicy,
    customer: CustomerId,
) -> ApiResult<bool> {
    match s.store.customer(tenant, customer, &Reach::Tenant).await {
        Ok(c) => Ok(policy.form_for(c.level, &c.tags).is_some()),
        Err(StoreError::NotFound) => Ok(false),
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

/// Recomputes and stores a visit's flag set after one of its parts changed, and returns
/// the visit with it. The write only lands if no part changed meanwhile; otherwise the
/// set is computed again from the newer parts.
pub(crate) async fn refresh_flags(
    s: &AppState,
    tenant: TenantId,
    id: Uuid,
) -> ApiResult<VisitRecord> {
    for _ in 0..8 {
        let mut v = s.store.visit(tenant, id).await?;
        let policy = policy_for(s, tenant, v.checkin.employee).await?;
        let photos = s.store.visit_photos(tenant, id).await?;
        let report_required = form_applies(s, tenant, &policy, v.checkin.customer).await?;
        let json = to_json(&flags_of(&v, &photos, &policy, report_required)?)?;
        let basis = FlagBasis {
            checkout_id: v.checkout.as_ref().map(|c| c.id),
            report_id: v.report.as_ref().map(|r| r.id),
            photos: photos.len() as i64,
        };
        if s.store.set_visit_flags(tenant, id, &json, &basis).await? {
            v.flags_json = Some(json);
            return Ok(v);
        }
    }
    Err(ApiError::internal(
        "a visit kept changing while its flags were computed",
    ))
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
async fn full_view_under(
    s: &AppState,
    tenant: TenantId,
    v: VisitRecord,
    policy: &VisitPolicy,
) -> ApiResult<VisitView> {
    let v = match v.flags_json {
        Some(_) => v,
        None => refresh_flags(s, tenant, v.checkin.id).await?,
    };
    let photos = s.store.visit_photos(tenant, v.checkin.id).await?;
    // A customer deleted since the visit leaves the visit readable, without a form.
    let customer = match s
        .store
        .customer(tenant, v.checkin.customer, &Reach::Tenant)
        .await
    {
        Ok(c) => Some(c),
        Err(StoreError::NotFound) => None,
        Err(e) => return Err(e.into()),
    };
    let assigned = customer.and_then(|c| policy.form_for(c.level, &c.tags));
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
    let mut view = visit_view(v, Some(&photos))?;
    view.form = form;
    view.required_photos = Some(policy.required_photos);
    view.checkout_requires = Some(policy.checkout_requires);
    Ok(view)
}

// ---- check-in ----

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProspectInput {
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    #[serde(default)]
    #[schema(max_length = 300)]
    pub address: Option<String>,
    #[serde(default)]
    #[schema(max_length = 40)]
    pub phone: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckinInput {
    /// Client-generated visit id.
    pub id: Uuid,
    /// The customer visited; or give `prospect` for a new one created here.
    #[serde(default)]
    pub customer_id: Option<CustomerId>,
    #[serde(default)]
    pub prospect: Option<ProspectInput>,
    /// The visit was on the rep's plan (planned) rather than ad hoc.
    #[serde(default)]
    pub planned: bool,
    pub t: Instant,
    /// Where, both or neither: without a position the action is still stored, judged
    /// `uncertain` with no distance, and flagged `no_fix`.
    #[serde(default)]
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    /// When the position was taken, if earlier than `t` (the phone's last fix); older
    /// than 2 minutes flags `stale_fix` with its age.
    #[serde(default)]
    pub fix_t: Option<Instant>,
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    #[serde(default)]
    pub mock: Option<bool>,
    #[serde(default)]
    pub device: Option<DeviceFacts>,
}

/// The prospect's customer id follows from the visit id, so a replayed check-in finds
/// the customer it created rather than making another.
fn prospect_id(visit: Uuid) -> CustomerId {
    let h = crate::actions::sha256_hex(format!("prospect:{visit}").as_bytes());
    let mut b = [0u8; 16];
    for (i, byte) in b.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&h[2 * i..2 * i + 2], 16).unwrap_or(0);
    }
    // Version 8 (custom), RFC 4122 variant.
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    CustomerId(Uuid::from_bytes(b))
}

fn place_flags(j: &PlaceJudgement, at: &str) -> Option<Flag> {
    let evidence =
        json!({"at": at, "distance_m": j.distance_m.map(f64::round), "radius_m": j.radius_m});
    match j.status {
        CheckinStatus::Within => None,
        CheckinStatus::Outside => Some(Flag::new(FlagCode::OutsideRadius, evidence)),
        CheckinStatus::Uncertain => Some(Flag::new(FlagCode::UncertainLocation, evidence)),
    }
}

/// Where an action was relative to the customer; `uncertain` with no distance when the
/// action had no position or the customer has no location.
fn judge_place(
    policy: &VisitPolicy,
    customer: &Customer,
    at: Option<Wgs84>,
    accuracy_m: Option<f64>,
) -> PlaceJudgement {
    let own = customer
        .checkin_radius_m
        .and_then(|r| CheckinRadius::parse(r).ok());
    match (&customer.location, at) {
        (Some(loc), Some(at)) => {
            let j = policy.judge_checkin(
                Wgs84::from_stored(loc.lat, loc.lon),
                own,
                at.lat(),
                at.lon(),
                accuracy_m.unwrap_or(f64::NAN),
            );
            PlaceJudgement {
                status: j.judgement,
                distance_m: Some(j.distance_m),
                radius_m: j.radius_m,
            }
        }
        _ => PlaceJudgement {
            status: CheckinStatus::Uncertain,
            distance_m: None,
            radius_m: policy.radius_for(own).meters(),
        },
    }
}

/// The flags of an action's place: `no_fix`/`stale_fix` from the fix itself, then the
/// judgement's (`no_fix` says why a judgement is uncertain, so it is not said twice).
fn action_place_flags(fix: &ActionFix, place: &PlaceJudgement, at: &str) -> Vec<Flag> {
    let mut flags: Vec<Flag> = fix.fix_flag().into_iter().collect();
    if fix.at.is_some() {
        flags.extend(place_flags(place, at));
    }
    flags
}

/// Checks in at a customer. The answer carries the distance to the customer, the radius
/// that applied and the judgement (`within`, `outside`, `uncertain` — never a confident
/// answer from a poor fix), with evidence flags.
#[utoipa::path(post, path = "/api/v1/visits", tag = "visits", request_body = CheckinInput,
    responses((status = 201, body = VisitView), (status = 200, body = VisitView), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn check_in(
    State(s): State<AppState>,
    caller: Caller,
    Json(input): Json<CheckinInput>,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    let (tenant, employee) = (caller.tenant(), caller.person()?);
    let body_digest = digest(&input);
    // A replay answers before any judging, so it returns exactly the first answer.
    match s.store.visit(tenant, input.id).await {
        Ok(v) if v.checkin.digest == body_digest && v.checkin.employee == employee => {
            return Ok((StatusCode::OK, Json(full_view(&s, tenant, v).await?)));
        }
        Ok(_) => return Err(id_reused()),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let fix = action_fix!(input)?;
    let policy = policy_for(&s, tenant, employee).await?;
    let (customer_id, prospect, judgement, kind) = match (&input.customer_id, &input.prospect) {
        (Some(id), None) => {
            let reach = caller.reach(Resource::Customers, Action::Read)?;
            let customer = crate::refs::customer(&s, tenant, &reach, "customer_id", *id).await?;
            let kind = if input.planned { "planned" } else { "ad_hoc" };
            (
                *id,
                None,
                judge_place(&policy, &customer, fix.at, fix.accuracy_m),
                kind,
            )
        }
        (None, Some(p)) => {
            let name = domain::tenant::clean_name(&p.name, 100)
                .map_err(|e| ApiError::invalid(Invalid::one("prospect.name", e)))?;
            let address = domain::tenant::clean_optional(p.address.as_deref(), 300)
                .map_err(|e| ApiError::invalid(Invalid::one("prospect.address", e)))?;
            let phone = domain::tenant::clean_optional(p.phone.as_deref(), 40)
                .map_err(|e| ApiError::invalid(Invalid::one("prospect.phone", e)))?;
            let id = prospect_id(input.id);
            let prospect = NewProspect {
                id,
                name,
                address,
                phone,
                lat: fix.at.map(|p| p.lat()),
                lon: fix.at.map(|p| p.lon()),
            };
            // The customer is placed where the rep stands: within by construction, or
            // unknown (and uncertain) when the rep had no position.
            let judgement = PlaceJudgement {
                status: if fix.at.is_some() {
                    CheckinStatus::Within
                } else {
                    CheckinStatus::Uncertain
                },
                distance_m: fix.at.map(|_| 0.0),
                radius_m: policy.checkin_radius.meters(),
            };
            (id, Some(prospect), judgement, "prospect")
        }
        _ => {
            return Err(ApiError::invalid(Invalid::one(
                "customer_id",
                Problem::NeedsOneOf {
                    fields: vec!["customer_id".into(), "prospect".into()],
                },
            )));
        }
    };
    let mut flags = device_evidence(
        &s,
        tenant,
        employee,
        input.device.as_ref(),
        fix.mock,
        fix.t_ms,
    )
    .await?;
    flags.extend(action_place_flags(&fix, &judgement, "check_in"));
    let status = match judgement.status {
        CheckinStatus::Within => "within",
        CheckinStatus::Outside => "outside",
        CheckinStatus::Uncertain => "uncertain",
    };
    let record = NewCheckin {
        id: input.id,
        employee,
        customer: customer_id,
        kind: kind.into(),
        fix: fix.stored(),
        status: status.into(),
        judgement_json: to_json(&judgement)?,
        flags_json: to_json(&flags)?,
        device_json: input.device.as_ref().map(to_json).transpose()?,
        digest: body_digest.clone(),
    };
    let (stored, created) = s.store.check_in(tenant, &record, prospect.as_ref()).await?;
    if stored.checkin.digest != body_digest || stored.checkin.employee != employee {
        return Err(id_reused());
    }
    let stored = if created {
        refresh_flags(&s, tenant, stored.checkin.id).await?
    } else {
        stored
    };
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((
        status,
        Json(full_view_under(&s, tenant, stored, &policy).await?),
    ))
}

/// The caller's own visit (404 for anyone else's: a guessed id reveals nothing).
async fn own_visit(
    s: &AppState,
    tenant: TenantId,
    me: EmployeeId,
    id: Uuid,
) -> ApiResult<VisitRecord> {
    match s.store.visit(tenant, id).await {
        Ok(v) if v.checkin.employee == me => Ok(v),
        Ok(_) | Err(StoreError::NotFound) => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such visit of yours; if it was made offline, send its check-in first",
        )),
        Err(e) => Err(e.into()),
    }
}

// ---- check-out ----

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CheckoutInput {
    /// Client-generated id of this check-out action.
    pub id: Uuid,
    pub t: Instant,
    /// Where, both or neither: without a position the action is still stored, judged
    /// `uncertain` with no distance, and flagged `no_fix`.
    #[serde(default)]
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    /// When the position was taken, if earlier than `t` (the phone's last fix); older
    /// than 2 minutes flags `stale_fix` with its age.
    #[serde(default)]
    pub fix_t: Option<Instant>,
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    #[serde(default)]
    pub mock: Option<bool>,
    #[serde(default)]
    pub device: Option<DeviceFacts>,
}

/// Checks out of a visit; the duration is judged against the rule's minimum.
#[utoipa::path(post, path = "/api/v1/visits/{id}/check-out", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")), request_body = CheckoutInput,
    responses((status = 201, body = VisitView), (status = 200, body = VisitView), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn check_out(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<CheckoutInput>,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    let (tenant, employee) = (caller.tenant(), caller.person()?);
    let body_digest = digest(&input);
    let visit = own_visit(&s, tenant, employee, id).await?;
    if let Some(done) = &visit.checkout {
        return replay_or_conflict(
            &s,
            tenant,
            visit.clone(),
            done.id,
            &done.digest,
            input.id,
            &body_digest,
        )
        .await;
    }
    let fix = action_fix!(input)?;
    let policy = policy_for(&s, tenant, employee).await?;
    let judged = policy
        .judge_checkout(visit.checkin.fix.t_ms, fix.t_ms)
        .map_err(|_| {
            ApiError::invalid(Invalid::one(
                "t",
                Problem::BeforeOther {
                    other: "in_t".into(),
                },
            ))
        })?;
    // What the rule requires before check-out, checked before anything is written: a
    // refused check-out leaves no trace, and the same action retried once the photo or
    // report is in goes through.
    let photos = s.store.visit_photos(tenant, id).await?;
    let report_required = form_applies(&s, tenant, &policy, visit.checkin.customer).await?;
    let blockers = policy.checkout_blockers(photos.len(), report_required, visit.report.is_some());
    if !blockers.is_empty() {
        return Err(requirements_unmet(&blockers));
    }
    let customer = s
        .store
        .customer(tenant, visit.checkin.customer, &Reach::Tenant)
        .await?;
    let place = judge_place(&policy, &customer, fix.at, fix.accuracy_m);
    let mut flags = device_evidence(
        &s,
        tenant,
        employee,
        input.device.as_ref(),
        fix.mock,
        fix.t_ms,
    )
    .await?;
    flags.extend(action_place_flags(&fix, &place, "check_out"));
    let too_short = judged.status == domain::visit_rule::CheckoutStatus::TooShort;
    if too_short {
        flags.push(Flag::new(
            FlagCode::TooShort,
            json!({"duration_s": judged.duration_s, "min_duration_s": judged.min_duration_s}),
        ));
    }
    let judgement = CheckoutJudgementView {
        duration_s: judged.duration_s,
        min_duration_s: judged.min_duration_s,
        too_short,
        distance_m: place.distance_m,
    };
    let record = StoredCheckout {
        id: input.id,
        fix: fix.stored(),
        judgement_json: to_json(&judgement)?,
        flags_json: to_json(&flags)?,
        digest: body_digest.clone(),
    };
    let (stored, created) = s.store.check_out(tenant, id, &record).await?;
    if !created {
        let done = stored
            .checkout
            .clone()
            .ok_or_else(|| ApiError::internal("check-out vanished"))?;
        return replay_or_conflict(
            &s,
            tenant,
            stored,
            done.id,
            &done.digest,
            input.id,
            &body_digest,
        )
        .await;
    }
    let stored = refresh_flags(&s, tenant, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(full_view_under(&s, tenant, stored, &policy).await?),
    ))
}

/// The 422 of a check-out the rule blocks, naming each requirement not met.
fn requirements_unmet(unmet: &[Unmet]) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "checkout_requirements_unmet",
        "the visit rule requires more before check-out",
    );
    for u in unmet {
        e = match u {
            Unmet::Photos { required, have } => e.field(
                "photos",
                Problem::PhotosMissing {
                    required: *required as usize,
                    have: *have as usize,
                },
            ),
            Unmet::Report => e.field("report", Problem::ReportMissing),
        };
    }
    e
}

/// A part already written: the same action again answers it; another action is refused.
async fn replay_or_conflict(
    s: &AppState,
    tenant: TenantId,
    visit: VisitRecord,
    stored_id: Uuid,
    stored_digest: &str,
    id: Uuid,
    body_digest: &str,
) -> ApiResult<(StatusCode, Json<VisitView>)> {
    if stored_id != id {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "already_done",
            "this visit was already checked out by another action",
        ));
    }
    if stored_digest != body_digest {
        return Err(id_reused());
    }
    Ok((StatusCode::OK, Json(full_view(s, tenant, visit).await?)))
}

// ---- report ----

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// Client-generated id of this submission; a new id replaces an earlier report.
    pub id: Uuid,
    /// The form filled in; the one the visit rule assigns to the customer when left out.
    #[serde(default)]
    pub form_id: Option<FormId>,
    /// The version filled in; the latest when left out.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 2147483647)]
    pub form_version: Option<u32>,
    /// Answers keyed by field key.
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// When the report was completed (device time).
    pub t: Instant,
    #[serde(default)]
    pub device: Option<DeviceFacts>,
}

/// Submits the visit's report, validated against its form version; each problem names
/// the field's key.
#[utoipa::path(put, path = "/api/v1/visits/{id}/report", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")), request_body = ReportInput,
    responses((status = 200, body = VisitView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn put_report(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
    Json(input): Json<ReportInput>,
) -> ApiResult<Json<VisitView>> {
    let (tenant, employee) = (caller.tenant(), caller.person()?);
    let body_digest = digest(&input);
    let visit = own_visit(&s, tenant, employee, id).await?;
    if let Some(r) = &visit.report
        && r.id == input.id
    {
        if r.digest != body_digest {
            return Err(id_reused());
        }
        return Ok(Json(full_view(&s, tenant, visit).await?));
    }
    let (t_ms, _) = parse_time(&input.t, "t")?;
    let form_id = match input.form_id {
        Some(f) => f,
        None => {
            let policy = policy_for(&s, tenant, employee).await?;
            let customer = s
                .store
                .customer(tenant, visit.checkin.customer, &Reach::Tenant)
                .await?;
            policy
                .form_for(customer.level, &customer.tags)
                .ok_or_else(|| ApiError::invalid(Invalid::one("form_id", Problem::Required)))?
        }
    };
    let version = crate::routes::form_version("form_version", input.form_version)?;
    let form = match load_form(&s, tenant, form_id, version).await {
        Ok(f) => f,
        Err(e) if e.status == StatusCode::NOT_FOUND => {
            let field = if version.is_some() {
                "form_version"
            } else {
                "form_id"
            };
            return Err(ApiError::invalid(Invalid::one(field, Problem::NotFound)));
        }
        Err(e) => return Err(e),
    };
    let answers: NormalisedAnswers =
        validate_answers(&form, &input.answers).map_err(|mut bad| {
            for p in &mut bad.problems {
                p.field = format!("answers.{}", p.field);
            }
            ApiError::invalid(bad)
        })?;
    let photo_ids = answers.photo_ids();
    if !photo_ids.is_empty() {
        let mine: std::collections::HashSet<Uuid> = s
            .store
            .visit_photos(tenant, id)
            .await?
            .into_iter()
            .map(|p| p.id)
            .collect();
        if photo_ids.iter().any(|p| !mine.contains(&p.0)) {
            return Err(ApiError::invalid(Invalid::one(
                "answers",
                Problem::NotFound,
            )));
        }
    }
    let record = StoredReport {
        id: input.id,
        form_id: form.id.0,
        form_version: form.version as i32,
        answers_json: to_json(&answers.answers)?,
        t_ms,
        digest: body_digest.clone(),
    };
    let (stored, written) = s.store.put_report(tenant, id, &record).await?;
    match &stored.report {
        Some(r) if r.id == input.id && r.digest == body_digest => {}
        _ => return Err(id_reused()),
    }
    let stored = if written {
        refresh_flags(&s, tenant, id).await?
    } else {
        stored
    };
    Ok(Json(full_view(&s, tenant, stored).await?))
}

// ---- reading ----

#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VisitQuery {
    pub employee_id: Option<EmployeeId>,
    pub customer_id: Option<CustomerId>,
    /// First local date (tenant's zone), `YYYY-MM-DD`.
    #[param(format = Date)]
    pub from: Option<String>,
    /// Last local date, inclusive.
    #[param(format = Date)]
    pub to: Option<String>,
    /// Check-in judgement: `within`, `outside` or `uncertain`.
    #[param(value_type = Option<crate::openapi::values::Judgement>)]
    pub judgement: Option<String>,
    /// A flag code, e.g. `mock_location`.
    pub flag: Option<String>,
    pub cursor: Option<String>,
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    pub limit: u32,
}

#[derive(Serialize, ToSchema)]
pub struct VisitPage {
    pub items: Vec<VisitView>,
    pub next_cursor: Option<String>,
}

/// Visits of the people the caller reaches (admins: all; managers: their department
/// subtree; reps: their own), newest first.
#[utoipa::path(get, path = "/api/v1/visits", tag = "visits", params(VisitQuery),
    responses((status = 200, body = VisitPage), (status = 400, body = ErrorBody)))]
async fn list_visits(
    State(s): State<AppState>,
    caller: Caller,
    Query(q): Query<VisitQuery>,
) -> ApiResult<Json<VisitPage>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let tenant = caller.tenant();
    let tz = parse_tz(&s.store.tenant(tenant).await?.timezone);
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
            &reach,
            &storage::VisitFilter {
                employee_id: q.employee_id,
                customer_id: q.customer_id,
                from_ms: from,
                to_ms: to,
                status: q.judgement,
                flag: q.flag,
                cursor: q.cursor,
                limit: crate::routes::page_limit(q.limit)?,
            },
        )
        .await?;
    let mut items = Vec::with_capacity(page.items.len());
    for v in page.items {
        items.push(list_view(&s, tenant, v).await?);
    }
    Ok(Json(VisitPage {
        items,
        next_cursor: page.next_cursor,
    }))
}

/// One visit with its photos and every flag.
#[utoipa::path(get, path = "/api/v1/visits/{id}", tag = "visits",
    params(("id" = Uuid, Path, description = "the visit")),
    responses((status = 200, body = VisitView), (status = 404, body = ErrorBody)))]
async fn get_visit(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<VisitView>> {
    let reach = caller.reach(Resource::Tracks, Action::Read)?;
    let tenant = caller.tenant();
    let v = s.store.visit(tenant, id).await?;
    s.store.employee(tenant, v.checkin.employee, &reach).await?;
    Ok(Json(full_view(&s, tenant, v).await?))
}

/// Approves a prospect a rep created: it becomes an active customer.
#[utoipa::path(post, path = "/api/v1/customers/{id}/approve", tag = "customers",
    params(("id" = Uuid, Path, description = "the customer")),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn approve_prospect(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<CustomerId>,
) -> ApiResult<StatusCode> {
    let reach = caller.reach(Resource::Customers, Action::Write)?;
    if matches!(reach, Reach::Own(_)) {
        return Err(ApiError::forbidden());
    }
    s.store.customer(caller.tenant(), id, &reach).await?;
    s.store.approve_customer(caller.tenant(), id).await?;
    Ok(StatusCode::NO_CONTENT)
}
