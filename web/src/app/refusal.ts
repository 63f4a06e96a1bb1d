// A refused outbox item in the screen's language: the server's code and field problems
// go through the one shared translation (errorText); the check-out requirements the
// server names are listed the way the visit screen words them.
import { ApiError, type FieldProblem } from '../shared/api';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { OutboxItem } from './outbox';

/** The refusal as one sentence (or the old stored text of items from before). */
export function refusalText(item: OutboxItem): string {
  const p = item.problem;
  if (!p) return item.error ?? '';
  if ('local' in p) return p.local === 'checkin_failed' ? t('sync.checkin_failed') : (p.message ?? '');
  return errorText(new ApiError(p.status, p.code, p.message, p.fields as FieldProblem[]));
}

/** What a check-out refused for unmet requirements says is missing, in words. */
export function missingText(item: OutboxItem): string[] {
  const p = item.problem;
  if (!p || 'local' in p || p.code !== 'checkout_requirements_unmet') return [];
  // By problem code (contract: `photos_missing` with {required, have}, `report_missing`);
  // a server that names only the field still gets a sentence, without the counts.
  return p.fields.flatMap((f) => {
    const code = f.code ?? `${f.field}_missing`;
    if (code === 'photos_missing')
      return [
        f.params?.required !== undefined
          ? t('checkout.photos_missing', { have: Number(f.params.have ?? 0), required: Number(f.params.required) })
          : t('checkout.photos_short'),
      ];
    if (code === 'report_missing') return [t('checkout.report_missing')];
    return [];
  });
}
