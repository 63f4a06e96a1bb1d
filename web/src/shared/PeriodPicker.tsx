// The claim-period picker: a month field for monthly tenants, a month and its half for
// half-monthly ones, an ISO week field (its value is already `2026-W48`) for weekly ones.
// The value is always a period id as the API writes it.
import { t } from './i18n';

export type PeriodKind = 'month' | 'half_month' | 'week';

/** Whether `p` is a period id of `kind`. */
export function isPeriodOf(kind: PeriodKind, p: string): boolean {
  if (kind === 'week') return /^\d{4}-W\d{2}$/.test(p);
  if (kind === 'half_month') return /^\d{4}-\d{2}-H[12]$/.test(p);
  return /^\d{4}-\d{2}$/.test(p);
}

export function PeriodPicker({ kind, value, onChange, testid }: { kind: PeriodKind; value: string; onChange: (p: string) => void; testid?: string }) {
  if (kind === 'week')
    return <input type="week" name="period" value={value} onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)} data-testid={testid} />;
  if (kind === 'half_month') {
    const [month, half] = [value.slice(0, 7), value.endsWith('-H2') ? 'H2' : 'H1'];
    return (
      <span class="period-picker">
        <input type="month" name="period" value={month} onChange={(e) => e.currentTarget.value && onChange(`${e.currentTarget.value}-${half}`)} data-testid={testid} />
        <select aria-label={t('period.half_pick')} value={half} onChange={(e) => onChange(`${month}-${e.currentTarget.value}`)} data-testid={testid && `${testid}-half`}>
          <option value="H1">{t('period.first_half')}</option>
          <option value="H2">{t('period.second_half')}</option>
        </select>
      </span>
    );
  }
  return <input type="month" name="period" value={value} onChange={(e) => e.currentTarget.value && onChange(e.currentTarget.value)} data-testid={testid} />;
}
