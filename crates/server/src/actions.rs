//! What every field action (clock-in/out, check-in/out, photo, report) shares: the fix it
//! carries, its exactly-once digest, and the evidence flags from the device that sent it.

use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use crate::tracking::fix_input::{Instant, parse_time_text};
use axum::http::StatusCode;
use domain::customer::{PointInput, parse_point};
use domain::evidence::{DeviceFacts, Flag, device_flags, fix_flags, shared_device_flag};
use domain::{EmployeeId, Invalid, Problem, TenantId, Wgs84};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

/// The SHA-256 of a request body as parsed, so a replay can be told from a different body
/// sent under the same client id. The device's clock is left out: it says when the request
/// was *sent*, which differs on every retry of the same action.
pub fn digest<T: Serialize>(body: &T) -> String {
    let mut v = serde_json::to_value(body).unwrap_or_default();
    strip_send_time(&mut v);
    sha256_hex(&serde_json::to_vec(&v).unwrap_or_default())
}

fn strip_send_time(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::Object(device)) = map.get_mut("device") {
                device.remove("clock");
            }
            map.values_mut().for_each(strip_send_time);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_send_time),
        _ => {}
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A client id reused for a different action or body.
pub fn id_reused() -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        "id_reused",
        "this id was already used for a different request; generate a new id per action",
    )
    .field("id", Problem::IdReused)
}

/// Where and when an action happened, as the phone saw it.
#[derive(Clone, Debug, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionFixInput {
    /// When it happened (device time, with its offset), however late it is sent.
    pub t: Instant,
    /// Where, both or neither: an action without a position is still stored, judged
    /// `uncertain` and flagged `no_fix`.
    #[serde(default)]
    /// Degrees; `lat` = `lon` = 0 ("null island", what broken GPS stacks report for
    /// "unknown") is refused (`null_island`).
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[serde(default)]
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    /// When the position was taken, if earlier than `t` (the phone's last fix); a fix
    /// more than 2 minutes older than `t` flags the action `stale_fix`.
    #[serde(default)]
    pub fix_t: Option<Instant>,
    /// `wgs84` (default), `gcj02` or `bd09`.
    #[serde(default)]
    #[schema(value_type = Option<crate::openapi::CoordSystemName>)]
    pub coord_system: Option<String>,
    /// The fix's 68 % accuracy radius; without it, place judgements are `uncertain`.
    #[serde(default)]
    pub accuracy_m: Option<f64>,
    /// The OS marked this fix as coming from a mock location provider.
    #[serde(default)]
    pub mock: Option<bool>,
}

#[derive(Clone, Copy, Debug)]
pub struct ActionFix {
    pub t_ms: i64,
    pub offset_min: Option<i16>,
    /// `None`: the phone had no position to give.
    pub at: Option<Wgs84>,
    pub accuracy_m: Option<f64>,
    pub mock: bool,
    /// When the position was taken, when the phone said it was earlier than `t_ms`.
    pub fix_ms: Option<i64>,
}

impl ActionFix {
    pub fn stored(&self) -> storage::ActionFix {
        storage::ActionFix {
            t_ms: self.t_ms,
            offset_min: self.offset_min,
            lat: self.at.map(|p| p.lat()),
            lon: self.at.map(|p| p.lon()),
            accuracy_m: self.accuracy_m.map(|a| a as f32),
        }
    }

    /// `no_fix` or `stale_fix`, when the position is missing or old.
    pub fn fix_flag(&self) -> Option<Flag> {
        fix_flags(self.t_ms, self.at.is_some(), self.fix_ms)
    }
}

/// How far ahead of its sender's clock an action may claim to be.
const MAX_AHEAD_MS: i64 = 5 * 60_000;

/// Parses the action's time (refusing one ahead of the device's clock — or, without that
/// clock, of the server's), position and accuracy.
pub fn parse_fix(input: &ActionFixInput, device_clock_ms: Option<i64>) -> ApiResult<ActionFix> {
    let (t_ms, offset_min) = parse_time(&input.t, "t")?;
    if t_ms > device_clock_ms.unwrap_or_else(crate::now_ms) + MAX_AHEAD_MS {
        return Err(ApiError::invalid_one(
            "t",
            Problem::InFuture { max_ahead_min: 5 },
        ));
    }
    let at = match (input.lat, input.lon) {
        (Some(lat), Some(lon)) => Some(parse_point(&PointInput {
            lat,
            lon,
            coord_system: input.coord_system.clone(),
        })?),
        (None, None) => None,
        (Some(_), None) => {
            return Err(ApiError::invalid_one(
                "lon",
                Problem::NeedsOther {
                    other: "lat".into(),
                },
            ));
        }
        (None, Some(_)) => {
            return Err(ApiError::invalid_one(
                "lat",
                Problem::NeedsOther {
                    other: "lon".into(),
                },
            ));
        }
    };
    let fix_ms = match &input.fix_t {
        Some(_) if at.is_none() => {
            return Err(ApiError::invalid_one(
                "fix_t",
                Problem::NeedsOther {
                    other: "lat".into(),
                },
            ));
        }
        Some(f) => Some(parse_time(f, "fix_t")?.0),
        None => None,
    };
    let accuracy_m = match input.accuracy_m {
        Some(a) if !a.is_finite() || a < 0.0 => {
            return Err(ApiError::invalid_one(
                "accuracy_m",
                Problem::BelowMin { min: 0.0 },
            ));
        }
        other => other,
    };
    Ok(ActionFix {
        t_ms,
        offset_min,
        at,
        accuracy_m,
        mock: input.mock.unwrap_or(false),
        fix_ms,
    })
}

/// Parses the fix of an action whose body carries it flat (`t`, `lat`, `lon`, `fix_t`,
/// `coord_system`, `accuracy_m`, `mock`) beside its `device`, as [`parse_fix`] does.
macro_rules! action_fix {
    ($input:expr) => {
        $crate::actions::parse_fix(
            &$crate::actions::ActionFixInput {
                t: $input.t.clone(),
                lat: $input.lat,
                lon: $input.lon,
                fix_t: $input.fix_t.clone(),
                coord_system: $input.coord_system.clone(),
                accuracy_m: $input.accuracy_m,
                mock: $input.mock,
            },
            $crate::actions::device_clock_ms($input.device.as_ref())?,
        )
    };
}
pub(crate) use action_fix;

pub fn parse_time(t: &Instant, field: &str) -> ApiResult<(i64, Option<i16>)> {
    t.resolve()
        .map_err(|p| ApiError::invalid(Invalid::one(field, p)))
}

/// The device's clock when it sent the request, checked.
pub fn device_clock_ms(device: Option<&DeviceFacts>) -> ApiResult<Option<i64>> {
    let Some(d) = device else { return Ok(None) };
    d.check()
        .map_err(|(field, problem)| ApiError::invalid(Invalid::one(field, problem)))?;
    d.clock
        .as_deref()
        .map(|c| {
            parse_time_text(c)
                .map(|(ms, _)| ms)
                .map_err(|p| ApiError::invalid(Invalid::one("device.clock", p)))
        })
        .transpose()
}

/// Every flag the device and timing raise, including `device_shared`. The action's own
/// write records this use of the device, in its transaction.
pub async fn device_evidence(
    s: &AppState,
    tenant: TenantId,
    employee: EmployeeId,
    device: Option<&DeviceFacts>,
    fix_mock: bool,
    happened_ms: i64,
) -> ApiResult<Vec<Flag>> {
    let facts = device.cloned().unwrap_or_default();
    let clock = device_clock_ms(device)?;
    let mut flags = device_flags(&facts, fix_mock, happened_ms, clock, crate::now_ms());
    if let Some(key) = facts.key() {
        let others: Vec<(String, i64)> = s
            .store
            .device_others(tenant, &key, employee)
            .await?
            .into_iter()
            .map(|(e, t)| (e.to_string(), t))
            .collect();
        flags.extend(shared_device_flag(&key, happened_ms, &others));
    }
    Ok(flags)
}

pub fn to_json<T: Serialize>(v: &T) -> ApiResult<String> {
    serde_json::to_string(v).map_err(ApiError::internal)
}

pub fn from_json<T: serde::de::DeserializeOwned>(s: &str) -> ApiResult<T> {
    serde_json::from_str(s).map_err(ApiError::internal)
}
