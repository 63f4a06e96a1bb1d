// The rows of a per-person report (team attendance, monthly mileage): every page read
// in turn, sorted by name in the screen's language. A server without the report (404)
// is told apart from a failure, so the screen can say "not available" instead.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../shared/api';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { MileagePage, TeamPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { api } from './session';

/** The per-person reports' pages; `P['items']` are their rows. */
type ReportPage = TeamPage | MileagePage;

export function useReportRows<P extends ReportPage>(
  path: string,
  query: Record<string, string | undefined>,
  ready: boolean,
) {
  const lang = useLang();
  type Row = P['items'][number];
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState('');
  const [missing, setMissing] = useState(false);
  const key = JSON.stringify(query);

  useEffect(() => {
    if (!ready) return;
    setError('');
    setRows(null);
    let live = true;
    (async () => {
      const all: Row[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<P>(path, { ...query, cursor });
        all.push(...(page.items as Row[]));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      return all;
    })().then(
      (all) => live && setRows(all.sort((a, b) => a.employee.name.localeCompare(b.employee.name, lang))),
      (e) => {
        if (!live) return;
        const gone = e instanceof ApiError && e.status === 404;
        setMissing(gone);
        setError(gone ? t('console.unavailable') : errorText(e));
      },
    );
    return () => {
      live = false;
    };
  }, [path, key, ready]);

  return { rows, error, setError, missing };
}
