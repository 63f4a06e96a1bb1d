// What each role may open and do in the console, mirroring the server's rules
// (crates/domain/src/access.rs `reach` and each route's check), so a screen never offers a
// button whose call would answer 403:
// - admin: everything, including the background jobs, the webhooks and the API keys, and only the admin
//   reads the audit log.
// - manager: customers, people (field reps only), devices and tracks in their department
//   subtree; reads departments, rules, forms and geofences but changes none of them
//   (those writes need Departments/Write, which only an admin holds).
// - finance: reads people, departments and tracks (attendance, mileage) of everyone;
//   changes nothing, reads no customers (so no visits detail, plans or forms).
// - the anti-cheat centre (integrity): admins and managers review the days they reach;
//   only the admin changes its settings. Finance and reps do not see it.
// - mileage claims (报销): managers read and decide the claims of their subtree; finance
//   reads every claim and pays approved ones in batches (payouts), and keeps the rate
//   tables; admins do all of it. Vehicles are set by admins and managers (people
//   writes); finance reads them. Managers do not read the rate tables (the server's
//   Payouts resource).
// - approvals (审批): managers, finance and admins decide what waits for them in the
//   inbox (the server puts there only requests they are an approver of); only the admin
//   reads and sets the approval flows (审批流程).
// - reports (数据报表): the dashboard, the report pack and the insights read the facts of
//   the days the caller reaches (the server's Tracks/Read reach): a manager their
//   subtree, finance and admins everyone; only the admin changes the insight
//   thresholds. The dashboard is the landing screen of every console role.
// - field: the field app, not the console.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role } from '../shared/types';

export type Section =
  | 'dashboard'
  | 'reports'
  | 'insights'
  | 'live'
  | 'visits'
  | 'plans'
  | 'customers'
  | 'attendance'
  | 'mileage'
  | 'requests'
  | 'integrity'
  | 'forms'
  | 'rules'
  | 'people'
  | 'jobs'
  | 'webhooks'
  | 'api-keys'
  | 'sso'
  | 'audit'
  | 'claims'
  | 'payouts'
  | 'claim-settings'
  | 'approvals'
  | 'approval-flows';

export type Action =
  | 'plans.edit'
  | 'customers.edit'
  | 'requests.decide'
  | 'forms.edit'
  | 'rules.edit'
  | 'people.edit'
  | 'departments.edit'
  | 'claims.decide'
  | 'payouts.create'
  | 'rates.read'
  | 'rates.edit'
  | 'vehicles.edit'
  | 'approval_flows.edit';

const SECTIONS: Record<Role, Section[]> = {
  admin: ['dashboard', 'reports', 'insights', 'live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'approvals', 'claims', 'payouts', 'requests', 'integrity', 'forms', 'rules', 'claim-settings', 'approval-flows', 'people', 'jobs', 'webhooks', 'api-keys', 'sso', 'audit'],
  manager: ['dashboard', 'reports', 'insights', 'live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'approvals', 'claims', 'requests', 'integrity', 'forms', 'rules', 'claim-settings', 'people'],
  finance: ['dashboard', 'reports', 'insights', 'attendance', 'mileage', 'approvals', 'claims', 'payouts', 'claim-settings', 'people'],
  field: [],
};

const ACTIONS: Record<Role, Action[]> = {
  admin: [
    'plans.edit', 'customers.edit', 'requests.decide', 'forms.edit', 'rules.edit', 'people.edit', 'departments.edit',
    'claims.decide', 'payouts.create', 'rates.read', 'rates.edit', 'vehicles.edit', 'approval_flows.edit',
  ],
  manager: ['plans.edit', 'customers.edit', 'requests.decide', 'people.edit', 'claims.decide', 'vehicles.edit'],
  finance: ['payouts.create', 'rates.read', 'rates.edit'],
  field: [],
};

export function sections(role: Role): Section[] {
  return SECTIONS[role] ?? [];
}

export function may(role: Role | undefined, action: Action): boolean {
  return !!role && (ACTIONS[role] ?? []).includes(action);
}

/** Roles this role may give to someone (access.rs `may_assign_role`). */
export function assignableRoles(role: Role | undefined): Role[] {
  if (role === 'admin') return ['field', 'manager', 'admin', 'finance'];
  if (role === 'manager') return ['field'];
  return [];
}

/** The signed-in person's role, for screens deciding which actions to offer. */
export const RoleContext = createContext<Role | undefined>(undefined);

export function useRole(): Role | undefined {
  return useContext(RoleContext);
}

/** The signed-in person's employee id (nobody decides their own requests: 403). */
export const SelfContext = createContext<string | undefined>(undefined);

export function useSelf(): string | undefined {
  return useContext(SelfContext);
}
