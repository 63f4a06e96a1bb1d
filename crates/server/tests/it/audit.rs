//! The audit log: what admins, managers, finance and API keys change is recorded with
//! its diff and actor (field reps' own actions are not); only admins read it, and only
//! their tenant's; pages follow the cursor; an edited or deleted row breaks the chain at
//! its seq.

use crate::harness::{PASSWORD, TestApp, assert_error, both_backends};
use domain::audit::chain::Break;
use reqwest::StatusCode;
use serde_json::{Value, json};
use storage::AuditVerdict;

both_backends!(
    changes_are_recorded_with_their_diff_and_actor,
    only_admins_read_only_their_tenants_log,
    pages_follow_the_cursor_newest_first,
    tampering_breaks_the_chain_at_its_seq,
    retention_cuts_the_oldest_entries_and_the_rest_verifies,
);

const SHOP: (f64, f64) = (31.2304, 121.4737);

async fn audit(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let (s, b) = app.get(token, &format!("/api/v1/audit{query}")).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"].as_array().unwrap().clone()
}

async fn changes_are_recorded_with_their_diff_and_actor(app: &TestApp) {
    let t = app.tenant("acme").await;
    let rep = app.employee(&t.admin, &t.root_dept, "rep1", "field").await;
    let shop = app
        .customer(
            &t.admin,
            json!({"name": "联华超市", "code": "C1", "owner_id": rep,
                   "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .await;
    let id = shop["id"].as_str().unwrap();

    // An update, sent with a request id.
    let resp = app
        .client
        .put(format!("{}/api/v1/customers/{id}", app.base))
        .bearer_auth(&t.admin)
        .header("x-request-id", "req-42")
        .json(
            &json!({"name": "联华超市 (南京路)", "code": "C1", "owner_id": rep,
                      "location": {"lat": SHOP.0, "lon": SHOP.1}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let items = audit(app, &t.admin, "?resource=customers").await;
    assert_eq!(items.len(), 2, "{items:?}");
    let (update, create) = (&items[0], &items[1]);
    assert_eq!(
        (
            &update["action"],
            &update["resource_id"],
            &update["request_id"]
        ),
        (&json!("update"), &json!(id), &json!("req-42")),
        "{update}"
    );
    assert_eq!(
        update["diff"]["name"],
        json!({"old": "联华超市", "new": "联华超市 (南京路)"}),
        "{update}"
    );
    assert!(
        update["diff"].get("code").is_none(),
        "unchanged fields are left out: {update}"
    );
    assert_eq!(
        update["actor"],
        json!({"kind": "user", "id": t.admin_id, "name": "Administrator", "role": "admin"}),
        "{update}"
    );
    assert_eq!(update["address"], "127.0.0.1");
    assert_eq!(
        (
            &create["action"],
            &create["resource_id"],
            &create["diff"]["name"]
        ),
        (&json!("create"), &json!(id), &json!({"new": "联华超市"})),
        "{create}"
    );
    assert_eq!(
        update["seq"].as_i64().unwrap(),
        create["seq"].as_i64().unwrap() + 1
    );

    // A retried create changes nothing and records nothing.
    let again = json!({"id": uuid::Uuid::now_v7(), "name": "Once"});
    app.customer(&t.admin, again.clone()).await;
    let (s, _) = app.post(&t.admin, "/api/v1/customers", again).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(audit(app, &t.admin, "?resource=customers").await.len(), 3);

    // Secrets: a password set is marked, never shown; an API key never appears.
    let (s, key) = app
        .post(
            &t.admin,
            "/api/v1/api-keys",
            json!({"name": "ERP sync", "scopes": ["customers:write"]}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{key}");
    let secret = key["key"].as_str().unwrap();
    let all = Value::Array(audit(app, &t.admin, "").await).to_string();
    assert!(!all.contains(secret) && !all.contains(PASSWORD), "{all}");
    let people = audit(app, &t.admin, "?resource=employees").await;
    assert_eq!(
        people[0]["diff"]["password"],
        json!({"new": "[redacted]"}),
        "{people:?}"
    );
    let keys = audit(app, &t.admin, "?resource=api-keys").await;
    assert_eq!(keys[0]["resource_id"], key["api_key"]["id"]);
    assert_eq!(keys[0]["diff"]["key"], json!({"new": "[redacted]"}));

    // A key's change names the key.
    let (s, _) = app
        .post(secret, "/api/v1/customers", json!({"name": "From the ERP"}))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let by_key = audit(
        app,
        &t.admin,
        &format!("?actor={}", key["api_key"]["id"].as_str().unwrap()),
    )
    .await;
    assert_eq!(by_key.len(), 1, "{by_key:?}");
    assert_eq!(by_key[0]["actor"]["kind"], "api_key", "{by_key:?}");
    assert_eq!(by_key[0]["actor"]["name"], "ERP sync");

    // A rep's check-in and a refused change are not recorded.
    let before = audit(app, &t.admin, "").await.len();
    let rep_token = app.token("acme", "rep1").await;
    let at = chrono::Utc::now() - chrono::Duration::minutes(5);
    let (s, v) = app
        .post(
            &rep_token,
            "/api/v1/visits",
            json!({"id": uuid::Uuid::now_v7(), "customer_id": id, "t": at.to_rfc3339(),
                     "lat": SHOP.0, "lon": SHOP.1, "accuracy_m": 5}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{v}");
    let (s, _) = app
        .put(
            &t.admin,
            &format!("/api/v1/customers/{id}"),
            json!({"name": ""}),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(audit(app, &t.admin, "").await.len(), before);

    // A deletion keeps what was there.
    let (s, _) = app
        .delete(
            &t.admin,
            &format!(
                "/api/v1/departments/{}",
                app.department(&t.admin, "Gone", Some(&t.root_dept)).await
            ),
        )
        .await;
    assert!(s.is_success(), "{s}");
    let gone = &audit(app, &t.admin, "?resource=departments").await[0];
    assert_eq!(
        (&gone["action"], &gone["diff"]["name"]),
        (&json!("delete"), &json!({"old": "Gone"})),
        "{gone}"
    );

    // Time filters are instants.
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    assert!(
        audit(app, &t.admin, &format!("?from={}", urlencode(&future)))
            .await
            .is_empty()
    );
    assert_eq!(
        audit(app, &t.admin, &format!("?to={}", urlencode(&future)))
            .await
            .len(),
        before + 2
    );
    let (s, b) = app.get(&t.admin, "/api/v1/audit?from=yesterday").await;
    let e = assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(e["fields"][0]["field"], "from");
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

async fn only_admins_read_only_their_tenants_log(app: &TestApp) {
    let a = app.tenant("acme").await;
    let b = app.tenant("beta").await;
    app.employee(&a.admin, &a.root_dept, "boss", "manager")
        .await;
    app.employee(&a.admin, &a.root_dept, "fin", "finance").await;
    let rep = app.employee(&a.admin, &a.root_dept, "rep", "field").await;
    let manager = app.token("acme", "boss").await;
    // The manager's own change is recorded, as a manager's.
    app.customer(&manager, json!({"name": "Managed", "owner_id": rep}))
        .await;
    app.customer(&b.admin, json!({"name": "Beta's"})).await;

    for who in ["boss", "fin", "rep"] {
        let token = app.token("acme", who).await;
        let (s, body) = app.get(&token, "/api/v1/audit").await;
        assert_error(s, &body, StatusCode::FORBIDDEN, "forbidden");
        let (s, body) = app
            .put(
                &token,
                "/api/v1/audit/settings",
                json!({"retention_days": 1}),
            )
            .await;
        assert_error(s, &body, StatusCode::FORBIDDEN, "forbidden");
    }
    let mine = audit(app, &a.admin, "?resource=customers").await;
    assert_eq!(mine.len(), 1, "{mine:?}");
    assert_eq!(
        (&mine[0]["actor"]["role"], &mine[0]["diff"]["name"]["new"]),
        (&json!("manager"), &json!("Managed"))
    );
    let theirs = audit(app, &b.admin, "").await;
    assert!(!theirs.is_empty());
    assert!(
        theirs.iter().all(|e| e["actor"]["id"] == b.admin_id),
        "only beta's own entries: {theirs:?}"
    );
    // Each tenant's chain starts at 1.
    assert_eq!(theirs.last().unwrap()["seq"], 1);

    // Retention is a tenant setting, recorded like any change.
    let (s, got) = app.get(&a.admin, "/api/v1/audit/settings").await;
    assert_eq!((s, got), (StatusCode::OK, json!({"retention_days": null})));
    let (s, got) = app
        .put(
            &a.admin,
            "/api/v1/audit/settings",
            json!({"retention_days": 400}),
        )
        .await;
    assert_eq!((s, &got), (StatusCode::OK, &json!({"retention_days": 400})));
    let set = &audit(app, &a.admin, "?resource=audit/settings").await[0];
    assert_eq!(set["diff"]["retention_days"], json!({"new": 400}), "{set}");
    let (s, body) = app
        .put(
            &a.admin,
            "/api/v1/audit/settings",
            json!({"retention_days": 0}),
        )
        .await;
    assert_error(
        s,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    );
    // The API offers no way to change or delete an entry.
    for method in [
        reqwest::Method::DELETE,
        reqwest::Method::PUT,
        reqwest::Method::PATCH,
    ] {
        let (s, _) = app
            .call(method, Some(&a.admin), "/api/v1/audit", Some(&json!({})))
            .await;
        assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    }
}

async fn pages_follow_the_cursor_newest_first(app: &TestApp) {
    let t = app.tenant("acme").await;
    for i in 0..5 {
        app.department(&t.admin, &format!("D{i}"), Some(&t.root_dept))
            .await;
    }
    let mut seqs = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let q = match &cursor {
            Some(c) => format!("/api/v1/audit?limit=2&cursor={c}"),
            None => "/api/v1/audit?limit=2".into(),
        };
        let (s, page) = app.get(&t.admin, &q).await;
        assert_eq!(s, StatusCode::OK, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seqs.extend(items.iter().map(|e| e["seq"].as_i64().unwrap()));
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seqs, vec![5, 4, 3, 2, 1]);
    let (s, b) = app.get(&t.admin, "/api/v1/audit?cursor=zz").await;
    assert!(s.is_client_error(), "{s} {b}");
}

async fn tampering_breaks_the_chain_at_its_seq(app: &TestApp) {
    let t = app.tenant("acme").await;
    // Concurrent changes are numbered and chained one at a time.
    let names: Vec<String> = (0..4).map(|i| format!("D{i}")).collect();
    futures_util::future::join_all(
        names
            .iter()
            .map(|n| app.department(&t.admin, n, Some(&t.root_dept))),
    )
    .await;
    let intact = app.store.verify_audit(t.id).await.unwrap();
    assert!(
        matches!(intact, AuditVerdict::Intact { entries: 4, .. }),
        "{intact:?}"
    );

    let n = app
        .raw_sql("UPDATE audit_log SET diff = '{}' WHERE seq = 2")
        .await;
    assert_eq!(n, 1);
    assert_eq!(
        app.store.verify_audit(t.id).await.unwrap(),
        AuditVerdict::Broken(Break::Edited { seq: 2 })
    );
    app.raw_sql("DELETE FROM audit_log WHERE seq = 3").await;
    assert_eq!(
        app.store.verify_audit(t.id).await.unwrap(),
        AuditVerdict::Broken(Break::Edited { seq: 2 })
    );
    app.raw_sql("DELETE FROM audit_log WHERE seq <= 2").await;
    assert_eq!(
        app.store.verify_audit(t.id).await.unwrap(),
        AuditVerdict::Broken(Break::Missing { seq: 1 }),
        "deleting the oldest entries shows too"
    );

    // Retention deletes a prefix and records the cut, so what is kept still verifies.
    let other = app.tenant("beta").await;
    for i in 0..3 {
        app.department(&other.admin, &format!("D{i}"), Some(&other.root_dept))
            .await;
    }
    let later = server::now_ms() + 60_000;
    assert_eq!(app.store.prune_audit(other.id, later).await.unwrap(), 3);
    assert!(matches!(
        app.store.verify_audit(other.id).await.unwrap(),
        AuditVerdict::Intact { entries: 0, .. }
    ));
    app.department(&other.admin, "After", Some(&other.root_dept))
        .await;
    assert!(matches!(
        app.store.verify_audit(other.id).await.unwrap(),
        AuditVerdict::Intact { entries: 1, .. }
    ));
    let kept = audit(app, &other.admin, "").await;
    assert_eq!(kept[0]["seq"], 4, "numbering goes on after a cut");
}

async fn retention_cuts_the_oldest_entries_and_the_rest_verifies(app: &TestApp) {
    let t = app.tenant("acme").await;
    for i in 0..3 {
        app.department(&t.admin, &format!("D{i}"), Some(&t.root_dept))
            .await;
    }
    let (s, _) = app
        .put(
            &t.admin,
            "/api/v1/audit/settings",
            json!({"retention_days": 1}),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    // Nothing is old enough yet.
    assert_eq!(
        server::audit::retention::prune(&app.store, t.id)
            .await
            .unwrap(),
        0
    );
    // The first two entries as if made three days ago (which also breaks their hashes:
    // retention must remove them whole, and what is left must verify).
    app.raw_sql("UPDATE audit_log SET at_ms = at_ms - 259200000 WHERE seq <= 2")
        .await;
    assert_eq!(
        server::audit::retention::prune(&app.store, t.id)
            .await
            .unwrap(),
        2
    );
    assert!(matches!(
        app.store.verify_audit(t.id).await.unwrap(),
        AuditVerdict::Intact { entries: 2, .. }
    ));
    let seqs: Vec<i64> = audit(app, &t.admin, "")
        .await
        .iter()
        .map(|e| e["seq"].as_i64().unwrap())
        .collect();
    assert_eq!(seqs, [4, 3]);
}
