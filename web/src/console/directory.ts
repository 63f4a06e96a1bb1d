// Names behind ids: the people and customers the signed-in manager can see, loaded once
// so lists can show "王伟 at 全家 南京东路店" instead of UUIDs.
import { createContext } from 'preact';
import { useContext, useEffect, useState } from 'preact/hooks';
import type { Api } from '../shared/api';
import type { Customer, Employee, Page } from '../shared/types';

export class Directory {
  employees = new Map<string, Employee>();
  customers = new Map<string, Customer>();
  private listeners = new Set<() => void>();

  constructor(private readonly api: Api) {}

  async load(): Promise<void> {
    await Promise.all([
      this.all<Employee>('/employees', (e) => this.employees.set(e.id, e)),
      this.all<Customer>('/customers', (c) => this.customers.set(c.id, c)),
    ]);
    this.listeners.forEach((f) => f());
  }

  private async all<T>(path: string, keep: (x: T) => void): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.api.get<Page<T>>(path, { limit: 500, cursor });
      page.items.forEach(keep);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
  }

  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  employeeName(id: string): string {
    return this.employees.get(id)?.name ?? id.slice(0, 8);
  }

  customerName(id: string): string {
    return this.customers.get(id)?.name ?? id.slice(0, 8);
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
