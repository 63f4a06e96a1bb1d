// Import customers from Excel or CSV: check the file first (a dry run that saves nothing
// and lists every bad row with its column and problem), then import the good rows.
import { useState } from 'preact/hooks';
import { errorText, problemPhrase } from '../shared/errors';
import { t } from '../shared/i18n';
import type { ImportReport } from '../shared/types';
import { api } from './session';

export function CustomerImport({ onImported, onClose }: { onImported: () => void; onClose: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<ImportReport | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const send = async (dryRun: boolean) => {
    if (!file) return;
    setBusy(true);
    setError('');
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const r = await api.request<ImportReport>('POST', `/customers/import${dryRun ? '?dry_run=true' : ''}`, form);
      setReport(r);
      if (!dryRun) onImported();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const bad = new Set(report?.errors.map((e) => e.row));
  const good = report ? report.rows - bad.size : 0;
  return (
    <aside class="panel detail form" data-testid="import">
      <div class="panel-head">
        <h2>{t('customers.import')}</h2>
        <button onClick={onClose} aria-label={t('close')}>×</button>
      </div>
      <p class="muted small">{t('customers.import_help')}</p>
      <input
        type="file"
        accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        data-testid="import-file"
        onChange={(e) => {
          setFile(e.currentTarget.files?.[0] ?? null);
          setReport(null);
        }}
      />
      <div class="row">
        <button disabled={!file || busy} onClick={() => send(true)} data-testid="import-check">
          {t('customers.dry_run')}
        </button>
        <button
          class="primary"
          disabled={!file || busy || !report?.dry_run || good === 0}
          onClick={() => send(false)}
          data-testid="import-run"
        >
          {t('customers.do_import', { n: good })}
        </button>
      </div>
      {error && <p class="error" role="alert">{error}</p>}
      {report && (
        <div data-testid="import-report" data-dry-run={String(report.dry_run)}>
          <p>
            {report.dry_run ? t('customers.checked') : t('customers.imported')}{' '}
            {t('customers.import_report', {
              rows: report.rows,
              created: report.created,
              updated: report.updated,
              errors: report.errors.length,
            })}
          </p>
          {report.errors.length > 0 && (
            <table class="table errors" data-testid="import-errors">
              <thead>
                <tr>
                  <th>{t('customers.row')}</th>
                  <th>{t('customers.column')}</th>
                  <th>{t('customers.problem')}</th>
                </tr>
              </thead>
              <tbody>
                {report.errors.map((e) => (
                  <tr data-row={e.row}>
                    <td>{e.row}</td>
                    <td>{e.column}</td>
                    <td>{problemPhrase(e)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </aside>
  );
}
