//! Integration API keys (admins only): created with scopes, shown once, revocable.

use crate::auth::Caller;
use crate::auth::tokens::{self, TokenKind};
use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Json, Path};
use crate::idem::{self, CreateJson};
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::{DateTime, Utc};
use domain::Problem;
use domain::access::{Action, ApiScope, Principal, Resource};
use domain::tenant::clean_name;
use domain::{ApiKeyId, EmployeeId, Invalid};
use serde::{Deserialize, Serialize};
use storage::{ApiKeyRecord, CreateKind, NewApiKey};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_keys, create_key))
        .routes(routes!(revoke_key))
        .routes(routes!(set_key_limits))
        .routes(routes!(key_settings, put_key_settings))
}

/// The largest rate limit a key or tenant may set (requests per minute).
pub const MAX_RATE_LIMIT: u32 = 100_000;

#[derive(Serialize, ToSchema)]
pub struct ApiKey {
    pub id: ApiKeyId,
    pub name: String,
    /// The key's first characters, to tell keys apart; the key itself is never shown again.
    pub prefix: String,
    pub scopes: Vec<ApiScope>,
    pub created_by: Option<EmployeeId>,
    pub created_at: DateTime<Utc>,
    /// Stamped at most once a minute, so within a minute of the true last use.
    pub last_used_at: Option<DateTime<Utc>>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// After this the key answers 401 `api_key_expired`; `null`: never.
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests a minute; `null` takes the tenant's default (`/api/v1/api-keys/settings`).
    pub rate_limit_per_minute: Option<u32>,
}

impl From<ApiKeyRecord> for ApiKey {
    fn from(r: ApiKeyRecord) -> Self {
        ApiKey {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            scopes: r.scopes,
            created_by: r.created_by,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
            revoked_at: r.revoked_at,
            expires_at: r.expires_at,
            rate_limit_per_minute: r.rate_limit_per_minute,
        }
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyRequest {
    /// Client-generated id: a retry with it and the same body answers 200 with the key
    /// the first request made (without the key itself), never a second key; another body
    /// under it is 409 `id_reused`.
    #[serde(default)]
    pub id: Option<ApiKeyId>,
    #[schema(min_length = 1, max_length = 100)]
    pub name: String,
    /// e.g. `["customers:read", "customers:write"]`
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiScope>,
    /// When the key stops working; absent or `null`: never.
    #[serde(default)]
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests a minute (1–100,000); absent or `null`: the tenant's default.
    #[serde(default)]
    #[schema(minimum = 1, maximum = 100000)]
    pub rate_limit_per_minute: Option<u32>,
}

/// A key's expiry and rate limit, replaced together.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeyLimits {
    /// `null`: never expires. A time in the past stops the key at once.
    pub expires_at: Option<DateTime<Utc>>,
    /// Requests a minute (1–100,000); `null`: the tenant's default.
    #[schema(minimum = 1, maximum = 100000)]
    pub rate_limit_per_minute: Option<u32>,
}

/// The tenant's defaults for its keys.
#[derive(Serialize, ToSchema)]
pub struct KeySettings {
    /// Requests a minute for keys without their own limit; `null`: the server's default.
    pub default_rate_limit_per_minute: Option<u32>,
    /// The server's own default (`--api-key-rate-limit`, `OUTFIELD_API_KEY_RATE_LIMIT`).
    pub server_default_rate_limit: u32,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeySettingsUpdate {
    /// Requests a minute for keys without their own limit (1–100,000); `null`: the
    /// server's default.
    #[schema(minimum = 1, maximum = 100000)]
    pub default_rate_limit_per_minute: Option<u32>,
}

fn check_limit(bad: &mut Invalid, field: &str, n: Option<u32>) {
    if let Some(n) = n
        && !(1..=MAX_RATE_LIMIT).contains(&n)
    {
        bad.push(
            field,
            Problem::OutOfRange {
                min: 1.0,
                max: f64::from(MAX_RATE_LIMIT),
                unit: "",
            },
        );
    }
}

#[derive(Serialize, ToSchema)]
pub struct NewKeyResponse {
    /// The key: send it as `Authorization: Bearer <key>`. Shown only in the first
    /// answer (201); it is stored hashed, so a retry's answer (200) has `null` here —
    /// if the first answer was lost, revoke this key and create another.
    pub key: Option<String>,
    pub api_key: ApiKey,
}

#[derive(Serialize, ToSchema)]
pub struct ApiKeyList {
    pub items: Vec<ApiKey>,
    pub next_cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/api-keys", tag = "api-keys",
    responses((status = 200, body = ApiKeyList), (status = 403, body = ErrorBody)))]
async fn list_keys(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<ApiKeyList>> {
    caller.reach(Resource::ApiKeys, Action::Read)?;
    let items = s
        .store
        .list_api_keys(caller.tenant())
        .await?
        .into_iter()
        .map(ApiKey::from)
        .collect();
    Ok(Json(ApiKeyList {
        items,
        next_cursor: None,
    }))
}

/// Creates a key with the given scopes. The key is in this response only; it is stored hashed.
/// Idempotent with a client `id` (see `idem::create_once`).
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "api-keys", request_body = NewKeyRequest,
    responses((status = 201, body = NewKeyResponse), (status = 200, body = NewKeyResponse),
        (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 403, body = ErrorBody)))]
async fn create_key(
    State(s): State<AppState>,
    caller: Caller,
    CreateJson { body: req, digest }: CreateJson<NewKeyRequest>,
) -> ApiResult<(StatusCode, Json<NewKeyResponse>)> {
    caller.reach(Resource::ApiKeys, Action::Write)?;
    let mut bad = Invalid::default();
    let name = bad.check("name", clean_name(&req.name, 100));
    if req.scopes.is_empty() {
        bad.push("scopes", Problem::Required);
    }
    check_limit(&mut bad, "rate_limit_per_minute", req.rate_limit_per_minute);
    let name = bad.into_result(|| name.unwrap_or_default())?;
    let key = tokens::new_token(TokenKind::ApiKey, caller.tenant());
    // Tokens are ASCII, so byte slicing is safe.
    let prefix = format!("{}…{}", &key[..12], &key[key.len() - 4..]);
    let created_by = match &caller.principal {
        Principal::User(u) => Some(u.employee),
        Principal::ApiKey(_) => None,
    };
    let tenant = caller.tenant();
    let insert = async {
        let rec = s
            .store
            .create_api_key(
                tenant,
                req.id,
                Some(&digest),
                &NewApiKey {
                    name: &name,
                    prefix: &prefix,
                    key_hash: &tokens::hash(&key),
                    scopes: &req.scopes,
                    created_by,
                    expires_at: req.expires_at,
                    rate_limit_per_minute: req.rate_limit_per_minute,
                },
            )
            .await?;
        Ok(rec.map(|rec| NewKeyResponse {
            key: Some(key.clone()),
            api_key: rec.into(),
        }))
    };
    // A retry answers the stored key without the secret, which only the first answer had.
    let read = |id| {
        let s = &s;
        async move {
            Ok(NewKeyResponse {
                key: None,
                api_key: s.store.api_key(tenant, ApiKeyId(id)).await?.into(),
            })
        }
    };
    idem::create_once(
        &s.store,
        tenant,
        CreateKind::ApiKey,
        req.id.map(|i| i.0),
        &digest,
        insert,
        read,
    )
    .await
}

/// Revokes a key at once; requests with it answer 401 from then on.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "api-keys", params(("id" = ApiKeyId, Path)),
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody)))]
async fn revoke_key(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ApiKeyId>,
) -> ApiResult<Json<ApiKey>> {
    caller.reach(Resource::ApiKeys, Action::Write)?;
    Ok(Json(
        s.store.revoke_api_key(caller.tenant(), id).await?.into(),
    ))
}

/// Replaces a key's expiry and rate limit. The new limit applies from the key's next request.
#[utoipa::path(put, path = "/api/v1/api-keys/{id}/limits", tag = "api-keys", params(("id" = ApiKeyId, Path)),
    request_body = KeyLimits,
    responses((status = 200, body = ApiKey), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn set_key_limits(
    State(s): State<AppState>,
    caller: Caller,
    Path(id): Path<ApiKeyId>,
    Json(req): Json<KeyLimits>,
) -> ApiResult<Json<ApiKey>> {
    caller.reach(Resource::ApiKeys, Action::Write)?;
    let mut bad = Invalid::default();
    check_limit(&mut bad, "rate_limit_per_minute", req.rate_limit_per_minute);
    bad.into_result(|| ())?;
    let rec = s
        .store
        .set_api_key_limits(
            caller.tenant(),
            id,
            req.expires_at,
            req.rate_limit_per_minute,
        )
        .await?;
    Ok(Json(rec.into()))
}

/// The tenant's default rate limit for keys without their own.
#[utoipa::path(get, path = "/api/v1/api-keys/settings", tag = "api-keys",
    responses((status = 200, body = KeySettings)))]
async fn key_settings(State(s): State<AppState>, caller: Caller) -> ApiResult<Json<KeySettings>> {
    caller.reach(Resource::ApiKeys, Action::Read)?;
    Ok(Json(KeySettings {
        default_rate_limit_per_minute: s.store.api_key_rate_limit(caller.tenant()).await?,
        server_default_rate_limit: s.config.api_key_rate_limit,
    }))
}

#[utoipa::path(put, path = "/api/v1/api-keys/settings", tag = "api-keys", request_body = KeySettingsUpdate,
    responses((status = 200, body = KeySettings), (status = 422, body = ErrorBody)))]
async fn put_key_settings(
    State(s): State<AppState>,
    caller: Caller,
    Json(req): Json<KeySettingsUpdate>,
) -> ApiResult<Json<KeySettings>> {
    caller.reach(Resource::ApiKeys, Action::Write)?;
    let mut bad = Invalid::default();
    check_limit(
        &mut bad,
        "default_rate_limit_per_minute",
        req.default_rate_limit_per_minute,
    );
    bad.into_result(|| ())?;
    s.store
        .set_api_key_rate_limit(caller.tenant(), req.default_rate_limit_per_minute)
        .await?;
    Ok(Json(KeySettings {
        default_rate_limit_per_minute: req.default_rate_limit_per_minute,
        server_default_rate_limit: s.config.api_key_rate_limit,
    }))
}
