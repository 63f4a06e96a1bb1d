//! The `outfield` command: a thin shell over the `server` and `storage` crates.

mod bench_ingest;
mod cli;
mod commands;
mod plan_json;
mod plan_schedule;
mod plan_solve;
mod plan_territories;
mod track_analyze;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("OUTFIELD_LOG").unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new("info,sqlx=warn,tower_http=info")
            }),
        )
        .with_writer(std::io::stderr)
        .init();
    match commands::run(cli::Cli::parse()).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
