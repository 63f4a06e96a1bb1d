// Rules for the company or one department (a department's rule overrides the company's
// for its people and sub-departments): attendance (work days, shift, grace, photo, allowed
// places), visits (radius, minimum minutes, photos, default report form) and tracking
// (when and how often phones send fixes); geofences beside them on the map.
import { useEffect, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type {
  AttendanceRule,
  Department,
  DepartmentList,
  Form,
  FormList,
  Geofence,
  GeofenceList,
  TrackingRule,
  TrackingRuleSet,
  VisitRule,
} from '../shared/types';
import { useLang } from '../shared/ui';
import { Geofences } from './Geofences';
import { may, useRole } from './roles';
import { api } from './session';

const DAYS = [1, 2, 3, 4, 5, 6, 7];

/** `tenant` for the company, else a department id (as the API's `{scope}`). */
type Scope = string;

export function Rules() {
  useLang();
  const role = useRole();
  const [scope, setScope] = useState<Scope>('tenant');
  const [departments, setDepartments] = useState<Department[]>([]);
  useEffect(() => {
    api.get<DepartmentList>('/departments').then((p) => setDepartments(p.items), () => {});
  }, []);
  return (
    <div class="split">
      <section class="panel rules" data-testid="rules">
        <label class="scope">
          {t('rules.scope')}
          <select value={scope} onChange={(e) => setScope(e.currentTarget.value)} data-testid="rules-scope">
            <option value="tenant">{t('rules.scope_company')}</option>
            {departments.map((d) => (
              <option value={d.id}>{d.name}</option>
            ))}
          </select>
        </label>
        <p class="muted small">{scope === 'tenant' ? t('rules.tenant_scope') : t('rules.dept_scope')}</p>
        {!may(role, 'rules.edit') && <p class="muted small" data-testid="read-only">{t('console.read_only')}</p>}
        <AttendanceForm key={`a-${scope}`} scope={scope} />
        <VisitForm key={`v-${scope}`} scope={scope} />
        <TrackingForm key={`t-${scope}`} scope={scope} />
      </section>
      <Geofences readOnly={!may(role, 'rules.edit')} />
    </div>
  );
}

/** A titled form with a save button and its outcome. */
function RuleForm(props: { id: string; title: MessageKey; save: () => Promise<void>; children: ComponentChildren; extra?: ComponentChildren }) {
  // Managers read rules; only an admin may change them (Departments/Write).
  const readOnly = !may(useRole(), 'rules.edit');
  const [state, setState] = useState<{ ok?: boolean; error?: string }>({});
  const submit = async (e: Event) => {
    e.preventDefault();
    setState({});
    try {
      await props.save();
      setState({ ok: true });
    } catch (err) {
      setState({ error: errorText(err) });
    }
  };
  return (
    <form class="form rule-form" onSubmit={submit} data-testid={props.id}>
      <h2>{t(props.title)}</h2>
      <fieldset class="plain-fieldset" disabled={readOnly}>
        {props.children}
      </fieldset>
      {!readOnly && (
        <div class="row">
          <button class="primary" type="submit">{t('save')}</button>
          {state.ok && <span class="badge ok" data-testid="saved">{t('saved')}</span>}
          {props.extra}
        </div>
      )}
      {state.error && <p class="error" role="alert">{state.error}</p>}
    </form>
  );
}

function Weekdays({ value, onChange }: { value: number[]; onChange: (v: number[]) => void }) {
  return (
    <fieldset class="weekdays">
      <legend>{t('rules.weekdays')}</legend>
      {DAYS.map((d) => (
        <label class="check">
          <input
            type="checkbox"
            name={`weekday-${d}`}
            checked={value.includes(d)}
            onChange={(e) =>
              onChange(e.currentTarget.checked ? [...value, d].sort() : value.filter((x) => x !== d))
            }
          />
          {t(`weekday.${d}` as MessageKey)}
        </label>
      ))}
    </fieldset>
  );
}

function Num(props: { label: MessageKey; name: string; value: number | undefined; onInput: (n: number) => void; step?: string }) {
  return (
    <label>
      {t(props.label)}
      <input
        type="number"
        name={props.name}
        min="0"
        step={props.step ?? '1'}
        value={props.value ?? ''}
        onInput={(e) => props.onInput(Number(e.currentTarget.value))}
      />
    </label>
  );
}

function TimeRange(props: { label: MessageKey; name: string; value: { start: string; end: string }; onChange: (v: { start: string; end: string }) => void }) {
  return (
    <fieldset class="time-range">
      <legend>{t(props.label)}</legend>
      <input type="time" name={`${props.name}-start`} value={props.value.start} onInput={(e) => props.onChange({ ...props.value, start: e.currentTarget.value })} />
      –
      <input type="time" name={`${props.name}-end`} value={props.value.end} onInput={(e) => props.onChange({ ...props.value, end: e.currentTarget.value })} />
    </fieldset>
  );
}

function AttendanceForm({ scope }: { scope: Scope }) {
  const [rule, setRule] = useState<AttendanceRule | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    api.get<AttendanceRule>(`/attendance-rules/${scope}`).then(setRule, (e) => setError(errorText(e)));
  }, [scope]);
  const [fences, setFences] = useState<Geofence[]>([]);
  useEffect(() => {
    api.get<GeofenceList>('/geofences').then((p) => setFences(p.items), () => {});
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!rule) return <p class="muted">{t('loading')}</p>;
  const set = (patch: Partial<AttendanceRule>) => setRule((r) => ({ ...r!, ...patch }));
  const save = async () => setRule(await api.put<AttendanceRule>(`/attendance-rules/${scope}`, rule));
  return (
    <RuleForm id="attendance-rule" title="rules.attendance" save={save}>
      <Weekdays value={rule.weekdays} onChange={(weekdays) => set({ weekdays })} />
      <TimeRange label="rules.shift" name="shift" value={rule.shifts[0] ?? { start: '09:00', end: '18:00' }} onChange={(s) => set({ shifts: [s] })} />
      <div class="row">
        <Num label="rules.late_grace" name="late_grace_min" value={rule.late_grace_min} onInput={(n) => set({ late_grace_min: n })} />
        <Num label="rules.early_grace" name="early_leave_grace_min" value={rule.early_leave_grace_min} onInput={(n) => set({ early_leave_grace_min: n })} />
      </div>
      <label class="check">
        <input type="checkbox" name="photo_required" checked={rule.photo_required ?? false} onChange={(e) => set({ photo_required: e.currentTarget.checked })} />
        {t('rules.photo_required')}
      </label>
      {fences.length > 0 && (
        <fieldset>
          <legend>{t('rules.fences')}</legend>
          {fences.map((f) => (
            <label class="check">
              <input
                type="checkbox"
                checked={(rule.fence_ids ?? []).includes(f.id)}
                onChange={(e) =>
                  set({
                    fence_ids: e.currentTarget.checked
                      ? [...(rule.fence_ids ?? []), f.id]
                      : (rule.fence_ids ?? []).filter((x) => x !== f.id),
                  })
                }
              />
              {f.name}
            </label>
          ))}
        </fieldset>
      )}
    </RuleForm>
  );
}

function VisitForm({ scope }: { scope: Scope }) {
  const [rule, setRule] = useState<VisitRule | null>(null);
  const [forms, setForms] = useState<Form[]>([]);
  useEffect(() => {
    api.get<VisitRule>(`/visit-rules/${scope}`).then(setRule, () => setRule({}));
    api.get<FormList>('/forms').then((f) => setForms(f.items), () => {});
  }, [scope]);
  if (!rule) return <p class="muted">{t('loading')}</p>;
  const set = (patch: Partial<VisitRule>) => setRule((r) => ({ ...r, ...patch }));
  const save = async () => setRule(await api.put<VisitRule>(`/visit-rules/${scope}`, rule));
  return (
    <RuleForm id="visit-rule" title="rules.visit" save={save}>
      <div class="row">
        <Num label="rules.radius" name="checkin_radius_m" value={rule.checkin_radius_m} onInput={(n) => set({ checkin_radius_m: n })} />
        <Num label="rules.min_minutes" name="min_duration_min" value={rule.min_duration_min} onInput={(n) => set({ min_duration_min: n })} />
        <Num label="rules.photos" name="required_photos" value={rule.required_photos} onInput={(n) => set({ required_photos: n })} />
      </div>
      <label>
        {t('rules.default_form')}
        <select name="default_form_id" value={rule.default_form_id ?? ''} onChange={(e) => set({ default_form_id: e.currentTarget.value || null })}>
          <option value="">{t('none')}</option>
          {forms.map((f) => (
            <option value={f.id}>{f.name}</option>
          ))}
        </select>
      </label>
    </RuleForm>
  );
}

function TrackingForm({ scope }: { scope: Scope }) {
  const [rule, setRule] = useState<TrackingRule | null>(null);
  /** Whether this scope has its own rule (a department without one inherits). */
  const [own, setOwn] = useState(false);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    api
      .get<TrackingRuleSet>('/tracking-rules')
      .then((r) => {
        const mine = scope === 'tenant' ? r.tenant : r.departments[scope];
        setOwn(!!mine);
        setRule(mine ?? r.tenant ?? r.default);
      }, () => {});
  }, [scope, tick]);
  if (!rule) return <p class="muted">{t('loading')}</p>;
  const set = (patch: Partial<TrackingRule>) => setRule((r) => ({ ...r!, ...patch }));
  const save = async () => {
    setRule(await api.put<TrackingRule>(`/tracking-rules/${scope}`, rule));
    setOwn(true);
  };
  const remove = async () => {
    await api.request('DELETE', `/tracking-rules/${scope}`);
    setTick((n) => n + 1);
  };
  const extra =
    scope !== 'tenant' && own ? (
      <button type="button" onClick={() => void remove()} data-testid="tracking-remove">
        {t('rules.remove_override')}
      </button>
    ) : undefined;
  return (
    <RuleForm id="tracking-rule" title="rules.tracking" save={save} extra={extra}>
      {scope !== 'tenant' && (
        <p class="muted small" data-testid="tracking-own" data-own={String(own)}>
          {own ? t('rules.own_rule') : t('rules.inherited')}
        </p>
      )}
      <Weekdays value={rule.weekdays} onChange={(weekdays) => set({ weekdays })} />
      <TimeRange label="rules.windows" name="window" value={rule.windows[0] ?? { start: '09:00', end: '18:00' }} onChange={(w) => set({ windows: [w] })} />
      <div class="row">
        <Num label="rules.moving_s" name="moving_interval_s" value={rule.moving_interval_s} onInput={(n) => set({ moving_interval_s: n })} />
        <Num label="rules.stationary_s" name="stationary_interval_s" value={rule.stationary_interval_s} onInput={(n) => set({ stationary_interval_s: n })} />
      </div>
      <div class="row">
        <Num label="rules.min_distance" name="min_distance_m" value={rule.min_distance_m} onInput={(n) => set({ min_distance_m: n })} />
        <Num label="rules.accuracy" name="desired_accuracy_m" value={rule.desired_accuracy_m} onInput={(n) => set({ desired_accuracy_m: n })} />
      </div>
      <label class="check">
        <input type="checkbox" name="keep_outside_windows" checked={rule.keep_outside_windows ?? false} onChange={(e) => set({ keep_outside_windows: e.currentTarget.checked })} />
        {t('rules.keep_outside')}
      </label>
    </RuleForm>
  );
}
