//! The request time-out: an operation that takes longer than `Config::request_timeout`
//! answers 503 `timed_out` in the error shape, and its handler is dropped (cancelled at its
//! next await; a create with a client id can be retried safely).
//!
//! Not every operation: the live stream (an SSE answer is meant to last) and uploads
//! (`multipart/form-data` bodies, whose time goes mostly into receiving data over slow
//! phone links; their size is bounded instead) are exempt. Which operations those are is
//! read from the document itself, so the document's 503 listing (`openapi::errors`) and
//! the layer can never disagree.

use crate::error::ApiError;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashSet;
use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;
use tokio::time::Instant;
use utoipa::openapi::path::Operation;
use utoipa::openapi::{OpenApi, RefOr};

/// Whether the time-out applies to an operation: not to a stream, not to an upload.
pub fn applies(op: &Operation) -> bool {
    let upload = op
        .request_body
        .as_ref()
        .is_some_and(|b| matches!(b, RefOr::T(b) if b.content.contains_key("multipart/form-data")));
    let stream = op.responses.responses.values().any(|r| match r {
        RefOr::T(r) => r.content.contains_key("text/event-stream"),
        RefOr::Ref(_) => false,
    });
    !upload && !stream
}

/// The operations the time-out applies to, by method and path template.
pub struct Timed {
    ops: HashSet<(Method, String)>,
    limit: Duration,
}

impl Timed {
    pub fn from_document(doc: &OpenApi, limit: Duration) -> Self {
        let ops = crate::openapi::operations(doc)
            .filter(|(_, _, op)| applies(op))
            .map(|(method, path, _)| (method, path.clone()))
            .collect();
        Timed { ops, limit }
    }

    fn covers(&self, method: &Method, path: &str) -> bool {
        let method = if method == Method::HEAD {
            Method::GET
        } else {
            method.clone()
        };
        self.ops.contains(&(method, path.to_owned()))
    }
}

/// Route layer (it needs the matched path).
pub async fn time_out(State(timed): State<Arc<Timed>>, req: Request, next: Next) -> Response {
    let covered = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| timed.covers(req.method(), p.as_str()));
    if !covered {
        return next.run(req).await;
    }
    // The clock is read before the handler is polled, each time: a request past its
    // deadline is answered as such even if its handler could finish on this poll (the
    // timer alone only wakes the task, and only once the timer wheel has ticked).
    let deadline = Instant::now() + timed.limit;
    let mut alarm = pin!(tokio::time::sleep_until(deadline));
    let mut handler = pin!(next.run(req));
    poll_fn(|cx| {
        if Instant::now() >= deadline || alarm.as_mut().poll(cx).is_ready() {
            return Poll::Ready(timed_out(timed.limit).into_response());
        }
        handler.as_mut().poll(cx)
    })
    .await
}

fn timed_out(limit: Duration) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "timed_out",
        format!(
            "the request took longer than the server's limit of {} s; try again",
            limit.as_secs_f64()
        ),
    );
    e.retry_after_s = Some(1);
    e
}
