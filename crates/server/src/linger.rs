//! Early error answers that the client can actually read.
//!
//! A handler may refuse a request before reading all of its body: a 413 for an upload
//! over the limit, a 401 for a photo sent with an expired token. HTTP/1.1 clients that
//! do not ask `Expect: 100-continue` (browsers, reqwest, most phone stacks) keep writing
//! the body and only read the answer afterwards. If the server then closes the
//! connection with unread bytes in its socket, the kernel resets it and the client sees
//! "broken pipe" or "connection reset" instead of our error. Like nginx's lingering
//! close, the server reads and discards what is still coming — bounded in bytes and
//! time — before it sends the error, so the client gets the error shape.

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, EXPECT, TRANSFER_ENCODING};
use axum::middleware::Next;
use axum::response::Response;
use futures_util::StreamExt;
use http_body::{Frame, SizeHint};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

/// The most the server reads after an early error before it gives up and closes.
pub const MAX_LINGER_BYTES: u64 = 64 * 1024 * 1024;
/// The longest it keeps reading.
pub const MAX_LINGER: Duration = Duration::from_secs(10);

/// Middleware: after a 4xx answer, discard the rest of the request body (see the module).
pub async fn linger_after_client_errors(req: Request, next: Next) -> Response {
    if !worth_lingering(&req) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let shared = Arc::new(Mutex::new(Some(body)));
    let resp = next
        .run(Request::from_parts(
            parts,
            Body::new(SharedBody(shared.clone())),
        ))
        .await;
    if resp.status().is_client_error() {
        let rest = shared.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(rest) = rest {
            discard(rest).await;
        }
    }
    resp
}

/// Only requests that carry a body (most, like GETs, do not: they pass untouched). A
/// client that asked `Expect: 100-continue` has not sent its body yet and reads the
/// answer first; one that announced more than we would read is better closed at once.
fn worth_lingering(req: &Request) -> bool {
    if req.headers().contains_key(EXPECT) {
        return false;
    }
    let announced = req
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match announced {
        Some(n) => n > 0 && n <= MAX_LINGER_BYTES,
        None => req.headers().contains_key(TRANSFER_ENCODING),
    }
}

async fn discard(body: Body) {
    let reading = async {
        let mut stream = body.into_data_stream();
        let mut read = 0u64;
        while let Some(Ok(chunk)) = stream.next().await {
            read += chunk.len() as u64;
            if read > MAX_LINGER_BYTES {
                break;
            }
        }
    };
    let _ = tokio::time::timeout(MAX_LINGER, reading).await;
}

/// The request body, read by the handler through this handle while the middleware keeps
/// the other one to finish reading it after an early answer.
struct SharedBody(Arc<Mutex<Option<Body>>>);

impl HttpBody for SharedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let mut body = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        match body.as_mut() {
            Some(body) => Pin::new(body).poll_frame(cx),
            None => Poll::Ready(None),
        }
    }

    fn is_end_stream(&self) -> bool {
        let body = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        body.as_ref().is_none_or(HttpBody::is_end_stream)
    }

    fn size_hint(&self) -> SizeHint {
        let body = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        body.as_ref()
            .map_or_else(|| SizeHint::with_exact(0), HttpBody::size_hint)
    }
}
