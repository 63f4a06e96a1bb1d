//! Visits (拜访) as the rep acts them: check in at a customer (planned, ad hoc, or a new
//! prospect created on the spot) judged against the radius with the fix's accuracy; check
//! out judged against the minimum duration and what the rule requires first; the report
//! against its form version. Every action carries a client id: a replay answers the first
//! result, a different body under the same id is a 409, and an action arriving late is
//! judged at the time it happened.

use super::Saved;
use super::visit_views::{
    CheckoutJudgementView, PlaceJudgement, VisitParts, VisitView, full_view, full_view_under,
    known_view, optional_customer, planned_flags, policy_in,
};
use crate::actions::{
    ActionFix, action_fix, device_evidence, digest, id_reused, parse_time, to_json,
};
use crate::error::{ApiError, ApiResult};
use crate::services::forms::{form_version, load_form};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use axum::http::StatusCode;
use domain::access::{Action, Principal, Reach, Resource};
use domain::customer::Customer;
use domain::evidence::{DeviceFacts, Flag, FlagCode};
use domain::forms::{NormalisedAnswers, validate_answers};
use domain::ids::FormId;
use domain::visit_rule::{CheckinStatus, Unmet, VisitPolicy};
use domain::{CheckinRadius, CustomerId, EmployeeId, Invalid, Problem, TenantId, Wgs84};
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::{NewCheckin, NewProspect, StoreError, StoredCheckout, StoredReport, VisitRecord};
use utoipa::ToSchema;
use uuid::Uuid;

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

/// Checks the rep in at a customer (or at a new prospect). The answer carries the distance
/// to the customer, the radius that applied and the judgement (`within`, `outside`,
/// `uncertain` — never a confident answer from a poor fix), with evidence flags.
pub async fn check_in(
    s: &AppState,
    principal: &Principal,
    input: CheckinInput,
) -> ApiResult<Saved<VisitView>> {
    let Principal::User(u) = principal else {
        return Err(ApiError::forbidden());
    };
    let (tenant, employee) = (u.tenant, u.employee);
    let body_digest = digest(&input);
    // A replay answers before any judging, so it returns exactly the first answer.
    match s.store.visit(tenant, input.id).await {
        Ok(v) if v.checkin.digest == body_digest && v.checkin.employee == employee => {
            let item = full_view(s, tenant, v).await?;
            return Ok(Saved {
                item,
                created: false,
            });
        }
        Ok(_) => return Err(id_reused()),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }
    let fix = action_fix!(input)?;
    // The signed-in rep's own department, as their session carries it.
    let policy = policy_in(s, tenant, u.department).await?;
    // The visited customer, kept for the answer (a prospect is read once created).
    let mut known_customer = None;
    let (customer_id, prospect, judgement, kind) = match (&input.customer_id, &input.prospect) {
        (Some(id), None) => {
            let reach = super::reach(principal, Resource::Customers, Action::Read)?;
            let customer = crate::refs::customer(s, tenant, &reach, "customer_id", *id).await?;
            let kind = if input.planned { "planned" } else { "ad_hoc" };
            let judgement = judge_place(&policy, &customer, fix.at, fix.accuracy_m);
            known_customer = Some(Some(customer));
            (*id, None, judgement, kind)
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
        s,
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
    let day = super::integrity_day::local_day(s, tenant, record.fix.t_ms).await?;
    let received_ms = crate::now_ms();
    // A new visit has no photos, check-out or report yet.
    let flags = match &known_customer {
        Some(Some(customer)) => Some(planned_flags(
            &VisitRecord {
                checkin: record.clone(),
                received_ms,
                checkout: None,
                report: None,
                flags_json: None,
                updated_ms: received_ms,
            },
            &[],
            &policy,
            Some(customer),
        )?),
        _ => None,
    };
    let (stored, created) = s
        .store
        .check_in(
            tenant,
            &record,
            prospect.as_ref(),
            &day,
            received_ms,
            flags.as_ref(),
        )
        .await?;
    if stored.checkin.digest != body_digest || stored.checkin.employee != employee {
        return Err(id_reused());
    }
    let item = match created {
        // A visit just made has no photos yet.
        true => known_view(s, tenant, stored, policy, known_customer, Some(Vec::new())).await?,
        false => full_view_under(s, tenant, stored, &policy).await?,
    };
    Ok(Saved { item, created })
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

/// Checks the rep out of their visit; the duration is judged against the rule's minimum,
/// and what the rule requires first (photos, report) is checked before anything is
/// written.
pub async fn check_out(
    s: &AppState,
    u: &domain::access::UserPrincipal,
    id: Uuid,
    input: CheckoutInput,
) -> ApiResult<Saved<VisitView>> {
    let (tenant, employee) = (u.tenant, u.employee);
    let body_digest = digest(&input);
    let visit = own_visit(s, tenant, employee, id).await?;
    if let Some(done) = &visit.checkout {
        return replay_or_conflict(
            s,
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
    // The signed-in rep's own department, as their session carries it.
    let policy = policy_in(s, tenant, u.department).await?;
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
    let parts = VisitParts {
        photos: s.store.visit_photos(tenant, id).await?,
        customer: optional_customer(s, tenant, visit.checkin.customer).await?,
        policy,
    };
    let photos = parts.photos.clone();
    let blockers = parts.policy.checkout_blockers(
        parts.photos.len(),
        parts.report_required(),
        visit.report.is_some(),
    );
    if !blockers.is_empty() {
        return Err(requirements_unmet(&blockers));
    }
    let (policy, customer) = match parts.customer {
        Some(c) => (parts.policy, c),
        None => return Err(StoreError::NotFound.into()),
    };
    let visit_day = super::integrity_day::local_day(s, tenant, visit.checkin.fix.t_ms).await?;
    let place = judge_place(&policy, &customer, fix.at, fix.accuracy_m);
    let mut flags = device_evidence(
        s,
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
        device_json: input.device.as_ref().map(to_json).transpose()?,
        judgement_json: to_json(&judgement)?,
        flags_json: to_json(&flags)?,
        digest: body_digest.clone(),
    };
    let day = super::integrity_day::local_day(s, tenant, record.fix.t_ms).await?;
    let after = VisitRecord {
        checkout: Some(record.clone()),
        ..visit
    };
    let flags = planned_flags(&after, &photos, &policy, Some(&customer))?;
    let (stored, created) = s
        .store
        .check_out(
            tenant,
            id,
            &record,
            &day,
            &visit_day,
            crate::now_ms(),
            Some(&flags),
        )
        .await?;
    if !created {
        let done = stored
            .checkout
            .clone()
            .ok_or_else(|| ApiError::internal("check-out vanished"))?;
        return replay_or_conflict(
            s,
            tenant,
            stored,
            done.id,
            &done.digest,
            input.id,
            &body_digest,
        )
        .await;
    }
    Ok(Saved {
        item: known_view(
            s,
            tenant,
            stored,
            policy,
            Some(Some(customer)),
            Some(photos),
        )
        .await?,
        created: true,
    })
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
) -> ApiResult<Saved<VisitView>> {
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
    Ok(Saved {
        item: full_view(s, tenant, visit).await?,
        created: false,
    })
}

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

/// Stores the visit's report, validated against its form version (the one the rule
/// assigns to the customer when none is named); each problem names the field's key.
pub async fn put_report(
    s: &AppState,
    u: &domain::access::UserPrincipal,
    id: Uuid,
    input: ReportInput,
) -> ApiResult<VisitView> {
    let (tenant, employee) = (u.tenant, u.employee);
    let body_digest = digest(&input);
    let visit = own_visit(s, tenant, employee, id).await?;
    if let Some(r) = &visit.report
        && r.id == input.id
    {
        if r.digest != body_digest {
            return Err(id_reused());
        }
        return full_view(s, tenant, visit).await;
    }
    let (t_ms, _) = parse_time(&input.t, "t")?;
    // The signed-in rep's own department, as their session carries it.
    let policy = policy_in(s, tenant, u.department).await?;
    let mut known_customer = None;
    let form_id = match input.form_id {
        Some(f) => f,
        None => {
            let customer = s
                .store
                .customer(tenant, visit.checkin.customer, &Reach::Tenant)
                .await?;
            let form = policy
                .form_for(customer.level, &customer.tags)
                .ok_or_else(|| ApiError::invalid(Invalid::one("form_id", Problem::Required)))?;
            known_customer = Some(Some(customer));
            form
        }
    };
    let version = form_version("form_version", input.form_version)?;
    let form = match load_form(s, tenant, form_id, version).await {
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
    // The visit's photos and customer serve the answers' check, the flag set this write
    // stores and the answer.
    let photos = s.store.visit_photos(tenant, id).await?;
    let photo_ids = answers.photo_ids();
    if !photo_ids.is_empty() {
        let mine: std::collections::HashSet<Uuid> = photos.iter().map(|p| p.id).collect();
        if photo_ids.iter().any(|p| !mine.contains(&p.0)) {
            return Err(ApiError::invalid(Invalid::one(
                "answers",
                Problem::NotFound,
            )));
        }
    }
    let customer = match known_customer {
        Some(c) => c,
        None => optional_customer(s, tenant, visit.checkin.customer).await?,
    };
    let record = StoredReport {
        id: input.id,
        form_id: form.id.0,
        form_version: form.version as i32,
        answers_json: to_json(&answers.answers)?,
        t_ms,
        digest: body_digest.clone(),
    };
    let visit_day = super::integrity_day::local_day(s, tenant, visit.checkin.fix.t_ms).await?;
    let after = VisitRecord {
        report: Some(record.clone()),
        ..visit
    };
    let flags = planned_flags(&after, &photos, &policy, customer.as_ref())?;
    let (stored, written) = s
        .store
        .put_report(tenant, id, &record, &visit_day, Some(&flags))
        .await?;
    match &stored.report {
        Some(r) if r.id == input.id && r.digest == body_digest => {}
        _ => return Err(id_reused()),
    }
    match written {
        true => known_view(s, tenant, stored, policy, Some(customer), Some(photos)).await,
        false => full_view_under(s, tenant, stored, &policy).await,
    }
}

/// Approves a prospect a rep created: it becomes an active customer. Reps, who reach
/// only their own customers, may not.
pub async fn approve_prospect(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    id: CustomerId,
) -> ApiResult<()> {
    if matches!(reach, Reach::Own(_)) {
        return Err(ApiError::forbidden());
    }
    s.store.customer(tenant, id, reach).await?;
    s.store.approve_customer(tenant, id).await?;
    Ok(())
}
