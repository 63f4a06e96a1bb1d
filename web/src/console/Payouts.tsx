// Payout batches (付款) for finance: every batch with its reference, month, number of
// claims, total and when it was paid, and its Excel or CSV export (the totals equal the
// claims' to the fen). Batches are made on the claims screen.
import { useEffect, useState } from 'preact/hooks';
import { errorText } from '../shared/errors';
import { fmtDateTime, fmtMoney, fmtPeriod, fmtNumber, t } from '../shared/i18n';
import type { Payout, PayoutPage } from '../shared/types';
import { useLang } from '../shared/ui';
import { exportPayout } from './Claims';
import { api } from './session';

export function Payouts() {
  useLang();
  const [rows, setRows] = useState<Payout[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    let live = true;
    (async () => {
      const out: Payout[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.get<PayoutPage>('/payouts', { limit: 500, cursor });
        out.push(...page.items);
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      // Newest first: the batch just paid is the one wanted.
      return out.reverse();
    })().then(
      (list) => live && setRows(list),
      (e) => live && setError(errorText(e)),
    );
    return () => {
      live = false;
    };
  }, []);

  const get = (p: Payout, format: 'xlsx' | 'csv') => exportPayout(p, format).catch((e) => setError(errorText(e)));
  return (
    <section class="panel page" data-testid="payouts-page">
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!rows && !error && <p class="muted">{t('loading')}</p>}
      {rows && rows.length === 0 && <p class="muted">{t('payouts.none')}</p>}
      {rows && rows.length > 0 && (
        <table class="table" data-testid="payouts">
          <thead>
            <tr>
              <th>{t('payouts.reference')}</th>
              <th>{t('payouts.period')}</th>
              <th class="num">{t('payouts.claims')}</th>
              <th class="num">{t('payouts.total')}</th>
              <th>{t('payouts.paid_at')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {rows.map((p) => (
              <tr data-payout={p.id} class="static">
                <td>{p.reference}</td>
                <td>{fmtPeriod(p.period)}</td>
                <td class="num">{fmtNumber(p.claim_ids.length)}</td>
                <td class="num">{fmtMoney(p.total_minor)}</td>
                <td>{fmtDateTime(p.paid_at)}</td>
                <td class="actions">
                  <button onClick={() => get(p, 'xlsx')} data-testid="payout-xlsx">
                    {t('claims.export_xlsx')}
                  </button>{' '}
                  <button onClick={() => get(p, 'csv')} data-testid="payout-csv">
                    {t('claims.export_csv')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
