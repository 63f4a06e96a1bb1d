//! The audit log's recording side: every successful change made under `/api/v1` by an
//! admin, manager or finance user or by an API key becomes one chained entry (who, as
//! which principal, what resource and id, the diff, when, from where, the request id).
//! Field reps' own actions and logins are not recorded; neither are refused requests.
//!
//! The diff needs no help from the handlers: when the changed object has a GET at its
//! path (`target`), it is read through the API itself, as the same caller, just before
//! the change, and after it unless the answer has the same fields as that GET (then the
//! answer is the state after); a create's state after is its answer. So a concurrent
//! change to the same object between those reads shows in this entry's diff too.
//!
//! The layer authenticates the caller once and leaves it in the request's extensions for
//! the handler, so requests that are not recorded (a rep's fixes) cost no extra lookup.
//!
//! The entry is appended after the handler's answer and before it is sent; a failed
//! append is logged (the change itself stands).

pub mod retention;
pub mod target;

use crate::auth::Caller;
use crate::routes::auth::ClientAddr;
use crate::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::access::Principal;
use domain::audit::ActorKind;
use domain::audit::diff;
use domain::employee::Role;
use serde_json::Value;
use std::collections::HashSet;
use std::sync::{Arc, OnceLock};
use storage::NewAuditEntry;
use tower::ServiceExt;

/// The largest object state read for a diff; bigger answers are left out of it.
const MAX_STATE_BYTES: usize = 4 * 1024 * 1024;

/// Shared by the audit layer of one router.
pub struct Recorder {
    state: AppState,
    /// Route templates that answer GET.
    gets: HashSet<String>,
    /// The API's routes without this layer, through which states are read; made on the
    /// first recorded change (most routers, like a demo rep's, never need it).
    reader: OnceLock<Router>,
}

/// Adds the recording layer to the API's routes; `doc` tells which templates answer GET.
pub fn layer(
    api: Router<AppState>,
    doc: &utoipa::openapi::OpenApi,
    state: &AppState,
) -> Router<AppState> {
    let gets = crate::openapi::operations(doc)
        .filter(|(m, _, _)| m == Method::GET)
        .map(|(_, path, _)| path.clone())
        .collect();
    let recorder = Arc::new(Recorder {
        state: state.clone(),
        gets,
        reader: OnceLock::new(),
    });
    api.route_layer(axum::middleware::from_fn_with_state(recorder, record))
}

/// Who acted, when they are audited: not field reps.
fn actor(p: &Principal) -> Option<(ActorKind, uuid::Uuid, &'static str)> {
    match p {
        Principal::User(u) if u.role == Role::Field => None,
        Principal::User(u) => Some((ActorKind::User, u.employee.0, u.role.as_str())),
        Principal::ApiKey(k) => Some((ActorKind::ApiKey, k.key.0, "api_key")),
    }
}

async fn record(State(rec): State<Arc<Recorder>>, req: Request, next: Next) -> Response {
    match rec.prepare(req).await {
        Prepared::Skip(req) => next.run(req).await,
        Prepared::Refused(resp) => resp,
        Prepared::Audited(req, change) => {
            let resp = next.run(req).await;
            change.finish(&rec, resp).await
        }
    }
}

enum Prepared {
    /// Not recorded: not a change, a field rep's, or not authenticated (the handler
    /// answers 401 itself).
    Skip(Request),
    /// The request could not be read.
    Refused(Response),
    Audited(Request, Box<Change>),
}

/// What is known of a change before the handler runs.
struct Change {
    tenant: domain::TenantId,
    actor: (ActorKind, uuid::Uuid, &'static str),
    target: target::Target,
    address: String,
    request_id: Option<String>,
    /// The caller's headers, to read the object's state after as them.
    headers: HeaderMap,
    /// The JSON body sent (only to mark the secrets it set).
    sent: Value,
    before: Value,
}

impl Recorder {
    async fn prepare(&self, req: Request) -> Prepared {
        let mutating = matches!(
            *req.method(),
            Method::POST | Method::PUT | Method::PATCH | Method::DELETE
        );
        let template = req
            .extensions()
            .get::<MatchedPath>()
            .map(|p| p.as_str().to_owned());
        let Some(template) = template.filter(|t| mutating && !t.starts_with("/api/v1/auth/"))
        else {
            return Prepared::Skip(req);
        };
        let (mut parts, body) = req.into_parts();
        let Ok(caller) = Caller::from_request_parts(&mut parts, &self.state).await else {
            return Prepared::Skip(Request::from_parts(parts, body));
        };
        parts.extensions.insert(caller.clone());
        let target = target::target(&parts.method, &template, parts.uri.path(), &self.gets);
        let (Some(actor), Some(target)) = (actor(&caller.principal), target) else {
            return Prepared::Skip(Request::from_parts(parts, body));
        };
        let address = match ClientAddr::from_request_parts(&mut parts, &self.state).await {
            Ok(ClientAddr(a)) => a,
            Err(e) => return Prepared::Refused(e.into_response()),
        };
        let (body, sent) = match read_json_body(&parts.headers, body, &self.state).await {
            Ok(b) => b,
            Err(e) => return Prepared::Refused(e.into_response()),
        };
        let before = match &target.object_path {
            Some(p) => self.read_state(&parts.headers, p).await,
            None => Value::Null,
        };
        let change = Change {
            tenant: caller.tenant(),
            actor,
            target,
            address,
            request_id: parts
                .headers
                .get("x-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
            headers: parts.headers.clone(),
            sent,
            before,
        };
        Prepared::Audited(Request::from_parts(parts, body), Box::new(change))
    }
}

impl Change {
    /// Appends the entry when the handler succeeded; answers its response unchanged.
    async fn finish(self, rec: &Recorder, resp: Response) -> Response {
        let status = resp.status();
        // A create answered 200 found an earlier copy's row: nothing changed.
        if !status.is_success() || (self.target.collection_create && status == StatusCode::OK) {
            return resp;
        }
        let (rparts, rbody) = resp.into_parts();
        let bytes = match axum::body::to_bytes(rbody, usize::MAX).await {
            Ok(b) => b,
            Err(e) => return crate::error::ApiError::internal(e).into_response(),
        };
        let answered: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let after = match &self.target.object_path {
            // An answer shaped like the object's GET (same fields) is its state after;
            // reading it again would cost a request for nothing.
            Some(_) if same_shape(&self.before, &answered) => answered.clone(),
            Some(p) => rec.read_state(&self.headers, p).await,
            None if answered.is_object() => answered.clone(),
            None => Value::Null,
        };
        let mut change = diff::diff(&self.before, &after);
        diff::mark_secrets_set(&mut change, &self.sent);
        let resource_id = self.target.id.clone().or_else(|| created_id(&answered));
        let (actor_kind, actor_id, actor_role) = self.actor;
        let entry = NewAuditEntry {
            at_ms: crate::now_ms(),
            actor_kind,
            actor_id,
            actor_role,
            resource: &self.target.resource,
            resource_id: resource_id.as_deref(),
            action: &self.target.action,
            diff: &change.to_string(),
            address: Some(&self.address),
            request_id: self.request_id.as_deref(),
        };
        if let Err(e) = rec.state.store.append_audit(self.tenant, &entry).await {
            tracing::error!(error = %e, resource = %self.target.resource,
                action = %self.target.action,
                "the audit entry of a completed change could not be written");
        }
        Response::from_parts(rparts, Body::from(bytes))
    }
}

impl Recorder {
    /// The object at `path` as the caller sees it, or `Null` when it cannot be read
    /// (deleted, not yet created, too large).
    async fn read_state(&self, headers: &HeaderMap, path: &str) -> Value {
        let reader = self
            .reader
            .get_or_init(|| crate::app::reader(&self.state))
            .clone();
        let mut req = Request::get(path);
        for h in [header::AUTHORIZATION, header::ACCEPT_LANGUAGE] {
            if let Some(v) = headers.get(&h) {
                req = req.header(h, v);
            }
        }
        let Ok(req) = req.body(Body::empty()) else {
            return Value::Null;
        };
        match reader.oneshot(req).await {
            Ok(res) if res.status() == StatusCode::OK => {
                match axum::body::to_bytes(res.into_body(), MAX_STATE_BYTES).await {
                    Ok(b) => serde_json::from_slice(&b).unwrap_or(Value::Null),
                    Err(_) => Value::Null,
                }
            }
            _ => Value::Null,
        }
    }
}

/// A JSON request body, read so the secrets it sets can be marked in the diff (their
/// values are never kept), and handed on unchanged. Other bodies (uploads) pass untouched.
async fn read_json_body(
    headers: &HeaderMap,
    body: Body,
    state: &AppState,
) -> Result<(Body, Value), crate::error::ApiError> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    let limit = state.config.max_json_bytes;
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    // Only bodies known to be within the limit: the JSON extractor answers the others.
    if !json || declared.is_none_or(|n| n > limit) {
        return Ok((body, Value::Null));
    }
    let bytes = axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| crate::error::ApiError::too_large(limit))?;
    let sent = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    Ok((Body::from(bytes), sent))
}

/// Whether two states are objects with the same fields (values aside).
fn same_shape(a: &Value, b: &Value) -> bool {
    match (a.as_object(), b.as_object()) {
        (Some(a), Some(b)) => a.len() == b.len() && a.keys().all(|k| b.contains_key(k)),
        _ => false,
    }
}

/// The id of what a create answered: its `id`, or that of the one object it wraps
/// (`{"key": …, "api_key": {"id": …}}`).
fn created_id(answered: &Value) -> Option<String> {
    let id = |v: &Value| v.get("id").and_then(Value::as_str).map(str::to_owned);
    id(answered).or_else(|| {
        answered
            .as_object()?
            .values()
            .filter(|v| v.is_object())
            .find_map(id)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_an_answer_with_the_same_fields_stands_for_the_state_after() {
        assert!(same_shape(
            &json!({"a": 1, "b": 2}),
            &json!({"b": 3, "a": 4})
        ));
        assert!(!same_shape(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!same_shape(&Value::Null, &json!({"a": 1})));
    }

    #[test]
    fn created_ids_are_found_at_the_top_or_one_level_down() {
        assert_eq!(created_id(&json!({"id": "a"})).as_deref(), Some("a"));
        assert_eq!(
            created_id(&json!({"key": "ofk_x", "api_key": {"id": "k"}})).as_deref(),
            Some("k")
        );
        assert_eq!(created_id(&json!({"fixes": 3})), None);
    }
}
