//! The anti-cheat centre (防作弊中心) as its users act on it: the review queue of rep-day
//! verdicts, one day's verdict with what the console needs to draw its evidence, a
//! manager's review (once per verdict version), the rep's appeal (within the tenant's
//! window) and the tenant's settings. The verdicts themselves are made by the
//! `integrity_day` job (`integrity_day.rs`).
//!
//! The answers carry stable codes and data (reason codes, evidence points, figures); the
//! front ends render the words. Each reason also carries the crate's one-line
//! explanation in Chinese and English as data.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::http::StatusCode;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Action, Principal, Reach, Resource};
use domain::{CoordSystem, CustomerId, DepartmentId, EmployeeId, Format, Invalid, Problem};
use domain::{TenantId, Wgs84};
use integrity::{Lang, Level, ReasonCode, Settings};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use storage::{Refusal, StoredVerdict, VerdictFilter};
use utoipa::ToSchema;
use uuid::Uuid;

const DAY_MS: i64 = 86_400_000;
const MAX_NOTE: usize = 1000;
const MAX_APPEAL_TEXT: usize = 2000;
const MAX_APPEAL_PHOTOS: usize = 10;
const MAX_SHARED_DEVICES: usize = 500;
const MAX_WEIGHT: f64 = 10.0;
const MAX_THRESHOLD: f64 = 100.0;
const MAX_APPEAL_DAYS: u32 = 90;

fn at(ms: i64) -> DateTime<Utc> {
    DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// One rep-day in the review queue.
#[derive(Serialize, ToSchema)]
pub struct IntegrityDayItem {
    pub employee_id: EmployeeId,
    pub employee_name: String,
    /// The rep's local day.
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = crate::openapi::values::IntegrityLevel)]
    pub level: String,
    /// The sum of the reasons' weights; `review` from the tenant's `review_at`, `likely_cheat`
    /// from `likely_at`.
    pub score: f64,
    /// The verdict's version: 1 for the first, one more each time a recomputation (late
    /// data, another day's data it compares with) says something new. Reviews and
    /// appeals are per version.
    pub version: i32,
    /// The version of the checks that made it.
    pub checks_version: i32,
    #[schema(value_type = crate::openapi::values::IntegrityStatus)]
    pub status: String,
    /// The reasons' codes, heaviest first.
    #[schema(value_type = Vec<crate::openapi::values::ReasonCode>)]
    pub reasons: Vec<String>,
    pub computed_at: DateTime<Utc>,
}

#[derive(Serialize, ToSchema)]
pub struct IntegrityDayPage {
    pub items: Vec<IntegrityDayItem>,
    pub next_cursor: Option<String>,
}

/// A position of the evidence or the day's track.
#[derive(Serialize, ToSchema)]
pub struct EvidencePoint {
    pub t: DateTime<Utc>,
    pub lat: f64,
    pub lon: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accuracy_m: Option<f32>,
}

/// Another rep-day a reason points at (the original of a replayed track).
#[derive(Serialize, ToSchema)]
pub struct MatchedDay {
    pub employee_id: EmployeeId,
    #[schema(format = Date)]
    pub date: String,
    /// Its track (`GET`), for drawing the two tracks side by side; 404 when the caller
    /// does not reach that person.
    pub track_url: String,
}

/// What a reason rests on; every part is optional, each check fills what it has.
#[derive(Serialize, ToSchema)]
pub struct ReasonEvidence {
    /// The fixes or positions in time order (the teleport leg, the frozen point, the
    /// matched stops, the check-ins on the pins).
    pub points: Vec<EvidencePoint>,
    /// The day's actions it is about (see `day.actions`).
    pub action_ids: Vec<Uuid>,
    /// The day's photos it is about, and the earlier photos they match (same order):
    /// `GET /api/v1/photos/{id}` shows each.
    pub photo_ids: Vec<Uuid>,
    pub matched_photo_ids: Vec<Uuid>,
    /// The other person involved (the device's other user, the replayed day's rep);
    /// named in `people`.
    pub other_employee_id: Option<EmployeeId>,
    pub matched_day: Option<MatchedDay>,
    /// Named figures: `speed_mps`, `distance_m`, `coverage`, `share`, `offset_s`,
    /// `matched_stops`, `count`, `phash_bits`, …
    pub figures: BTreeMap<String, f64>,
}

/// The crate's one line on a reason, for clients that do not translate codes.
#[derive(Serialize, ToSchema)]
pub struct Explanation {
    pub zh: String,
    pub en: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReasonView {
    #[schema(value_type = crate::openapi::values::ReasonCode)]
    pub code: String,
    /// What it adds to the score: the tenant's (or default) weight of the code times the
    /// finding's strength.
    pub weight: f64,
    pub evidence: ReasonEvidence,
    pub explanation: Explanation,
}

#[derive(Serialize, ToSchema)]
pub struct ReviewView {
    #[schema(value_type = crate::openapi::values::IntegrityDecision)]
    pub decision: String,
    pub note: Option<String>,
    pub reviewer_id: EmployeeId,
    pub at: DateTime<Utc>,
    /// The verdict version reviewed.
    pub version: i32,
}

#[derive(Serialize, ToSchema)]
pub struct AppealView {
    pub text: String,
    pub photo_ids: Vec<Uuid>,
    pub at: DateTime<Utc>,
    /// The verdict version appealed.
    pub version: i32,
}

/// A field action of the day.
#[derive(Serialize, ToSchema)]
pub struct DayActionView {
    pub id: Uuid,
    #[schema(value_type = crate::openapi::values::IntegrityActionKind)]
    pub kind: String,
    pub t: DateTime<Utc>,
    /// When the server received it (absent for check-outs stored before it was kept).
    pub received_at: Option<DateTime<Utc>>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    pub accuracy_m: Option<f32>,
    pub customer_id: Option<CustomerId>,
}

/// A customer the rep checked in at, with its stored pin.
#[derive(Serialize, ToSchema)]
pub struct DayCustomer {
    pub id: CustomerId,
    pub name: String,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
    /// Its own check-in radius, when it has one.
    pub radius_m: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct DayPhoto {
    pub id: Uuid,
    /// The visit or punch it belongs to.
    pub action_id: Option<Uuid>,
    pub t: DateTime<Utc>,
}

/// The day as stored, for drawing the evidence on a map.
#[derive(Serialize, ToSchema)]
pub struct DayEvidence {
    /// The day's replay (`GET`): stops, trips and mileage.
    pub track_url: String,
    /// Every fix stored for the day, rejected ones included, oldest first.
    pub fixes: Vec<EvidencePoint>,
    pub actions: Vec<DayActionView>,
    pub customers: Vec<DayCustomer>,
    pub photos: Vec<DayPhoto>,
}

#[derive(Serialize, ToSchema)]
pub struct PersonRef {
    pub id: EmployeeId,
    pub name: String,
}

/// One rep-day's verdict with its reasons, review, appeal and the day's evidence.
#[derive(Serialize, ToSchema)]
pub struct IntegrityDayView {
    pub employee_id: EmployeeId,
    pub employee_name: String,
    #[schema(format = Date)]
    pub date: String,
    #[schema(value_type = crate::openapi::values::IntegrityLevel)]
    pub level: String,
    pub score: f64,
    pub version: i32,
    pub checks_version: i32,
    #[schema(value_type = crate::openapi::values::IntegrityStatus)]
    pub status: String,
    pub computed_at: DateTime<Utc>,
    /// When this version was made (the appeal window starts then).
    pub changed_at: DateTime<Utc>,
    /// Heaviest first.
    pub reasons: Vec<ReasonView>,
    /// The latest review (it may be of an earlier version; see its `version`).
    pub review: Option<ReviewView>,
    pub appeal: Option<AppealView>,
    /// Until when the rep may appeal this version.
    pub appeal_until: DateTime<Utc>,
    /// Whether the caller may review this version now, or appeal it now.
    pub may_review: bool,
    pub may_appeal: bool,
    /// The coordinate system of every position in this answer.
    #[schema(value_type = crate::openapi::CoordSystemName)]
    pub coord_system: String,
    pub day: DayEvidence,
    /// The people the answer names (the rep, the reviewer, other people of the evidence)
    /// whom the caller reaches; others are left unnamed.
    pub people: Vec<PersonRef>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    #[schema(value_type = crate::openapi::values::IntegrityDecision)]
    pub decision: String,
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppealInput {
    /// The rep's side of the story.
    #[schema(min_length = 1, max_length = 2000)]
    pub text: String,
    /// Photos of the rep's that support it (at most 10).
    #[serde(default)]
    pub photo_ids: Vec<Uuid>,
}

/// The tenant's anti-cheat settings as written.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegritySettingsInput {
    /// Weight per reason code (0–10; 0 switches the check off); codes left out keep
    /// their default weight.
    #[serde(default)]
    pub weights: BTreeMap<String, f64>,
    /// A day whose score reaches this is `review` (0.1–100).
    pub review_at: f64,
    /// A day whose score reaches this is `likely_cheat` (at least `review_at`).
    pub likely_at: f64,
    /// Device ids (as the app sends them) a team shares by policy: using one is not
    /// proxy punching.
    #[serde(default)]
    pub shared_devices: Vec<String>,
    /// The levels that notify the rep's manager (`review`, `likely_cheat`).
    #[serde(default)]
    #[schema(value_type = Vec<crate::openapi::values::IntegrityLevel>)]
    pub notify: Vec<String>,
    /// Days after a verdict version is made during which the rep may appeal (0–90).
    #[schema(maximum = 90)]
    pub appeal_days: u32,
}

/// The settings in force, with each code's default weight.
#[derive(Serialize, ToSchema)]
pub struct IntegritySettingsView {
    pub weights: BTreeMap<String, f64>,
    pub review_at: f64,
    pub likely_at: f64,
    pub shared_devices: Vec<String>,
    #[schema(value_type = Vec<crate::openapi::values::IntegrityLevel>)]
    pub notify: Vec<String>,
    pub appeal_days: u32,
    /// Every reason code with the weight it has unless the tenant sets another.
    pub default_weights: BTreeMap<String, f64>,
}

/// What the queue's caller asks for (query parameters, parsed by the route).
pub struct QueueQuery {
    pub from: Option<String>,
    pub to: Option<String>,
    pub department_id: Option<DepartmentId>,
    pub employee_id: Option<EmployeeId>,
    pub level: Option<String>,
    pub status: Option<String>,
    pub cursor: Option<String>,
    pub limit: u32,
}

const LEVELS: [&str; 3] = ["clean", "review", "likely_cheat"];
const STATUSES: [&str; 4] = ["open", "confirmed", "dismissed", "appealed"];

fn parse_date(field: &str, v: &str) -> ApiResult<NaiveDate> {
    v.parse::<NaiveDate>()
        .map_err(|_| ApiError::bad_request(field, Problem::format(Format::Date)))
}

/// The review queue: verdicts of the people the caller reaches, newest day first. Without
/// `level` it lists the days at `review` or worse; `level=all` lists every day.
pub async fn queue(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    q: QueueQuery,
) -> ApiResult<IntegrityDayPage> {
    for (field, v) in [("from", &q.from), ("to", &q.to)] {
        if let Some(v) = v {
            parse_date(field, v)?;
        }
    }
    let levels: Vec<String> = match q.level.as_deref() {
        None => vec!["review".into(), "likely_cheat".into()],
        Some("all") => Vec::new(),
        Some(l) if LEVELS.contains(&l) => vec![l.to_owned()],
        Some(_) => {
            return Err(ApiError::bad_request(
                "level",
                Problem::unknown_value(&["clean", "review", "likely_cheat", "all"]),
            ));
        }
    };
    if let Some(st) = q.status.as_deref()
        && !STATUSES.contains(&st)
    {
        return Err(ApiError::bad_request(
            "status",
            Problem::unknown_value(&STATUSES),
        ));
    }
    let page = s
        .store
        .list_verdicts(
            tenant,
            reach,
            &VerdictFilter {
                from: q.from,
                to: q.to,
                department: q.department_id,
                employee: q.employee_id,
                levels,
                status: q.status,
                cursor: q.cursor,
                limit: q.limit,
            },
        )
        .await?;
    Ok(IntegrityDayPage {
        items: page.items.into_iter().map(item).collect(),
        next_cursor: page.next_cursor,
    })
}

fn reasons_of(v: &StoredVerdict) -> Vec<integrity::Reason> {
    serde_json::from_str(&v.reasons).unwrap_or_default()
}

fn item(v: StoredVerdict) -> IntegrityDayItem {
    let reasons = reasons_of(&v)
        .into_iter()
        .map(|r| r.code.as_str().to_owned())
        .collect();
    IntegrityDayItem {
        employee_id: EmployeeId(v.employee_id),
        employee_name: v.employee_name,
        date: v.day,
        level: v.level,
        score: v.score,
        version: v.revision,
        checks_version: v.checks_version,
        status: v.status,
        reasons,
        computed_at: at(v.computed_ms),
    }
}

fn track_url(employee: Uuid, date: &str) -> String {
    format!("/api/v1/employees/{employee}/track?date={date}")
}

fn already_reviewed(v: &StoredVerdict) -> bool {
    matches!((v.review_revision, v.review_ms), (Some(r), Some(ms))
        if r == v.revision && v.appeal_ms.is_none_or(|a| a <= ms))
}

fn appeal_until(v: &StoredVerdict, settings: &Settings) -> i64 {
    v.changed_ms + i64::from(settings.appeal_days) * DAY_MS
}

/// The caller as a person who may review (reaches the rep to write, is not the rep).
fn reviewer(principal: &Principal, employee: EmployeeId) -> Option<EmployeeId> {
    match principal {
        Principal::User(u)
            if u.employee != employee
                && !matches!(
                    domain::access::reach(principal, Resource::Tracks, Action::Write),
                    Reach::None
                ) =>
        {
            Some(u.employee)
        }
        _ => None,
    }
}

fn is_rep(principal: &Principal, employee: EmployeeId) -> bool {
    matches!(principal, Principal::User(u) if u.employee == employee)
}

/// One rep-day's verdict for a caller who reaches the rep (404 otherwise, and for a day
/// without a verdict), positions in `system`.
pub async fn day(
    s: &AppState,
    principal: &Principal,
    employee: EmployeeId,
    date: &str,
    system: CoordSystem,
) -> ApiResult<IntegrityDayView> {
    let tenant = principal.tenant();
    let reach = super::reach(principal, Resource::Tracks, Action::Read)?;
    let date = parse_date("date", date)?.to_string();
    let v = s.store.verdict(tenant, &reach, employee, &date).await?;
    view(s, principal, &reach, v, system).await
}

/// The verdict as the caller sees it; people are named only within `reach`.
async fn view(
    s: &AppState,
    principal: &Principal,
    reach: &Reach,
    v: StoredVerdict,
    system: CoordSystem,
) -> ApiResult<IntegrityDayView> {
    let tenant = principal.tenant();
    let employee = EmployeeId(v.employee_id);
    let settings = super::integrity_day::settings(s, tenant).await?;
    let tz = s.tenant_zone(tenant).await?;
    let date = parse_date("date", &v.day)?;
    let (from, to) = super::integrity_day::day_bounds(tz, date);
    let records = s
        .store
        .integrity_records(tenant, employee, from, to)
        .await?;
    let customer_ids: Vec<Uuid> = records
        .actions
        .iter()
        .filter_map(|a| a.customer)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let pins = s.store.customer_pins(tenant, &customer_ids).await?;
    let point = |t_ms: i64, lat: f64, lon: f64, accuracy_m: Option<f32>| {
        let p = Wgs84::from_stored(lat, lon).to_system(system);
        EvidencePoint {
            t: at(t_ms),
            lat: p.lat,
            lon: p.lon,
            accuracy_m,
        }
    };
    let opt = |lat: Option<f64>, lon: Option<f64>| match (lat, lon) {
        (Some(lat), Some(lon)) => {
            let p = Wgs84::from_stored(lat, lon).to_system(system);
            (Some(p.lat), Some(p.lon))
        }
        _ => (None, None),
    };

    let mut named: BTreeSet<Uuid> = BTreeSet::from([v.employee_id]);
    named.extend(v.review_by);
    let reasons: Vec<ReasonView> = reasons_of(&v)
        .into_iter()
        .map(|r| {
            let e = r.evidence;
            named.extend(e.other_employee);
            ReasonView {
                code: r.code.as_str().to_owned(),
                weight: (f64::from(r.weight) * 100.0).round() / 100.0,
                explanation: Explanation {
                    zh: r.code.explain(Lang::Zh).to_owned(),
                    en: r.code.explain(Lang::En).to_owned(),
                },
                evidence: ReasonEvidence {
                    points: e
                        .points
                        .iter()
                        .map(|p| point(p.t_ms, p.lat, p.lon, p.accuracy_m))
                        .collect(),
                    action_ids: e.actions,
                    photo_ids: e.photos,
                    matched_photo_ids: e.matched_photos,
                    other_employee_id: e.other_employee.map(EmployeeId),
                    matched_day: e.matched_day.map(|d| MatchedDay {
                        employee_id: EmployeeId(d.employee),
                        date: d.date.to_string(),
                        track_url: track_url(d.employee, &d.date.to_string()),
                    }),
                    figures: e.figures,
                },
            }
        })
        .collect();
    let mut people = Vec::new();
    for id in named {
        match s.store.employee(tenant, EmployeeId(id), reach).await {
            Ok(p) => people.push(PersonRef {
                id: p.id,
                name: p.name,
            }),
            Err(storage::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }

    let until = appeal_until(&v, &settings);
    let clean = v.level == Level::Clean.as_str();
    let may_review = !clean && reviewer(principal, employee).is_some() && !already_reviewed(&v);
    let may_appeal = !clean
        && is_rep(principal, employee)
        && crate::now_ms() < until
        && v.appeal_revision != Some(v.revision);
    let photo_action = |id: Uuid, visit: Option<Uuid>| {
        visit.or_else(|| {
            records
                .actions
                .iter()
                .find(|a| a.photo_id == Some(id))
                .map(|a| a.id)
        })
    };
    let day = DayEvidence {
        track_url: track_url(v.employee_id, &v.day),
        fixes: records
            .fixes
            .iter()
            .map(|f| point(f.fix.t_ms, f.fix.lat, f.fix.lon, f.fix.accuracy_m))
            .collect(),
        actions: records
            .actions
            .iter()
            .map(|a| {
                let (lat, lon) = opt(a.lat, a.lon);
                DayActionView {
                    id: a.id,
                    kind: a.kind.to_owned(),
                    t: at(a.t_ms),
                    received_at: a.received_ms.map(at),
                    lat,
                    lon,
                    accuracy_m: a.accuracy_m,
                    customer_id: a.customer.map(CustomerId),
                }
            })
            .collect(),
        customers: pins
            .into_iter()
            .map(|c| {
                let (lat, lon) = opt(c.lat, c.lon);
                DayCustomer {
                    id: CustomerId(c.id),
                    name: c.name,
                    lat,
                    lon,
                    radius_m: c.checkin_radius_m,
                }
            })
            .collect(),
        photos: records
            .photos
            .iter()
            .map(|p| DayPhoto {
                id: p.id,
                action_id: photo_action(p.id, p.visit_id),
                t: at(p.t_ms),
            })
            .collect(),
    };
    Ok(IntegrityDayView {
        employee_id: employee,
        employee_name: v.employee_name.clone(),
        date: v.day.clone(),
        level: v.level.clone(),
        score: v.score,
        version: v.revision,
        checks_version: v.checks_version,
        status: v.status.clone(),
        computed_at: at(v.computed_ms),
        changed_at: at(v.changed_ms),
        reasons,
        review: match (
            &v.review_decision,
            v.review_by,
            v.review_ms,
            v.review_revision,
        ) {
            (Some(d), Some(by), Some(ms), Some(r)) => Some(ReviewView {
                decision: d.clone(),
                note: v.review_note.clone(),
                reviewer_id: EmployeeId(by),
                at: at(ms),
                version: r,
            }),
            _ => None,
        },
        appeal: match (&v.appeal_text, v.appeal_ms, v.appeal_revision) {
            (Some(text), Some(ms), Some(r)) => Some(AppealView {
                text: text.clone(),
                photo_ids: v
                    .appeal_photo_ids
                    .as_deref()
                    .and_then(|j| serde_json::from_str(j).ok())
                    .unwrap_or_default(),
                at: at(ms),
                version: r,
            }),
            _ => None,
        },
        appeal_until: at(until),
        may_review,
        may_appeal,
        coord_system: system.as_str().to_owned(),
        day,
        people,
    })
}

fn conflict(code: &'static str, message: &str) -> ApiError {
    ApiError::new(StatusCode::CONFLICT, code, message)
}

fn refused(r: Refusal) -> ApiError {
    match r {
        Refusal::Changed => conflict(
            "verdict_changed",
            "the verdict changed meanwhile; read it again",
        ),
        Refusal::AlreadyReviewed => conflict(
            "already_reviewed",
            "this version of the verdict was already reviewed",
        ),
        Refusal::AlreadyAppealed => conflict(
            "already_appealed",
            "this version of the verdict was already appealed",
        ),
    }
}

fn not_clean(v: &StoredVerdict) -> ApiResult<()> {
    if v.level == Level::Clean.as_str() {
        return Err(conflict(
            "verdict_clean",
            "the day is clean: there is nothing to review or appeal",
        ));
    }
    Ok(())
}

/// A manager (or admin) who reaches the rep, and is not the rep, confirms or dismisses
/// the current version of a day's verdict. Once per version (409 `already_reviewed`);
/// an appeal after the review opens one more.
pub async fn review(
    s: &AppState,
    principal: &Principal,
    employee: EmployeeId,
    date: &str,
    input: ReviewInput,
) -> ApiResult<IntegrityDayView> {
    let tenant = principal.tenant();
    let read = super::reach(principal, Resource::Tracks, Action::Read)?;
    let date = parse_date("date", date)?.to_string();
    let v = s.store.verdict(tenant, &read, employee, &date).await?;
    let write = super::reach(principal, Resource::Tracks, Action::Write)?;
    s.store.employee(tenant, employee, &write).await?;
    let Some(by) = reviewer(principal, employee) else {
        return Err(ApiError::forbidden());
    };
    let decisions = ["confirmed", "dismissed"];
    if !decisions.contains(&input.decision.as_str()) {
        return Err(ApiError::invalid_one(
            "decision",
            Problem::unknown_value(&decisions),
        ));
    }
    let note = match input.note.as_deref().map(str::trim) {
        Some("") | None => None,
        Some(n) => Some(
            domain::tenant::clean_name(n, MAX_NOTE)
                .map_err(|p| ApiError::invalid(Invalid::one("note", p)))?,
        ),
    };
    not_clean(&v)?;
    s.store
        .review_verdict(
            tenant,
            employee,
            &date,
            v.revision,
            &input.decision,
            note.as_deref(),
            by,
        )
        .await?
        .map_err(refused)?;
    let v = s.store.verdict(tenant, &read, employee, &date).await?;
    view(s, principal, &read, v, CoordSystem::Wgs84).await
}

/// The rep appeals the current version of their own day's verdict, within the tenant's
/// window (409 `appeal_window_closed` after it), once per version.
pub async fn appeal(
    s: &AppState,
    principal: &Principal,
    employee: EmployeeId,
    date: &str,
    input: AppealInput,
) -> ApiResult<IntegrityDayView> {
    let tenant = principal.tenant();
    // Only the rep appeals: anyone else learns nothing about the day.
    if !is_rep(principal, employee) {
        return Err(ApiError::forbidden());
    }
    let read = super::reach(principal, Resource::Tracks, Action::Read)?;
    let date = parse_date("date", date)?.to_string();
    let v = s.store.verdict(tenant, &read, employee, &date).await?;
    let mut bad = Invalid::default();
    let text = bad.check(
        "text",
        domain::tenant::clean_name(&input.text, MAX_APPEAL_TEXT),
    );
    if input.photo_ids.len() > MAX_APPEAL_PHOTOS {
        bad.push(
            "photo_ids",
            Problem::TooMany {
                max: MAX_APPEAL_PHOTOS,
            },
        );
    }
    bad.into_result(|| ())?;
    let own = Reach::Own(employee);
    let mut photo_ids: Vec<Uuid> = Vec::new();
    for (i, id) in input.photo_ids.iter().enumerate() {
        crate::refs::photo(s, tenant, &own, format!("photo_ids[{i}]"), *id).await?;
        if !photo_ids.contains(id) {
            photo_ids.push(*id);
        }
    }
    not_clean(&v)?;
    let settings = super::integrity_day::settings(s, tenant).await?;
    if crate::now_ms() >= appeal_until(&v, &settings) {
        return Err(conflict(
            "appeal_window_closed",
            "the time to appeal this verdict has passed",
        ));
    }
    let photos_json = serde_json::to_string(&photo_ids).map_err(ApiError::internal)?;
    s.store
        .appeal_verdict(
            tenant,
            employee,
            &date,
            v.revision,
            text.as_deref().unwrap_or_default(),
            &photos_json,
        )
        .await?
        .map_err(refused)?;
    let v = s.store.verdict(tenant, &read, employee, &date).await?;
    view(s, principal, &read, v, CoordSystem::Wgs84).await
}

fn settings_view(st: Settings) -> IntegritySettingsView {
    IntegritySettingsView {
        weights: st
            .weights
            .iter()
            .map(|(c, w)| (c.as_str().to_owned(), f64::from(*w)))
            .collect(),
        review_at: f64::from(st.review_at),
        likely_at: f64::from(st.likely_at),
        shared_devices: st.shared_devices,
        notify: st.notify.iter().map(|l| l.as_str().to_owned()).collect(),
        appeal_days: u32::from(st.appeal_days),
        default_weights: ReasonCode::ALL
            .iter()
            .map(|c| (c.as_str().to_owned(), f64::from(c.default_weight())))
            .collect(),
    }
}

/// The settings in force (the defaults until an admin sets them).
pub async fn get_settings(s: &AppState, tenant: TenantId) -> ApiResult<IntegritySettingsView> {
    Ok(settings_view(
        super::integrity_day::settings(s, tenant).await?,
    ))
}

/// Checks every field, naming each bad one.
fn validate_settings(input: &IntegritySettingsInput) -> Result<Settings, Invalid> {
    let mut bad = Invalid::default();
    let mut weights = BTreeMap::new();
    for (code, w) in &input.weights {
        let field = format!("weights.{code}");
        match ReasonCode::ALL.iter().find(|c| c.as_str() == code) {
            None => bad.push(
                field,
                Problem::unknown_value(&ReasonCode::ALL.map(ReasonCode::as_str)),
            ),
            Some(_) if !w.is_finite() || !(0.0..=MAX_WEIGHT).contains(w) => {
                bad.push(field, Problem::range(0.0, MAX_WEIGHT, ""))
            }
            Some(c) => {
                weights.insert(*c, *w as f32);
            }
        }
    }
    let threshold_ok = |v: f64| v.is_finite() && (0.1..=MAX_THRESHOLD).contains(&v);
    if !threshold_ok(input.review_at) {
        bad.push("review_at", Problem::range(0.1, MAX_THRESHOLD, ""));
    }
    if !threshold_ok(input.likely_at) {
        bad.push("likely_at", Problem::range(0.1, MAX_THRESHOLD, ""));
    } else if input.likely_at < input.review_at {
        bad.push(
            "likely_at",
            Problem::BelowMin {
                min: input.review_at,
            },
        );
    }
    let mut shared: Vec<String> = Vec::new();
    if input.shared_devices.len() > MAX_SHARED_DEVICES {
        bad.push(
            "shared_devices",
            Problem::TooMany {
                max: MAX_SHARED_DEVICES,
            },
        );
    }
    for (i, d) in input.shared_devices.iter().enumerate() {
        let field = format!("shared_devices[{i}]");
        match domain::tenant::clean_name(d, domain::evidence::MAX_FACT_CHARS) {
            Err(p) => bad.push(field, p),
            Ok(d) if shared.contains(&d) => bad.push(field, Problem::Duplicate),
            Ok(d) => shared.push(d),
        }
    }
    let mut notify = Vec::new();
    for (i, l) in input.notify.iter().enumerate() {
        let field = format!("notify[{i}]");
        match l.as_str() {
            "review" => notify.push(Level::Review),
            "likely_cheat" => notify.push(Level::LikelyCheat),
            _ => bad.push(field, Problem::unknown_value(&["review", "likely_cheat"])),
        }
    }
    notify.sort();
    notify.dedup();
    if input.appeal_days > MAX_APPEAL_DAYS {
        bad.push(
            "appeal_days",
            Problem::range(0.0, f64::from(MAX_APPEAL_DAYS), "days"),
        );
    }
    bad.into_result(|| ())?;
    Ok(Settings {
        weights,
        review_at: input.review_at as f32,
        likely_at: input.likely_at as f32,
        shared_devices: shared,
        notify,
        appeal_days: input.appeal_days.min(MAX_APPEAL_DAYS) as u16,
    })
}

/// Replaces the tenant's settings (admins); they apply to verdicts computed from then on.
pub async fn put_settings(
    s: &AppState,
    tenant: TenantId,
    input: IntegritySettingsInput,
) -> ApiResult<IntegritySettingsView> {
    let settings = validate_settings(&input)?;
    let json = serde_json::to_string(&settings).map_err(ApiError::internal)?;
    s.store.put_integrity_settings(tenant, &json).await?;
    Ok(settings_view(settings))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> IntegritySettingsInput {
        IntegritySettingsInput {
            weights: BTreeMap::from([("pin_drop".into(), 3.0), ("rooted".into(), 0.0)]),
            review_at: 1.0,
            likely_at: 3.0,
            shared_devices: vec![" tablet-1 ".into()],
            notify: vec!["likely_cheat".into(), "review".into()],
            appeal_days: 14,
        }
    }

    #[test]
    fn valid_settings_become_the_crates() {
        let st = validate_settings(&input()).unwrap();
        assert_eq!(st.weight(ReasonCode::PinDrop), 3.0);
        assert_eq!(st.weight(ReasonCode::Rooted), 0.0);
        assert_eq!(
            st.weight(ReasonCode::Teleport),
            ReasonCode::Teleport.default_weight()
        );
        assert_eq!(st.shared_devices, vec!["tablet-1".to_string()]);
        assert_eq!(st.notify, vec![Level::Review, Level::LikelyCheat]);
        assert_eq!(st.appeal_days, 14);
    }

    #[test]
    fn every_bad_field_is_named() {
        let mut i = input();
        i.weights.insert("teleport".into(), -1.0);
        i.weights.insert("levitation".into(), 1.0);
        i.likely_at = 0.5;
        i.shared_devices.push("tablet-1".into());
        i.notify.push("clean".into());
        i.appeal_days = 400;
        let bad = validate_settings(&i).unwrap_err();
        let fields: BTreeSet<&str> = bad.problems.iter().map(|p| p.field.as_str()).collect();
        assert_eq!(
            fields,
            BTreeSet::from([
                "weights.teleport",
                "weights.levitation",
                "likely_at",
                "shared_devices[1]",
                "notify[2]",
                "appeal_days",
            ])
        );
    }
}
