//! The demo company itself: tenant, departments, people, shops and rules.

use crate::error::{ApiError, ApiResult};
use ::demo::{DemoCompany, DemoRole};
use domain::access::Reach;
use domain::customer::{Contact, CustomerDraft, Level};
use domain::customer_import::Column;
use domain::employee::{EmployeeDraft, Role};
use domain::forms::FormInput;
use domain::tenant::Slug;
use domain::tracking::{TrackingRule, Window};
use domain::{CoordSystem, CustomerId, DepartmentId, EmployeeId, TenantId, Wgs84};
use storage::{ImportItem, NewTenant, Store, StoreError};

/// What was created, by the demo crate's indices.
pub struct Created {
    pub tenant: TenantId,
    pub departments: Vec<DepartmentId>,
    pub people: Vec<EmployeeId>,
    pub customers: Vec<CustomerId>,
}

fn role(r: DemoRole) -> Role {
    match r {
        DemoRole::Admin => Role::Admin,
        DemoRole::Manager => Role::Manager,
        DemoRole::Field => Role::Field,
        DemoRole::Finance => Role::Finance,
    }
}

/// Creates the company; `None` when its tenant slug was taken meanwhile (another
/// server started with `--demo` on the same database won the race).
pub async fn create(
    store: &Store,
    company: &DemoCompany,
    hash: &str,
) -> ApiResult<Option<Created>> {
    let admin = company
        .employees
        .iter()
        .find(|e| e.role == DemoRole::Admin)
        .expect("the demo has an admin");
    let root = company
        .departments
        .iter()
        .position(|d| d.parent.is_none())
        .expect("the demo has a root department");
    let made = store
        .create_tenant(&NewTenant {
            slug: Slug::parse(company.tenant_slug).map_err(ApiError::internal)?,
            name: company.tenant_name.clone(),
            timezone: company.timezone.to_owned(),
            root_department: company.departments[root].name.clone(),
            admin_name: admin.name.clone(),
            admin_username: admin.username.clone(),
            admin_password_hash: hash.to_owned(),
        })
        .await;
    let (tenant, root_id, admin_id) = match made {
        Ok(m) => m,
        Err(StoreError::Conflict { field: "slug" }) => return Ok(None),
        Err(e) => return Err(e.into()),
    };

    let mut dept_ids: Vec<DepartmentId> = vec![root_id; company.departments.len()];
    for (i, d) in company.departments.iter().enumerate() {
        if i == root {
            continue;
        }
        let parent = d.parent.map(|p| dept_ids[p]);
        let made = store
            .create_department(
                tenant,
                None,
                None,
                &domain::department::DepartmentDraft {
                    name: d.name.clone(),
                    parent_id: parent,
                    external_id: None,
                },
            )
            .await?
            .ok_or_else(|| ApiError::internal("a new department id was taken"))?;
        dept_ids[i] = made.id;
    }

    let mut people: Vec<EmployeeId> = Vec::with_capacity(company.employees.len());
    for e in &company.employees {
        let draft = EmployeeDraft {
            name: e.name.clone(),
            username: Some(e.username.clone()),
            password: None,
            phone: Some(e.phone.clone()),
            email: Some(e.email.clone()),
            employee_no: Some(e.employee_no.clone()),
            department_id: dept_ids[e.department],
            role: role(e.role),
            active: true,
            start_date: None,
            external_id: None,
        };
        let id = if e.role == DemoRole::Admin {
            store
                .update_employee(tenant, admin_id, None, &draft, None)
                .await?;
            admin_id
        } else {
            store
                .create_employee(tenant, None, None, &draft, Some(hash))
                .await?
                .ok_or_else(|| ApiError::internal("a new employee id was taken"))?
                .id
        };
        people.push(id);
    }

    let items: Vec<ImportItem> = company
        .customers
        .iter()
        .enumerate()
        .map(|(i, c)| {
            Ok(ImportItem {
                row: i + 2,
                draft: CustomerDraft {
                    name: c.name.clone(),
                    code: Some(c.code.clone()),
                    external_id: Some(c.external_id.clone()),
                    address: Some(c.address.clone()),
                    location: Some(
                        Wgs84::parse(c.lat, c.lon, CoordSystem::Wgs84)
                            .map_err(|e| ApiError::internal(e.problem()))?,
                    ),
                    level: Level::parse(&c.level.to_string()).map_err(ApiError::internal)?,
                    tags: c.tags.clone(),
                    contacts: vec![Contact {
                        name: c.contact_name.clone(),
                        phone: Some(c.contact_phone.clone()),
                        title: Some("店长".into()),
                    }],
                    owner_id: Some(people[c.owner]),
                    checkin_radius: None,
                },
            })
        })
        .collect::<ApiResult<_>>()?;
    let all_columns = [
        Column::Name,
        Column::Code,
        Column::ExternalId,
        Column::Address,
        Column::Lat,
        Column::Lon,
        Column::Level,
        Column::Tags,
        Column::Owner,
        Column::ContactName,
    ];
    let outcome = store
        .import_customers(
            tenant,
            &Reach::Tenant,
            &items,
            &all_columns.into_iter().collect(),
            false,
        )
        .await?;
    let mut customers = vec![CustomerId(uuid::Uuid::nil()); company.customers.len()];
    for (row, _, id) in outcome.applied {
        customers[row - 2] = id;
    }
    demo_rules(store, tenant).await?;
    Ok(Some(Created {
        tenant,
        departments: dept_ids,
        people,
        customers,
    }))
}

/// The demo's field-execution set-up, so a first look shows the whole loop: office hours
/// (no photo at clock-in: a month of selfies would double the demo's loading time), a
/// 200 m check-in radius with one photo and a store report.
pub(super) async fn demo_rules(store: &Store, tenant: TenantId) -> ApiResult<()> {
    let form: FormInput = serde_json::from_value(serde_json::json!({
        "name": "门店拜访报告",
        "fields": [
            {"key": "facings", "label": "货架排面数", "type": "number", "required": true, "min": 0, "max": 200, "integer": true},
            {"key": "out_of_stock", "label": "是否缺货", "type": "boolean", "required": true},
            {"key": "competitors", "label": "竞品活动", "type": "multi_select", "options": ["促销", "堆头", "新品", "无"]},
            {"key": "shelf_photo", "label": "货架照片", "type": "photo"},
            {"key": "remark", "label": "备注", "type": "text", "max_length": 500}
        ]
    }))
    .map_err(ApiError::internal)?;
    let draft = form.validate()?;
    let form_id = domain::ids::FormId::new();
    let fields = serde_json::to_string(&draft.clone().into_form(form_id, 1).output().fields)
        .map_err(ApiError::internal)?;
    store
        .create_form(tenant, form_id, None, &draft.name, &fields)
        .await?;
    let rules = [
        (
            "attendance",
            serde_json::json!({"weekdays": [1, 2, 3, 4, 5], "shifts": [{"start": "09:00", "end": "18:00"}],
                               "late_grace_min": 10, "early_leave_grace_min": 10, "photo_required": false}),
        ),
        (
            "visit",
            serde_json::json!({"checkin_radius_m": 200, "min_duration_min": 5, "required_photos": 1,
                               "default_form_id": form_id}),
        ),
    ];
    for (kind, body) in rules {
        store
            .put_rule(tenant, kind, None, &body.to_string())
            .await?;
    }
    // Tracked around the clock, every day: the demo's live map shows people moving at
    // whatever hour someone tries it, and no posted fix is dropped as off-shift.
    let always = TrackingRule {
        weekdays: (1..=7).collect(),
        windows: vec![Window {
            start: "00:00".into(),
            end: "00:00".into(),
        }],
        ..TrackingRule::default()
    };
    always.validate()?;
    store.put_tracking_rule(tenant, None, &always).await?;
    Ok(())
}
