// Customers: a searchable list beside a map of the same shops; create and edit (a click
// on the map sets the location), import from Excel/CSV with its row-error report,
// export, and the prospects reps created in the field waiting for approval.
import { useEffect, useRef, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import { createMap, currentTiles, L, type OutfieldMap } from '../shared/map';
import type { Customer, CustomerPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { CustomerForm, type LocationPick } from './CustomerForm';
import { CustomerImport } from './CustomerImport';
import { useDirectory } from './directory';
import { escapeHtml } from './LiveMap';
import { api } from './session';

/** Every customer matching the filter, page by page (up to 5,000). */
async function allPages(query: Record<string, string | undefined>): Promise<Customer[]> {
  const out: Customer[] = [];
  let cursor: string | undefined;
  do {
    const p = await api.get<CustomerPage>('/customers', { ...query, limit: 500, cursor });
    out.push(...p.items);
    cursor = p.next_cursor ?? undefined;
  } while (cursor && out.length < 5000);
  return out;
}

const LEVEL_COLOR: Record<string, string> = { A: '#dc2626', B: '#2563eb', C: '#6b7280' };

export function Customers() {
  useLang();
  const dir = useDirectory();
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<OutfieldMap | null>(null);
  const layer = useRef<L.LayerGroup | null>(null);
  const [q, setQ] = useState('');
  const [level, setLevel] = useState('');
  const [items, setItems] = useState<Customer[]>([]);
  const [error, setError] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  const [side, setSide] = useState<{ kind: 'form'; c: Partial<Customer> } | { kind: 'import' } | null>(null);
  const [picked, setPicked] = useState<LocationPick | null>(null);
  const pickMarker = useRef<L.CircleMarker | null>(null);
  const [reload, setReload] = useState(0);
  const sideRef = useRef(side);
  sideRef.current = side;

  useEffect(() => {
    const m = createMap(el.current!);
    mapRef.current = m;
    layer.current = L.layerGroup().addTo(m.map);
    // With the form open, a click on the map sets the customer's location (in the datum
    // of the tiles, which the API converts).
    m.map.on('click', (e: L.LeafletMouseEvent) => {
      if (sideRef.current?.kind !== 'form') return;
      setPicked({ lat: +e.latlng.lat.toFixed(6), lon: +e.latlng.lng.toFixed(6), coord_system: currentTiles().datum });
      pickMarker.current?.remove();
      pickMarker.current = L.circleMarker(e.latlng, { radius: 9, color: '#dc2626', weight: 3 }).addTo(m.map);
    });
    return () => m.map.remove();
  }, []);

  useEffect(() => {
    const timer = setTimeout(() => {
      allPages({ q, level, status: pending ? 'pending' : undefined }).then(
        (list) => {
          setItems(list);
          setError('');
        },
        (e) => setError(errorText(e)),
      );
    }, 250);
    return () => clearTimeout(timer);
  }, [q, level, pending, reload]);

  const openSide = (s: typeof side) => {
    setSide(s);
    setPicked(null);
    pickMarker.current?.remove();
  };

  const exportFile = async (format: 'csv' | 'xlsx') => {
    try {
      const url = await api.objectUrl(`/customers/export?format=${format}`);
      const a = document.createElement('a');
      a.href = url;
      a.download = `customers.${format}`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setError(errorText(e));
    }
  };

  const approve = async (c: Customer) => {
    try {
      await api.post(`/customers/${c.id}/approve`);
      setReload((n) => n + 1);
    } catch (e) {
      setError(errorText(e));
    }
  };

  useEffect(() => {
    const m = mapRef.current;
    const g = layer.current;
    if (!m || !g) return;
    g.clearLayers();
    for (const c of items) {
      if (!c.location) continue;
      L.circleMarker(m.toMap(c.location.lat, c.location.lon), {
        radius: c.id === selected ? 9 : 5,
        color: LEVEL_COLOR[c.level] ?? '#6b7280',
        fillOpacity: 0.7,
        weight: c.id === selected ? 3 : 1,
      })
        .bindTooltip(`${escapeHtml(c.name)} (${c.level})`)
        .on('click', () => setSelected(c.id))
        .addTo(g);
    }
  }, [items, selected]);

  const focus = (c: Customer) => {
    setSelected(c.id);
    if (c.location) mapRef.current?.map.setView(mapRef.current.toMap(c.location.lat, c.location.lon), 16);
  };

  return (
    <div class="split wide">
      <section class="panel list-panel">
        <div class="filters">
          <label>
            {t('search')}
            <input type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} data-testid="customer-q" />
          </label>
          <label>
            {t('customers.level')}
            <select value={level} onChange={(e) => setLevel(e.currentTarget.value)}>
              <option value="">{t('all')}</option>
              <option>A</option>
              <option>B</option>
              <option>C</option>
            </select>
          </label>
          <label class="check">
            <input type="checkbox" checked={pending} onChange={(e) => setPending(e.currentTarget.checked)} data-testid="customers-pending" />
            {t('customers.pending')}
          </label>
          <span class="muted">{t('customers.count', { n: items.length })}</span>
        </div>
        <div class="row toolbar">
          <button class="primary" onClick={() => openSide({ kind: 'form', c: {} })} data-testid="customer-new">
            {t('customers.new')}
          </button>
          <button onClick={() => openSide({ kind: 'import' })} data-testid="customer-import">
            {t('customers.import')}
          </button>
          <button onClick={() => void exportFile('csv')} data-testid="export-csv">
            {t('customers.export')} CSV
          </button>
          <button onClick={() => void exportFile('xlsx')} data-testid="export-xlsx">
            {t('customers.export')} Excel
          </button>
        </div>
        {error && <p class="error">{error}</p>}
        <table class="table" data-testid="customers">
          <thead>
            <tr>
              <th>{t('customers.name')}</th>
              <th>{t('customers.level')}</th>
              <th>{t('customers.address')}</th>
              <th>{t('customers.owner')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr class={c.id === selected ? 'selected' : ''} onClick={() => focus(c)}>
                <td>{c.name}</td>
                <td>{c.level}</td>
                <td>{c.address}</td>
                <td>{c.owner_id ? dir?.employeeName(c.owner_id) : ''}</td>
                <td class="actions">
                  {c.status === 'pending' ? (
                    <button
                      class="tiny primary"
                      data-testid="approve"
                      onClick={(e) => {
                        e.stopPropagation();
                        void approve(c);
                      }}
                    >
                      {t('customers.approve')}
                    </button>
                  ) : null}
                  <button
                    class="tiny"
                    data-testid="customer-edit"
                    onClick={(e) => {
                      e.stopPropagation();
                      focus(c);
                      openSide({ kind: 'form', c });
                    }}
                  >
                    {t('edit')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <div class={'map' + (side?.kind === 'form' ? ' drawing' : '')} ref={el} data-testid="customers-map" />
      {side?.kind === 'form' && (
        <CustomerForm
          key={side.c.id ?? 'new'}
          initial={side.c}
          picked={picked}
          reps={dir ? [...dir.employees.values()].filter((e) => e.role === 'field') : []}
          onSaved={(c) => {
            openSide(null);
            setSelected(c.id);
            setReload((n) => n + 1);
            dir?.customers.set(c.id, c);
          }}
          onClose={() => openSide(null)}
        />
      )}
      {side?.kind === 'import' && (
        <CustomerImport
          onImported={() => {
            setReload((n) => n + 1);
            void dir?.load();
          }}
          onClose={() => openSide(null)}
        />
      )}
    </div>
  );
}
