// One report form: its name and fields (key, label, type, required, help and the limits
// that type takes). A new form is created with POST; saving an existing one makes the
// next version with PUT. Older versions open read-only. The server's 422 names fields as
// `fields[2].options`; each problem is shown beside that field.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText, problemPhrase, problemText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { MessageKey } from '../shared/messages';
import type { FieldType, Form, FormField, FormInput } from '../shared/types';
import { api } from './session';

const TYPES: FieldType[] = ['text', 'number', 'single_select', 'multi_select', 'date', 'boolean', 'photo', 'signature'];

/** A field as edited: numbers and options kept as typed. */
interface Draft {
  key: string;
  label: string;
  type: FieldType;
  required: boolean;
  help: string;
  max_length: string;
  min: string;
  max: string;
  integer: boolean;
  options: string;
  min_count: string;
  max_count: string;
}

const str = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));

function toDraft(f: FormField): Draft {
  return {
    key: f.key,
    label: f.label,
    type: f.type,
    required: f.required ?? false,
    help: f.help ?? '',
    max_length: str(f.max_length),
    min: str(f.min),
    max: str(f.max),
    integer: f.integer ?? false,
    options: (f.options ?? []).join('\n'),
    min_count: str(f.min_count),
    max_count: str(f.max_count),
  };
}

function blank(n: number): Draft {
  return toDraft({ key: `field_${n}`, label: '', type: 'text' });
}

function toField(d: Draft): FormField {
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const f: FormField = { key: d.key.trim(), label: d.label.trim(), type: d.type, required: d.required };
  if (d.help.trim()) f.help = d.help.trim();
  if (d.type === 'text' && num(d.max_length) !== undefined) f.max_length = num(d.max_length);
  if (d.type === 'number') {
    if (num(d.min) !== undefined) f.min = num(d.min);
    if (num(d.max) !== undefined) f.max = num(d.max);
    if (d.integer) f.integer = true;
  }
  if (d.type === 'single_select' || d.type === 'multi_select')
    f.options = d.options.split('\n').map((o) => o.trim()).filter(Boolean);
  if (d.type === 'multi_select' || d.type === 'photo') {
    if (num(d.min_count) !== undefined) f.min_count = num(d.min_count);
    if (num(d.max_count) !== undefined) f.max_count = num(d.max_count);
  }
  return f;
}

/** `fields[2].options` → [2, 'options']; `fields[2]` → [2, '']; anything else → null. */
export function fieldPath(path: string): [number, string] | null {
  const m = /^fields\[(\d+)\](?:\.(.+))?$/.exec(path);
  return m ? [Number(m[1]), m[2] ?? ''] : null;
}

export function FormEditor({
  form,
  onSaved,
  readOnly = false,
}: {
  form: Form | null;
  onSaved: (f: Form) => void;
  /** Shown but not editable (a manager reads forms; only an admin changes them). */
  readOnly?: boolean;
}) {
  const [name, setName] = useState(form?.name ?? '');
  const [fields, setFields] = useState<Draft[]>(() => (form ? form.fields.map(toDraft) : [blank(1)]));
  const [problems, setProblems] = useState<{ field: string; problem: string }[]>([]);
  const [error, setError] = useState('');
  const [saved, setSaved] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  /** An older version being looked at (read-only), or null for the editable current one. */
  const [old, setOld] = useState<Form | null>(null);

  useEffect(() => setOld(null), [form?.id, form?.version]);

  const set = (i: number, patch: Partial<Draft>) => setFields((fs) => fs.map((f, j) => (j === i ? { ...f, ...patch } : f)));
  const move = (i: number, by: number) =>
    setFields((fs) => {
      const j = i + by;
      if (j < 0 || j >= fs.length) return fs;
      const copy = [...fs];
      [copy[i], copy[j]] = [copy[j], copy[i]];
      return copy;
    });

  const save = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    setProblems([]);
    setSaved(null);
    try {
      const body: FormInput = { name: name.trim(), fields: fields.map(toField) };
      const f = form
        ? await api.put<Form>(`/forms/${form.id}`, body)
        : await api.post<Form>('/forms', body);
      setSaved(f.version);
      onSaved(f);
    } catch (err) {
      if (err instanceof ApiError && err.fields.length) {
        setProblems(err.fields);
        setError(t('forms.fix_errors'));
      } else setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const viewVersion = async (v: number) => {
    if (!form || v === form.version) return setOld(null);
    try {
      setOld(await api.get<Form>(`/forms/${form.id}`, { version: v }));
    } catch (err) {
      setError(errorText(err));
    }
  };

  const top = problems.filter((p) => !fieldPath(p.field));
  const shown = old ? old.fields.map(toDraft) : fields;
  return (
    <form class="form form-editor" onSubmit={save} data-testid="form-editor" noValidate>
      <div class="row between">
        <h2>{form ? (old ?? form).name : t('forms.new')}</h2>
        {form && (
          <label class="inline">
            {t('forms.versions')}
            <select
              value={String(old?.version ?? form.version)}
              onChange={(e) => void viewVersion(Number(e.currentTarget.value))}
              data-testid="form-version"
            >
              {Array.from({ length: form.version }, (_, i) => form.version - i).map((v) => (
                <option value={String(v)}>{v === form.version ? t('forms.current', { n: v }) : t('forms.version', { n: v })}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {old && (
        <p class="badge warn old-version" data-testid="old-version" data-version={old.version}>
          {t('forms.old_version', { n: old.version })}{' '}
          <button type="button" class="link" onClick={() => setOld(null)}>
            {t('forms.back_to_current')}
          </button>
        </p>
      )}
      <fieldset class="plain-fieldset" disabled={!!old || readOnly}>
        <label>
          {t('forms.name')}
          <input name="form-name" value={old ? old.name : name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        {top.map((p) => (
          <p class="error small" data-problem={p.field}>
            {problemText(p)}
          </p>
        ))}
        <h3>{t('forms.fields')}</h3>
        <ol class="field-list">
          {shown.map((d, i) => (
            <FieldEditor
              d={d}
              index={i}
              count={shown.length}
              problems={problems.filter((p) => fieldPath(p.field)?.[0] === i)}
              set={(patch) => set(i, patch)}
              move={(by) => move(i, by)}
              remove={() => setFields((fs) => fs.filter((_, j) => j !== i))}
            />
          ))}
        </ol>
        {!old && !readOnly && (
          <div class="row">
            <button type="button" onClick={() => setFields((fs) => [...fs, blank(fs.length + 1)])} data-testid="add-field">
              + {t('forms.add_field')}
            </button>
          </div>
        )}
      </fieldset>
      {!old && !readOnly && (
        <div class="row">
          <button class="primary" type="submit" disabled={busy} data-testid="form-save">
            {form ? t('forms.save_version', { n: form.version + 1 }) : t('forms.save_new')}
          </button>
          {saved !== null && (
            <span class="badge ok" data-testid="form-saved" data-version={saved}>
              {t('forms.saved', { n: saved })}
            </span>
          )}
        </div>
      )}
      {error && (
        <p class="error" role="alert" data-testid="form-error">
          {error}
        </p>
      )}
    </form>
  );
}

function FieldEditor(props: {
  d: Draft;
  index: number;
  count: number;
  problems: { field: string; problem: string }[];
  set: (patch: Partial<Draft>) => void;
  move: (by: number) => void;
  remove: () => void;
}) {
  const { d, index, set } = props;
  /** The problem the server named for this field's `sub` property ('' = the field). */
  const problem = (...subs: string[]) =>
    props.problems
      .filter((p) => subs.includes(fieldPath(p.field)?.[1] ?? '-'))
      .map((p) => (
        <small class="error field-problem" data-problem={p.field}>
          {problemPhrase(p)}
        </small>
      ));
  const text = (label: MessageKey, prop: keyof Draft, type = 'text') => (
    <label>
      {t(label)}
      <input
        type={type}
        name={`fields[${index}].${prop}`}
        value={d[prop] as string}
        onInput={(e) => set({ [prop]: e.currentTarget.value } as Partial<Draft>)}
      />
      {problem(prop)}
    </label>
  );
  return (
    <li class={'field-editor' + (props.problems.length ? ' has-problem' : '')} data-index={index}>
      <div class="row">
        {text('forms.key', 'key')}
        {text('forms.label', 'label')}
        <label>
          {t('forms.type')}
          <select name={`fields[${index}].type`} value={d.type} onChange={(e) => set({ type: e.currentTarget.value as FieldType })}>
            {TYPES.map((ty) => (
              <option value={ty}>{t(`ftype.${ty}` as MessageKey)}</option>
            ))}
          </select>
          {problem('type')}
        </label>
      </div>
      <div class="row">
        <label class="check">
          <input type="checkbox" name={`fields[${index}].required`} checked={d.required} onChange={(e) => set({ required: e.currentTarget.checked })} />
          {t('forms.required')}
        </label>
        {text('forms.help', 'help')}
      </div>
      {d.type === 'text' && <div class="row">{text('forms.max_length', 'max_length', 'number')}</div>}
      {d.type === 'number' && (
        <div class="row">
          {text('forms.min', 'min', 'number')}
          {text('forms.max', 'max', 'number')}
          <label class="check">
            <input type="checkbox" name={`fields[${index}].integer`} checked={d.integer} onChange={(e) => set({ integer: e.currentTarget.checked })} />
            {t('forms.integer')}
          </label>
        </div>
      )}
      {(d.type === 'single_select' || d.type === 'multi_select') && (
        <label>
          {t('forms.options')}
          <textarea name={`fields[${index}].options`} rows={3} value={d.options} onInput={(e) => set({ options: e.currentTarget.value })} />
          {problem('options')}
        </label>
      )}
      {(d.type === 'multi_select' || d.type === 'photo') && (
        <div class="row">
          {text('forms.min_count', 'min_count', 'number')}
          {text('forms.max_count', 'max_count', 'number')}
        </div>
      )}
      {problem('')}
      {props.problems
        .filter((p) => !['', 'key', 'label', 'type', 'help', 'max_length', 'min', 'max', 'options', 'min_count', 'max_count'].includes(fieldPath(p.field)?.[1] ?? ''))
        .map((p) => (
          <small class="error field-problem" data-problem={p.field}>
            {problemText(p)}
          </small>
        ))}
      <div class="row field-buttons">
        <button type="button" class="tiny" disabled={index === 0} onClick={() => props.move(-1)} title={t('forms.up')} aria-label={t('forms.up')}>
          ↑
        </button>
        <button type="button" class="tiny" disabled={index === props.count - 1} onClick={() => props.move(1)} title={t('forms.down')} aria-label={t('forms.down')}>
          ↓
        </button>
        <button type="button" class="tiny" onClick={props.remove} data-testid="remove-field">
          {t('forms.remove')}
        </button>
      </div>
    </li>
  );
}
