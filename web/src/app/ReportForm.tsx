// The visit report, rendered from the tenant's form definition: one input per field
// type, required fields checked before it is queued (the server checks again and names
// the field if anything is still wrong).
import { useState } from 'preact/hooks';
import { t } from '../shared/i18n';
import type { Form, FormField } from '../shared/types';
import { LocalPhoto } from './Photos';
import { SignaturePad } from './SignaturePad';

type Answers = Record<string, unknown>;

export function ReportForm({
  form,
  onSubmit,
  onPhoto,
  onSignature,
}: {
  form: Form;
  onSubmit: (answers: Answers) => void;
  /** Takes a visit photo and resolves to its id. */
  onPhoto: () => Promise<string | null>;
  /** Uploads a drawn signature (PNG) like a visit photo and resolves to its id. */
  onSignature: (png: Blob) => Promise<string>;
}) {
  const [answers, setAnswers] = useState<Answers>({});
  const [missing, setMissing] = useState<string[]>([]);
  const set = (k: string, v: unknown) => setAnswers((a) => ({ ...a, [k]: v }));

  const submit = (e: Event) => {
    e.preventDefault();
    const empty = form.fields
      .filter((f) => f.required && isEmpty(answers[f.key]))
      .map((f) => f.key);
    setMissing(empty);
    if (empty.length) return;
    const clean: Answers = {};
    for (const [k, v] of Object.entries(answers)) if (!isEmpty(v)) clean[k] = v;
    onSubmit(clean);
  };

  return (
    <form class="report" onSubmit={submit} data-testid="report-form" noValidate>
      <h3>{form.name}</h3>
      {form.fields.map((f) => (
        <div class={missing.includes(f.key) ? 'field missing' : 'field'} data-field={f.key}>
          <FieldInput field={f} value={answers[f.key]} set={(v) => set(f.key, v)} onPhoto={onPhoto} onSignature={onSignature} />
          {f.help && <small class="muted">{f.help}</small>}
          {missing.includes(f.key) && <small class="error">{t('report.required')}</small>}
        </div>
      ))}
      <button type="submit" class="primary" data-testid="report-submit">
        {t('report.submit')}
      </button>
    </form>
  );
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === '' || v === null || (Array.isArray(v) && v.length === 0);
}

function FieldInput({
  field: f,
  value,
  set,
  onPhoto,
  onSignature,
}: {
  field: FormField;
  value: unknown;
  set: (v: unknown) => void;
  onPhoto: () => Promise<string | null>;
  onSignature: (png: Blob) => Promise<string>;
}) {
  const label = (
    <span class="label">
      {f.label}
      {f.required && <span class="req"> *</span>}
    </span>
  );
  switch (f.type) {
    case 'text':
      return (
        <label>
          {label}
          <textarea
            name={f.key}
            maxLength={f.max_length ?? undefined}
            value={(value as string) ?? ''}
            onInput={(e) => set(e.currentTarget.value)}
          />
        </label>
      );
    case 'number':
      return (
        <label>
          {label}
          <input
            name={f.key}
            type="number"
            inputMode={f.integer ? 'numeric' : 'decimal'}
            step={f.integer ? 1 : 'any'}
            min={f.min ?? undefined}
            max={f.max ?? undefined}
            value={value === undefined ? '' : String(value)}
            onInput={(e) => {
              const s = e.currentTarget.value;
              set(s === '' ? undefined : Number(s));
            }}
          />
        </label>
      );
    case 'single_select':
      return (
        <label>
          {label}
          <select name={f.key} value={(value as string) ?? ''} onChange={(e) => set(e.currentTarget.value)}>
            <option value="">{t('report.choose')}</option>
            {(f.options ?? []).map((o) => (
              <option value={o}>{o}</option>
            ))}
          </select>
        </label>
      );
    case 'multi_select': {
      const chosen = (value as string[]) ?? [];
      return (
        <fieldset>
          <legend>{label}</legend>
          {(f.options ?? []).map((o) => (
            <label class="check">
              <input
                type="checkbox"
                name={f.key}
                value={o}
                checked={chosen.includes(o)}
                onChange={(e) =>
                  set(e.currentTarget.checked ? [...chosen, o] : chosen.filter((c) => c !== o))
                }
              />
              {o}
            </label>
          ))}
        </fieldset>
      );
    }
    case 'date':
      return (
        <label>
          {label}
          <input name={f.key} type="date" value={(value as string) ?? ''} onInput={(e) => set(e.currentTarget.value)} />
        </label>
      );
    case 'boolean':
      return (
        <fieldset class="yesno">
          <legend>{label}</legend>
          <label class="check">
            <input type="radio" name={f.key} checked={value === true} onChange={() => set(true)} />
            {t('yes')}
          </label>
          <label class="check">
            <input type="radio" name={f.key} checked={value === false} onChange={() => set(false)} />
            {t('no')}
          </label>
        </fieldset>
      );
    case 'photo': {
      const ids = (value as string[]) ?? [];
      return (
        <fieldset>
          <legend>{label}</legend>
          <div class="thumbs">
            {ids.map((id) => (
              <LocalPhoto id={id} />
            ))}
          </div>
          {ids.length < (f.max_count ?? 9) && (
            <button
              type="button"
              data-testid={`photo-field-${f.key}`}
              onClick={async () => {
                const id = await onPhoto();
                if (id) set([...ids, id]);
              }}
            >
              {t('visit.take_photo')}
            </button>
          )}
        </fieldset>
      );
    }
    case 'signature':
      return (
        <fieldset>
          <legend>{label}</legend>
          {typeof value === 'string' ? (
            <div class="signed" data-testid={`signature-done-${f.key}`} data-photo={value}>
              <LocalPhoto id={value} />
              <button type="button" onClick={() => set(undefined)}>
                {t('signature.redo')}
              </button>
            </div>
          ) : (
            <SignaturePad name={f.key} onDone={async (png) => set(await onSignature(png))} />
          )}
        </fieldset>
      );
    default:
      return (
        <p class="muted">
          {label} — {t('report.unsupported')}
        </p>
      );
  }
}
