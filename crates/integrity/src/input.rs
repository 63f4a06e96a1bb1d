//! What a verdict looks at: one rep's day as stored, and a compact history around it.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::verdict::DaySignature;

/// One rep's working day, everything the server stored for it.
#[derive(Clone, Debug, Default)]
pub struct RepDay {
    pub employee: Uuid,
    /// The day in the tenant's time zone.
    pub date: Option<NaiveDate>,
    /// Working-hour windows of the day, UTC epoch ms `[start, end)`; empty when the rep
    /// has no shift that day (coverage is then not judged).
    pub work_windows: Vec<(i64, i64)>,
    /// Every fix received for the day, rejected ones included, in any order.
    pub fixes: Vec<DayFix>,
    /// Clock-in/out, check-in/out and photo actions of the day.
    pub actions: Vec<Action>,
    pub photos: Vec<PhotoFacts>,
    /// The stored positions of the customers the rep checked in at.
    pub customers: Vec<CustomerPin>,
    /// When the verdict is made (UTC epoch ms): fixes "from the future" are judged by it.
    pub now_ms: i64,
}

/// A fix as stored: the observation and when it arrived.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DayFix {
    pub fix: track::Fix,
    pub received_ms: i64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    ClockIn,
    ClockOut,
    CheckIn,
    CheckOut,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Position {
    pub lat: f64,
    pub lon: f64,
    /// Metres; `None` when the phone did not say.
    pub accuracy_m: Option<f32>,
}

/// What the device said about itself with an action.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceClaims {
    /// The app's install id; `None` for clients that send none.
    pub id: Option<String>,
    pub mock_location: Option<bool>,
    pub developer_mode: Option<bool>,
    pub rooted: Option<bool>,
    pub emulator: Option<bool>,
    /// The device clock when it sent the request, UTC epoch ms.
    pub clock_ms: Option<i64>,
}

/// A field action of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct Action {
    pub id: Uuid,
    pub kind: ActionKind,
    /// When the phone says it happened (UTC epoch ms).
    pub t_ms: i64,
    /// When the server received it.
    pub received_ms: i64,
    pub position: Option<Position>,
    /// The time of the fix the position came from, when known.
    pub fix_t_ms: Option<i64>,
    /// The customer of a check-in/out.
    pub customer: Option<Uuid>,
    pub device: DeviceClaims,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhotoCapture {
    /// Taken with the app's camera.
    Camera,
    /// Picked from the gallery or uploaded by another client.
    Upload,
}

/// The facts of a photo of the day.
#[derive(Clone, Debug, PartialEq)]
pub struct PhotoFacts {
    pub id: Uuid,
    /// The visit or punch it belongs to.
    pub action: Option<Uuid>,
    pub t_ms: i64,
    pub position: Option<Position>,
    pub sha256: String,
    pub phash: u64,
    pub capture: PhotoCapture,
    /// EXIF capture time (UTC epoch ms) and place, when the file has them.
    pub exif_time_ms: Option<i64>,
    pub exif_position: Option<Position>,
}

/// A customer's stored position and check-in radius.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CustomerPin {
    pub id: Uuid,
    pub lat: f64,
    pub lon: f64,
    pub radius_m: f32,
}

/// Another use of a device, by anyone in the tenant, around this day.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceUse {
    pub device: String,
    pub employee: Uuid,
    pub t_ms: i64,
    pub action: Option<Uuid>,
}

/// An earlier photo of the tenant that shares a perceptual-hash band (or the SHA-256) with
/// one of the day's photos: a reuse candidate the store found through its index.
#[derive(Clone, Debug, PartialEq)]
pub struct EarlierPhoto {
    pub id: Uuid,
    pub employee: Uuid,
    pub t_ms: i64,
    pub sha256: String,
    pub phash: u64,
}

/// What the verdict compares the day with.
#[derive(Clone, Debug, Default)]
pub struct History {
    /// Signatures of recent days of this rep and of the team (other reps), not this day.
    pub days: Vec<DaySignature>,
    /// Uses of the devices seen today, by anyone, within the days around it.
    pub device_uses: Vec<DeviceUse>,
    pub earlier_photos: Vec<EarlierPhoto>,
}
