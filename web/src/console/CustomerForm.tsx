// Create or edit one customer. The location is set by clicking the map beside the form
// (or typed); it is sent in the datum of the tiles on screen.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import { uuid } from '../shared/ids';
import type { Customer, CustomerInput, Employee, Level } from '../shared/types';
import { api } from './session';

export interface LocationPick {
  lat: number;
  lon: number;
  coord_system: string;
}

export function CustomerForm(props: {
  initial: Partial<Customer>;
  picked: LocationPick | null;
  reps: Employee[];
  onSaved: (c: Customer) => void;
  onClose: () => void;
}) {
  const c0 = props.initial;
  const [name, setName] = useState(c0.name ?? '');
  const [code, setCode] = useState(c0.code ?? '');
  const [address, setAddress] = useState(c0.address ?? '');
  const [level, setLevel] = useState<Level>(c0.level ?? 'C');
  const [owner, setOwner] = useState(c0.owner_id ?? '');
  const [radius, setRadius] = useState(c0.checkin_radius_m?.toString() ?? '');
  const [tags, setTags] = useState((c0.tags ?? []).join(', '));
  const [loc, setLoc] = useState<LocationPick | null>(c0.location ?? null);
  const [error, setError] = useState('');
  useEffect(() => {
    if (props.picked) setLoc(props.picked);
  }, [props.picked]);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const body: CustomerInput = {
      name,
      code: code || null,
      address: address || null,
      level,
      owner_id: owner || null,
      checkin_radius_m: radius ? Number(radius) : null,
      tags: tags.split(/[,，;；]/).map((x) => x.trim()).filter(Boolean),
      location: loc,
    };
    try {
      const saved = c0.id
        ? await api.put<Customer>(`/customers/${c0.id}`, body)
        : await api.post<Customer>('/customers', { id: uuid(), ...body });
      props.onSaved(saved);
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <form class="panel detail form" onSubmit={submit} data-testid="customer-form">
      <div class="panel-head">
        <h2>{c0.id ? t('customers.edit') : t('customers.new')}</h2>
        <button type="button" onClick={props.onClose} aria-label={t('close')}>×</button>
      </div>
      <label>
        {t('customers.name')}
        <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('customers.code')}
        <input name="code" value={code} onInput={(e) => setCode(e.currentTarget.value)} />
      </label>
      <label>
        {t('customers.address')}
        <input name="address" value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
      </label>
      <div class="row">
        <label>
          {t('customers.level')}
          <select name="level" value={level} onChange={(e) => setLevel(e.currentTarget.value as Level)}>
            <option>A</option>
            <option>B</option>
            <option>C</option>
          </select>
        </label>
        <label>
          {t('customers.radius')}
          <input name="radius" type="number" min="10" value={radius} onInput={(e) => setRadius(e.currentTarget.value)} />
        </label>
      </div>
      <label>
        {t('customers.owner')}
        <select name="owner" value={owner} onChange={(e) => setOwner(e.currentTarget.value)}>
          <option value="">{t('none')}</option>
          {props.reps.map((r) => (
            <option value={r.id}>{r.name}</option>
          ))}
        </select>
      </label>
      <label>
        {t('customers.tags')}
        <input name="tags" value={tags} onInput={(e) => setTags(e.currentTarget.value)} />
      </label>
      <fieldset>
        <legend>{t('customers.location')}</legend>
        <p class="muted small">{t('customers.pick')}</p>
        <div class="row">
          <label>
            {t('customers.lat')}
            <input
              name="lat"
              type="number"
              step="any"
              value={loc?.lat ?? ''}
              onInput={(e) => setLoc({ lat: Number(e.currentTarget.value), lon: loc?.lon ?? 0, coord_system: loc?.coord_system ?? 'wgs84' })}
            />
          </label>
          <label>
            {t('customers.lon')}
            <input
              name="lon"
              type="number"
              step="any"
              value={loc?.lon ?? ''}
              onInput={(e) => setLoc({ lat: loc?.lat ?? 0, lon: Number(e.currentTarget.value), coord_system: loc?.coord_system ?? 'wgs84' })}
            />
          </label>
        </div>
      </fieldset>
      {error && <p class="error" role="alert">{error}</p>}
      <button class="primary" type="submit" data-testid="customer-save">{t('save')}</button>
    </form>
  );
}
