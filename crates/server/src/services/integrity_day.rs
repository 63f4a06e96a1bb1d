//! The `integrity_day` job: one rep-day's anti-cheat verdict recomputed from everything
//! stored for it (raw fixes with receive times, actions with their device facts, photos'
//! facts, the customers' pins), a compact history (the department's recent signatures,
//! uses of the day's devices around it, earlier photos sharing a hash band) and the
//! tenant's settings; stored as a new revision when it says something new. Idempotent: a
//! second run over the same facts stores nothing new.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::summary::to_track_fix;
use chrono::{DateTime, Days, NaiveDate, NaiveDateTime, TimeZone};
use domain::access::Reach;
use domain::evidence::DeviceFacts;
use domain::tracking::day_start;
use domain::{EmployeeId, TenantId};
use integrity::{
    Action, ActionKind, CustomerPin, DayFix, DayRef, DaySignature, DeviceClaims, DeviceUse,
    EarlierPhoto, History, PhotoCapture, PhotoFacts, Position, RepDay, Settings, Verdict,
};
use std::collections::BTreeSet;
use storage::{DayAction, DayRecords, NewVerdict, StoredPhoto};
use uuid::Uuid;

/// Calendar days before the day whose signatures (and device uses) a verdict compares
/// with: a working week.
pub(crate) const HISTORY_DAYS: u64 = 7;
const DAY_MS: i64 = 86_400_000;
/// A customer without its own radius is judged with this one.
const DEFAULT_RADIUS_M: f32 = 200.0;

#[derive(serde::Deserialize)]
struct DayJob {
    employee_id: Uuid,
    day: NaiveDate,
}

/// The job's handler.
pub async fn run_day_job(state: &AppState, tenant: TenantId, payload: &str) -> ApiResult<()> {
    let job: DayJob = serde_json::from_str(payload).map_err(ApiError::internal)?;
    recompute(state, tenant, EmployeeId(job.employee_id), job.day).await?;
    Ok(())
}

/// The tenant's settings as stored, or the defaults.
pub(crate) async fn settings(s: &AppState, tenant: TenantId) -> ApiResult<Settings> {
    match s.store.integrity_settings(tenant).await? {
        Some(json) => serde_json::from_str(&json).map_err(ApiError::internal),
        None => Ok(Settings::default()),
    }
}

/// The local day (`YYYY-MM-DD`, the tenant's time zone) an action at `t_ms` belongs to:
/// the day whose verdict it changes.
pub(crate) async fn local_day(s: &AppState, tenant: TenantId, t_ms: i64) -> ApiResult<String> {
    let tz = s.tenant_zone(tenant).await?;
    Ok(domain::tracking::local_date(tz, t_ms).to_string())
}

/// Recomputes and stores one rep-day's verdict; answers it with its stored revision and
/// whether this run made that revision.
pub async fn recompute(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    date: NaiveDate,
) -> ApiResult<(Verdict, i32, bool)> {
    let (day, history, settings) = load(s, tenant, employee, date).await?;
    // Milliseconds of CPU in a release build (more in debug): off the async threads, so
    // requests keep being answered while a worker judges days.
    let (verdict, settings) = tokio::task::spawn_blocking(move || {
        (integrity::assess(&day, &history, &settings), settings)
    })
    .await
    .map_err(ApiError::internal)?;
    let stored = NewVerdict {
        notify: settings.notify.contains(&verdict.level),
        checks_version: verdict.version as i32,
        level: verdict.level.as_str().to_owned(),
        score: f64::from(verdict.score),
        reasons_json: serde_json::to_string(&verdict.reasons).map_err(ApiError::internal)?,
        signature_json: serde_json::to_string(&DaySignature {
            day: None,
            cells: verdict.signature.cells.clone(),
        })
        .map_err(ApiError::internal)?,
    };
    let (revision, changed) = s
        .store
        .save_verdict(tenant, employee, &date.to_string(), &stored)
        .await?;
    Ok((verdict, revision, changed))
}

/// The instants `[from, to)` of a local day.
pub(crate) fn day_bounds(tz: chrono_tz::Tz, date: NaiveDate) -> (i64, i64) {
    let next = date.succ_opt().unwrap_or(date);
    (day_start(tz, date), day_start(tz, next))
}

/// Everything the verdict needs, read in batches (about a dozen statements).
async fn load(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    date: NaiveDate,
) -> ApiResult<(RepDay, History, Settings)> {
    let person = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    let tz = s.tenant_zone(tenant).await?;
    let settings = settings(s, tenant).await?;
    let (from, to) = day_bounds(tz, date);
    let schedule = super::attendance::rule_for(s, tenant, person.department_id)
        .await?
        .validate()?;
    let (_, calendar) = super::attendance::calendar(s, tenant).await?;
    let work_windows: Vec<(i64, i64)> = schedule
        .shifts_on(&calendar, tz, date)
        .into_iter()
        .map(|w| (w.start_ms, w.end_ms))
        .collect();

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
    let day = rep_day(employee, date, &records, &pins, work_windows, tz);

    let first = date
        .checked_sub_days(Days::new(HISTORY_DAYS))
        .unwrap_or(date);
    let signatures = s
        .store
        .team_signatures(
            tenant,
            person.department_id,
            &first.to_string(),
            &date.to_string(),
        )
        .await?;
    let mut history = History::default();
    for sig in signatures {
        let Ok(day) = sig.day.parse::<NaiveDate>() else {
            continue;
        };
        if sig.employee_id == employee.0 && day == date {
            continue;
        }
        let Ok(mut parsed) = serde_json::from_str::<DaySignature>(&sig.signature) else {
            continue;
        };
        parsed.day = Some(DayRef {
            employee: sig.employee_id,
            date: day,
        });
        history.days.push(parsed);
    }
    let keys: Vec<String> = day
        .actions
        .iter()
        .filter_map(|a| a.device.id.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let uses_from = from - HISTORY_DAYS as i64 * DAY_MS;
    history.device_uses = s
        .store
        .device_uses(tenant, &keys, uses_from, to + DAY_MS)
        .await?
        .into_iter()
        .map(|u| DeviceUse {
            device: u.device_key,
            employee: u.employee_id,
            t_ms: u.t_ms,
            action: Some(u.action_id),
        })
        .collect();
    let phashes: Vec<u64> = day.photos.iter().map(|p| p.phash).collect();
    let shas: Vec<String> = day.photos.iter().map(|p| p.sha256.clone()).collect();
    let own: Vec<Uuid> = day.photos.iter().map(|p| p.id).collect();
    history.earlier_photos = s
        .store
        .photos_sharing_band(tenant, &phashes, &shas, &own)
        .await?
        .into_iter()
        .filter(|p| p.t_ms < to)
        .map(|p| EarlierPhoto {
            id: p.id,
            employee: p.employee_id,
            t_ms: p.t_ms,
            sha256: p.sha256,
            phash: p.phash as u64,
        })
        .collect();
    Ok((day, history, settings))
}

/// The stored day as the pure crate takes it.
pub(crate) fn rep_day(
    employee: EmployeeId,
    date: NaiveDate,
    records: &DayRecords,
    pins: &[storage::CustomerPinRow],
    work_windows: Vec<(i64, i64)>,
    tz: chrono_tz::Tz,
) -> RepDay {
    let photo_action = |p: &StoredPhoto| {
        p.visit_id.or_else(|| {
            records
                .actions
                .iter()
                .find(|a| a.photo_id == Some(p.id))
                .map(|a| a.id)
        })
    };
    RepDay {
        employee: employee.0,
        date: Some(date),
        work_windows,
        fixes: records
            .fixes
            .iter()
            .map(|f| DayFix {
                fix: to_track_fix(&f.fix),
                received_ms: f.received_ms,
            })
            .collect(),
        actions: records.actions.iter().map(action).collect(),
        photos: records
            .photos
            .iter()
            .map(|p| photo_facts(p, photo_action(p), tz))
            .collect(),
        customers: pins
            .iter()
            .filter_map(|c| {
                Some(CustomerPin {
                    id: c.id,
                    lat: c.lat?,
                    lon: c.lon?,
                    radius_m: c.checkin_radius_m.map_or(DEFAULT_RADIUS_M, |r| r as f32),
                })
            })
            .collect(),
        now_ms: crate::now_ms(),
    }
}

fn action(a: &DayAction) -> Action {
    let facts: DeviceFacts = a
        .device_json
        .as_deref()
        .and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or_default();
    // The fix's own mock flag is stored as the action's `mock_location` flag.
    let fix_mock = a.flags_json.contains("\"mock_location\"");
    Action {
        id: a.id,
        kind: match a.kind {
            "clock_in" => ActionKind::ClockIn,
            "clock_out" => ActionKind::ClockOut,
            "check_in" => ActionKind::CheckIn,
            _ => ActionKind::CheckOut,
        },
        t_ms: a.t_ms,
        received_ms: a.received_ms.unwrap_or(a.t_ms),
        position: match (a.lat, a.lon) {
            (Some(lat), Some(lon)) => Some(Position {
                lat,
                lon,
                accuracy_m: a.accuracy_m,
            }),
            _ => None,
        },
        fix_t_ms: None,
        customer: a.customer,
        device: DeviceClaims {
            id: facts.key(),
            mock_location: match (facts.mock_location, fix_mock) {
                (_, true) => Some(true),
                (m, false) => m,
            },
            developer_mode: facts.developer_mode,
            rooted: facts.rooted,
            emulator: facts.emulator,
            clock_ms: facts
                .clock
                .as_deref()
                .and_then(|c| DateTime::parse_from_rfc3339(c).ok())
                .map(|t| t.timestamp_millis()),
        },
    }
}

#[derive(serde::Deserialize)]
struct StoredExif {
    taken_at: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

fn photo_facts(p: &StoredPhoto, action: Option<Uuid>, tz: chrono_tz::Tz) -> PhotoFacts {
    let exif: Option<StoredExif> = p.exif.as_deref().and_then(|e| serde_json::from_str(e).ok());
    let (exif_time_ms, exif_position) = match &exif {
        Some(e) => (
            e.taken_at
                .as_deref()
                .and_then(|t| exif_instant(t, p.offset_min, tz)),
            match (e.lat, e.lon) {
                (Some(lat), Some(lon)) => Some(Position {
                    lat,
                    lon,
                    accuracy_m: None,
                }),
                _ => None,
            },
        ),
        None => (None, None),
    };
    PhotoFacts {
        id: p.id,
        action,
        t_ms: p.t_ms,
        position: match (p.lat, p.lon) {
            (Some(lat), Some(lon)) => Some(Position {
                lat,
                lon,
                accuracy_m: None,
            }),
            _ => None,
        },
        sha256: p.sha256.clone(),
        phash: p.phash as u64,
        capture: if p.capture == "camera" {
            PhotoCapture::Camera
        } else {
            PhotoCapture::Upload
        },
        exif_time_ms,
        exif_position,
    }
}

/// The stored EXIF time (RFC 3339, or local without an offset) as an instant: a local
/// time is read in the photo's own offset, else the tenant's zone.
fn exif_instant(taken_at: &str, offset_min: Option<i16>, tz: chrono_tz::Tz) -> Option<i64> {
    if let Ok(t) = DateTime::parse_from_rfc3339(taken_at) {
        return Some(t.timestamp_millis());
    }
    let local = NaiveDateTime::parse_from_str(taken_at, "%Y-%m-%dT%H:%M:%S").ok()?;
    match offset_min {
        Some(m) => chrono::FixedOffset::east_opt(i32::from(m) * 60)?
            .from_local_datetime(&local)
            .single()
            .map(|t| t.timestamp_millis()),
        None => tz
            .from_local_datetime(&local)
            .earliest()
            .map(|t| t.timestamp_millis()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exif_times_read_with_their_offset_or_the_zone() {
        let tz: chrono_tz::Tz = "Asia/Shanghai".parse().unwrap();
        let with = exif_instant("2026-03-02T09:30:00+08:00", None, tz).unwrap();
        let photo_offset = exif_instant("2026-03-02T09:30:00", Some(480), tz).unwrap();
        let zone = exif_instant("2026-03-02T09:30:00", None, tz).unwrap();
        assert_eq!(with, photo_offset);
        assert_eq!(with, zone);
        let utc = exif_instant("2026-03-02T09:30:00", Some(0), tz).unwrap();
        assert_eq!(utc - with, 8 * 3_600_000);
        assert_eq!(exif_instant("yesterday", None, tz), None);
    }

    #[test]
    fn an_actions_device_facts_and_fix_mock_become_claims() {
        let a = DayAction {
            id: Uuid::nil(),
            kind: "check_in",
            t_ms: 1_000,
            received_ms: Some(5_000),
            lat: Some(31.2),
            lon: Some(121.4),
            accuracy_m: Some(12.0),
            customer: Some(Uuid::nil()),
            device_json: Some(
                r#"{"id":" phone-1 ","rooted":true,"clock":"2026-03-02T01:30:00Z"}"#.into(),
            ),
            photo_id: None,
            flags_json: r#"[{"code":"mock_location","evidence":{}}]"#.into(),
        };
        let got = action(&a);
        assert_eq!(got.kind, ActionKind::CheckIn);
        assert_eq!(got.received_ms, 5_000);
        assert_eq!(got.device.id.as_deref(), Some("phone-1"));
        assert_eq!(got.device.rooted, Some(true));
        assert_eq!(got.device.mock_location, Some(true));
        assert_eq!(
            got.device.clock_ms,
            Some(
                DateTime::parse_from_rfc3339("2026-03-02T01:30:00Z")
                    .unwrap()
                    .timestamp_millis()
            )
        );
        let plain = action(&DayAction {
            device_json: None,
            flags_json: "[]".into(),
            received_ms: None,
            ..a
        });
        assert_eq!(plain.device, DeviceClaims::default());
        assert_eq!(plain.received_ms, 1_000);
    }
}
