//! Idempotent creates, shared by every create that takes a client id. The insert is one
//! statement (`ON CONFLICT (tenant_id, id) DO NOTHING`, the body digest beside the row),
//! so of N concurrent copies exactly one inserts and answers 201; the others find the
//! stored row and answer 200 with it when their body digest matches, 409 `id_reused` when
//! it does not. Resource code supplies only its insert and its read.

use crate::actions::{id_reused, sha256_hex};
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, json_bytes, parse_json};
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use domain::TenantId;
use serde::de::DeserializeOwned;
use serde_json::Value;
use storage::{CreateKind, Store, StoreError};
use uuid::Uuid;

/// A create's JSON body and the digest of it as sent: keys sorted, `null` members dropped
/// (absent and null mean the same), and `password` left out so the stored digest is never
/// an unsalted hash of a password.
pub struct CreateJson<T> {
    pub body: T,
    pub digest: String,
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for CreateJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, ApiError> {
        let bytes = json_bytes(req, state).await?;
        let body = parse_json(&bytes)?;
        let value: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Ok(CreateJson {
            body,
            digest: body_digest(&value),
        })
    }
}

/// The digest of a JSON body, independent of key order and of explicit nulls.
pub fn body_digest(v: &Value) -> String {
    let mut v = canonical(v);
    if let Value::Object(m) = &mut v {
        m.remove("password");
    }
    sha256_hex(&serde_json::to_vec(&v).unwrap_or_default())
}

fn canonical(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = serde_json::Map::new();
            for k in keys {
                if !m[k].is_null() {
                    out.insert(k.clone(), canonical(&m[k]));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
        other => other.clone(),
    }
}

/// Runs `insert` (which returns `None` when the client id is taken) and answers 201 with
/// the new row, or — for a client id already stored — 200 with the row `read` returns for
/// the same body and 409 `id_reused` for another. A unique-key conflict raised while a
/// concurrent copy under the same id was committing is answered like that copy's replay.
pub async fn create_once<T, I, R, RF>(
    store: &Store,
    tenant: TenantId,
    kind: CreateKind,
    id: Option<Uuid>,
    digest: &str,
    insert: I,
    read: R,
) -> ApiResult<(StatusCode, Json<T>)>
where
    I: Future<Output = ApiResult<Option<T>>>,
    R: FnOnce(Uuid) -> RF,
    RF: Future<Output = ApiResult<T>>,
{
    let Some(id) = id else {
        // Without a client id every call is a new row; `None` cannot happen.
        return match insert.await? {
            Some(row) => Ok((StatusCode::CREATED, Json(row))),
            None => Err(ApiError::internal(
                "a create without a client id found its id taken",
            )),
        };
    };
    // A replay answers before anything is judged again (state may have moved on).
    if let Some(stored) = store.stored_create(kind, tenant, id).await? {
        return replay(stored.digest, digest, id, read).await;
    }
    match insert.await {
        Ok(Some(row)) => Ok((StatusCode::CREATED, Json(row))),
        Ok(None) => match store.stored_create(kind, tenant, id).await? {
            Some(stored) => replay(stored.digest, digest, id, read).await,
            None => Err(ApiError::internal("a taken client id vanished")),
        },
        Err(e) if e.status == StatusCode::CONFLICT => {
            match store.stored_create(kind, tenant, id).await? {
                Some(stored) => replay(stored.digest, digest, id, read).await,
                None => Err(e),
            }
        }
        Err(e) => Err(e),
    }
}

async fn replay<T, R, RF>(
    stored: Option<String>,
    digest: &str,
    id: Uuid,
    read: R,
) -> ApiResult<(StatusCode, Json<T>)>
where
    R: FnOnce(Uuid) -> RF,
    RF: Future<Output = ApiResult<T>>,
{
    // Rows from before digests were kept answer as a replay, as they always did.
    if stored.as_deref().is_some_and(|d| d != digest) {
        return Err(id_reused());
    }
    match read(id).await {
        Ok(row) => Ok((StatusCode::OK, Json(row))),
        // Stored but out of the caller's sight: the id is not theirs to reuse.
        Err(e) if e.status == StatusCode::NOT_FOUND => Err(id_reused()),
        Err(e) => Err(e),
    }
}

/// Maps a storage create's answer for [`create_once`].
pub fn stored<T>(r: Result<Option<T>, StoreError>) -> ApiResult<Option<T>> {
    r.map_err(ApiError::from)
}
