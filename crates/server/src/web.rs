//! The built front end: the console at `/` and the installable field app under `/app/`,
//! with their hashed assets. Unknown paths under `/app/` get the app's page (its own
//! router takes over); everything else unknown stays the API's JSON 404.

use crate::state::AppState;
use axum::Router;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dir: Option<&Path>) -> Router<AppState> {
    let Some(dir) = dir else {
        return Router::new();
    };
    if !dir.join("index.html").is_file() {
        tracing::warn!(
            "no web build in {}; run `npm ci && npm run build` in web/ to serve the console",
            dir.display()
        );
        return Router::new();
    }
    let app_page = dir.join("app").join("index.html");
    Router::new()
        .route_service("/", ServeFile::new(dir.join("index.html")))
        .route_service("/index.html", ServeFile::new(dir.join("index.html")))
        .nest_service("/assets", ServeDir::new(dir.join("assets")))
        .nest_service(
            "/app",
            ServeDir::new(dir.join("app"))
                .append_index_html_on_directories(true)
                .fallback(ServeFile::new(app_page)),
        )
}
