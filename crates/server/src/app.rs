//! Assembling the router and serving it until shutdown.

use crate::error::ApiError;
use crate::openapi;
use crate::openapi::query_params::{self, DeclaredQueries};
use crate::routes;
use crate::state::{AppState, Config};
use crate::telemetry;
use crate::timeout::Timed;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

/// The whole application: API, OpenAPI document and docs, health checks.
pub fn router(state: AppState) -> Router {
    let json_limit = state.config.max_json_bytes;
    let (api, doc) = parts(&state.config);
    let api = crate::audit::layer(api, &doc, &state);
    let api = with_key_layers(api, &state);
    let web = state.config.web_dir.clone();
    let app = Router::new()
        .merge(api)
        .merge(crate::web::router(web.as_deref()))
        .merge(routes::health::router())
        .merge(routes::metrics::router())
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc));
    with_error_layers(app, json_limit).with_state(state)
}

/// What answers the errors no handler produces — unknown paths, wrong methods, long
/// addresses, bodies over the limit, panics — each in the API's error shape; and what
/// every request passes through: its id, its log span, its metrics (these layers are
/// applied after routing, so they see the route template).
fn with_error_layers(app: Router<AppState>, json_limit: usize) -> Router<AppState> {
    app.fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this path does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(axum::middleware::from_fn(refuse_long_uri))
        .layer(axum::middleware::from_fn(
            crate::linger::linger_after_client_errors,
        ))
        .layer(CatchPanicLayer::custom(|_| -> Response {
            ApiError::internal("handler panicked").into_response()
        }))
        // Outside the panic catcher, so a panic counts as the 500 it answers.
        .layer(axum::middleware::from_fn(crate::metrics::track_http))
        .layer(TraceLayer::new_for_http().make_span_with(telemetry::request_span))
        .layer(PropagateRequestIdLayer::new(telemetry::REQUEST_ID))
        .layer(SetRequestIdLayer::new(
            telemetry::REQUEST_ID,
            MakeRequestUuid,
        ))
}

/// The longest request target (path and query) the API reads. Far below hyper's own limit
/// (64 KiB, answered by hyper with an empty 414 before any of this code runs), so every
/// over-long address a client can plausibly send gets the error shape.
pub const MAX_URI_BYTES: usize = 8 * 1024;

async fn refuse_long_uri(req: Request, next: Next) -> Response {
    let len = req.uri().path_and_query().map_or(0, |pq| pq.as_str().len());
    if len > MAX_URI_BYTES {
        return ApiError::new(
            StatusCode::URI_TOO_LONG,
            "uri_too_long",
            format!("the request address is longer than {MAX_URI_BYTES} bytes"),
        )
        .into_response();
    }
    next.run(req).await
}

/// The API's routes with their OpenAPI annotations.
fn api(config: &Config) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(routes::auth::router())
        .merge(routes::me::router())
        .merge(routes::two_factor::router())
        .merge(routes::notifications::router())
        .merge(routes::today::router())
        .merge(routes::departments::router())
        .merge(routes::employees::router())
        .merge(routes::customers::router())
        .merge(routes::sync::router())
        .merge(routes::customer_import::router(config.max_upload_bytes))
        .merge(routes::api_keys::router())
        .merge(routes::audit::router())
        .merge(routes::locations::router())
        .merge(routes::devices::router())
        .merge(routes::tracking::router())
        .merge(routes::live::router())
        .merge(routes::geofences::router())
        .merge(routes::attendance::router())
        .merge(routes::requests::router())
        .merge(routes::reports::router())
        .merge(routes::dashboard::router())
        .merge(routes::insights::router())
        .merge(routes::report_schedules::router())
        .merge(routes::forms::router())
        .merge(routes::visits::router())
        .merge(routes::integrity::router())
        .merge(routes::plans::router())
        .merge(routes::jobs::router())
        .merge(routes::events::router())
        .merge(routes::webhooks::router())
        .merge(routes::sso::router())
        .merge(routes::photos::router(config.max_photo_bytes))
        .merge(routes::claims::router())
        .merge(routes::approvals::router())
        .merge(routes::vehicles::router())
        .merge(routes::rates::router())
        .merge(routes::payouts::router())
        .merge(crate::demo::accounts::router())
}

/// What a request with an integration key passes through before the audit layer: its
/// rate limit (outermost, so a refused request costs nothing more), then the scope gate.
fn with_key_layers(api: Router<AppState>, state: &AppState) -> Router<AppState> {
    api.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::auth::scopes::gate,
    ))
    .route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        crate::auth::rate_limit::limit,
    ))
}

/// The API's routes without the audit layer, through which the audit layer reads an
/// object's state before and after a change (see `audit`). Its reads are the caller's
/// own (the scope gate applies) but not counted against a key's rate limit.
pub(crate) fn reader(state: &AppState) -> Router {
    parts(&state.config)
        .0
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::auth::scopes::gate,
        ))
        .with_state(state.clone())
}

/// The OpenAPI document as `/api/openapi.json` serves it (the limits in `config` shape
/// only the routes, not the document), for `outfield openapi` and the document's tests.
pub fn document() -> utoipa::openapi::OpenApi {
    parts(&Config::default()).1
}

/// The routes and their finished document (see `openapi::finish`); every route takes only
/// the query parameters the document declares for it (see `openapi::query_params`), and
/// all but streams and uploads are bounded in time (see `timeout`).
fn parts(config: &Config) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, doc) = api(config).split_for_parts();
    let doc = openapi::finish(doc);
    let declared = Arc::new(DeclaredQueries::from_document(&doc));
    let timed = Arc::new(Timed::from_document(&doc, config.request_timeout));
    let api = api
        .route_layer(axum::middleware::from_fn_with_state(
            timed,
            crate::timeout::time_out,
        ))
        .route_layer(axum::middleware::from_fn_with_state(
            declared,
            query_params::refuse_undeclared,
        ));
    (api, doc)
}

/// Serves until `shutdown` resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;

    #[tokio::test]
    async fn a_panicking_handler_answers_the_error_shape() {
        let state = AppState::new(
            storage::Store::connect("sqlite::memory:").await.unwrap(),
            crate::Config::default(),
        );
        let app = Router::new().route(
            "/boom",
            get(|| async {
                if true {
                    panic!("a bug");
                }
                ""
            }),
        );
        let app = with_error_layers(app, 1024).with_state(state);
        let resp = app
            .oneshot(Request::get("/boom").body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let bytes = axum::body::to_bytes(resp.into_body(), 10_000)
            .await
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(v["error"]["code"], "internal", "{v}");
        assert!(v["error"]["fields"].is_array(), "{v}");
    }
}
