// Names behind ids: the people and customers the signed-in manager can see, loaded once
// so lists can show "王伟 at 全家 南京东路店" instead of UUIDs. A name not loaded (a
// customer outside the first pages, or made since) is fetched once on demand; until then,
// and when it cannot be had, a neutral word stands in — never the id.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Api } from '../shared/api';
import { t } from '../shared/i18n';
import type { Customer, CustomerPage, Employee, EmployeePage, Pages, Role } from '../shared/types';

export class Directory {
  employees = new Map<string, Employee>();
  customers = new Map<string, Customer>();
  private listeners = new Set<() => void>();

  private asked = new Set<string>();
  private loaded = false;

  constructor(
    private readonly api: Api,
    private readonly role: Role = 'admin',
  ) {}

  /** Finance reads no customers (the server would answer 403), so it loads people only. */
  get readsCustomers(): boolean {
    return this.role === 'admin' || this.role === 'manager';
  }

  async load(): Promise<void> {
    await Promise.all([
      this.all<EmployeePage>('/employees', (e) => this.employees.set(e.id, e)).catch(() => {}),
      this.readsCustomers
        ? this.all<CustomerPage>('/customers', (c) => this.customers.set(c.id, c)).catch(() => {})
        : Promise.resolve(),
    ]);
    this.loaded = true;
    this.notify();
  }

  private notify(): void {
    this.listeners.forEach((f) => f());
  }

  private async all<P extends Pages>(path: string, keep: (x: P['items'][number]) => void): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.api.get<P>(path, { limit: 500, cursor });
      (page.items as P['items'][number][]).forEach(keep);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  employeeName(id: string): string {
    const e = this.employees.get(id);
    if (e) return e.name;
    if (!this.loaded) return '…';
    this.fetch(`/employees/${id}`, (x: Employee) => this.employees.set(x.id, x));
    return this.asked.has(`/employees/${id}!`) ? '—' : '…';
  }

  customerName(id: string): string {
    const c = this.customers.get(id);
    if (c) return c.name;
    if (!this.readsCustomers) return t('visits.customer_gone');
    if (!this.loaded) return '…';
    this.fetch(`/customers/${id}`, (x: Customer) => this.customers.set(x.id, x));
    return this.asked.has(`/customers/${id}!`) ? t('visits.customer_gone') : '…';
  }

  /** Asks once for one record; a failure is remembered so the stand-in word stays. */
  private fetch<T>(path: string, keep: (x: T) => void): void {
    if (this.asked.has(path)) return;
    this.asked.add(path);
    this.api.get<T>(path).then(
      (x) => {
        keep(x);
        this.notify();
      },
      () => {
        this.asked.add(path + '!');
        this.notify();
      },
    );
  }
}

export const DirectoryContext = createContext<Directory | null>(null);

/** The directory, re-rendering the caller once it has loaded. */
export function useDirectory(): Directory | null {
  const d = useContext(DirectoryContext);
  const [, tick] = useState(0);
  useEffect(() => d?.subscribe(() => tick((n) => n + 1)), [d]);
  return d;
}
