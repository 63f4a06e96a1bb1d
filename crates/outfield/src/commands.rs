//! What each command does.

use crate::cli::{
    AuditCommand, BenchCommand, ClaimsCommand, Cli, Command, ExportCommand, Format, ImportCommand,
    PlanCommand, ReportsCommand, TenantCommand, TrackCommand,
};
use anyhow::{Context, anyhow};
use domain::access::Reach;
use server::error::ApiError;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;
use storage::Store;
use tabular::SheetFormat;

/// An API error as a CLI message naming every field problem.
fn cli_error(e: ApiError) -> anyhow::Error {
    let mut msg = e.message;
    for f in e.fields {
        msg.push_str(&format!("\n  {}: {}", f.field, f.problem));
    }
    anyhow!(msg)
}

async fn open(url: &str) -> anyhow::Result<Store> {
    Store::connect(url)
        .await
        .with_context(|| format!("opening database {}", redact(url)))
}

/// The URL without its password, for messages and logs.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{}:***{}", &url[..s + 3], user, &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

fn demo_password() -> String {
    std::env::var("OUTFIELD_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
        .unwrap_or_else(|| server::auth::tokens::random_secret()[..16].to_owned())
}

/// Loads the demo (company and history) into the database behind `state`; answers the
/// demo tenant.
async fn load_demo(
    state: &server::AppState,
    opts: &server::demo::DemoOptions,
) -> anyhow::Result<domain::TenantId> {
    let password = demo_password();
    let load = server::demo::load_demo(state, &password, opts)
        .await
        .map_err(cli_error)?;
    if load.created {
        println!("{}", load.summary);
        if let Some(h) = &load.history {
            println!(
                "history:     {} working days, {} fixes, {} visits, {} photos, {} punches, {} requests, {} plan days, {} mileage claims ({:.1} s, of which claims {:.1} s)",
                h.working_days,
                h.fixes,
                h.visits,
                h.photos,
                h.punches,
                h.requests,
                h.plan_days,
                h.claims,
                h.seconds,
                h.claims_seconds
            );
        }
        println!("demo loaded: log in with tenant `demo`, username `admin`, password `{password}`");
        println!(
            "(managers, field reps and finance use the same password; usernames via GET /api/v1/demo/accounts)"
        );
    } else {
        println!(
            "demo tenant already present; its admin password is the one printed when it was loaded"
        );
    }
    Ok(load.tenant)
}

/// The demo password to show on login screens: only one chosen by the operator.
fn demo_password_hint() -> Option<String> {
    std::env::var("OUTFIELD_DEMO_PASSWORD")
        .ok()
        .filter(|p| !p.is_empty())
}

pub async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Plan {
            command:
                PlanCommand::Solve {
                    instance,
                    format,
                    time_limit,
                    seed,
                    iterations,
                    objective,
                },
        } => {
            crate::plan_solve::run(&instance, format, &time_limit, seed, iterations, objective)?;
        }
        Command::Plan {
            command:
                PlanCommand::Schedule {
                    input,
                    customers,
                    time_limit,
                    seed,
                    iterations,
                    day_balance,
                    method,
                    summary,
                },
        } => crate::plan_schedule::run(&crate::plan_schedule::Args {
            input: &input,
            customers: customers.as_deref(),
            time_limit: &time_limit,
            seed,
            iterations,
            day_balance,
            method,
            summary_only: summary,
        })?,
        Command::Plan {
            command:
                PlanCommand::Territories {
                    input,
                    customers,
                    reps,
                    seed,
                    time_limit,
                    method,
                    near_homes,
                    summary,
                },
        } => crate::plan_territories::run(&crate::plan_territories::Args {
            input: &input,
            customers: customers.as_deref(),
            reps,
            seed,
            time_limit: &time_limit,
            method,
            near_homes,
            summary_only: summary,
        })?,
        Command::Bench {
            what:
                BenchCommand::Reports {
                    database_url,
                    reps,
                    days,
                    runs,
                },
        } => {
            crate::bench_reports::run(crate::bench_reports::Options {
                database_url,
                reps,
                days: days.max(2),
                runs,
            })
            .await?;
        }
        Command::Bench {
            what:
                BenchCommand::Ingest {
                    database_url,
                    batch,
                    requests,
                    concurrency,
                    rate,
                    reps,
                    servers,
                },
        } => {
            crate::bench_ingest::run(crate::bench_ingest::Options {
                database_url,
                batch,
                requests,
                concurrency,
                rate,
                reps,
                servers,
            })
            .await?;
        }
        Command::Bench {
            what:
                BenchCommand::Claims {
                    database_url,
                    reps,
                    runs,
                },
        } => {
            crate::bench_claims::run(crate::bench_claims::Options {
                database_url,
                reps,
                runs,
            })
            .await?;
        }
        Command::Track {
            command:
                TrackCommand::Analyze {
                    input,
                    format,
                    tz,
                    work_hours,
                },
        } => {
            crate::track_analyze::run(&input, format.as_deref(), &tz, &work_hours)?;
        }
        Command::Serve {
            listen,
            db,
            demo,
            demo_history_days,
            demo_live_reps,
            trust_forwarded_for,
            session_ttl_hours,
            osmand_listen,
            retention_days,
            data_dir,
            font,
            web_dir,
            request_timeout_s,
            metrics_token,
            job_lease_s,
            smtp_url,
            smtp_from,
            webhooks_allow_private,
            api_key_rate_limit,
            public_url,
        } => {
            let _claim = match server::startup::sqlite_file(&db.database_url) {
                Some(file) => {
                    Some(server::startup::claim_sqlite(&file).map_err(anyhow::Error::msg)?)
                }
                None => None,
            };
            server::startup::check_data_dir(&data_dir).map_err(anyhow::Error::msg)?;
            // An empty variable (`OUTFIELD_SMTP_URL=`) means no SMTP server.
            let smtp = match smtp_url.filter(|u| !u.trim().is_empty()) {
                Some(url) => Some(
                    server::mail::SmtpConfig::new(url.trim(), &smtp_from)
                        .map_err(anyhow::Error::msg)?,
                ),
                None => None,
            };
            let store = open(&db.database_url).await?;
            let config = server::Config {
                smtp,
                session_ttl: Duration::from_secs(session_ttl_hours.max(1) * 3600),
                request_timeout: Duration::from_secs(request_timeout_s.max(1)),
                job_lease: Duration::from_secs(job_lease_s.max(1)),
                // An empty variable (`OUTFIELD_METRICS_TOKEN=`) means no token, not "".
                metrics_token: metrics_token
                    .filter(|t| !t.trim().is_empty())
                    .map(server::routes::metrics::MetricsToken::new),
                trust_forwarded_for,
                retention_days,
                webhooks_allow_private,
                api_key_rate_limit,
                public_url: public_url
                    .map(|u| u.trim().trim_end_matches('/').to_owned())
                    .filter(|u| !u.is_empty()),
                data_dir,
                font_path: font,
                web_dir: Some(web_dir),
                demo: demo.then(|| server::demo::DemoInfo {
                    password_hint: demo_password_hint(),
                }),
                ..Default::default()
            };
            let listener = tokio::net::TcpListener::bind(listen)
                .await
                .with_context(|| format!("listening on {listen}"))?;
            tracing::info!(address = %listener.local_addr()?, database = %redact(&db.database_url), "outfield serving; API docs at /api/docs");
            let state = server::AppState::new(store.clone(), config);
            let demo_tenant = if demo {
                let opts = server::demo::DemoOptions {
                    history_days: demo_history_days,
                    ..Default::default()
                };
                Some(load_demo(&state, &opts).await?)
            } else {
                None
            };
            let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
            if osmand_listen != "off" {
                spawn_osmand(&osmand_listen, state.clone(), stop_rx.clone()).await?;
            }
            let movers = demo_tenant.filter(|_| demo_live_reps > 0).map(|t| {
                tokio::spawn(server::demo::live::run_movers(
                    state.clone(),
                    t,
                    demo_live_reps,
                    stop_rx,
                ))
            });
            server::serve(listener, state, shutdown_signal()).await?;
            let _ = stop_tx.send(true);
            if let Some(m) = movers {
                let _ = m.await;
            }
            store.close().await;
            tracing::info!("stopped");
        }
        Command::Openapi => println!(
            "{}",
            server::app::document()
                .to_pretty_json()
                .context("serialising the OpenAPI document")?
        ),
        Command::Demo {
            db,
            data_dir,
            font,
            history_days,
        } => {
            let store = open(&db.database_url).await?;
            let config = server::Config {
                data_dir,
                font_path: font,
                ..Default::default()
            };
            let state = server::AppState::new(store.clone(), config);
            let opts = server::demo::DemoOptions {
                history_days,
                ..Default::default()
            };
            load_demo(&state, &opts).await?;
            store.close().await;
        }
        Command::Tenant {
            command:
                TenantCommand::Create {
                    slug,
                    name,
                    admin_username,
                    admin_password,
                    timezone,
                    db,
                },
        } => {
            let store = open(&db.database_url).await?;
            let req = server::tenants::TenantRequest {
                slug: &slug,
                name: &name,
                timezone: &timezone,
                admin_username: &admin_username,
                admin_password: &admin_password,
            };
            let id = server::tenants::create_tenant(&store, &req)
                .await
                .map_err(cli_error)?;
            println!("created tenant `{slug}` ({id}) with admin `{admin_username}`");
        }
        Command::Import {
            what:
                ImportCommand::Customers {
                    tenant,
                    file,
                    dry_run,
                    db,
                },
        } => {
            let store = open(&db.database_url).await?;
            let t = store
                .tenant_by_slug(&tenant)
                .await?
                .ok_or_else(|| anyhow!("no tenant `{tenant}`"))?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let name = file.file_name().and_then(|n| n.to_str());
            let shown = file.display();
            let report = server::import::import_customers(
                &store,
                t.id,
                &Reach::Tenant,
                &bytes,
                name,
                dry_run,
            )
            .await
            .map_err(|e| anyhow!("{shown}: {:#}", cli_error(e)))?;
            for e in &report.errors {
                eprintln!("{shown}: row {}, column {}: {}", e.row, e.column, e.problem);
            }
            let verb = if dry_run { "would create" } else { "created" };
            println!(
                "{shown}: {} rows ({}, {}); {verb} {}, {} {}, {} refused",
                report.rows,
                report.format,
                report.encoding,
                report.created,
                if dry_run { "would update" } else { "updated" },
                report.updated,
                report.errors.len()
            );
            if !report.ignored_columns.is_empty() {
                println!("ignored columns: {}", report.ignored_columns.join(", "));
            }
            if !report.errors.is_empty() {
                return Ok(ExitCode::from(2));
            }
        }
        Command::Claims {
            command: ClaimsCommand::Generate { tenant, period, db },
        } => {
            let store = open(&db.database_url).await?;
            let t = store
                .tenant_by_slug(&tenant)
                .await?
                .ok_or_else(|| anyhow!("no tenant `{tenant}`"))?;
            let period: claims::Period = period
                .parse()
                .map_err(|e: claims::ClaimError| anyhow!("{e}"))?;
            let state = server::AppState::new(store.clone(), server::Config::default());
            let started = std::time::Instant::now();
            let done = server::services::claims::generate(&state, t.id, period)
                .await
                .map_err(|e| {
                    let why: Vec<String> = e
                        .fields
                        .iter()
                        .map(|f| format!("{}: {}", f.field, f.problem.english()))
                        .collect();
                    anyhow!("{} {}", e.message, why.join("; "))
                })?;
            store.close().await;
            println!(
                "{period}: {} reps, {} drafts created, {} updated, {} frozen left as they are, {} already in claims of another period, {} failed ({:.2} s)",
                done.reps,
                done.created,
                done.updated,
                done.frozen,
                done.covered,
                done.failed,
                started.elapsed().as_secs_f64()
            );
            if done.failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Reports {
            command:
                ReportsCommand::Rebuild {
                    tenant,
                    from,
                    to,
                    db,
                },
        } => {
            let store = open(&db.database_url).await?;
            let t = store
                .tenant_by_slug(&tenant)
                .await?
                .ok_or_else(|| anyhow!("no tenant `{tenant}`"))?;
            let tz: chrono_tz::Tz = t.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
            let today = chrono::Utc::now().with_timezone(&tz).date_naive();
            let to = to.unwrap_or(today);
            let from = from.unwrap_or(to - chrono::Days::new(89));
            if to < from {
                return Err(anyhow!("--to {to} is before --from {from}"));
            }
            let state = server::AppState::new(store.clone(), server::Config::default());
            let started = std::time::Instant::now();
            let done = server::services::report_facts::rebuild(&state, t.id, (from, to))
                .await
                .map_err(cli_error)?;
            store.close().await;
            println!(
                "{from}..{to}: {} reps, {} person-days, {} customer months ({:.2} s)",
                done.people,
                done.person_days,
                done.customer_months,
                started.elapsed().as_secs_f64()
            );
        }
        Command::Reports {
            command: ReportsCommand::Grant { role, password, db },
        } => {
            if !db.database_url.starts_with("postgres") {
                return Err(anyhow!(
                    "the reporting schema exists on PostgreSQL only (--database-url postgres://…)"
                ));
            }
            let store = open(&db.database_url).await?;
            let grant = store
                .grant_reporting(&role, password.as_deref())
                .await
                .map_err(|e| anyhow!("granting {role}: {e}"))?;
            store.close().await;
            println!(
                "{role} {} and may read schema {} (views person_days, customer_months, \
                 department_periods, departments, employees, tenants) and nothing else granted",
                if grant.created { "created" } else { "exists" },
                grant.schema
            );
        }
        Command::Audit {
            command: AuditCommand::Verify { tenant, db },
        } => {
            let store = open(&db.database_url).await?;
            let t = store
                .tenant_by_slug(&tenant)
                .await?
                .ok_or_else(|| anyhow!("no tenant `{tenant}`"))?;
            let verdict = store.verify_audit(t.id).await?;
            store.close().await;
            match verdict {
                storage::AuditVerdict::Intact { entries, head } => {
                    println!("ok: {entries} entries, chain intact (head {head})");
                }
                storage::AuditVerdict::Broken(b) => {
                    println!("{b}");
                    return Ok(ExitCode::from(1));
                }
            }
        }
        Command::Export {
            what:
                ExportCommand::Customers {
                    tenant,
                    format,
                    output,
                    db,
                },
        } => {
            let store = open(&db.database_url).await?;
            let t = store
                .tenant_by_slug(&tenant)
                .await?
                .ok_or_else(|| anyhow!("no tenant `{tenant}`"))?;
            let format = match format {
                Format::Csv => SheetFormat::Csv,
                Format::Xlsx => SheetFormat::Xlsx,
            };
            let bytes = server::import::export_customers(
                &store,
                t.id,
                &Reach::Tenant,
                format,
                domain::CoordSystem::Wgs84,
            )
            .await
            .map_err(cli_error)?;
            match output {
                Some(path) => std::fs::write(&path, &bytes)
                    .with_context(|| format!("writing {}", path.display()))?,
                None => std::io::stdout().write_all(&bytes)?,
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Serves the OsmAnd-protocol listener until `stop` changes.
async fn spawn_osmand(
    addr: &str,
    state: server::AppState,
    mut stop: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let addr: std::net::SocketAddr = addr
        .parse()
        .with_context(|| format!("--osmand-listen `{addr}`"))?;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("listening on {addr} for OsmAnd clients"))?;
    tracing::info!(address = %listener.local_addr()?, "OsmAnd-protocol listener");
    let app = server::tracking::osmand_listener::router(state);
    tokio::spawn(async move {
        let shutdown = async move {
            let _ = stop.changed().await;
        };
        if let Err(e) = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
        {
            tracing::error!(error = %e, "OsmAnd listener stopped");
        }
    });
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM, whichever comes first.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
