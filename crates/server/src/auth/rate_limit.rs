//! Per-key rate limits: each integration key may send N requests a minute (its own limit,
//! else its tenant's default, else `Config::api_key_rate_limit`), refilled evenly (GCRA,
//! the `governor` crate: one request every 60/N s, bursts of up to N). Every answer to a
//! key carries `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (the IETF
//! httpapi draft's fields; Reset is the seconds until the full N is available again); a
//! request over the limit answers 429 `rate_limited` with `Retry-After`.
//!
//! The counters live in this process: with several servers behind a load balancer each
//! server counts alone, so a key gets up to N× its limit across N servers (unless the
//! balancer pins each key to one server).

use super::Caller;
use super::scopes::presents_key;
use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use domain::ApiKeyId;
use domain::access::Principal;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::{InMemoryState, NotKeyed};
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Limiter = RateLimiter<NotKeyed, InMemoryState, DefaultClock, StateInformationMiddleware>;

pub const LIMIT: HeaderName = HeaderName::from_static("ratelimit-limit");
pub const REMAINING: HeaderName = HeaderName::from_static("ratelimit-remaining");
pub const RESET: HeaderName = HeaderName::from_static("ratelimit-reset");

/// One limiter per key this server has seen; a key whose limit changed gets a fresh one.
#[derive(Default)]
pub struct KeyLimits {
    limiters: Mutex<HashMap<ApiKeyId, (u32, Arc<Limiter>)>>,
}

/// What one request was allowed, for the headers.
#[derive(Debug, PartialEq, Eq)]
pub struct Decision {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the whole limit is available again.
    pub reset_s: u64,
    /// `Some` when refused: seconds until the next request would pass.
    pub retry_after_s: Option<u64>,
}

fn ceil_s(d: Duration) -> u64 {
    d.as_secs() + u64::from(d.subsec_nanos() > 0)
}

impl KeyLimits {
    fn limiter(&self, key: ApiKeyId, per_minute: u32) -> Arc<Limiter> {
        let mut map = self.limiters.lock().unwrap_or_else(|e| e.into_inner());
        match map.get(&key) {
            Some((n, l)) if *n == per_minute => l.clone(),
            _ => {
                let n = NonZeroU32::new(per_minute).unwrap_or(NonZeroU32::MIN);
                let l = Arc::new(
                    RateLimiter::direct(Quota::per_minute(n))
                        .with_middleware::<StateInformationMiddleware>(),
                );
                map.insert(key, (per_minute, l.clone()));
                l
            }
        }
    }

    /// Counts one request of `key` against `per_minute`.
    pub fn check(&self, key: ApiKeyId, per_minute: u32) -> Decision {
        let per_minute = per_minute.max(1);
        let period = Duration::from_secs(60) / per_minute;
        match self.limiter(key, per_minute).check() {
            Ok(snap) => {
                let remaining = snap.remaining_burst_capacity();
                Decision {
                    limit: per_minute,
                    remaining,
                    reset_s: ceil_s(period * (per_minute - remaining)),
                    retry_after_s: None,
                }
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(DefaultClock::default().now());
                Decision {
                    limit: per_minute,
                    remaining: 0,
                    reset_s: ceil_s(period * per_minute),
                    retry_after_s: Some(ceil_s(wait).max(1)),
                }
            }
        }
    }
}

fn put_headers(resp: &mut Response, d: &Decision) {
    let h = resp.headers_mut();
    h.insert(LIMIT, HeaderValue::from(d.limit));
    h.insert(REMAINING, HeaderValue::from(d.remaining));
    h.insert(RESET, HeaderValue::from(d.reset_s));
}

/// Route layer, outside the audit and scope layers: authenticates a key once (the layers
/// inside reuse the caller), counts the request and answers with the headers; a refused
/// request goes no further.
pub async fn limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if !presents_key(req.headers()) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let caller = match Caller::from_request_parts(&mut parts, &state).await {
        Ok(c) => c,
        Err(e) => return e.into_response(),
    };
    let Principal::ApiKey(key) = &caller.principal else {
        return next.run(Request::from_parts(parts, body)).await;
    };
    let per_minute = caller
        .key_rate_limit
        .unwrap_or(state.config.api_key_rate_limit);
    let decision = state.key_limits.check(key.key, per_minute);
    let mut resp = match decision.retry_after_s {
        Some(wait) => {
            let mut e = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                format!("this key may send {per_minute} requests a minute; retry after {wait} s"),
            );
            e.retry_after_s = Some(wait);
            e.into_response()
        }
        None => {
            parts.extensions.insert(caller);
            next.run(Request::from_parts(parts, body)).await
        }
    };
    put_headers(&mut resp, &decision);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_gets_its_limit_then_waits() {
        let limits = KeyLimits::default();
        let key = ApiKeyId::new();
        let first = limits.check(key, 3);
        assert_eq!(
            (first.limit, first.remaining, first.retry_after_s),
            (3, 2, None)
        );
        assert_eq!(first.reset_s, 20);
        limits.check(key, 3);
        let third = limits.check(key, 3);
        assert_eq!((third.remaining, third.retry_after_s), (0, None));
        let fourth = limits.check(key, 3);
        assert_eq!(fourth.remaining, 0);
        let wait = fourth.retry_after_s.expect("refused");
        assert!((1..=20).contains(&wait), "{wait}");
        // Another key is counted apart; a changed limit starts afresh.
        assert_eq!(limits.check(ApiKeyId::new(), 3).retry_after_s, None);
        assert_eq!(limits.check(key, 10).retry_after_s, None);
    }
}
