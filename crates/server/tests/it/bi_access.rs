//! BI access on PostgreSQL (migration 0023): a role granted by `grant_reporting` (the
//! `outfield reports grant` command) reads the reporting views — a rep's visit shows in
//! the person-day, customer-month and department-period views — and is refused on the
//! application's tables. SQLite has no such schema and says so.

use crate::harness::{Backend, TestApp, postgres_url};
use chrono::Days;
use reqwest::StatusCode;
use serde_json::json;
use sqlx::Row;
use sqlx::postgres::PgConnectOptions;
use std::str::FromStr;
use uuid::Uuid;

const SHOP: (f64, f64) = (31.2304, 121.4737);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bi_role_reads_the_reporting_views_and_nothing_else() {
    let app = TestApp::spawn(Backend::Postgres).await;
    let t = app.tenant("acme").await;
    let east = app.department(&t.admin, "East", Some(&t.root_dept)).await;
    let rep = app.employee(&t.admin, &east, "rep", "field").await;
    app.set_start_date(&t.admin, &rep, "2026-01-01").await;
    let c = app
        .customer(
            &t.admin,
            json!({"name": "Shop A", "owner_id": rep, "level": "A",
                "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    // One 30-minute visit two days ago (Shanghai).
    let day = (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive() - Days::new(2);
    let token = app.token("acme", "rep").await;
    let id = Uuid::now_v7();
    let fix = |t: &str| {
        json!({"id": Uuid::now_v7(), "t": format!("{day}T{t}:00+08:00"),
        "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 10})
    };
    let mut checkin = fix("10:00");
    checkin["id"] = json!(id);
    checkin["customer_id"] = c["id"].clone();
    let (s, v) = app.post(&token, "/api/v1/visits", checkin).await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, v) = app
        .post(
            &token,
            &format!("/api/v1/visits/{id}/check-out"),
            fix("10:30"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    server::services::report_facts::rebuild(&app.state, t.id, (day, day))
        .await
        .unwrap();

    let role = format!("bi_it_{}", Uuid::new_v4().simple());
    let grant = app.store.grant_reporting(&role, None).await.unwrap();
    assert!(grant.created);
    assert!(grant.schema.ends_with("_reporting"), "{grant:?}");
    // Granting again is harmless.
    assert!(
        !app.store
            .grant_reporting(&role, None)
            .await
            .unwrap()
            .created
    );

    let opts = PgConnectOptions::from_str(&postgres_url())
        .unwrap()
        .username(&role);
    let bi = sqlx::PgPool::connect_with(opts).await.unwrap();
    let rep_id: Uuid = rep.parse().unwrap();
    let sch = &grant.schema;
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT employee_name, department_name, visits, completed_visits, time_at_customers_min
         FROM {sch}.person_days WHERE tenant_id = $1 AND employee_id = $2 AND day = $3::date"
    )))
    .bind(t.id.0)
    .bind(rep_id)
    .bind(day.to_string())
    .fetch_one(&bi)
    .await
    .unwrap();
    assert_eq!(row.get::<String, _>("department_name"), "East");
    assert!(row.get::<String, _>("employee_name").starts_with("rep"));
    assert_eq!(row.get::<i32, _>("visits"), 1);
    assert_eq!(row.get::<i32, _>("completed_visits"), 1);
    assert_eq!(row.get::<f64, _>("time_at_customers_min"), 30.0);
    let visits: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT visits FROM {sch}.department_periods
         WHERE tenant_id = $1 AND grain = 'month' AND period_start = date_trunc('month', $2::date)::date"
    )))
    .bind(t.id.0)
    .bind(day.to_string())
    .fetch_one(&bi)
    .await
    .unwrap();
    assert_eq!(visits, 1);
    let customer_visits: i32 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "SELECT visits FROM {sch}.customer_months WHERE tenant_id = $1 AND customer_name = 'Shop A'
            AND month = $2"
    )))
    .bind(t.id.0)
    .bind(day.format("%Y-%m").to_string())
    .fetch_one(&bi)
    .await
    .unwrap();
    assert_eq!(customer_visits, 1);

    // The application's own tables are closed to it, and the reporting schema is read-only.
    let app_schema = sch.trim_end_matches("_reporting");
    for statement in [
        format!("SELECT count(*) FROM {app_schema}.employees"),
        format!("SELECT count(*) FROM {app_schema}.report_person_days"),
        format!("SELECT count(*) FROM {app_schema}.sessions"),
        format!("CREATE TABLE {sch}.mine (x int)"),
    ] {
        let e = sqlx::raw_sql(sqlx::AssertSqlSafe(statement.as_str()))
            .execute(&bi)
            .await
            .expect_err(&statement);
        let code = e
            .as_database_error()
            .and_then(|d| d.code())
            .unwrap_or_default();
        assert_eq!(code, "42501", "{statement}: {e}");
    }
    bi.close().await;
    let admin = sqlx::PgPool::connect(&postgres_url()).await.unwrap();
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP OWNED BY {role}; DROP ROLE {role}"
    )))
    .execute(&admin)
    .await
    .unwrap();
    admin.close().await;
    app.cleanup().await;

    // SQLite has no reporting schema.
    let app = TestApp::spawn(Backend::Sqlite).await;
    assert!(app.store.grant_reporting("bi_reader", None).await.is_err());
    app.cleanup().await;
}
