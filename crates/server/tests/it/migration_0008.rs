//! Migration 0008 rebuilds SQLite's `visits` table (a check-in position becomes
//! nullable): every row written under 0007 survives it, whole, and its flag set is
//! computed on first read. PostgreSQL changes the column in place.

use domain::{CustomerId, EmployeeId, TenantId};
use storage::{ActionFix, Store, VisitFilter};
use uuid::Uuid;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_visits_survive_the_rebuild() {
    let path = std::env::temp_dir().join(format!("outfield-m8-{}.db", Uuid::new_v4().simple()));
    let url = format!("sqlite://{}?mode=rwc", path.display());
    let (tenant, dept, admin) = (TenantId::new(), Uuid::now_v7(), EmployeeId::new());
    // The schema as version 0007 left it.
    {
        let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
        let mut m = sqlx::migrate::Migrator::new(std::path::Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../storage/migrations/sqlite"
        )))
        .await
        .unwrap();
        m.migrations = m
            .migrations
            .iter()
            .filter(|x| x.version < 8)
            .cloned()
            .collect();
        m.run(&pool).await.unwrap();
        // The tenant and its admin as the 0007 code wrote them (today's `create_tenant`
        // also writes to tables that came later, such as `events`).
        sqlx::query("INSERT INTO tenants (id, slug, name, timezone, created_at) VALUES ($1, 'acme', 'Acme', 'Asia/Shanghai', 1)")
            .bind(tenant.0)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO departments (tenant_id, id, parent_id, name, created_at, updated_at)
             VALUES ($1, $2, NULL, 'Acme', 1, 1)",
        )
        .bind(tenant.0)
        .bind(dept)
        .execute(&pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO employees (tenant_id, id, department_id, name, username, role, active, created_at, updated_at)
             VALUES ($1, $2, $3, 'Admin', 'admin', 'admin', TRUE, 1, 1)",
        )
        .bind(tenant.0)
        .bind(admin.0)
        .bind(dept)
        .execute(&pool)
        .await
        .unwrap();
        pool.close().await;
    }
    let (visit, customer, out_id) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    // Rows as the 0007 code wrote them: a customer, and a visit checked in and out.
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    sqlx::query(
        "INSERT INTO customers (tenant_id, id, name, lat, lon, level, tags, contacts, status, created_at, updated_at)
         VALUES ($1, $2, 'Noodles', 31.23, 121.47, 'C', '[]', '[]', 'active', 1, 1)",
    )
    .bind(tenant.0)
    .bind(customer)
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO visits (tenant_id, id, employee_id, customer_id, kind, in_t_ms, in_offset_min, in_lat, in_lon,
            in_accuracy_m, in_status, in_judgement, in_flags, in_device, in_digest, in_received_ms, out_id, out_t_ms,
            out_offset_min, out_lat, out_lon, out_accuracy_m, out_judgement, out_flags, out_digest)
         VALUES ($1, $2, $3, $4, 'ad_hoc', 1790000000000, 480, 31.23, 121.47, 8.0, 'within', '{}',
            '[{\"code\":\"rooted\",\"evidence\":{}}]', '{\"id\":\"phone\"}', 'd1', 1790000000500, $5,
            1790000600000, 480, 31.2301, 121.4701, 9.0, '{}', '[{\"code\":\"rooted\",\"evidence\":{}}]', 'd2')",
    )
    .bind(tenant.0)
    .bind(visit)
    .bind(admin.0)
    .bind(customer)
    .bind(out_id)
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;

    // Migrating to the current version keeps the row whole.
    let store = Store::connect(&url).await.unwrap();
    let after = store.visit(tenant, visit).await.unwrap();
    let want_in = ActionFix {
        t_ms: 1_790_000_000_000,
        offset_min: Some(480),
        lat: Some(31.23),
        lon: Some(121.47),
        accuracy_m: Some(8.0),
    };
    assert_eq!(after.checkin.fix, want_in);
    assert_eq!(
        (
            after.checkin.employee,
            after.checkin.customer.0,
            after.checkin.kind.as_str()
        ),
        (admin, customer, "ad_hoc")
    );
    assert_eq!(
        after.checkin.flags_json,
        r#"[{"code":"rooted","evidence":{}}]"#
    );
    assert_eq!(
        after.checkin.device_json.as_deref(),
        Some(r#"{"id":"phone"}"#)
    );
    assert_eq!(
        (after.checkin.digest.as_str(), after.received_ms),
        ("d1", 1_790_000_000_500)
    );
    let out = after.checkout.as_ref().unwrap();
    assert_eq!(
        (out.id, out.fix.t_ms, out.fix.lat, out.digest.as_str()),
        (out_id, 1_790_000_600_000, Some(31.2301), "d2")
    );
    assert_eq!(after.flags_json, None, "computed on first read");
    // A position may now be missing.
    let no_fix = storage::NewCheckin {
        id: Uuid::now_v7(),
        employee: admin,
        customer: CustomerId(customer),
        kind: "ad_hoc".into(),
        fix: ActionFix {
            lat: None,
            lon: None,
            accuracy_m: None,
            ..want_in
        },
        status: "uncertain".into(),
        judgement_json: "{}".into(),
        flags_json: "[]".into(),
        device_json: None,
        digest: "d3".into(),
    };
    let (stored, created) = store
        .check_in(tenant, &no_fix, None, "2026-01-01", 0, None)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(stored.checkin.fix.lat, None);
    // Until then the flag filter falls back to the parts' flags.
    let page = store
        .list_visits(
            tenant,
            &domain::access::Reach::Tenant,
            &VisitFilter {
                flag: Some("rooted".into()),
                limit: 10,
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let ids: Vec<Uuid> = page.items.iter().map(|v| v.checkin.id).collect();
    assert_eq!(ids, [visit]);
    store.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}
