// Report forms: the tenant's forms on the left, the editor on the right. Saving an
// existing form makes a new version (visits keep the version they were filled with);
// any older version can be opened read-only.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDateTime, t } from '../shared/i18n';
import type { Form, FormList } from '../shared/types';
import { useLang } from '../shared/ui';
import { FormEditor } from './FormEditor';
import { may, useRole } from './roles';
import { api } from './session';

export function Forms() {
  const lang = useLang();
  const editable = may(useRole(), 'forms.edit');
  const [forms, setForms] = useState<Form[] | null>(null);
  const [selected, setSelected] = useState<string | 'new' | null>(null);
  const [error, setError] = useState('');

  const load = () =>
    api.get<FormList>('/forms').then(
      ({ items: f }) => setForms([...f].sort((a, b) => a.name.localeCompare(b.name, lang))),
      (e) => setError(errorText(e)),
    );
  useEffect(() => void load(), []);

  const current = forms?.find((f) => f.id === selected) ?? null;
  return (
    <div class="split">
      <section class="panel" data-testid="forms-list">
        <div class="panel-head">
          <h2>{t('forms.title')}</h2>
          {editable && (
            <button class="primary" onClick={() => setSelected('new')} data-testid="form-new">
              {t('forms.new')}
            </button>
          )}
        </div>
        {error && <p class="error">{error}</p>}
        {forms && forms.length === 0 && <p class="muted">{t('forms.none')}</p>}
        <ul class="people">
          {(forms ?? []).map((f) => (
            <li
              class={f.id === selected ? 'selected-item' : ''}
              onClick={() => setSelected(f.id)}
              data-form={f.id}
              data-version={f.version}
            >
              <span class="dot stopped" />
              <strong>{f.name}</strong>
              <span class="muted">
                {t('forms.version', { n: f.version })} · {f.fields.length} · {fmtDateTime(f.created_at)}
              </span>
            </li>
          ))}
        </ul>
      </section>
      <section class="panel page form-editor-wrap">
        {selected === 'new' && (
          <FormEditor
            key="new"
            form={null}
            onSaved={(f) => {
              void load();
              setSelected(f.id);
            }}
          />
        )}
        {!editable && <p class="muted small">{t('console.read_only')}</p>}
        {current && (
          <FormEditor key={`${current.id}:${current.version}`} form={current} readOnly={!editable} onSaved={() => void load()} />
        )}
      </section>
    </div>
  );
}
