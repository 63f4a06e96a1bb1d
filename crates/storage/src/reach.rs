//! Role scoping as SQL: the [`Reach`] decided by `domain::access` becomes a condition
//! appended to a query, so a manager's list can never include rows outside their subtree.

use crate::sql::{Arg, Sql};
use domain::TenantId;
use domain::access::Reach;

/// `IN (...)` list of the ids of a department and all below it.
fn subtree_ids(sql: &mut Sql, tenant: TenantId, root: uuid::Uuid) {
    sql.push("(WITH RECURSIVE sub(id) AS (SELECT id FROM departments WHERE tenant_id = ")
        .bind(Arg::Uuid(tenant.0))
        .push(" AND id = ")
        .bind(Arg::Uuid(root))
        .push(" UNION ALL SELECT d.id FROM departments d JOIN sub ON d.parent_id = sub.id WHERE d.tenant_id = ")
        .bind(Arg::Uuid(tenant.0))
        .push(") SELECT id FROM sub)");
}

/// Limits rows of `employees` (aliased `e`) to the caller's reach.
pub(crate) fn employees(sql: &mut Sql, tenant: TenantId, reach: &Reach) {
    match reach {
        Reach::Tenant => {}
        Reach::Subtree(root) => {
            sql.push(" AND e.department_id IN ");
            subtree_ids(sql, tenant, root.0);
        }
        Reach::Own(me) => {
            sql.push(" AND e.id = ").bind(Arg::Uuid(me.0));
        }
        Reach::None => {
            sql.push(" AND 1 = 0");
        }
    }
}

/// Limits rows of `customers` (aliased `c`) to the caller's reach: a manager reaches the
/// customers owned by people in their subtree, a field rep the customers they own.
pub(crate) fn customers(sql: &mut Sql, tenant: TenantId, reach: &Reach) {
    match reach {
        Reach::Tenant => {}
        Reach::Subtree(root) => {
            sql.push(" AND c.owner_id IN (SELECT e.id FROM employees e WHERE e.tenant_id = ")
                .bind(Arg::Uuid(tenant.0))
                .push(" AND e.department_id IN ");
            subtree_ids(sql, tenant, root.0);
            sql.push(")");
        }
        Reach::Own(me) => {
            sql.push(" AND c.owner_id = ").bind(Arg::Uuid(me.0));
        }
        Reach::None => {
            sql.push(" AND 1 = 0");
        }
    }
}

/// `IN (...)` list of a department and every department below it, for filters by
/// department (the caller's reach is applied separately).
pub(crate) fn subtree(sql: &mut Sql, tenant: TenantId, root: uuid::Uuid) {
    subtree_ids(sql, tenant, root);
}
