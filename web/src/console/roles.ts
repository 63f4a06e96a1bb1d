// What each role may open and do in the console, mirroring the server's rules
// (crates/domain/src/access.rs `reach` and each route's check), so a screen never offers a
// button whose call would answer 403:
// - admin: everything, including the background jobs, and only the admin reads the audit log.
// - manager: customers, people (field reps only), devices and tracks in their department
//   subtree; reads departments, rules, forms and geofences but changes none of them
//   (those writes need Departments/Write, which only an admin holds).
// - finance: reads people, departments and tracks (attendance, mileage) of everyone;
//   changes nothing, reads no customers (so no visits detail, plans or forms).
// - the anti-cheat centre (integrity): admins and managers review the days they reach;
//   only the admin changes its settings. Finance and reps do not see it.
// - field: the field app, not the console.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Role } from '../shared/types';

export type Section =
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
  | 'audit';

export type Action =
  | 'plans.edit'
  | 'customers.edit'
  | 'requests.decide'
  | 'forms.edit'
  | 'rules.edit'
  | 'people.edit'
  | 'departments.edit';

const SECTIONS: Record<Role, Section[]> = {
  admin: ['live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'requests', 'integrity', 'forms', 'rules', 'people', 'jobs', 'audit'],
  manager: ['live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'requests', 'integrity', 'forms', 'rules', 'people'],
  finance: ['attendance', 'mileage', 'people'],
  field: [],
};

const ACTIONS: Record<Role, Action[]> = {
  admin: ['plans.edit', 'customers.edit', 'requests.decide', 'forms.edit', 'rules.edit', 'people.edit', 'departments.edit'],
  manager: ['plans.edit', 'customers.edit', 'requests.decide', 'people.edit'],
  finance: [],
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
