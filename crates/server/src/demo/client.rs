//! The demo's people acting through the API itself, in process: each request goes
//! through the same router, authentication, validation, judgement and storage as a
//! phone's or a browser's, so the demo's visits, punches, photos and flags are exactly
//! what the real rules make of them.

use crate::auth::tokens::{self, TokenKind};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, header};
use domain::{EmployeeId, TenantId};
use serde_json::Value;
use tower::ServiceExt;

/// Signed in as one person, with a session made directly (no password hashing per
/// person) and revoked by [`Client::close`].
pub struct Client {
    app: Router,
    store: storage::Store,
    tenant: TenantId,
    token: String,
}

impl Client {
    pub async fn new(state: &AppState, tenant: TenantId, who: EmployeeId) -> ApiResult<Client> {
        let token = tokens::new_token(TokenKind::Session, tenant);
        let now = crate::now_ms();
        state
            .store
            .create_session(
                tenant,
                &tokens::hash(&token),
                who,
                now,
                now + 7 * 86_400_000,
                None,
            )
            .await?;
        Ok(Client {
            app: crate::router(state.clone()),
            store: state.store.clone(),
            tenant,
            token,
        })
    }

    pub async fn close(self) -> ApiResult<()> {
        self.store
            .revoke_session(self.tenant, &tokens::hash(&self.token), crate::now_ms())
            .await?;
        Ok(())
    }

    async fn send(&self, method: Method, path: &str, body: Body, ctype: &str) -> ApiResult<Value> {
        let req = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {}", self.token))
            .header(header::CONTENT_TYPE, ctype)
            .header(header::ACCEPT_LANGUAGE, "zh-CN")
            .body(body)
            .map_err(ApiError::internal)?;
        let res = self
            .app
            .clone()
            .oneshot(req)
            .await
            .map_err(ApiError::internal)?;
        let status = res.status();
        let bytes = axum::body::to_bytes(res.into_body(), 16 * 1024 * 1024)
            .await
            .map_err(ApiError::internal)?;
        if !status.is_success() {
            return Err(ApiError::internal(format!(
                "demo {method} {path} answered {status}: {}",
                String::from_utf8_lossy(&bytes)
            )));
        }
        if bytes.is_empty() {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes).map_err(ApiError::internal)
    }

    pub async fn post<T: serde::Serialize + ?Sized>(
        &self,
        path: &str,
        body: &T,
    ) -> ApiResult<Value> {
        let body = Body::from(serde_json::to_vec(body).map_err(ApiError::internal)?);
        self.send(Method::POST, path, body, "application/json")
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> ApiResult<Value> {
        let body = Body::from(serde_json::to_vec(body).map_err(ApiError::internal)?);
        self.send(Method::PUT, path, body, "application/json").await
    }

    /// A photo upload: `meta` JSON and the JPEG `file`, as the field app sends them.
    pub async fn upload(&self, path: &str, meta: &Value, jpeg: Vec<u8>) -> ApiResult<Value> {
        const B: &str = "outfield-demo-boundary-7f3a";
        let mut body = Vec::with_capacity(jpeg.len() + 1024);
        body.extend(
            format!(
                "--{B}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{meta}\r\n\
                 --{B}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend(jpeg);
        body.extend(format!("\r\n--{B}--\r\n").as_bytes());
        self.send(
            Method::POST,
            path,
            Body::from(body),
            &format!("multipart/form-data; boundary={B}"),
        )
        .await
    }
}
