//! Live photos (现场拍照) for visits and attendance: checked (real image, size, no
//! decompression bomb), fingerprinted (SHA-256, perceptual hash against the tenant's
//! earlier photos), compared with their EXIF, watermarked with time, place, person and
//! customer, written durably before they are recorded, and read back only by callers
//! who reach the person who took them.

use super::Saved;
use crate::actions::{
    ActionFixInput, device_clock_ms, device_evidence, digest, from_json, id_reused, parse_fix,
    parse_time, to_json,
};
use crate::error::{ApiError, ApiResult};
use crate::photo_files::{Variant, link_photo_file, write_photo_file};
use crate::state::AppState;
use crate::tracking::fix_input::Instant;
use axum::http::StatusCode;
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, TimeZone, Utc};
use domain::access::{Reach, UserPrincipal};
use domain::evidence::{Capture, DeviceFacts, Flag, FlagCode, PhotoExif, photo_flags};
use domain::{EmployeeId, Format, Invalid, Problem, TenantId};
use photo::SAME_PHOTO_MAX_DISTANCE;
use serde::{Deserialize, Serialize};
use serde_json::json;
use storage::{StoreError, StoredPhoto};
use utoipa::ToSchema;
use uuid::Uuid;

/// The `meta` part of an upload.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhotoMeta {
    /// Client-generated id: a retried upload answers the first result and stores nothing.
    pub id: Uuid,
    /// When the photo was taken (device time with offset).
    pub t: Instant,
    /// Where; optional, but without it the EXIF position cannot be compared.
    #[serde(default)]
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    #[serde(default)]
    pub mock: Option<bool>,
    #[serde(default)]
    pub device: Option<DeviceFacts>,
    /// Watermark language: `zh` or `en` (default: from `Accept-Language`).
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::values::WatermarkLang>)]
    pub lang: Option<String>,
    /// `camera` for a live capture in the app (such frames carry no EXIF, so none is
    /// expected), `gallery` (the default) for a picked file.
    #[serde(default)]
    pub capture: Option<Capture>,
    /// `POST /api/v1/photos` only: `attendance` (the default; for a clock-in or -out) or
    /// `receipt` (for an expense: hashed and compared with the tenant's photos like any
    /// other, so a receipt claimed twice shows, but part of no visit and of no day's
    /// anti-cheat verdict). A visit's photos are uploaded to the visit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::openapi::values::PhotoUploadPurpose>)]
    pub purpose: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ExifView {
    /// As the camera recorded it (RFC 3339 when it wrote an offset).
    pub taken_at: Option<String>,
    pub lat: Option<f64>,
    pub lon: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct PhotoView {
    pub id: Uuid,
    pub visit_id: Option<Uuid>,
    pub purpose: String,
    pub t: DateTime<Utc>,
    pub format: String,
    pub width: i32,
    pub height: i32,
    pub bytes: i64,
    pub sha256: String,
    pub exif: Option<ExifView>,
    /// `camera` (a live capture in the app) or `gallery`.
    pub capture: Capture,
    pub flags: Vec<Flag>,
    /// The watermarked copy; add `?variant=original` or `thumbnail` for the others.
    pub url: String,
}

#[derive(Serialize, Deserialize)]
struct StoredExif {
    taken_at: Option<String>,
    lat: Option<f64>,
    lon: Option<f64>,
}

pub(crate) fn view(p: &StoredPhoto) -> ApiResult<PhotoView> {
    let exif = p
        .exif
        .as_deref()
        .map(from_json::<StoredExif>)
        .transpose()?
        .map(|e| ExifView {
            taken_at: e.taken_at,
            lat: e.lat,
            lon: e.lon,
        });
    Ok(PhotoView {
        id: p.id,
        visit_id: p.visit_id,
        purpose: p.purpose.clone(),
        t: DateTime::from_timestamp_millis(p.t_ms).unwrap_or_default(),
        format: p.format.clone(),
        width: p.width,
        height: p.height,
        bytes: p.bytes,
        sha256: p.sha256.clone(),
        exif,
        capture: Capture::from_stored(&p.capture),
        flags: from_json(&p.flags)?,
        url: format!("/api/v1/photos/{}", p.id),
    })
}

fn photo_error(e: photo::PhotoError) -> ApiError {
    if !e.is_client_error() {
        return ApiError::internal(e);
    }
    let status = if e.code() == "too_large" {
        StatusCode::PAYLOAD_TOO_LARGE
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let problem = match &e {
        photo::PhotoError::TooLarge { max, .. } => Problem::FileTooLarge { max_bytes: *max },
        photo::PhotoError::TooManyPixels { .. } | photo::PhotoError::SideTooLong { .. } => {
            Problem::ImageTooLarge
        }
        _ => Problem::format(Format::Image),
    };
    ApiError::new(status, e.code(), e.to_string()).field("file", problem)
}

/// A parsed upload: its `meta` part, the file's bytes, the visit it belongs to (none for
/// an attendance photo), and the watermark language when `meta` names none.
pub struct Upload {
    pub meta: PhotoMeta,
    pub file: Vec<u8>,
    pub visit_id: Option<Uuid>,
    pub zh_by_default: bool,
}

/// Stores a photo the rep took: a replay answers the first result before any work; else
/// the bytes are inspected and watermarked off the async threads, compared with the
/// tenant's earlier photos and with their EXIF, written durably, and only then recorded
/// (and the visit's flag set recomputed).
pub async fn upload(
    s: &AppState,
    u: &UserPrincipal,
    upload: Upload,
) -> ApiResult<Saved<PhotoView>> {
    let Upload {
        meta,
        file,
        visit_id,
        zh_by_default,
    } = upload;
    let (tenant, employee) = (u.tenant, u.employee);
    let limit = s.config.max_photo_bytes;
    let body_digest = digest(&(
        &meta,
        crate::actions::sha256_hex(&file),
        visit_id.map(|v| v.to_string()),
    ));

    // A replay answers before any work; an id taken by another upload is refused.
    match s.store.photo(tenant, meta.id).await {
        Ok(stored) if stored.digest == body_digest && stored.employee_id == employee.0 => {
            return Ok(Saved {
                item: view(&stored)?,
                created: false,
            });
        }
        Ok(_) => return Err(id_reused()),
        Err(StoreError::NotFound) => {}
        Err(e) => return Err(e.into()),
    }

    let purpose = match (meta.purpose.as_deref(), visit_id) {
        (None, Some(_)) => "visit",
        (None | Some("attendance"), None) => "attendance",
        (Some("receipt"), None) => "receipt",
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(Invalid::one(
                "meta.purpose",
                Problem::NotApplicable,
            )));
        }
        (Some(_), None) => {
            return Err(ApiError::invalid(Invalid::one(
                "meta.purpose",
                Problem::unknown_value(&["attendance", "receipt"]),
            )));
        }
    };
    let visit = match visit_id {
        Some(v) => {
            let visit = s.store.visit(tenant, v).await?;
            if visit.checkin.employee != employee {
                return Err(ApiError::not_found());
            }
            Some(visit)
        }
        None => None,
    };
    let clock = device_clock_ms(meta.device.as_ref())?;
    let (t_ms, offset_min) = parse_time(&meta.t, "meta.t")?;
    let at = match (meta.lat, meta.lon) {
        (Some(lat), Some(lon)) => Some(
            parse_fix(
                &ActionFixInput {
                    t: meta.t.clone(),
                    lat: Some(lat),
                    lon: Some(lon),
                    fix_t: None,
                    coord_system: meta.coord_system.clone(),
                    accuracy_m: meta.accuracy_m,
                    mock: meta.mock,
                },
                clock,
            )?
            .at,
        )
        .flatten(),
        (None, None) => None,
        _ => {
            return Err(ApiError::invalid(Invalid::one(
                "meta.lat",
                Problem::NeedsOther {
                    other: "meta.lon".into(),
                },
            )));
        }
    };
    let font = s.photos.font.clone().ok_or_else(|| {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "watermark_font_missing",
            s.photos.font_problem.clone().unwrap_or_default(),
        )
    })?;

    // The watermark: when, where, who, at which customer.
    let tz = s.tenant_zone(tenant).await?;
    let person = s.store.employee(tenant, employee, &Reach::Tenant).await?;
    let customer = match &visit {
        Some(v) => Some(
            s.store
                .customer(tenant, v.checkin.customer, &Reach::Tenant)
                .await?,
        ),
        None => None,
    };
    let zh = match meta.lang.as_deref() {
        Some("zh") => true,
        Some("en") => false,
        Some(_) => {
            return Err(ApiError::invalid(Invalid::one(
                "meta.lang",
                Problem::unknown_value(&["zh", "en"]),
            )));
        }
        None => zh_by_default,
    };
    let place = customer
        .as_ref()
        .and_then(|c| c.address.clone())
        .or_else(|| at.map(|p| format!("{:.6}, {:.6}", p.lat(), p.lon())));
    let lines = watermark_lines(
        zh,
        t_ms,
        offset_min,
        tz,
        place.as_deref(),
        &person.name,
        customer.as_ref().map(|c| c.name.as_str()),
    );

    // One decode checks the bytes and makes both copies, off the async threads.
    let opts = photo::WatermarkOptions {
        limits: photo::Limits {
            max_bytes: limit,
            ..Default::default()
        },
        ..Default::default()
    };
    let file_len = file.len();
    let (file, processed) = tokio::task::spawn_blocking(move || {
        // Timed here, not around the await: the wait for a blocking thread is not processing.
        let started = std::time::Instant::now();
        let processed = photo::process(&file, &lines, &font, &opts, 320);
        crate::metrics::photo_processed(started.elapsed());
        (file, processed)
    })
    .await
    .map_err(ApiError::internal)?;
    let photo::Processed {
        photo: facts,
        watermarked: marked,
        thumbnail: thumb,
    } = processed.map_err(photo_error)?;

    // Evidence: device, EXIF against the action, reuse within the tenant.
    let mut flags = device_evidence(
        s,
        tenant,
        employee,
        meta.device.as_ref(),
        meta.mock.unwrap_or(false),
        t_ms,
    )
    .await?;
    let exif = PhotoExif {
        taken_ms: facts
            .exif
            .taken_at
            .and_then(|t| exif_instant(t, offset_min, tz)),
        lat_lon: facts.exif.gps.map(|g| (g.lat, g.lon)),
    };
    let capture = meta.capture.unwrap_or_default();
    flags.extend(photo_flags(
        &exif,
        t_ms,
        at.map(|p| (p.lat(), p.lon())),
        capture,
    ));
    // The same bytes are found by their indexed digest; a resized or re-encoded copy by
    // the perceptual hash, compared in memory.
    let reused = match s.store.photo_with_sha256(tenant, &facts.sha256).await? {
        Some(other) => Some((other, true, 0)),
        None => s
            .photo_index
            .nearest(&s.store, tenant, facts.phash, SAME_PHOTO_MAX_DISTANCE)
            .await?
            .map(|(other, distance)| (other, false, distance)),
    };
    if let Some((other, identical, distance)) = reused {
        flags.push(Flag::new(
            FlagCode::PhotoReused,
            json!({"photo_id": other, "identical": identical, "distance": distance}),
        ));
    }

    let files = &s.photos;
    let original = files.path(
        tenant,
        Variant::Original,
        &facts.sha256,
        meta.id,
        &body_digest,
    );
    let wm = files.path(
        tenant,
        Variant::Watermarked,
        &facts.sha256,
        meta.id,
        &body_digest,
    );
    let th = files.path(
        tenant,
        Variant::Thumbnail,
        &facts.sha256,
        meta.id,
        &body_digest,
    );
    // A replayed past (the demo's history) syncs all its files once when it ends.
    let sync = !crate::clock::in_replay();
    tokio::task::spawn_blocking(move || {
        write_photo_file(&original, &file, sync)?;
        write_photo_file(&wm, &marked, sync)?;
        match thumb == marked {
            true => link_photo_file(&wm, &th, sync),
            false => write_photo_file(&th, &thumb, sync),
        }
    })
    .await
    .map_err(ApiError::internal)?
    .map_err(ApiError::internal)?;

    let record = StoredPhoto {
        id: meta.id,
        employee_id: employee.0,
        visit_id,
        purpose: purpose.into(),
        t_ms,
        offset_min,
        lat: at.map(|p| p.lat()),
        lon: at.map(|p| p.lon()),
        sha256: facts.sha256.clone(),
        phash: facts.phash.0 as i64,
        format: facts.format.as_str().into(),
        width: facts.width as i32,
        height: facts.height as i32,
        bytes: file_len as i64,
        exif: Some(to_json(&StoredExif {
            taken_at: facts.exif.taken_at.map(|t| t.to_string()),
            lat: exif.lat_lon.map(|p| p.0),
            lon: exif.lat_lon.map(|p| p.1),
        })?),
        flags: to_json(&flags)?,
        digest: body_digest.clone(),
        received_ms: crate::now_ms(),
        capture: capture.as_str().into(),
    };
    let day = domain::tracking::local_date(tz, t_ms).to_string();
    // The visit's flag set with this photo, stored by the photo's own write when no other
    // photo came between.
    let planned = match &visit {
        Some(v) => {
            let policy = super::visit_views::policy_in(s, tenant, person.department_id).await?;
            let mut photos = s.store.visit_photos(tenant, v.checkin.id).await?;
            photos.push(record.clone());
            let flags = super::visit_views::planned_flags(v, &photos, &policy, customer.as_ref())?;
            Some((policy, flags))
        }
        None => None,
    };
    let device_key = meta.device.as_ref().and_then(|d| d.key());
    let (stored, created, flagged) = s
        .store
        .insert_photo(
            tenant,
            &record,
            &day,
            device_key.as_deref(),
            planned.as_ref().map(|(_, f)| f),
        )
        .await?;
    if stored.digest != body_digest || stored.employee_id != employee.0 {
        return Err(id_reused());
    }
    if let (true, false, Some(v), Some((policy, _))) = (created, flagged, visit, planned) {
        // Another photo came between: the visit's flag set is computed from the photos
        // read afresh.
        super::visit_views::refresh_known(s, tenant, v, policy, Some(customer), None).await?;
    }
    Ok(Saved {
        item: view(&stored)?,
        created,
    })
}

/// A photo's bytes in one variant with their media type, for a caller who reaches the
/// person who took it.
pub async fn photo_file(
    s: &AppState,
    tenant: TenantId,
    reach: &Reach,
    id: Uuid,
    variant: Variant,
) -> ApiResult<(Vec<u8>, &'static str)> {
    let p = s.store.photo(tenant, id).await?;
    s.store
        .employee(tenant, EmployeeId(p.employee_id), reach)
        .await?;
    let path = s.photos.path(tenant, variant, &p.sha256, p.id, &p.digest);
    let bytes = tokio::fs::read(&path).await.map_err(ApiError::internal)?;
    let mime = match variant {
        Variant::Original => match p.format.as_str() {
            "png" => "image/png",
            "webp" => "image/webp",
            _ => "image/jpeg",
        },
        _ => "image/jpeg",
    };
    Ok((bytes, mime))
}

/// The EXIF capture time as an instant: with the camera's own offset when it wrote one,
/// else in the action's offset, else in the tenant's zone.
fn exif_instant(
    t: photo::TakenAt,
    action_offset_min: Option<i16>,
    tz: chrono_tz::Tz,
) -> Option<i64> {
    let local = NaiveDate::from_ymd_opt(t.year.into(), t.month.into(), t.day.into())?.and_hms_opt(
        t.hour.into(),
        t.minute.into(),
        t.second.into(),
    )?;
    match t.offset_minutes.or(action_offset_min) {
        Some(m) => FixedOffset::east_opt(i32::from(m) * 60)?
            .from_local_datetime(&local)
            .single()
            .map(|d| d.timestamp_millis()),
        None => tz
            .from_local_datetime(&local)
            .earliest()
            .map(|d| d.timestamp_millis()),
    }
}

fn watermark_lines(
    zh: bool,
    t_ms: i64,
    offset_min: Option<i16>,
    tz: chrono_tz::Tz,
    place: Option<&str>,
    person: &str,
    customer: Option<&str>,
) -> Vec<String> {
    // The manager reads the stamp in the tenant's zone (the working day's clock); a phone
    // set to another zone is worth showing, so its own offset follows when it differs.
    let local = DateTime::from_timestamp_millis(t_ms)
        .unwrap_or_default()
        .with_timezone(&tz);
    let mut when = local.format("%Y-%m-%d %H:%M:%S %Z").to_string();
    if let Some(device) = offset_min.and_then(|m| FixedOffset::east_opt(i32::from(m) * 60))
        && device.local_minus_utc() != local.offset().fix().local_minus_utc()
    {
        let label = if zh { "设备" } else { "device" };
        when.push_str(&format!(" ({label} UTC{device})"));
    }
    let (l_time, l_place, l_person, l_customer) = if zh {
        ("时间", "地点", "人员", "客户")
    } else {
        ("Time", "Place", "By", "Customer")
    };
    let sep = if zh { "：" } else { ": " };
    let mut lines = vec![format!("{l_time}{sep}{when}")];
    if let Some(p) = place {
        lines.push(format!("{l_place}{sep}{p}"));
    }
    lines.push(format!("{l_person}{sep}{person}"));
    if let Some(c) = customer {
        lines.push(format!("{l_customer}{sep}{c}"));
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::watermark_lines;

    // 2026-12-06T23:16:57Z is 07:16:57 the next morning in Shanghai.
    const T: i64 = 1_796_599_017_000;

    #[test]
    fn the_stamp_reads_in_the_tenant_zone() {
        let tz = chrono_tz::Asia::Shanghai;
        let same = watermark_lines(true, T, Some(480), tz, None, "王伟", None);
        assert_eq!(same[0], "时间：2026-12-07 07:16:57 CST");
        let unknown = watermark_lines(false, T, None, tz, None, "Wang Wei", None);
        assert_eq!(unknown[0], "Time: 2026-12-07 07:16:57 CST");
    }

    #[test]
    fn a_phone_in_another_zone_is_named() {
        let lines = watermark_lines(
            false,
            T,
            Some(0),
            chrono_tz::Asia::Shanghai,
            Some("People's Square"),
            "Wang Wei",
            Some("Shop 12"),
        );
        assert_eq!(
            lines,
            [
                "Time: 2026-12-07 07:16:57 CST (device UTC+00:00)",
                "Place: People's Square",
                "By: Wang Wei",
                "Customer: Shop 12",
            ]
        );
    }
}
