// What claims are paid by: the tenant's claim period (month, half-month or ISO week), its
// mileage rate tables (finance and admins) — each
// table's versions, immutable once stored, and a form that adds the next version (amount
// per km with optional tiers by kilometres in the month, daily and monthly caps, rounding,
// the date it starts) — and each field rep's vehicle over time (set by admins and
// managers, read by finance).
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDate, fmtMoney, fmtNumber, fmtPeriod, parseMoney, t, todayInZone, tOr } from '../shared/i18n';
import { uuid } from '../shared/ids';
import type { ClaimSettings as ClaimSettingsView, ClaimSettingsBody, Department, DepartmentList, Employee, RateTable, RateTables, VehicleItem, Vehicles } from '../shared/types';
import { useLang } from '../shared/ui';
import { useDirectory } from './directory';
import { may, useRole } from './roles';
import { api } from './session';

const VEHICLES = ['private_car', 'company_car', 'motorbike', 'none'];

/** A stored rate version as the API shows it (the document leaves it an object). */
interface Version {
  version: number;
  effective_from: string;
  tiers: { up_to?: number | null; rate: number }[];
  daily_cap?: { minor: number; currency: string } | null;
  period_cap?: { minor: number; currency: string } | null;
  rounding?: { to: string; mode: string };
}

export function ClaimSettings() {
  useLang();
  const role = useRole();
  return (
    <div class="stack-page" data-testid="claim-settings">
      {may(role, 'rates.read') && <ClaimPeriod editable={may(role, 'rates.edit')} />}
      {may(role, 'rates.read') && <Rates editable={may(role, 'rates.edit')} />}
      <VehicleList editable={may(role, 'vehicles.edit')} />
    </div>
  );
}

const PERIOD_KINDS: ClaimSettingsBody['period'][] = ['month', 'half_month', 'week'];

/** How long one claim runs: finance and admins choose; others read it. */
function ClaimPeriod({ editable }: { editable: boolean }) {
  const [settings, setSettings] = useState<ClaimSettingsView | null>(null);
  const [kind, setKind] = useState<ClaimSettingsBody['period']>('month');
  const [note, setNote] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<ClaimSettingsView>('/claim-settings').then(
      (c) => {
        setSettings(c);
        setKind(c.period);
      },
      (e) => setError(errorText(e)),
    );
  }, []);
  const save = async () => {
    setError('');
    setNote('');
    try {
      const c = await api.put<ClaimSettingsView>('/claim-settings', { period: kind } satisfies ClaimSettingsBody);
      setSettings(c);
      setNote(t('claimperiod.saved'));
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <section class="panel" data-testid="claim-period">
      <h2>{t('claimperiod.title')}</h2>
      <p class="muted small">{t('claimperiod.hint')}</p>
      <label>
        {t('claimperiod.title')}
        <select value={kind} disabled={!editable} onChange={(e) => setKind(e.currentTarget.value as ClaimSettingsBody['period'])} data-testid="claim-period-kind">
          {PERIOD_KINDS.map((k) => (
            <option value={k}>{t(`claimperiod.kind.${k}`)}</option>
          ))}
        </select>
      </label>
      {editable && (
        <button onClick={save} disabled={!settings || kind === settings.period} data-testid="claim-period-save">
          {t('claimperiod.save')}
        </button>
      )}
      {settings && <p data-testid="claim-period-current">{t('claimperiod.current', { period: fmtPeriod(settings.current_period) })}</p>}
      {note && <p class="notice">{note}</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function scopeText(tb: RateTable, departments: Department[]): string {
  const parts = [];
  if (tb.department_id) parts.push(t('rates.scope_department', { department: departments.find((d) => d.id === tb.department_id)?.name ?? '' }));
  if (tb.vehicle) parts.push(t('rates.scope_vehicle', { vehicle: tOr(`claim.vehicle.${tb.vehicle}`, '') }));
  return parts.length ? parts.join(' · ') : t('rates.scope_all');
}

function tiersText(v: Version): string {
  if (v.tiers.length === 1) return `${fmtMoney(v.tiers[0].rate)} · ${t('rates.tier_all')}`;
  return v.tiers
    .map((tier) =>
      tier.up_to
        ? `${fmtMoney(tier.rate)} · ${t('rates.tier_up_to', { km: fmtNumber(tier.up_to / 1000) })}`
        : `${fmtMoney(tier.rate)} · ${t('rates.tier_beyond')}`,
    )
    .join('; ');
}

function Rates({ editable }: { editable: boolean }) {
  const [book, setBook] = useState<RateTables | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [error, setError] = useState('');
  const [editing, setEditing] = useState<string | 'new' | null>(null);
  const [saved, setSaved] = useState(false);

  const load = () => api.get<RateTables>('/mileage-rates').then(setBook, (e) => setError(errorText(e)));
  useEffect(() => {
    void load();
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);

  const save = async (next: RateTables) => {
    setError('');
    setSaved(false);
    try {
      setBook(await api.put<RateTables>('/mileage-rates', next));
      setEditing(null);
      setSaved(true);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section class="panel page" data-testid="rates">
      <div class="panel-head">
        <h2>{t('rates.title')}</h2>
        {editable && book && editing === null && (
          <button onClick={() => setEditing('new')} data-testid="rates-new-table">
            {t('rates.new_table')}
          </button>
        )}
      </div>
      <p class="muted small">{t('rates.immutable')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {saved && <p class="ok">{t('rates.saved')}</p>}
      {!book && !error && <p class="muted">{t('loading')}</p>}
      {book && book.tables.length === 0 && <p class="muted">{t('rates.none')}</p>}
      {book?.tables.map((tb) => {
        const versions = tb.versions as unknown as Version[];
        return (
          <div class="rate-table" data-table={tb.id}>
            <h3>{scopeText(tb, departments)}</h3>
            <table class="table" data-testid="rate-versions">
              <thead>
                <tr>
                  <th>{t('rates.version')}</th>
                  <th>{t('rates.effective_from')}</th>
                  <th>{t('rates.tiers')}</th>
                  <th>{t('rates.daily_cap')}</th>
                  <th>{t('rates.period_cap')}</th>
                  <th>{t('rates.rounding')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((v) => (
                  <tr class="static">
                    <td>{fmtNumber(v.version)}</td>
                    <td>{fmtDate(v.effective_from)}</td>
                    <td>{tiersText(v)}</td>
                    <td>{v.daily_cap ? fmtMoney(v.daily_cap.minor) : t('rates.no_cap')}</td>
                    <td>{v.period_cap ? fmtMoney(v.period_cap.minor) : t('rates.no_cap')}</td>
                    <td>
                      {tOr(`rounding.${v.rounding?.to ?? 'fen'}`, '')} · {tOr(`rounding.${v.rounding?.mode ?? 'half_up'}`, '')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {editable && editing === null && (
              <button onClick={() => setEditing(tb.id)} data-testid="rates-new-version">
                {t('rates.new_version')}
              </button>
            )}
            {editing === tb.id && book && (
              <VersionForm
                latest={versions[versions.length - 1]}
                onCancel={() => setEditing(null)}
                onSave={(v) =>
                  save({
                    tables: book.tables.map((x) =>
                      x.id === tb.id ? { ...x, versions: [...x.versions, { ...v, version: (versions[versions.length - 1]?.version ?? 0) + 1 }] } : x,
                    ),
                  })
                }
              />
            )}
          </div>
        );
      })}
      {editing === 'new' && book && (
        <NewTable
          departments={departments}
          onCancel={() => setEditing(null)}
          onSave={(table) => save({ tables: [...book.tables, table] })}
        />
      )}
    </section>
  );
}

function NewTable({ departments, onCancel, onSave }: { departments: Department[]; onCancel: () => void; onSave: (t: RateTable) => void }) {
  const [dept, setDept] = useState('');
  const [vehicle, setVehicle] = useState('');
  return (
    <div class="rate-table" data-testid="rates-new">
      <h3>{t('rates.new_table')}</h3>
      <div class="filters">
        <label>
          {t('claims.department')}
          <select value={dept} onChange={(e) => setDept(e.currentTarget.value)}>
            <option value="">{t('rates.scope_all')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <label>
          {t('vehicles.kind')}
          <select value={vehicle} onChange={(e) => setVehicle(e.currentTarget.value)}>
            <option value="">{t('rates.scope_all')}</option>
            {VEHICLES.map((v) => (
              <option value={v}>{tOr(`claim.vehicle.${v}`, '')}</option>
            ))}
          </select>
        </label>
      </div>
      <VersionForm
        onCancel={onCancel}
        onSave={(v) =>
          onSave({
            id: uuid(),
            ...(dept ? { department_id: dept } : {}),
            ...(vehicle ? { vehicle: vehicle as RateTable['vehicle'] } : {}),
            currency: 'CNY',
            versions: [{ ...v, version: 1 }],
          })
        }
      />
    </div>
  );
}

interface TierDraft {
  upTo: string;
  rate: string;
}

function VersionForm({ latest, onSave, onCancel }: { latest?: Version; onSave: (v: Omit<Version, 'version'>) => void; onCancel: () => void }) {
  const yuan = (minor: number | undefined | null) => (minor === undefined || minor === null ? '' : (minor / 100).toFixed(2));
  const [from, setFrom] = useState(todayInZone());
  const [tiers, setTiers] = useState<TierDraft[]>(
    latest?.tiers.map((x) => ({ upTo: x.up_to ? String(x.up_to / 1000) : '', rate: yuan(x.rate) })) ?? [{ upTo: '', rate: '0.80' }],
  );
  const [daily, setDaily] = useState(yuan(latest?.daily_cap?.minor));
  const [monthly, setMonthly] = useState(yuan(latest?.period_cap?.minor));
  const [to, setTo] = useState(latest?.rounding?.to ?? 'fen');
  const [mode, setMode] = useState(latest?.rounding?.mode ?? 'half_up');
  const [error, setError] = useState('');

  const submit = (e: Event) => {
    e.preventDefault();
    setError('');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(from)) return setError(t('rates.bad_date'));
    const parsed = tiers.map((x, i) => ({
      rate: parseMoney(x.rate),
      up_to: i === tiers.length - 1 || !x.upTo.trim() ? null : Math.round(Number(x.upTo) * 1000),
    }));
    if (parsed.some((x) => x.rate === null || (x.up_to !== null && !(x.up_to > 0)))) return setError(t('rates.bad_amount'));
    const cap = (s: string) => (s.trim() ? parseMoney(s) : null);
    const [d, m] = [cap(daily), cap(monthly)];
    if ((daily.trim() && d === null) || (monthly.trim() && m === null)) return setError(t('rates.bad_amount'));
    onSave({
      effective_from: from,
      tiers: parsed.map((x) => (x.up_to ? { up_to: x.up_to, rate: x.rate! } : { rate: x.rate! })),
      ...(d !== null ? { daily_cap: { minor: d, currency: 'CNY' } } : {}),
      ...(m !== null ? { period_cap: { minor: m, currency: 'CNY' } } : {}),
      rounding: { to, mode },
    });
  };

  return (
    <form class="stack-form rate-form" onSubmit={submit} data-testid="rate-form" noValidate>
      <label>
        {t('rates.effective_from')}
        <input type="date" name="effective_from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
      </label>
      {tiers.map((x, i) => (
        <div class="row" data-tier={i}>
          <label>
            {t('rates.rate')}
            <input name={`rate-${i}`} inputMode="decimal" value={x.rate} onInput={(e) => setTiers(tiers.map((y, j) => (j === i ? { ...y, rate: e.currentTarget.value } : y)))} />
          </label>
          {i < tiers.length - 1 && (
            <label>
              {t('rates.tier_limit')}
              <input name={`up-to-${i}`} inputMode="numeric" value={x.upTo} onInput={(e) => setTiers(tiers.map((y, j) => (j === i ? { ...y, upTo: e.currentTarget.value } : y)))} />
            </label>
          )}
          {tiers.length > 1 && (
            <button type="button" onClick={() => setTiers(tiers.filter((_, j) => j !== i))}>
              {t('rates.remove_tier')}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => setTiers([...tiers.slice(0, -1), { ...tiers[tiers.length - 1], upTo: '1000' }, { upTo: '', rate: tiers[tiers.length - 1].rate }])}>
        {t('rates.add_tier')}
      </button>
      <label>
        {t('rates.daily_cap')}
        <input name="daily_cap" inputMode="decimal" value={daily} onInput={(e) => setDaily(e.currentTarget.value)} />
      </label>
      <label>
        {t('rates.period_cap')}
        <input name="period_cap" inputMode="decimal" value={monthly} onInput={(e) => setMonthly(e.currentTarget.value)} />
      </label>
      <label>
        {t('rates.rounding')}
        <span class="row">
          <select value={to} onChange={(e) => setTo(e.currentTarget.value)}>
            {['fen', 'jiao', 'yuan'].map((r) => (
              <option value={r}>{tOr(`rounding.${r}`, '')}</option>
            ))}
          </select>
          <select value={mode} onChange={(e) => setMode(e.currentTarget.value)}>
            {['half_up', 'floor'].map((r) => (
              <option value={r}>{tOr(`rounding.${r}`, '')}</option>
            ))}
          </select>
        </span>
      </label>
      {error && <p class="error">{error}</p>}
      <div class="row">
        <button class="primary" type="submit" data-testid="rate-save">
          {t('rates.save')}
        </button>
        <button type="button" onClick={onCancel}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

function VehicleList({ editable }: { editable: boolean }) {
  const dir = useDirectory();
  const [histories, setHistories] = useState<Record<string, VehicleItem[]>>({});
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState('');
  const reps: Employee[] = dir ? [...dir.employees.values()].filter((e) => e.role === 'field' && e.active).sort((a, b) => a.name.localeCompare(b.name)) : [];
  const key = reps.map((r) => r.id).join(',');

  useEffect(() => {
    let live = true;
    void Promise.all(
      reps.map((r) =>
        api.get<Vehicles>(`/employees/${r.id}/vehicles`).then(
          (v) => [r.id, v.items] as const,
          () => [r.id, []] as const,
        ),
      ),
    ).then((pairs) => live && setHistories(Object.fromEntries(pairs)));
    return () => {
      live = false;
    };
  }, [key]);

  const save = async (id: string, item: VehicleItem) => {
    setError('');
    const items = [...(histories[id] ?? []).filter((x) => x.from !== item.from), item].sort((a, b) => a.from.localeCompare(b.from));
    try {
      const v = await api.put<Vehicles>(`/employees/${id}/vehicles`, { items } satisfies Vehicles);
      setHistories((h) => ({ ...h, [id]: v.items }));
      setEditing(null);
    } catch (e) {
      setError(errorText(e));
    }
  };

  return (
    <section class="panel page" data-testid="vehicles">
      <h2>{t('vehicles.title')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!dir && <p class="muted">{t('loading')}</p>}
      {dir && (
        <table class="table" data-testid="vehicle-list">
          <thead>
            <tr>
              <th>{t('vehicles.person')}</th>
              <th>{t('vehicles.kind')}</th>
              <th>{t('vehicles.plate')}</th>
              <th>{t('vehicles.from')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {reps.map((r) => {
              const items = histories[r.id] ?? [];
              const now = items.filter((x) => x.from <= todayInZone()).pop() ?? items[0];
              return (
                <tr class="static" data-employee={r.id}>
                  <td>{r.name}</td>
                  <td>{now ? tOr(`claim.vehicle.${now.kind}`, '') : <span class="muted">{t('vehicles.none')}</span>}</td>
                  <td>{now?.plate ?? ''}</td>
                  <td>{now ? fmtDate(now.from) : ''}</td>
                  <td class="actions">
                    {editable && editing !== r.id && (
                      <button onClick={() => setEditing(r.id)} data-testid="vehicle-edit">
                        {t('vehicles.change')}
                      </button>
                    )}
                    {editing === r.id && <VehicleForm current={now} onSave={(v) => save(r.id, v)} onCancel={() => setEditing(null)} />}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function VehicleForm({ current, onSave, onCancel }: { current?: VehicleItem; onSave: (v: VehicleItem) => void; onCancel: () => void }) {
  const [kind, setKind] = useState<string>(current?.kind ?? 'private_car');
  const [plate, setPlate] = useState(current?.plate ?? '');
  const [from, setFrom] = useState(todayInZone());
  return (
    <form
      class="row vehicle-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave({ from, kind: kind as VehicleItem['kind'], ...(plate.trim() ? { plate: plate.trim() } : {}) });
      }}
    >
      <select value={kind} onChange={(e) => setKind(e.currentTarget.value)} aria-label={t('vehicles.kind')}>
        {VEHICLES.map((v) => (
          <option value={v}>{tOr(`claim.vehicle.${v}`, '')}</option>
        ))}
      </select>
      <input value={plate} maxLength={16} placeholder={t('vehicles.plate')} onInput={(e) => setPlate(e.currentTarget.value)} aria-label={t('vehicles.plate')} />
      <input type="date" value={from} onInput={(e) => setFrom(e.currentTarget.value)} aria-label={t('vehicles.from')} />
      <button class="primary" type="submit">
        {t('vehicles.save')}
      </button>
      <button type="button" onClick={onCancel}>
        {t('cancel')}
      </button>
    </form>
  );
}
