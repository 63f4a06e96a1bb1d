//! The `outfield` command: a thin shell over the `server` and `storage` crates.

mod bench_claims;
mod bench_ingest;
mod bench_reports;
mod cli;
mod commands;
mod plan_json;
mod plan_schedule;
mod plan_solve;
mod plan_territories;
mod track_analyze;

use clap::Parser;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    server::webhooks::install_tls();
    if let Err(e) = init_logs() {
        eprintln!("error: {e}");
        return std::process::ExitCode::from(2);
    }
    match commands::run(cli::Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr, filtered by `OUTFIELD_LOG`; `OUTFIELD_LOG_FORMAT=json` writes one
/// JSON object per line (for log collectors), each line of a request with the request's
/// span (its `request_id`, method and route).
fn init_logs() -> Result<(), String> {
    let filter = tracing_subscriber::EnvFilter::try_from_env("OUTFIELD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let logs = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match std::env::var("OUTFIELD_LOG_FORMAT").as_deref() {
        Ok("json") => logs
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .init(),
        Ok("text") | Ok("") | Err(_) => logs.init(),
        Ok(other) => {
            return Err(format!(
                "OUTFIELD_LOG_FORMAT={other}: expected `json` or `text`"
            ));
        }
    }
    Ok(())
}
