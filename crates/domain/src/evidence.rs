//! What a field action (clock-in, check-in, check-out, photo) tells about its own
//! truthfulness: the device's facts as the client reports them, and the flags raised from
//! them with their evidence. The anti-cheat centre scores these later; here they are only
//! raised and kept.

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The device an action came from, as the field app reports it. Every fact is optional:
/// a third-party client may send none of them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DeviceFacts {
    /// A stable identifier of the phone (e.g. the app's install id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// The OS says the location came from a mock provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mock_location: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub developer_mode: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rooted: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub emulator: Option<bool>,
    /// The device's clock when it sent the request (RFC 3339), to measure its offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clock: Option<String>,
}

pub const MAX_FACT_CHARS: usize = 100;

impl DeviceFacts {
    /// Checks the free-text facts' length; returns the problem's field and message.
    pub fn check(&self) -> Result<(), (&'static str, crate::Problem)> {
        for (field, v) in [
            ("device.id", &self.id),
            ("device.platform", &self.platform),
            ("device.app_version", &self.app_version),
        ] {
            if v.as_ref()
                .is_some_and(|s| s.chars().count() > MAX_FACT_CHARS)
            {
                return Err((
                    field,
                    crate::Problem::TooLong {
                        max: MAX_FACT_CHARS,
                    },
                ));
            }
        }
        Ok(())
    }

    /// The key under which uses of this device are remembered (`None` without an id).
    pub fn key(&self) -> Option<String> {
        self.id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlagCode {
    /// The check-in's accuracy circle lies wholly outside the allowed radius or places.
    OutsideRadius,
    /// The accuracy circle crosses the boundary (or the accuracy is unknown).
    UncertainLocation,
    MockLocation,
    DeveloperMode,
    Rooted,
    Emulator,
    /// The device clock differs from the server's by more than [`MAX_CLOCK_OFFSET_MS`].
    ClockOffset,
    /// The action reached the server more than [`LATE_SYNC_MS`] after it happened.
    LateSync,
    /// Another employee used the same device within [`DEVICE_SHARED_WINDOW_MS`].
    DeviceShared,
    /// The same photo (or a resized / re-encoded copy) was uploaded before in the tenant.
    PhotoReused,
    /// The photo's EXIF time or place disagrees with the action's.
    PhotoExifMismatch,
    /// The photo carries no EXIF capture time (screenshots and edited files usually don't).
    PhotoNoExif,
    /// A visit ended before its minimum duration.
    TooShort,
    /// A finished visit has fewer photos than its rule requires.
    PhotosMissing,
    /// A finished visit has no report although a form applies to its customer.
    ReportMissing,
    /// The action came without any position (the phone had no fix to give).
    NoFix,
    /// The action's position is older than [`STALE_FIX_MS`] at the action's time.
    StaleFix,
}

/// A raised flag with the facts that raised it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Flag {
    pub code: FlagCode,
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub evidence: Value,
}

impl Flag {
    pub fn new(code: FlagCode, evidence: Value) -> Self {
        Self { code, evidence }
    }
}

pub const MAX_CLOCK_OFFSET_MS: i64 = 5 * 60_000;
/// A fix older than this when the action happened is `stale_fix`.
pub const STALE_FIX_MS: i64 = 120_000;
pub const LATE_SYNC_MS: i64 = 30 * 60_000;
pub const DEVICE_SHARED_WINDOW_MS: i64 = 24 * 3_600_000;
/// A photo's EXIF time may differ this much from the action before it is a mismatch
/// (phones write EXIF time when the shutter fires; the action is stamped a little later).
pub const PHOTO_TIME_TOLERANCE_MS: i64 = 10 * 60_000;
/// A photo's EXIF position may be this far from the action's fix.
pub const PHOTO_PLACE_TOLERANCE_M: f64 = 500.0;

/// The flags an action raises from its device facts and timing.
///
/// `happened_ms` is the action's time as the device stamped it, `device_clock_ms` the
/// device's clock when it sent the request, `received_ms` the server's clock on arrival.
/// Lateness is measured on the device's own clock where it is known (its offset cancels),
/// so a phone with a wrong clock is flagged for the clock, not also for lateness.
pub fn device_flags(
    facts: &DeviceFacts,
    fix_mock: bool,
    happened_ms: i64,
    device_clock_ms: Option<i64>,
    received_ms: i64,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    if fix_mock || facts.mock_location == Some(true) {
        flags.push(Flag::new(
            FlagCode::MockLocation,
            json!({"fix_mock": fix_mock, "device_mock_location": facts.mock_location}),
        ));
    }
    for (on, code) in [
        (facts.developer_mode, FlagCode::DeveloperMode),
        (facts.rooted, FlagCode::Rooted),
        (facts.emulator, FlagCode::Emulator),
    ] {
        if on == Some(true) {
            flags.push(Flag::new(code, json!({"reported_by": "device"})));
        }
    }
    if let Some(clock) = device_clock_ms {
        let offset = clock - received_ms;
        if offset.abs() > MAX_CLOCK_OFFSET_MS {
            flags.push(Flag::new(
                FlagCode::ClockOffset,
                json!({"offset_s": offset / 1000, "limit_s": MAX_CLOCK_OFFSET_MS / 1000}),
            ));
        }
    }
    let sent_ms = device_clock_ms.unwrap_or(received_ms);
    let delay = sent_ms - happened_ms;
    if delay > LATE_SYNC_MS {
        flags.push(Flag::new(
            FlagCode::LateSync,
            json!({"delay_s": delay / 1000, "limit_s": LATE_SYNC_MS / 1000}),
        ));
    }
    flags
}

/// `device_shared` when other employees used the device within the window before or after
/// the action; `others` are `(employee id, last use ms)`.
pub fn shared_device_flag(
    device_key: &str,
    happened_ms: i64,
    others: &[(String, i64)],
) -> Option<Flag> {
    let near: Vec<&(String, i64)> = others
        .iter()
        .filter(|(_, t)| (t - happened_ms).abs() <= DEVICE_SHARED_WINDOW_MS)
        .collect();
    (!near.is_empty()).then(|| {
        Flag::new(
            FlagCode::DeviceShared,
            json!({
                "device": device_key,
                "employee_ids": near.iter().map(|(e, _)| e).collect::<Vec<_>>(),
            }),
        )
    })
}

/// `no_fix` when the action carried no position; `stale_fix` when the position it carried
/// was taken more than [`STALE_FIX_MS`] before the action (`fix_ms`, when the phone said
/// so). An action is never refused for either: it is judged and flagged.
pub fn fix_flags(action_ms: i64, has_fix: bool, fix_ms: Option<i64>) -> Option<Flag> {
    if !has_fix {
        return Some(Flag::new(FlagCode::NoFix, json!({})));
    }
    let age = action_ms - fix_ms?;
    (age > STALE_FIX_MS).then(|| {
        Flag::new(
            FlagCode::StaleFix,
            json!({"age_s": age / 1000, "limit_s": STALE_FIX_MS / 1000}),
        )
    })
}

/// How a photo came to the server: taken live in the app, or picked from the gallery.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Capture {
    /// Drawn from the live camera inside the app; such frames carry no EXIF by nature.
    Camera,
    #[default]
    Gallery,
}

impl Capture {
    pub fn as_str(self) -> &'static str {
        match self {
            Capture::Camera => "camera",
            Capture::Gallery => "gallery",
        }
    }

    /// The stored word; anything unknown is the stricter `gallery`.
    pub fn from_stored(s: &str) -> Capture {
        if s == "camera" {
            Capture::Camera
        } else {
            Capture::Gallery
        }
    }
}

/// What a photo's EXIF says, as far as the checks need it.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PhotoExif {
    /// Capture instant; `None` without EXIF time.
    pub taken_ms: Option<i64>,
    /// Capture position (WGS-84 as cameras record it).
    pub lat_lon: Option<(f64, f64)>,
}

/// Flags from comparing a photo's EXIF with the action's time and (when known) position.
/// A live in-app capture has no EXIF by nature, so its absence is evidence only for
/// gallery uploads.
pub fn photo_flags(
    exif: &PhotoExif,
    action_ms: i64,
    action_at: Option<(f64, f64)>,
    capture: Capture,
) -> Vec<Flag> {
    let mut flags = Vec::new();
    match exif.taken_ms {
        None if capture == Capture::Camera => {}
        None => flags.push(Flag::new(
            FlagCode::PhotoNoExif,
            json!({"missing": "DateTimeOriginal"}),
        )),
        Some(taken) if (taken - action_ms).abs() > PHOTO_TIME_TOLERANCE_MS => {
            flags.push(Flag::new(
                FlagCode::PhotoExifMismatch,
                json!({"what": "time", "difference_s": (taken - action_ms) / 1000}),
            ))
        }
        Some(_) => {}
    }
    if let (Some((plat, plon)), Some((alat, alon))) = (exif.lat_lon, action_at) {
        let d = coords::haversine_m(
            coords::LatLon::new(plat, plon),
            coords::LatLon::new(alat, alon),
        );
        if d > PHOTO_PLACE_TOLERANCE_M {
            flags.push(Flag::new(
                FlagCode::PhotoExifMismatch,
                json!({"what": "place", "distance_m": d.round(), "exif_lat": plat, "exif_lon": plon}),
            ));
        }
    }
    flags
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_780_000_000_000;

    fn codes(flags: &[Flag]) -> Vec<FlagCode> {
        flags.iter().map(|f| f.code).collect()
    }

    #[test]
    fn a_clean_action_raises_nothing() {
        assert!(
            device_flags(&DeviceFacts::default(), false, T, Some(T + 2000), T + 1000).is_empty()
        );
    }

    #[test]
    fn device_claims_are_flagged() {
        let facts = DeviceFacts {
            mock_location: Some(true),
            rooted: Some(true),
            emulator: Some(false),
            ..Default::default()
        };
        assert_eq!(
            codes(&device_flags(&facts, false, T, None, T)),
            [FlagCode::MockLocation, FlagCode::Rooted]
        );
        assert_eq!(
            codes(&device_flags(&DeviceFacts::default(), true, T, None, T)),
            [FlagCode::MockLocation]
        );
    }

    #[test]
    fn clock_offset_beyond_five_minutes() {
        let none = device_flags(&DeviceFacts::default(), false, T, Some(T + 299_000), T);
        assert!(none.is_empty());
        let late_clock = device_flags(&DeviceFacts::default(), false, T, Some(T - 301_000), T);
        assert_eq!(codes(&late_clock), [FlagCode::ClockOffset]);
        assert_eq!(late_clock[0].evidence["offset_s"], -301);
    }

    #[test]
    fn lateness_is_measured_on_the_device_clock() {
        // Happened 2 h before arrival: late.
        let f = device_flags(&DeviceFacts::default(), false, T - 7_200_000, None, T);
        assert_eq!(codes(&f), [FlagCode::LateSync]);
        assert_eq!(f[0].evidence["delay_s"], 7200);
        // A phone whose clock runs 1 h fast stamped the action 10 min before sending:
        // the clock is wrong, the action is not late.
        let fast = T + 3_600_000;
        let f = device_flags(
            &DeviceFacts::default(),
            false,
            fast - 600_000,
            Some(fast),
            T,
        );
        assert_eq!(codes(&f), [FlagCode::ClockOffset]);
    }

    #[test]
    fn shared_device_within_a_day_only() {
        let others = vec![
            ("a".to_string(), T - 3_600_000),
            ("b".to_string(), T - 90_000_000),
        ];
        let f = shared_device_flag("phone-1", T, &others).unwrap();
        assert_eq!(f.evidence["employee_ids"], json!(["a"]));
        assert!(shared_device_flag("phone-1", T, &others[1..]).is_none());
    }

    #[test]
    fn photo_exif_is_compared_with_the_action() {
        assert_eq!(
            codes(&photo_flags(
                &PhotoExif::default(),
                T,
                None,
                Capture::Gallery
            )),
            [FlagCode::PhotoNoExif]
        );
        assert!(photo_flags(&PhotoExif::default(), T, None, Capture::Camera).is_empty());
        let near = PhotoExif {
            taken_ms: Some(T - 60_000),
            lat_lon: Some((31.2, 121.4)),
        };
        assert!(photo_flags(&near, T, Some((31.2005, 121.4)), Capture::Gallery).is_empty());
        let old_far = PhotoExif {
            taken_ms: Some(T - 86_400_000),
            lat_lon: Some((31.3, 121.4)),
        };
        let f = photo_flags(&old_far, T, Some((31.2, 121.4)), Capture::Camera);
        assert_eq!(
            codes(&f),
            [FlagCode::PhotoExifMismatch, FlagCode::PhotoExifMismatch]
        );
        assert_eq!(f[0].evidence["what"], "time");
        assert_eq!(f[1].evidence["what"], "place");
    }

    #[test]
    fn missing_and_stale_fixes_are_flagged() {
        assert_eq!(fix_flags(T, false, None).unwrap().code, FlagCode::NoFix);
        assert_eq!(fix_flags(T, true, None), None, "a fix of the action's time");
        assert_eq!(fix_flags(T, true, Some(T - 120_000)), None, "exactly 2 min");
        let stale = fix_flags(T, true, Some(T - 340_000)).unwrap();
        assert_eq!(stale.code, FlagCode::StaleFix);
        assert_eq!(stale.evidence["age_s"], 340);
        assert_eq!(
            fix_flags(T, true, Some(T + 5_000)),
            None,
            "a fix after the action"
        );
    }
}
