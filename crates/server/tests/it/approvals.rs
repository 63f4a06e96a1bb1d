//! Approval flows through the API: multi-step claims, 会签 and 或签, withdrawal,
//! resubmission, version pinning, the no-approver rule, scoping by tenant and department
//! subtree, reminders and deactivated approvers, concurrent retries of a create.

use crate::harness::{TestApp, assert_error, both_backends, fields};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

both_backends!(
    a_claim_goes_through_manager_then_finance,
    all_of_them_and_any_of_them,
    withdraw_and_resubmit,
    a_rejected_leave_is_resubmitted_edited,
    notifications_tell_who_waits_and_the_outcome,
    a_request_keeps_its_flow_version,
    no_approver_found_follows_the_tenant_rule,
    requests_are_scoped_by_tenant_and_subtree,
    reminders_and_deactivated_approvers,
    concurrent_copies_of_a_request_store_one,
);

/// A company: root (admin, finance) → Sales (manager `mgr`, second manager `mgr2`) with
/// rep `rep`; root → West (manager `wmgr`, rep `wrep`).
struct Co {
    admin: String,
    admin_id: String,
    tenant: domain::TenantId,
    mgr: String,
    mgr_id: String,
    mgr2: String,
    mgr2_id: String,
    fin: String,
    fin_id: String,
    rep: String,
    rep_id: String,
    wmgr: String,
    wrep: String,
    root: String,
}

async fn company(app: &TestApp, slug: &str) -> Co {
    let t = app.tenant(slug).await;
    let sales = app.department(&t.admin, "Sales", Some(&t.root_dept)).await;
    let west = app.department(&t.admin, "West", Some(&t.root_dept)).await;
    let mgr_id = app.employee(&t.admin, &sales, "mgr", "manager").await;
    let mgr2_id = app.employee(&t.admin, &sales, "mgr2", "manager").await;
    let fin_id = app.employee(&t.admin, &t.root_dept, "fin", "finance").await;
    let rep_id = app.employee(&t.admin, &sales, "rep", "field").await;
    app.employee(&t.admin, &west, "wmgr", "manager").await;
    app.employee(&t.admin, &west, "wrep", "field").await;
    Co {
        mgr: app.token(slug, "mgr").await,
        mgr2: app.token(slug, "mgr2").await,
        fin: app.token(slug, "fin").await,
        rep: app.token(slug, "rep").await,
        wmgr: app.token(slug, "wmgr").await,
        wrep: app.token(slug, "wrep").await,
        admin: t.admin,
        admin_id: t.admin_id,
        tenant: t.id,
        mgr_id,
        mgr2_id,
        fin_id,
        rep_id,
        root: t.root_dept,
    }
}

async fn put_flow(app: &TestApp, admin: &str, t: &str, steps: Value) -> Value {
    let (s, b) = app
        .put(
            admin,
            &format!("/api/v1/approval-flows/{t}"),
            json!({"steps": steps}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b
}

async fn leave(app: &TestApp, token: &str, day: &str) -> Value {
    let (s, b) = app
        .post(
            token,
            "/api/v1/requests",
            json!({"id": Uuid::now_v7(), "type": "leave",
                   "payload": {"from": day, "to": day, "leave_type": "annual", "reason": "family"}}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b
}

async fn decide(app: &TestApp, token: &str, id: &str, d: &str) -> (StatusCode, Value) {
    app.post(
        token,
        &format!("/api/v1/requests/{id}/decision"),
        json!({"decision": d, "comment": format!("{d} by me")}),
    )
    .await
}

async fn inbox_ids(app: &TestApp, token: &str) -> Vec<String> {
    let (s, b) = app.get(token, "/api/v1/approvals/inbox").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    b["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Manager, then finance, with a director step skipped below ¥1,000: the claim is
/// approved only after both, the timeline names everyone, the audit log has both.
async fn a_claim_goes_through_manager_then_finance(app: &TestApp) {
    let c = company(app, "acme").await;
    // Validation names the field.
    let (s, b) = app
        .put(
            &c.admin,
            "/api/v1/approval-flows/mileage_claim",
            json!({"steps": [{"approvers": {"kind": "manager", "level": 0}, "mode": "any"},
                             {"approvers": {"kind": "people", "ids": [Uuid::now_v7()]}, "mode": "all"}]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["steps[0].approvers.level"], "{b}");
    let (s, b) = app
        .put(
            &c.admin,
            "/api/v1/approval-flows/mileage_claim",
            json!({"steps": [{"approvers": {"kind": "people", "ids": [Uuid::now_v7()]}, "mode": "all"}]}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["steps[0].approvers.ids[0]"], "{b}");
    let (s, _) = app
        .put(
            &c.mgr,
            "/api/v1/approval-flows/mileage_claim",
            json!({"steps": []}),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, default) = app
        .get(&c.rep, "/api/v1/approval-flows/mileage_claim")
        .await;
    assert_eq!(
        (default["version"].clone(), default["is_default"].clone()),
        (json!(0), json!(true)),
        "{default}"
    );

    let flow = put_flow(
        app,
        &c.admin,
        "mileage_claim",
        json!([
            {"name": "部门审批", "approvers": {"kind": "manager", "level": 1}, "mode": "any"},
            {"approvers": {"kind": "manager", "level": 2}, "mode": "any",
             "when": [{"kind": "amount", "op": "gt", "fen": 100000}]},
            {"name": "财务复核", "approvers": {"kind": "role", "role": "finance", "in": {"scope": "tenant"}},
             "mode": "any"}
        ]),
    )
    .await;
    assert_eq!(flow["version"], 1, "{flow}");
    assert!(
        flow["preview_zh"].as_str().unwrap().contains("财务复核"),
        "{flow}"
    );

    let (s, claim) = app
        .post(
            &c.admin,
            "/api/v1/claims",
            json!({"employee_id": c.rep_id, "period": "2026-09"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{claim}");
    let claim_id = id(&claim);
    let (s, sub) = app
        .post(
            &c.rep,
            &format!("/api/v1/claims/{claim_id}/submit"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{sub}");
    let request = sub["approval_id"]
        .as_str()
        .expect("the claim names its request")
        .to_owned();

    // The managers of Sales see it (或签 between the two heads); finance does not yet.
    let (_, inbox) = app.get(&c.mgr, "/api/v1/approvals/inbox").await;
    let item = &inbox["items"][0];
    assert_eq!(item["id"], request.as_str(), "{inbox}");
    assert_eq!(item["request_type"], "mileage_claim");
    assert_eq!(item["submitter"]["name"], "rep name");
    assert_eq!(
        item["figures"]["amount_minor"], sub["total_minor"],
        "{item}"
    );
    assert_eq!(item["figures"]["period"], "2026-09");
    assert!(item["waiting_since"].is_string() && item["submitted_at"].is_string());
    assert_eq!(inbox_ids(app, &c.mgr2).await, [request.as_str()]);
    assert!(inbox_ids(app, &c.fin).await.is_empty());
    // Not their turn; not an approver.
    let (s, b) = decide(app, &c.fin, &request, "approve").await;
    assert_error(s, &b, StatusCode::CONFLICT, "approval_not_your_turn");
    let (s, _) = decide(app, &c.rep, &request, "approve").await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, b) = decide(app, &c.mgr, &request, "maybe").await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["decision"]);

    let (s, r) = decide(app, &c.mgr, &request, "approve").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "in_progress");
    assert_eq!(r["current_step"], 2, "the director step is skipped: {r}");
    assert_eq!(r["rounds"][0]["steps"][1]["state"], "skipped");
    assert_eq!(r["rounds"][0]["steps"][1]["reason"], "condition_not_met");
    assert!(inbox_ids(app, &c.mgr2).await.is_empty(), "或签: decided");
    assert_eq!(inbox_ids(app, &c.fin).await, [request.as_str()]);
    let (_, mid) = app.get(&c.fin, &format!("/api/v1/claims/{claim_id}")).await;
    assert_eq!(mid["status"], "submitted", "{mid}");

    let (s, r) = decide(app, &c.fin, &request, "approved").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(r["status"], "approved", "{r}");
    let (_, done) = app.get(&c.rep, &format!("/api/v1/claims/{claim_id}")).await;
    assert_eq!(done["status"], "approved", "{done}");
    // A second decision is refused; the old endpoint wraps the same request.
    let (s, b) = decide(app, &c.fin, &request, "reject").await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_decided");
    let (s, b) = app
        .post(
            &c.mgr,
            &format!("/api/v1/claims/{claim_id}/decision"),
            json!({"decision": "rejected"}),
        )
        .await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_decided");

    // The rep's view: names, comments, the history, the payload.
    let (s, view) = app
        .get(&c.rep, &format!("/api/v1/requests/{request}"))
        .await;
    assert_eq!(s, StatusCode::OK, "{view}");
    let steps = &view["rounds"][0]["steps"];
    assert_eq!(steps[0]["name"], "部门审批");
    assert_eq!(
        steps[0]["approvers"][0]["employee"]["name"], "mgr name",
        "{view}"
    );
    assert_eq!(steps[0]["approvers"][0]["state"], "approved");
    assert_eq!(steps[0]["approvers"][0]["comment"], "approve by me");
    assert_eq!(steps[0]["approvers"][1]["state"], "not_needed");
    assert_eq!(
        steps[2]["approvers"][0]["employee"]["id"],
        c.fin_id.as_str()
    );
    assert_eq!(view["payload"]["claim_id"], claim_id.as_str());
    let what: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["what"].as_str().unwrap())
        .collect();
    assert_eq!(what[0], "submitted");
    assert_eq!(*what.last().unwrap(), "finished");
    assert!(what.contains(&"approved"), "{what:?}");
    assert_eq!(view["can_decide"], false);
    // Both decisions are in the audit log.
    let (_, audit) = app.get(&c.admin, "/api/v1/audit?resource=requests").await;
    let decisions: Vec<&Value> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "decision")
        .collect();
    assert_eq!(decisions.len(), 2, "{audit}");
    let actors: Vec<&str> = decisions
        .iter()
        .map(|e| e["actor"]["id"].as_str().unwrap_or_default())
        .collect();
    assert!(
        actors.contains(&c.mgr_id.as_str()) && actors.contains(&c.fin_id.as_str()),
        "{audit}"
    );
}

/// 会签: every one must approve, one rejection rejects. 或签: the first decides.
async fn all_of_them_and_any_of_them(app: &TestApp) {
    let c = company(app, "acme").await;
    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "people", "ids": [c.mgr_id, c.mgr2_id]}, "mode": "all"}]),
    )
    .await;
    let r = leave(app, &c.rep, "2026-12-01").await;
    let rid = id(&r);
    assert_eq!(inbox_ids(app, &c.mgr).await, [rid.as_str()]);
    assert_eq!(inbox_ids(app, &c.mgr2).await, [rid.as_str()]);
    let (s, b) = decide(app, &c.mgr, &rid, "approve").await;
    assert_eq!(
        (s, b["status"].clone()),
        (StatusCode::OK, json!("in_progress")),
        "{b}"
    );
    assert!(inbox_ids(app, &c.mgr).await.is_empty());
    let (s, b) = decide(app, &c.mgr2, &rid, "reject").await;
    assert_eq!(
        (s, b["status"].clone()),
        (StatusCode::OK, json!("rejected")),
        "{b}"
    );
    assert_eq!(b["can_resubmit"], false, "only the submitter resubmits");
    // The leave record follows: rejected, the day stays a working day.
    let (_, list) = app
        .get(
            &c.admin,
            &format!(
                "/api/v1/attendance/requests?employee_id={}&from=2026-12-01&to=2026-12-01",
                c.rep_id
            ),
        )
        .await;
    assert_eq!(list["items"][0]["status"], "rejected", "{list}");

    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "people", "ids": [c.mgr_id, c.mgr2_id]}, "mode": "any"}]),
    )
    .await;
    let r = leave(app, &c.rep, "2026-12-02").await;
    let rid = id(&r);
    let (s, b) = decide(app, &c.mgr2, &rid, "approve").await;
    assert_eq!(
        (s, b["status"].clone()),
        (StatusCode::OK, json!("approved")),
        "{b}"
    );
    let (s, b) = decide(app, &c.mgr, &rid, "reject").await;
    assert_error(s, &b, StatusCode::CONFLICT, "already_decided");
    let (_, list) = app
        .get(
            &c.admin,
            &format!(
                "/api/v1/attendance/requests?employee_id={}&from=2026-12-02&to=2026-12-02",
                c.rep_id
            ),
        )
        .await;
    assert_eq!(list["items"][0]["status"], "approved", "{list}");
}

/// Withdrawn mid-flow (after the first step) and resubmitted after a rejection: a claim
/// goes back to draft, then to rejected and submitted again as round 2.
async fn withdraw_and_resubmit(app: &TestApp) {
    let c = company(app, "acme").await;
    put_flow(
        app,
        &c.admin,
        "mileage_claim",
        json!([
            {"approvers": {"kind": "manager", "level": 1}, "mode": "any"},
            {"approvers": {"kind": "role", "role": "finance", "in": {"scope": "tenant"}}, "mode": "any"}
        ]),
    )
    .await;
    let (_, claim) = app
        .post(&c.rep, "/api/v1/claims", json!({"period": "2026-10"}))
        .await;
    let claim_id = id(&claim);
    let submit = format!("/api/v1/claims/{claim_id}/submit");
    let (_, sub) = app.post(&c.rep, &submit, json!({})).await;
    let request = sub["approval_id"].as_str().unwrap().to_owned();
    let (s, _) = decide(app, &c.mgr, &request, "approve").await;
    assert_eq!(s, StatusCode::OK);
    // Only the submitter withdraws.
    let withdraw = format!("/api/v1/requests/{request}/withdraw");
    let (s, _) = app.post(&c.mgr, &withdraw, json!({})).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, w) = app
        .post(&c.rep, &withdraw, json!({"comment": "wrong month"}))
        .await;
    assert_eq!(
        (s, w["status"].clone()),
        (StatusCode::OK, json!("withdrawn")),
        "{w}"
    );
    assert_eq!(w["rounds"][0]["ended"]["comment"], "wrong month");
    assert_eq!(w["rounds"][0]["steps"][1]["state"], "cancelled", "{w}");
    assert!(inbox_ids(app, &c.fin).await.is_empty());
    let (s, b) = decide(app, &c.fin, &request, "approve").await;
    assert_error(s, &b, StatusCode::CONFLICT, "approval_withdrawn");
    let (_, draft) = app.get(&c.rep, &format!("/api/v1/claims/{claim_id}")).await;
    assert_eq!(draft["status"], "draft", "{draft}");
    let (s, b) = app.post(&c.rep, &withdraw, json!({})).await;
    assert_error(s, &b, StatusCode::CONFLICT, "approval_withdrawn");

    // Submitted again: round 2 of the same request; rejected by the manager.
    let (s, sub) = app.post(&c.rep, &submit, json!({})).await;
    assert_eq!(s, StatusCode::OK, "{sub}");
    assert_eq!(sub["approval_id"], request.as_str());
    let (s, r) = decide(app, &c.mgr, &request, "reject").await;
    assert_eq!(
        (s, r["status"].clone()),
        (StatusCode::OK, json!("rejected")),
        "{r}"
    );
    assert_eq!(r["round"], 2);
    let (_, rejected) = app.get(&c.rep, &format!("/api/v1/claims/{claim_id}")).await;
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    assert_eq!(rejected["decision_comment"], "reject by me", "{rejected}");
    // The rep edits (the claim is editable again) and resubmits through the request.
    let (s, view) = app
        .get(&c.rep, &format!("/api/v1/requests/{request}"))
        .await;
    assert_eq!(
        (s, view["can_resubmit"].clone()),
        (StatusCode::OK, json!(true))
    );
    let (s, r) = app
        .post(
            &c.rep,
            &format!("/api/v1/requests/{request}/resubmit"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, r["status"].clone()),
        (StatusCode::OK, json!("in_progress")),
        "{r}"
    );
    assert_eq!(r["round"], 3);
    assert_eq!(r["rounds"].as_array().unwrap().len(), 3);
    assert_eq!(inbox_ids(app, &c.mgr).await, [request.as_str()]);
    let (_, again) = app.get(&c.rep, &format!("/api/v1/claims/{claim_id}")).await;
    assert_eq!(again["status"], "submitted", "{again}");
    // Resubmitting what is in progress is refused.
    let (s, b) = app
        .post(
            &c.rep,
            &format!("/api/v1/requests/{request}/resubmit"),
            json!({}),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");

    // A leave rejected and resubmitted as it was.
    let r = leave(app, &c.rep, "2026-12-03").await;
    let rid = id(&r);
    decide(app, &c.mgr, &rid, "reject").await;
    let (s, r) = app
        .post(
            &c.rep,
            &format!("/api/v1/requests/{rid}/resubmit"),
            json!({}),
        )
        .await;
    assert_eq!(
        (s, r["status"].clone()),
        (StatusCode::OK, json!("in_progress")),
        "{r}"
    );
    let (_, list) = app
        .get(
            &c.admin,
            &format!(
                "/api/v1/attendance/requests?employee_id={}&from=2026-12-03&to=2026-12-03",
                c.rep_id
            ),
        )
        .await;
    assert_eq!(list["items"][0]["status"], "pending", "{list}");
}

/// A rejected leave sent again with other days and reason: the new payload is validated
/// as a new leave, the flow's conditions see the new days, the leave row follows, and
/// the first round keeps what it asked.
async fn a_rejected_leave_is_resubmitted_edited(app: &TestApp) {
    let c = company(app, "acme").await;
    // Leave of more than one day also needs finance.
    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "manager", "level": 1}, "mode": "any"},
               {"approvers": {"kind": "people", "ids": [c.fin_id]}, "mode": "any",
                "when": [{"kind": "field", "key": "days", "op": "gt", "value": 1}]}]),
    )
    .await;
    let rid = id(&leave(app, &c.rep, "2026-12-10").await);
    let (s, b) = decide(app, &c.mgr, &rid, "reject").await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let resubmit = format!("/api/v1/requests/{rid}/resubmit");
    let edited = json!({"from": "2026-12-14", "to": "2026-12-15", "leave_type": "personal", "reason": "moved"});

    // Validated like a new leave, problems named under `payload`; nothing changes.
    let (s, b) = app
        .post(
            &c.rep,
            &resubmit,
            json!({"payload": {"from": "2026-12-15", "to": "2026-12-14",
                                                     "leave_type": "personal", "reason": "moved"}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["payload.to"], "{b}");
    let (s, b) = app
        .post(
            &c.rep,
            &resubmit,
            json!({"payload": {"from": "2026-12-14", "to": "2026-12-15",
                                                     "leave_type": "personal", "reason": "  "}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["payload.reason"], "{b}");
    let (s, b) = app
        .post(&c.rep, &resubmit, json!({"payload": {"from": "2026-12-14", "to": "2026-12-15",
                                                     "leave_type": "personal", "reason": "x", "extra": 1}}))
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    // Only the submitter edits what they asked.
    let (s, b) = app
        .post(&c.mgr, &resubmit, json!({"payload": edited}))
        .await;
    assert_error(s, &b, StatusCode::FORBIDDEN, "forbidden");
    let (_, r) = app.get(&c.rep, &format!("/api/v1/requests/{rid}")).await;
    assert_eq!(
        (r["status"].clone(), r["round"].clone()),
        (json!("rejected"), json!(1)),
        "{r}"
    );

    let (s, r) = app
        .post(&c.rep, &resubmit, json!({"payload": edited}))
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (
            r["status"].clone(),
            r["round"].clone(),
            r["payload"].clone()
        ),
        (json!("in_progress"), json!(2), edited.clone()),
        "{r}"
    );
    assert_eq!(
        (
            r["figures"]["from"].clone(),
            r["figures"]["days"].clone(),
            r["figures"]["leave_type"].clone()
        ),
        (json!("2026-12-14"), json!(2), json!("personal")),
        "{r}"
    );
    // Round 1 keeps the leave as first asked, with its rejection; round 2 has the new one,
    // and the two-day leave now routes to finance after the manager.
    let rounds = r["rounds"].as_array().unwrap();
    assert_eq!(rounds.len(), 2, "{r}");
    assert_eq!(
        (
            rounds[0]["payload"]["from"].clone(),
            rounds[0]["payload"]["reason"].clone(),
            rounds[0]["figures"]["days"].clone(),
            rounds[0]["ended"]["status"].clone()
        ),
        (
            json!("2026-12-10"),
            json!("family"),
            json!(1),
            json!("rejected")
        ),
        "{r}"
    );
    assert_eq!(rounds[0]["steps"][1]["state"], "skipped", "{r}");
    assert_eq!(rounds[1]["payload"], edited, "{r}");
    assert_eq!(rounds[1]["steps"][1]["state"], "not_reached", "{r}");
    let whats: Vec<&str> = r["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["what"].as_str())
        .collect();
    assert!(
        whats.contains(&"rejected") && whats.contains(&"resubmitted"),
        "{whats:?}"
    );

    // The leave row took the new days and reason and is pending again.
    let rows = |from: &'static str, to: &'static str| {
        let (admin, rep) = (c.admin.clone(), c.rep_id.clone());
        async move {
            let (s, list) = app
                .get(
                    &admin,
                    &format!("/api/v1/attendance/requests?employee_id={rep}&from={from}&to={to}"),
                )
                .await;
            assert_eq!(s, StatusCode::OK, "{list}");
            list["items"].as_array().unwrap().clone()
        }
    };
    assert_eq!(rows("2026-12-10", "2026-12-10").await, Vec::<Value>::new());
    let now = rows("2026-12-14", "2026-12-15").await;
    assert_eq!(now.len(), 1, "{now:?}");
    assert_eq!(
        (
            now[0]["id"].as_str(),
            now[0]["status"].clone(),
            now[0]["from"].clone(),
            now[0]["to"].clone(),
            now[0]["body"]["reason"].clone(),
            now[0]["body"]["leave_type"].clone()
        ),
        (
            Some(rid.as_str()),
            json!("pending"),
            json!("2026-12-14"),
            json!("2026-12-15"),
            json!("moved"),
            json!("personal")
        ),
        "{now:?}"
    );

    // Manager, then finance (the new days' step); the row is approved.
    assert_eq!(decide(app, &c.mgr, &rid, "approve").await.0, StatusCode::OK);
    assert!(inbox_ids(app, &c.fin).await.contains(&rid));
    assert_eq!(decide(app, &c.fin, &rid, "approve").await.0, StatusCode::OK);
    assert_eq!(
        rows("2026-12-14", "2026-12-15").await[0]["status"],
        "approved"
    );
    // Approved: no more editing.
    let (s, b) = app
        .post(&c.rep, &resubmit, json!({"payload": edited}))
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
}

/// The caller's notifications once at least `n` are there (the job runs in the
/// background too, and on PostgreSQL waits for older transactions to settle).
async fn notifications_of(app: &TestApp, token: &str, n: usize) -> Value {
    for _ in 0..100 {
        server::jobs::drain(&app.state, std::time::Duration::from_secs(3600))
            .await
            .unwrap();
        let (s, b) = app.get(token, "/api/v1/me/notifications").await;
        assert_eq!(s, StatusCode::OK, "{b}");
        if b["items"].as_array().unwrap().len() >= n {
            return b;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    panic!("fewer than {n} notifications after 20 s");
}

fn kinds(page: &Value) -> Vec<(String, String)> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["kind"].as_str().unwrap().to_owned(),
                n["request_id"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

/// The job turns the outbox into notifications: the approvers a request waits for (both
/// heads of a 或签 step, then finance), the submitter when it is decided; each fact once
/// however often the job runs; a person reads and marks only their own.
async fn notifications_tell_who_waits_and_the_outcome(app: &TestApp) {
    let c = company(app, "acme").await;
    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "manager", "level": 1}, "mode": "any"},
               {"approvers": {"kind": "people", "ids": [c.fin_id]}, "mode": "any"}]),
    )
    .await;
    let rid = id(&leave(app, &c.rep, "2026-12-21").await);
    let waiting = ("approval_waiting".to_owned(), rid.clone());
    let mgr = notifications_of(app, &c.mgr, 1).await;
    assert_eq!(kinds(&mgr), vec![waiting.clone()], "{mgr}");
    assert_eq!(mgr["unread"], 1, "{mgr}");
    let first = &mgr["items"][0];
    assert_eq!(
        (first["request_type"].clone(), first["from"]["name"].clone()),
        (json!("leave"), json!("rep name")),
        "{first}"
    );
    assert_eq!(
        kinds(&notifications_of(app, &c.mgr2, 1).await),
        vec![waiting.clone()]
    );
    let none: Vec<(String, String)> = Vec::new();
    assert_eq!(kinds(&notifications_of(app, &c.fin, 0).await), none);
    assert_eq!(kinds(&notifications_of(app, &c.rep, 0).await), none);

    // The first step passes: finance is told; the managers are not told again.
    assert_eq!(decide(app, &c.mgr, &rid, "approve").await.0, StatusCode::OK);
    assert_eq!(
        kinds(&notifications_of(app, &c.fin, 1).await),
        vec![waiting.clone()]
    );
    assert_eq!(
        notifications_of(app, &c.mgr, 1).await["items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // Finance rejects: the rep is told the outcome.
    assert_eq!(decide(app, &c.fin, &rid, "reject").await.0, StatusCode::OK);
    let rep = notifications_of(app, &c.rep, 1).await;
    assert_eq!(
        kinds(&rep),
        [("approval_decided".to_owned(), rid.clone())],
        "{rep}"
    );
    assert_eq!(rep["items"][0]["status"], "rejected", "{rep}");
    // The job again over the same events stores nothing twice.
    app.store
        .enqueue(&storage::notifications_job(c.tenant))
        .await
        .unwrap();
    assert_eq!(kinds(&notifications_of(app, &c.rep, 1).await).len(), 1);

    // Marking read: one's own only; the badge count follows.
    let note = rep["items"][0]["id"].as_str().unwrap().to_owned();
    let (s, b) = app
        .post(
            &c.mgr,
            &format!("/api/v1/me/notifications/{note}/read"),
            json!({}),
        )
        .await;
    assert_error(s, &b, StatusCode::NOT_FOUND, "not_found");
    let (s, b) = app
        .post(
            &c.rep,
            &format!("/api/v1/me/notifications/{note}/read"),
            json!({}),
        )
        .await;
    assert_eq!((s, b["unread"].clone()), (StatusCode::OK, json!(0)), "{b}");
    let (_, unread) = app
        .get(&c.rep, "/api/v1/me/notifications?unread=true")
        .await;
    assert_eq!(unread["items"], json!([]), "{unread}");
    let (_, all) = app.get(&c.rep, "/api/v1/me/notifications").await;
    assert!(all["items"][0]["read_at"].is_string(), "{all}");
    let (s, b) = app
        .post(&c.mgr2, "/api/v1/me/notifications/read", json!({}))
        .await;
    assert_eq!((s, b["unread"].clone()), (StatusCode::OK, json!(0)), "{b}");
    // Another tenant sees none of it.
    let other = app.tenant("other").await;
    let (_, theirs) = app.get(&other.admin, "/api/v1/me/notifications").await;
    assert_eq!(theirs["items"], json!([]), "{theirs}");
}

/// A request keeps the flow version it started under when the flow changes meanwhile.
async fn a_request_keeps_its_flow_version(app: &TestApp) {
    let c = company(app, "acme").await;
    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "manager", "level": 1}, "mode": "any"}]),
    )
    .await;
    let old = id(&leave(app, &c.rep, "2026-12-07").await);
    let v2 = put_flow(
        app,
        &c.admin,
        "leave",
        json!([
            {"approvers": {"kind": "manager", "level": 1}, "mode": "any"},
            {"approvers": {"kind": "people", "ids": [c.admin_id]}, "mode": "any"}
        ]),
    )
    .await;
    assert_eq!(v2["version"], 2);
    let (s, r) = decide(app, &c.mgr, &old, "approve").await;
    assert_eq!(s, StatusCode::OK, "{r}");
    assert_eq!(
        (r["status"].clone(), r["flow_version"].clone()),
        (json!("approved"), json!(1)),
        "{r}"
    );
    let new = id(&leave(app, &c.rep, "2026-12-08").await);
    let (_, r) = decide(app, &c.mgr, &new, "approve").await;
    assert_eq!(
        (r["status"].clone(), r["flow_version"].clone()),
        (json!("in_progress"), json!(2)),
        "{r}"
    );
    assert_eq!(inbox_ids(app, &c.admin).await, [new.as_str()]);
}

/// A department without a manager: the tenant's rule decides (admins, skip, approve).
async fn no_approver_found_follows_the_tenant_rule(app: &TestApp) {
    let c = company(app, "acme").await;
    let lone = app.department(&c.admin, "Lone", Some(&c.root)).await;
    app.employee(&c.admin, &lone, "lonerep", "field").await;
    let lonerep = app.token("acme", "lonerep").await;
    // Default: the admins decide, any one of them.
    let r = leave(app, &lonerep, "2026-12-09").await;
    assert_eq!(
        r["rounds"][0]["steps"][0]["approvers"][0]["why"], "tenant_admin",
        "{r}"
    );
    assert_eq!(inbox_ids(app, &c.admin).await, [id(&r).as_str()]);
    for (rule, state) in [("skip", "skipped"), ("auto_approve", "auto_approved")] {
        let (s, b) = app
            .put(
                &c.admin,
                "/api/v1/approval-settings",
                json!({"no_approver": rule, "skip_submitter": true, "decide_once": true, "remind_after_hours": 24}),
            )
            .await;
        assert_eq!(s, StatusCode::OK, "{b}");
        let r = leave(app, &lonerep, "2026-12-10").await;
        assert_eq!(r["status"], "approved", "{rule}: {r}");
        assert_eq!(r["rounds"][0]["steps"][0]["state"], state, "{rule}: {r}");
    }
    let (s, b) = app
        .put(
            &c.admin,
            "/api/v1/approval-settings",
            json!({"no_approver": "nobody", "skip_submitter": true, "decide_once": true, "remind_after_hours": 24}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["no_approver"], "{b}");
    let (s, _) = app.get(&c.rep, "/api/v1/approval-settings").await;
    assert_eq!(s, StatusCode::OK);
}

/// Another tenant's request is a 404 everywhere; a manager outside the submitter's
/// subtree neither sees nor decides it; lists stay within reach.
async fn requests_are_scoped_by_tenant_and_subtree(app: &TestApp) {
    let c = company(app, "acme").await;
    let r = leave(app, &c.rep, "2026-12-14").await;
    let rid = id(&r);
    let other = company(app, "other").await;
    for (token, who) in [
        (&other.admin, "another tenant's admin"),
        (&c.wmgr, "West's manager"),
    ] {
        let (s, _) = app.get(token, &format!("/api/v1/requests/{rid}")).await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who} reads");
        let (s, _) = decide(app, token, &rid, "approve").await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who} decides");
        let (s, _) = app
            .post(
                token,
                &format!("/api/v1/requests/{rid}/withdraw"),
                json!({}),
            )
            .await;
        assert_eq!(s, StatusCode::NOT_FOUND, "{who} withdraws");
        let (_, list) = app.get(token, "/api/v1/requests").await;
        assert_eq!(list["items"], json!([]), "{who} lists");
        assert!(inbox_ids(app, token).await.is_empty(), "{who}'s inbox");
    }
    let (s, _) = app
        .post(
            &c.wmgr,
            &format!("/api/v1/attendance/requests/{rid}/decision"),
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    // Reps see their own; the manager of the subtree and the admin see it.
    let (_, mine) = app.get(&c.wrep, "/api/v1/requests?scope=reachable").await;
    assert_eq!(mine["items"], json!([]));
    let (_, mine) = app
        .get(&c.rep, "/api/v1/requests?scope=mine&type=leave")
        .await;
    assert_eq!(mine["items"][0]["id"], rid.as_str(), "{mine}");
    let (_, theirs) = app.get(&c.mgr, "/api/v1/requests?status=in_progress").await;
    assert_eq!(theirs["items"][0]["id"], rid.as_str(), "{theirs}");
    let (s, b) = app.get(&c.mgr, "/api/v1/requests?status=open").await;
    assert_error(s, &b, StatusCode::BAD_REQUEST, "bad_request");
    // The old endpoint decides through the engine, as the flow's approver.
    let (s, d) = app
        .post(
            &c.mgr,
            &format!("/api/v1/attendance/requests/{rid}/decision"),
            json!({"status": "approved"}),
        )
        .await;
    assert_eq!(
        (s, d["status"].clone()),
        (StatusCode::OK, json!("approved")),
        "{d}"
    );
    let (_, view) = app.get(&c.rep, &format!("/api/v1/requests/{rid}")).await;
    assert_eq!(view["status"], "approved", "{view}");
}

/// The sweep reminds approvers after the tenant's delay, once per delay; a deactivated
/// approver's seat goes to the admins.
async fn reminders_and_deactivated_approvers(app: &TestApp) {
    let c = company(app, "acme").await;
    put_flow(
        app,
        &c.admin,
        "leave",
        json!([{"approvers": {"kind": "people", "ids": [c.mgr_id]}, "mode": "any"}]),
    )
    .await;
    let rid = id(&leave(app, &c.rep, "2026-12-15").await);
    let (s, b) = app
        .put(
            &c.admin,
            "/api/v1/approval-settings",
            json!({"no_approver": "admin", "skip_submitter": true, "decide_once": true, "remind_after_hours": 2}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    let sweep_at = |hours: i64| {
        let at = chrono::Utc::now().timestamp_millis() + hours * 3_600_000;
        server::clock::replaying(at, server::services::approvals::sweep(&app.state, c.tenant))
    };
    assert_eq!(sweep_at(0).await.unwrap(), 0, "nothing due yet");
    assert_eq!(sweep_at(3).await.unwrap(), 1);
    assert_eq!(sweep_at(3).await.unwrap(), 0, "reminded once per delay");
    let (_, view) = app.get(&c.mgr, &format!("/api/v1/requests/{rid}")).await;
    let reminded: Vec<&Value> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["what"] == "reminded")
        .collect();
    assert_eq!(reminded.len(), 1, "{view}");
    assert_eq!(reminded[0]["people"][0]["name"], "mgr name");
    let events = app
        .events_once(&c.admin, "?type=approval.reminded", 1)
        .await;
    assert_eq!(
        events["items"][0]["payload"]["employee_ids"][0],
        c.mgr_id.as_str(),
        "{events}"
    );

    // The approver leaves the company: their seat goes to the admin.
    let (_, e) = app
        .get(&c.admin, &format!("/api/v1/employees/{}", c.mgr_id))
        .await;
    let (s, b) = app
        .put(
            &c.admin,
            &format!("/api/v1/employees/{}", c.mgr_id),
            json!({"name": e["name"], "username": e["username"], "employee_no": e["employee_no"],
                   "department_id": e["department_id"], "role": e["role"], "active": false}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    sweep_at(0).await.unwrap();
    assert_eq!(inbox_ids(app, &c.admin).await, [rid.as_str()]);
    let (s, r) = decide(app, &c.admin, &rid, "approve").await;
    assert_eq!(
        (s, r["status"].clone()),
        (StatusCode::OK, json!("approved")),
        "{r}"
    );
    let approver = &r["rounds"][0]["steps"][0]["approvers"][0];
    assert_eq!(approver["stand_ins"][0]["id"], c.admin_id.as_str(), "{r}");
    assert_eq!(approver["decided_by"]["id"], c.admin_id.as_str(), "{r}");
}

/// Eight copies of one create at once store one request, answer one 201, and route once.
async fn concurrent_copies_of_a_request_store_one(app: &TestApp) {
    let c = company(app, "acme").await;
    let body = json!({"id": Uuid::now_v7(), "type": "leave",
        "payload": {"from": "2026-12-21", "to": "2026-12-22", "leave_type": "annual", "reason": "trip"}});
    let answers = futures_util::future::join_all(
        (0..8).map(|_| app.post(&c.rep, "/api/v1/requests", body.clone())),
    )
    .await;
    let created = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::CREATED)
        .count();
    assert_eq!(created, 1, "{answers:?}");
    for (s, b) in &answers {
        assert!(s.is_success(), "{s} {b}");
        assert_eq!(b["id"], body["id"], "{b}");
    }
    let (_, list) = app.get(&c.rep, "/api/v1/requests?scope=mine").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(list["items"][0]["figures"]["days"], 2, "{list}");
    assert_eq!(inbox_ids(app, &c.mgr).await.len(), 1);
    // A bad payload names its field under `payload`.
    let (s, b) = app
        .post(
            &c.rep,
            "/api/v1/requests",
            json!({"id": Uuid::now_v7(), "type": "leave",
                   "payload": {"from": "2026-12-22", "to": "2026-12-21", "leave_type": "annual", "reason": "x"}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["payload.to"], "{b}");
    let (s, b) = app
        .post(
            &c.rep,
            "/api/v1/requests",
            json!({"id": Uuid::now_v7(), "type": "Leave!", "payload": {}}),
        )
        .await;
    assert_error(s, &b, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed");
    assert_eq!(fields(&b), ["type"], "{b}");
}
