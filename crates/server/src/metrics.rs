//! The server's Prometheus series: the one recorder of the process, the functions that
//! feed it, and the middleware that counts and times every HTTP request. `GET /metrics`
//! (`routes::metrics`) renders them.
//!
//! Until [`install`] has run the `metrics` macros record nothing; `AppState::new` calls it,
//! so every server (and every test app) records from its first request.

use axum::extract::{MatchedPath, Request};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::Response;
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use storage::Store;

const HTTP_REQUESTS: &str = "outfield_http_requests_total";
const HTTP_DURATION: &str = "outfield_http_request_duration_seconds";
const FIXES_INGESTED: &str = "outfield_fixes_ingested_total";
const OSMAND_UNKNOWN: &str = "outfield_osmand_unknown_devices_total";
const PHOTO_PROCESSING: &str = "outfield_photo_processing_seconds";
const DB_POOL: &str = "outfield_db_pool_connections";
const JOBS: &str = "outfield_jobs";
const OUTBOX_LAG: &str = "outfield_outbox_lag_seconds";

/// From a cached read (a few ms) to the plan solver's 60 s budget.
const HTTP_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0,
];
/// A thumbnail-sized photo decodes in tens of ms; a 12-megapixel one with its watermark
/// takes seconds on a small machine.
const PHOTO_BUCKETS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0];

/// The route label of a request no route matched: never the raw path, which a client
/// chooses freely and would make a new series per address.
pub const UNMATCHED: &str = "unmatched";

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the process's recorder on the first call; later calls (several apps in one
/// test process) answer the same handle instead of failing.
pub fn install() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(HTTP_DURATION.into()), HTTP_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(PHOTO_PROCESSING.into()), PHOTO_BUCKETS)
            })
            .expect("bucket lists are not empty")
            .build_recorder();
        let handle = recorder.handle();
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed; /metrics answers no series");
        }
        describe();
        spawn_upkeep(handle.clone());
        handle
    })
}

fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "HTTP requests answered, by route template and status."
    );
    describe_histogram!(
        HTTP_DURATION,
        Unit::Seconds,
        "Time from a request's arrival to its response head, by route template and status."
    );
    describe_counter!(
        FIXES_INGESTED,
        "GPS fixes newly stored (re-sent duplicates excluded), by source (api, osmand)."
    );
    describe_counter!(
        OSMAND_UNKNOWN,
        "OsmAnd-protocol requests refused because the identifier is no registered device."
    );
    describe_histogram!(
        PHOTO_PROCESSING,
        Unit::Seconds,
        "Decoding, hashing, watermarking and thumbnailing one uploaded photo."
    );
    describe_gauge!(
        DB_POOL,
        "Database pool connections, in_use or idle, when /metrics was scraped."
    );
    describe_gauge!(
        JOBS,
        "Background jobs by kind and state (queued, running, dead)."
    );
    describe_gauge!(
        OUTBOX_LAG,
        Unit::Seconds,
        "How long the oldest committed event has waited for change-feed readers to see it."
    );
}

/// Without a scrape the recorder would keep every histogram sample; folding them into the
/// buckets now and then bounds its memory. A thread, so it needs no runtime.
fn spawn_upkeep(handle: PrometheusHandle) {
    let started = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(Duration::from_secs(5));
                handle.run_upkeep();
            }
        });
    if let Err(e) = started {
        tracing::warn!(error = %e, "metrics upkeep thread did not start");
    }
}

/// The exposition text, with the pool gauges read now.
pub fn render(store: &Store) -> String {
    let handle = install();
    let pool = store.pool_stats();
    gauge!(DB_POOL, "state" => "in_use").set(f64::from(pool.in_use()));
    gauge!(DB_POOL, "state" => "idle").set(f64::from(pool.idle));
    handle.render()
}

/// Counts and times one request under its route template (`MatchedPath`, e.g.
/// `/api/v1/customers/{id}`), or [`UNMATCHED`]. Used with `Router::layer`, which runs after
/// routing, so the template is known.
pub async fn track_http(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let method = method_label(req.method());
    let started = Instant::now();
    let resp = next.run(req).await;
    let labels = [
        ("method", method.to_owned()),
        ("route", route),
        ("status", resp.status().as_u16().to_string()),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_DURATION, &labels).record(started.elapsed().as_secs_f64());
    resp
}

/// Standard methods by name; anything else one label, since a client may invent methods.
fn method_label(m: &Method) -> &'static str {
    const KNOWN: &[Method] = &[
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    KNOWN
        .iter()
        .find(|k| *k == m)
        .map_or("other", |k| k.as_str())
}

/// `n` fixes of `source` (`api`, `osmand`) were committed as new.
pub fn fixes_ingested(source: &'static str, n: u64) {
    counter!(FIXES_INGESTED, "source" => source).increment(n);
}

/// An OsmAnd request named an identifier that is no registered device.
pub fn osmand_unknown_device() {
    counter!(OSMAND_UNKNOWN).increment(1);
}

/// One photo took `elapsed` to inspect, watermark and thumbnail.
pub fn photo_processed(elapsed: Duration) {
    histogram!(PHOTO_PROCESSING).record(elapsed.as_secs_f64());
}

/// Sets how many jobs of `kind` are in `state` (`queued`, `running`, `dead`) now, as
/// `outfield_jobs{kind,state}`. Call it whenever the queue is counted, for every kind and
/// state it knows, including zeros, so that an emptied state does not keep its last value.
pub fn set_job_counts(kind: &str, state: &str, n: u64) {
    gauge!(JOBS, "kind" => kind.to_owned(), "state" => state.to_owned()).set(n as f64);
}

/// Sets `outfield_outbox_lag_seconds`: how long the oldest committed event has waited
/// for change-feed readers to see it.
pub fn set_outbox_lag(ms: i64) {
    gauge!(OUTBOX_LAG).set(ms.max(0) as f64 / 1000.0);
}

/// Sets `outfield_jobs` from a count of the queue (every tenant): each kind the server
/// runs and each unfinished state, zeros included.
pub fn set_job_gauges(counts: &[storage::JobCount]) {
    let mut kinds: Vec<&str> = crate::jobs::KINDS.to_vec();
    kinds.extend(counts.iter().map(|c| c.kind.as_str()));
    kinds.sort_unstable();
    kinds.dedup();
    for kind in kinds {
        for state in ["queued", "running", "dead"] {
            let n = counts
                .iter()
                .find(|c| c.kind == kind && c.state == state)
                .map_or(0, |c| c.count);
            set_job_counts(kind, state, u64::try_from(n).unwrap_or(0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invented_methods_share_one_label() {
        assert_eq!(method_label(&Method::PATCH), "PATCH");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
