//! Attendance (考勤): the work calendar, the rule that applies to a person, clock-in/out
//! judged against shifts, grace and geofences (with the fix's accuracy), corrected
//! punches, and daily records derived from the stored punches and approved leave.

use super::Saved;
use crate::actions::{action_fix, device_evidence, digest, from_json, id_reused, to_json};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use chrono::{DateTime, NaiveDate, Utc};
use domain::access::{Reach, UserPrincipal};
use domain::attendance::{
    AttendanceRule, DailyAttendance, Leave, Punch, PunchJudgement, PunchKind, judge_punch,
    local_instant, person_record,
};
use domain::calendar::{WorkCalendar, WorkCalendarInput};
use domain::evidence::{DeviceFacts, Flag};
use domain::geofence::judge;
use domain::{DepartmentId, EmployeeId, Format, Invalid, Problem, TenantId};
use serde::{Deserialize, Serialize};
use storage::StoredPunch;
use utoipa::ToSchema;
use uuid::Uuid;

/// The kind under which attendance rules are stored.
pub(crate) const RULE: &str = "attendance";
/// The kind under which the tenant's work calendar is stored (tenant scope only).
pub(crate) const CALENDAR: &str = "calendar";

/// The tenant's work calendar as stored (empty when none is) and validated.
pub(crate) async fn calendar(
    s: &AppState,
    tenant: TenantId,
) -> ApiResult<(WorkCalendarInput, WorkCalendar)> {
    let stored = s.store.rules(tenant, CALENDAR).await?.remove(&None);
    let input: WorkCalendarInput = match stored {
        Some(json) => serde_json::from_str(&json).map_err(ApiError::internal)?,
        None => {
            serde_json::from_value(serde_json::json!({"days": []})).map_err(ApiError::internal)?
        }
    };
    let cal = input.validate()?;
    Ok((input, cal))
}

/// The attendance rule that applies to a department (default: weekdays 09:00–18:00
/// anywhere).
pub(crate) async fn rule_for(
    s: &AppState,
    tenant: TenantId,
    dept: DepartmentId,
) -> ApiResult<AttendanceRule> {
    super::rules::rule_for(s, tenant, RULE, dept).await
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PunchInput {
    /// Client-generated id: a retried request returns the first answer and stores nothing;
    /// the same id with a different body is a 409.
    pub id: Uuid,
    /// When the person clocked in or out (device time, with its offset).
    pub t: Instant,
    /// Where, both or neither: without a position the punch is still stored, its place
    /// judged `uncertain` and flagged `no_fix`.
    #[serde(default)]
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    /// When the position was taken, if earlier than `t`; older than 2 minutes flags
    /// `stale_fix`.
    #[serde(default)]
    pub fix_t: Option<Instant>,
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    /// The fix's 68 % accuracy radius; without it, fence judgements are `uncertain`.
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// The OS marked the fix as mocked.
    #[serde(default)]
    pub mock: Option<bool>,
    /// A photo uploaded first with `POST /api/v1/photos` (purpose `attendance`).
    #[serde(default)]
    pub photo_id: Option<Uuid>,
    #[serde(default)]
    pub device: Option<DeviceFacts>,
}

#[derive(Serialize, ToSchema)]
pub struct PunchAnswer {
    pub id: Uuid,
    pub kind: PunchKind,
    pub t: DateTime<Utc>,
    pub judgement: PunchJudgement,
    pub photo_id: Option<Uuid>,
    /// Evidence flags of the punch and of its photo.
    pub flags: Vec<Flag>,
}

/// Clocks the signed-in person in or out, judged against their attendance rule: on time
/// or late (after grace), early leave, on a work day or not, inside an allowed geofence,
/// outside, or uncertain. A retry answers with what was stored the first time.
pub async fn punch(
    s: &AppState,
    u: &UserPrincipal,
    kind: PunchKind,
    input: PunchInput,
) -> ApiResult<Saved<PunchAnswer>> {
    let digest = digest(&input);
    let fix = action_fix!(input)?;
    let (t_ms, offset_min, p, accuracy) = (fix.t_ms, fix.offset_min, fix.at, fix.accuracy_m);
    if let Some(photo_id) = input.photo_id {
        match s.store.photo(u.tenant, photo_id).await {
            Ok(ph) if ph.employee_id == u.employee.0 && ph.purpose == "attendance" => {}
            Ok(_) | Err(storage::StoreError::NotFound) => {
                return Err(ApiError::invalid(Invalid::one(
                    "photo_id",
                    Problem::NotFound,
                )));
            }
            Err(e) => return Err(e.into()),
        }
    }
    let rule = rule_for(s, u.tenant, u.department).await?;
    let schedule = rule.validate()?;
    let (_, cal) = calendar(s, u.tenant).await?;
    let tz = s.tenant_zone(u.tenant).await?;
    // Without a position no fence is judged, and the place is `uncertain`.
    let mut fences = Vec::new();
    for id in &schedule.fence_ids {
        if let (Some(p), Ok(f)) = (p, s.store.geofence(u.tenant, *id).await) {
            fences.push((
                *id,
                judge(&f.fence, p.lat(), p.lon(), accuracy.unwrap_or(f64::NAN)).judgement,
            ));
        }
    }
    let judgement = judge_punch(
        &schedule,
        &cal,
        tz,
        kind,
        t_ms,
        &fences,
        input.photo_id.is_some(),
    );
    let mut flags = device_evidence(
        s,
        u.tenant,
        u.employee,
        input.device.as_ref(),
        fix.mock,
        t_ms,
    )
    .await?;
    flags.extend(fix.fix_flag());
    let kind_str = match kind {
        PunchKind::ClockIn => "clock_in",
        PunchKind::ClockOut => "clock_out",
    };
    let record = StoredPunch {
        id: input.id,
        employee: u.employee,
        kind: kind_str.into(),
        t_ms,
        offset_min,
        lat: p.map(|p| p.lat()),
        lon: p.map(|p| p.lon()),
        accuracy_m: accuracy.map(|a| a as f32),
        judgement_json: to_json(&judgement)?,
        digest: Some(digest.clone()),
        device_json: input.device.as_ref().map(to_json).transpose()?,
        flags_json: to_json(&flags)?,
        photo_id: input.photo_id,
    };
    let day = domain::tracking::local_date(tz, t_ms).to_string();
    let (stored, created) = s
        .store
        .insert_punch(u.tenant, &record, &day, crate::now_ms())
        .await?;
    if stored.digest.as_deref() != Some(digest.as_str()) {
        return Err(id_reused());
    }
    // A retry answers with what was stored the first time, not with a new judgement.
    Ok(Saved {
        item: punch_answer(s, u.tenant, &stored).await?,
        created,
    })
}

/// A stored punch as the clock-in answer shows it, with its photo's flags.
pub(crate) async fn punch_answer(
    s: &AppState,
    tenant: TenantId,
    stored: &StoredPunch,
) -> ApiResult<PunchAnswer> {
    let judgement: PunchJudgement = from_json(&stored.judgement_json)?;
    let kind = if stored.kind == "clock_in" {
        PunchKind::ClockIn
    } else {
        PunchKind::ClockOut
    };
    let mut flags = from_json::<Vec<Flag>>(&stored.flags_json)?;
    if let Some(photo_id) = stored.photo_id {
        match s.store.photo(tenant, photo_id).await {
            Ok(ph) => flags.extend(from_json::<Vec<Flag>>(&ph.flags)?),
            Err(storage::StoreError::NotFound) => {}
            Err(e) => return Err(e.into()),
        }
    }
    Ok(PunchAnswer {
        id: stored.id,
        kind,
        t: DateTime::from_timestamp_millis(stored.t_ms).unwrap_or_default(),
        judgement,
        photo_id: stored.photo_id,
        flags,
    })
}

/// One person's daily records over the local dates `from..=to` (`YYYY-MM-DD`, at most 92
/// days), for a caller who reaches them with `reach`.
pub async fn days(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    employee: EmployeeId,
    (from, to): (&str, &str),
) -> ApiResult<Vec<DailyAttendance>> {
    let person = s.store.employee(tenant, employee, reach).await?;
    let parse = |field: &str, v: &str| {
        v.parse::<NaiveDate>()
            .map_err(|_| ApiError::bad_request(field, Problem::format(Format::Date)))
    };
    let (from, to) = (parse("from", from)?, parse("to", to)?);
    if to < from || (to - from).num_days() > 92 {
        return Err(ApiError::bad_request(
            "to",
            Problem::BadRange {
                other: "from".into(),
                max_days: 92,
            },
        ));
    }
    let schedule = rule_for(s, tenant, person.department_id)
        .await?
        .validate()?;
    let (_, cal) = calendar(s, tenant).await?;
    let tz = s.tenant_zone(tenant).await?;
    person_days(s, tenant, tz, &schedule, &cal, &person, from, to).await
}

/// The local date a person started: their hire date when set, else their record's creation in the tenant's zone, or the
/// day of their earliest punch when that is earlier (history kept from before the record
/// existed). Days before it are `not_started`, never `absent`.
pub(crate) async fn start_date(
    s: &AppState,
    tenant: TenantId,
    tz: chrono_tz::Tz,
    person: &domain::employee::Employee,
) -> ApiResult<NaiveDate> {
    if let Some(d) = person.start_date {
        return Ok(d);
    }
    let created = person.created_at.with_timezone(&tz).date_naive();
    let first = s
        .store
        .first_punch_ms(tenant, person.id)
        .await?
        .and_then(|ms| {
            DateTime::<Utc>::from_timestamp_millis(ms).map(|t| t.with_timezone(&tz).date_naive())
        });
    Ok(first.map_or(created, |f| f.min(created)))
}

/// One person's daily records over `from..=to` from their punches and approved leave.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn person_days(
    s: &AppState,
    tenant: TenantId,
    tz: chrono_tz::Tz,
    schedule: &domain::attendance::AttendanceSchedule,
    cal: &WorkCalendar,
    person: &domain::employee::Employee,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<Vec<DailyAttendance>> {
    let employee = person.id;
    // Night shifts reach into the next day, and early clock-ins into the day before.
    let lo = local_instant(tz, from.pred_opt().unwrap_or(from), 0);
    let hi = local_instant(
        tz,
        to.checked_add_days(chrono::Days::new(2)).unwrap_or(to),
        0,
    );
    let punches: Vec<Punch> = s
        .store
        .punches_between(tenant, employee, lo, hi)
        .await?
        .into_iter()
        .map(|p| Punch {
            kind: if p.kind == "clock_in" {
                PunchKind::ClockIn
            } else {
                PunchKind::ClockOut
            },
            t_ms: p.t_ms,
        })
        .collect();
    // Approved leave, as instants over whole local days.
    let leaves: Vec<Leave> = s
        .store
        .requests_between(tenant, employee, &from.to_string(), &to.to_string())
        .await?
        .into_iter()
        .filter(|r| r.kind == "leave" && r.status == "approved")
        .filter_map(|r| {
            let (a, b) = (
                r.from_date.parse::<NaiveDate>().ok()?,
                r.to_date.parse::<NaiveDate>().ok()?,
            );
            Some(Leave {
                start_ms: local_instant(tz, a, 0),
                end_ms: local_instant(tz, b.succ_opt()?, 0),
            })
        })
        .collect();
    let now = crate::now_ms();
    let start = start_date(s, tenant, tz, person).await?;
    Ok(from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|d| person_record(schedule, cal, tz, start, d, &punches, &leaves, now))
        .collect())
}

/// Records the punch an approved correction asks for, judged at its time against the
/// person's rule as if at an allowed place with a photo (the approver vouched for both).
/// Its id is the request's, so deciding is the only way it appears and it appears once.
pub(crate) async fn record_corrected_punch(
    s: &AppState,
    tenant: TenantId,
    request: &storage::StoredRequest,
) -> ApiResult<()> {
    #[derive(Deserialize)]
    struct Asked {
        kind: String,
        t: Instant,
    }
    let asked: Asked = from_json(&request.body)?;
    let kind = match asked.kind.as_str() {
        "clock_in" => PunchKind::ClockIn,
        _ => PunchKind::ClockOut,
    };
    let (t_ms, offset_min) = crate::actions::parse_time(&asked.t, "t")?;
    let employee = EmployeeId(request.employee_id);
    let person = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    let schedule = rule_for(s, tenant, person.department_id)
        .await?
        .validate()?;
    let (_, cal) = calendar(s, tenant).await?;
    let tz = s.tenant_zone(tenant).await?;
    let vouched: Vec<_> = schedule
        .fence_ids
        .iter()
        .map(|f| (*f, domain::geofence::Judgement::Inside))
        .collect();
    let judgement = judge_punch(&schedule, &cal, tz, kind, t_ms, &vouched, true);
    let day = domain::tracking::local_date(tz, t_ms).to_string();
    s.store
        .insert_punch(
            tenant,
            &StoredPunch {
                id: request.id,
                employee,
                kind: asked.kind,
                t_ms,
                offset_min,
                lat: None,
                lon: None,
                accuracy_m: None,
                judgement_json: to_json(&judgement)?,
                digest: Some(request.digest.clone()),
                device_json: None,
                flags_json: "[]".into(),
                photo_id: None,
            },
            &day,
            crate::now_ms(),
        )
        .await?;
    Ok(())
}
