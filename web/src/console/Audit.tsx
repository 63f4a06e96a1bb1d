// Audit log (admins): who changed what and when, newest first, filtered by resource and
// local days; each entry's changed fields unfold as "field: old → new". The server keeps
// the log (crates/server/src/audit); this screen only reads it.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDateTime, t, todayInZone, tOr } from '../shared/i18n';
import type { AuditEntry, AuditPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { actionLabel, dayStart, fieldLabel, resourceLabel, valueText } from './auditText';
import { useDirectory } from './directory';
import { api } from './session';

const RESOURCES = [
  'customers',
  'employees',
  'departments',
  'plans',
  'attendance/requests',
  'forms',
  'geofences',
  'calendar',
  'attendance-rules',
  'visit-rules',
  'tracking-rules',
  'api-keys',
  'devices',
  'audit/settings',
  'integrity/days',
  'integrity/settings',
];

export function Audit() {
  useLang();
  const dir = useDirectory();
  const [resource, setResource] = useState('');
  const [from, setFrom] = useState(todayInZone(-30));
  const [to, setTo] = useState(todayInZone());
  const [items, setItems] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [error, setError] = useState('');

  const query = (cursor?: string) => ({
    resource: resource || undefined,
    from: dayStart(from),
    to: dayStart(to, 1),
    limit: 50,
    cursor,
  });

  useEffect(() => {
    let live = true;
    setItems(null);
    setError('');
    api.get<AuditPage>('/audit', query()).then(
      (p) => {
        if (!live) return;
        setItems(p.items);
        setNext(p.next_cursor ?? null);
      },
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, [resource, from, to]);

  const more = async () => {
    if (!next) return;
    try {
      const p = await api.get<AuditPage>('/audit', query(next));
      setItems((xs) => [...(xs ?? []), ...p.items]);
      setNext(p.next_cursor ?? null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const toggle = (id: string) =>
    setOpen((o) => {
      const n = new Set(o);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });

  const who = (e: AuditEntry) => {
    const name = e.actor.name ?? t('audit.unknown_actor');
    const role = e.actor.kind === 'api_key' ? t('audit.api_key') : tOr(`role.${e.actor.role}`, e.actor.role);
    return `${name} (${role})`;
  };

  return (
    <section class="panel page" data-testid="audit-page">
      <div class="filters">
        <label>
          {t('audit.resource_filter')}
          <select value={resource} onChange={(e) => setResource(e.currentTarget.value)} data-testid="audit-resource">
            <option value="">{t('audit.all_resources')}</option>
            {RESOURCES.map((r) => (
              <option value={r}>{resourceLabel(r)}</option>
            ))}
          </select>
        </label>
        <label>
          {t('from')}
          <input type="date" name="from" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('to')}
          <input type="date" name="to" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
        </label>
      </div>
      {error && <p class="error">{error}</p>}
      {!items && !error && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted">{t('audit.none')}</p>}
      {items && items.length > 0 && (
        <table class="table audit" data-testid="audit">
          <thead>
            <tr>
              <th>{t('audit.when')}</th>
              <th>{t('audit.who')}</th>
              <th>{t('audit.action')}</th>
              <th>{t('audit.resource')}</th>
              <th>{t('audit.changes')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((e) => {
              const fields = Object.entries(e.diff);
              const shown = open.has(e.id);
              return (
                <>
                  <tr class="static" data-seq={e.seq} data-resource={e.resource} data-action={e.action}>
                    <td>{fmtDateTime(e.at)}</td>
                    <td>{who(e)}</td>
                    <td>{actionLabel(e.action)}</td>
                    <td title={e.resource_id ?? ''}>{resourceLabel(e.resource)}</td>
                    <td>
                      {fields.length === 0 ? (
                        <span class="muted">{t('audit.no_changes')}</span>
                      ) : (
                        <button class="link" onClick={() => toggle(e.id)} data-testid="audit-toggle" aria-expanded={shown}>
                          {t('audit.changes_n', { n: fields.length })} · {shown ? t('audit.hide') : t('audit.show')}
                        </button>
                      )}
                    </td>
                  </tr>
                  {shown && (
                    <tr class="static audit-diff" data-testid="audit-diff">
                      <td colSpan={5}>
                        <ul>
                          {fields.map(([field, change]) => (
                            <li data-field={field}>
                              <strong>{fieldLabel(field)}</strong>: {valueText(change.old, dir)} → {valueText(change.new, dir)}
                            </li>
                          ))}
                        </ul>
                      </td>
                    </tr>
                  )}
                </>
              );
            })}
          </tbody>
        </table>
      )}
      {next && (
        <button onClick={more} data-testid="audit-more">
          {t('audit.more')}
        </button>
      )}
    </section>
  );
}
