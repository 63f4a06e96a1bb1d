//! Devices registered to people, so OsmAnd-protocol clients (Traccar Client, OsmAnd,
//! GPSLogger) can send fixes with nothing but their identifier.

use crate::auth::Caller;
use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, Reach, Resource};
use domain::tenant::clean_optional;
use domain::{DeviceId, EmployeeId, Invalid};
use serde::{Deserialize, Serialize};
use storage::CreateKind;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_devices, create_device))
        .routes(routes!(revoke_device))
}

#[derive(Serialize, ToSchema)]
pub struct Device {
    pub id: DeviceId,
    pub employee_id: EmployeeId,
    /// What the client sends as its id (OsmAnd `id`).
    pub identifier: String,
    pub name: Option<String>,
    pub platform: Option<String>,
    pub created_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
}

impl From<storage::Device> for Device {
    fn from(d: storage::Device) -> Self {
        Device {
            id: d.id,
            employee_id: d.employee_id,
            identifier: d.identifier,
            name: d.name,
            platform: d.platform,
            created_at: d.created_at,
            revoked_at: d.revoked_at,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDevice {
    /// A client-generated id: a retry with it answers 200 with the device the first
    /// request registered (409 `id_reused` when the body differs).
    #[serde(default)]
    pub id: Option<DeviceId>,
    /// Whose device it is; a field rep registers their own (may be omitted).
    #[serde(default)]
    pub employee_id: Option<EmployeeId>,
    /// The client's identifier; a random 12-digit one is made when absent (type it into
    /// Traccar Client's "Device identifier").
    #[serde(default)]
    #[schema(min_length = 1, max_length = 64)]
    pub identifier: Option<String>,
    #[serde(default)]
    #[schema(max_length = 100)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(max_length = 50)]
    pub platform: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct DeviceList {
    pub items: Vec<Device>,
    pub next_cursor: Option<String>,
}

/// Twelve random digits: easy to type into a phone, 10^12 possibilities.
fn make_identifier() -> String {
    let n = getrandom::u64().expect("the OS random source works");
    format!("{:012}", n % 1_000_000_000_000)
}

#[utoipa::path(get, path = "/api/v1/devices", tag = "tracking",
    responses((status = 200, body = DeviceList), (status = 403, body = ErrorBody)))]
async fn list_devices(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<DeviceList>> {
    let reach = caller.reach(Resource::Devices, Action::Read)?;
    let items = s
        .store
        .list_devices(caller.tenant(), &reach)
        .await?
        .into_iter()
        .map(Device::from)
        .collect();
    Ok(Json(DeviceList {
        items,
        next_cursor: None,
    }))
}

/// Registers a device to a person the caller reaches. Identifiers are unique across all
/// tenants (409 when taken).
#[utoipa::path(post, path = "/api/v1/devices", tag = "tracking", request_body = NewDevice,
    responses((status = 201, body = Device), (status = 200, body = Device), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_device(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson { body: req, digest }: CreateJson<NewDevice>,
) -> ApiResult<(StatusCode, Json<Device>)> {
    let reach = caller.reach(Resource::Devices, Action::Write)?;
    let employee = match (req.employee_id, &reach) {
        (Some(e), _) => e,
        (None, Reach::Own(me)) => *me,
        (None, _) => {
            return Err(ApiError::invalid(Invalid::one(
                "employee_id",
                Problem::Required,
            )));
        }
    };
    if !crate::refs::employee(&s, caller.tenant(), &reach, "employee_id", employee)
        .await?
        .active
    {
        return Err(ApiError::invalid(Invalid::one(
            "employee_id",
            Problem::Deactivated,
        )));
    }
    let mut bad = Invalid::default();
    let identifier = match &req.identifier {
        Some(i) => bad
            .check("identifier", domain::customer::parse_key(Some(i), 64))
            .flatten(),
        None => Some(make_identifier()),
    };
    let name = bad
        .check("name", clean_optional(req.name.as_deref(), 100))
        .flatten();
    let platform = bad
        .check("platform", clean_optional(req.platform.as_deref(), 50))
        .flatten();
    let Some(identifier) = identifier.filter(|_| bad.is_empty()) else {
        if bad.is_empty() {
            bad.push("identifier", Problem::Required);
        }
        return Err(bad.into());
    };
    let tenant = caller.tenant();
    let insert = async {
        let d = s
            .store
            .create_device(
                tenant,
                &storage::NewDevice {
                    id: req.id,
                    digest: Some(&digest),
                    employee,
                    identifier: &identifier,
                    name: name.as_deref(),
                    platform: platform.as_deref(),
                },
            )
            .await?;
        Ok(d.map(Device::from))
    };
    let read = |id| {
        let (s, reach) = (&s, &reach);
        async move { Ok(s.store.device(tenant, DeviceId(id), reach).await?.into()) }
    };
    let id = req.id.map(|i| i.0);
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::Device,
        id,
        &digest,
        insert,
        read,
    )
    .await
}

/// Revokes a device: its identifier is refused from now on (and may be registered again).
#[utoipa::path(delete, path = "/api/v1/devices/{id}", tag = "tracking", params(("id" = DeviceId, Path)),
    responses((status = 200, body = Device), (status = 404, body = ErrorBody)))]
async fn revoke_device(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<DeviceId>,
) -> ApiResult<Json<Device>> {
    let reach = caller.reach(Resource::Devices, Action::Write)?;
    Ok(Json(
        s.store
            .revoke_device(caller.tenant(), id, &reach)
            .await?
            .into(),
    ))
}
