//! The demo company `outfield demo` loads: a Shanghai FMCG sales team with
//! 29 staff and 600 shops, generated deterministically from a seed.
//!
//! Pure data: the caller writes it to the database.

mod assign;
pub mod history;
mod names;
mod org;
mod people;
pub mod picture;
mod places;
mod rng;
mod shops;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

/// The seed `outfield demo` uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20261127;

#[derive(Clone, Debug, PartialEq)]
pub struct DemoCompany {
    pub tenant_slug: &'static str,
    pub tenant_name: String,
    pub timezone: &'static str,
    /// Exactly 3, forming a tree rooted at index 0.
    pub departments: Vec<DemoDepartment>,
    /// Admin, 3 managers, 25 field reps, then a finance clerk.
    pub employees: Vec<DemoEmployee>,
    /// Exactly 600.
    pub customers: Vec<DemoCustomer>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoDepartment {
    pub name: String,
    /// Index into `DemoCompany::departments`.
    pub parent: Option<usize>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoRole {
    Admin,
    Manager,
    Field,
    Finance,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoEmployee {
    /// Unique within the company.
    pub name: String,
    /// "admin" for the admin, pinyin like "wang.jianguo" otherwise; unique.
    pub username: String,
    /// Fictional mainland mobile number; unique across staff and contacts.
    pub phone: String,
    pub email: String,
    /// "E0001"…
    pub employee_no: String,
    /// Index into `DemoCompany::departments`.
    pub department: usize,
    pub role: DemoRole,
}

#[derive(Clone, Debug, PartialEq)]
pub struct DemoCustomer {
    /// Brand + branch, e.g. "联华超市(漕溪北路店)"; unique.
    pub name: String,
    /// "C00001"…
    pub code: String,
    /// ERP id, e.g. "ERP-SH-100004"; unique.
    pub external_id: String,
    /// "上海市" + district + road + house number.
    pub address: String,
    pub district: &'static str,
    /// WGS-84, within 600 m of the addressed road's anchor.
    pub lat: f64,
    pub lon: f64,
    /// 'A' (15%), 'B' (35%) or 'C' (50%).
    pub level: char,
    /// 0–3 tags.
    pub tags: Vec<String>,
    pub contact_name: String,
    pub contact_phone: String,
    /// Index into `DemoCompany::employees`; always a Field rep.
    pub owner: usize,
}

pub fn demo_company(seed: u64) -> DemoCompany {
    let mut dice = rng::Dice::new(seed);
    let mut registry = people::Registry::default();
    let employees = org::employees(&mut dice, &mut registry);
    let mut employees = employees;
    let mut customers = shops::customers(&mut dice, &mut registry);
    // Drawn after the shops so adding the finance clerk left every other name and shop
    // of a seed as it was.
    employees.push(org::finance_clerk(&mut dice, &mut registry, &employees));
    assign::deal(
        &mut customers,
        &employees,
        is_pudong,
        org::PUDONG,
        org::PUXI,
    );
    DemoCompany {
        tenant_slug: "demo",
        tenant_name: "上海启明快消品有限公司".into(),
        timezone: "Asia/Shanghai",
        departments: org::departments(),
        employees,
        customers,
    }
}

fn is_pudong(customer: &DemoCustomer) -> bool {
    places::DISTRICTS
        .iter()
        .any(|d| d.pudong && d.name == customer.district)
}

/// A few lines of counts for the CLI to print after loading.
pub fn summary(company: &DemoCompany) -> String {
    let count_role = |role| company.employees.iter().filter(|e| e.role == role).count();
    let count_level = |level| {
        company
            .customers
            .iter()
            .filter(|c| c.level == level)
            .count()
    };
    let pudong = company.customers.iter().filter(|c| is_pudong(c)).count();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} (tenant \"{}\", {})",
        company.tenant_name, company.tenant_slug, company.timezone
    );
    let names: Vec<&str> = company
        .departments
        .iter()
        .map(|d| d.name.as_str())
        .collect();
    let _ = writeln!(out, "departments: {} ({})", names.len(), names.join(", "));
    let _ = writeln!(
        out,
        "employees:   {} ({} admin, {} managers, {} field reps, {} finance)",
        company.employees.len(),
        count_role(DemoRole::Admin),
        count_role(DemoRole::Manager),
        count_role(DemoRole::Field),
        count_role(DemoRole::Finance)
    );
    let _ = write!(
        out,
        "customers:   {} (A {} / B {} / C {}; 浦东 {}, 浦西 {})",
        company.customers.len(),
        count_level('A'),
        count_level('B'),
        count_level('C'),
        pudong,
        company.customers.len() - pudong
    );
    out
}
