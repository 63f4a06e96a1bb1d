//! Assembling the router and serving it until shutdown.

use crate::error::ApiError;
use crate::openapi;
use crate::routes;
use crate::state::{AppState, Config};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::net::SocketAddr;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;
use utoipa_axum::router::OpenApiRouter;
use utoipa_swagger_ui::SwaggerUi;

/// The whole application: API, OpenAPI document and docs, health checks.
pub fn router(state: AppState) -> Router {
    let json_limit = state.config.max_json_bytes;
    let (api, doc) = parts(&state.config);
    let web = state.config.web_dir.clone();
    Router::new()
        .merge(api)
        .merge(crate::web::router(web.as_deref()))
        .merge(routes::health::router())
        .merge(SwaggerUi::new("/api/docs").url("/api/openapi.json", doc))
        .fallback(|| async { ApiError::not_found() })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this path does not take that method",
            )
        })
        .layer(DefaultBodyLimit::max(json_limit))
        .layer(CatchPanicLayer::custom(|_| -> Response {
            ApiError::internal("handler panicked").into_response()
        }))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// The API's routes with their OpenAPI annotations.
fn api(config: &Config) -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::base())
        .merge(routes::auth::router())
        .merge(routes::me::router())
        .merge(routes::today::router())
        .merge(routes::departments::router())
        .merge(routes::employees::router())
        .merge(routes::customers::router())
        .merge(routes::customer_import::router(config.max_upload_bytes))
        .merge(routes::api_keys::router())
        .merge(routes::locations::router())
        .merge(routes::devices::router())
        .merge(routes::tracking::router())
        .merge(routes::live::router())
        .merge(routes::geofences::router())
        .merge(routes::attendance::router())
        .merge(routes::requests::router())
        .merge(routes::reports::router())
        .merge(routes::forms::router())
        .merge(routes::visits::router())
        .merge(routes::plans::router())
        .merge(routes::photos::router(config.max_photo_bytes))
}

/// The OpenAPI document as `/api/openapi.json` serves it (the limits in `config` shape
/// only the routes, not the document), for `outfield openapi` and the document's tests.
pub fn document() -> utoipa::openapi::OpenApi {
    parts(&Config::default()).1
}

/// The routes and their finished document (see `openapi::finish`).
fn parts(config: &Config) -> (Router<AppState>, utoipa::openapi::OpenApi) {
    let (api, doc) = api(config).split_for_parts();
    (api, openapi::finish(doc))
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
