// A request's approval timeline on the phone (who has it now, the decisions so far), with
// Withdraw while it waits. Needs the network; offline it says nothing rather than guess.
import { useEffect, useState } from 'preact/hooks';
import { Timeline } from '../shared/approvals';
import { errorText } from '../shared/errors';
import { t } from '../shared/i18n';
import type { RequestDetail, WithdrawInput } from '../shared/types';
import { api } from './session';

export function RequestTimeline({ id, version, onChange }: { id: string; version?: string; onChange?: () => void }) {
  const [detail, setDetail] = useState<RequestDetail | null>(null);
  const [error, setError] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.get<RequestDetail>(`/requests/${id}`).then(setDetail, () => setDetail(null));
  }, [id, version]);

  const withdraw = async () => {
    setBusy(true);
    setError('');
    try {
      setDetail(await api.post<RequestDetail>(`/requests/${id}/withdraw`, {} satisfies WithdrawInput));
      setConfirming(false);
      onChange?.();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  if (!detail) return null;
  return (
    <div class="stack" data-testid="request-card">
      <h3>{t('approvals.timeline')}</h3>
      <Timeline detail={detail} />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {detail.can_withdraw &&
        (confirming ? (
          <div class="stack">
            <p>{t('approvals.withdraw_confirm')}</p>
            <div class="row">
              <button class="big" disabled={busy} onClick={withdraw} data-testid="withdraw-confirm">
                {t('approvals.withdraw')}
              </button>
              <button onClick={() => setConfirming(false)}>{t('cancel')}</button>
            </div>
          </div>
        ) : (
          <button onClick={() => setConfirming(true)} data-testid="withdraw">
            {t('approvals.withdraw')}
          </button>
        ))}
    </div>
  );
}
