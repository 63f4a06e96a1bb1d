// An ad-hoc visit to a shop that is not a customer yet: the server creates it at the
// rep's position, pending a manager's approval.
import { useState } from 'preact/hooks';
import { errorText } from '../../shared/errors';
import { t } from '../../shared/i18n';
import { go } from '../../shared/route';
import { checkIn } from '../actions';
import { tracker } from '../session';

export function ProspectScreen() {
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [phone, setPhone] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      await checkIn({ name: name.trim(), address: address.trim(), phone: phone.trim() }, await tracker.actionFix());
      go('visit');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="stack" onSubmit={submit} data-testid="prospect-form">
      <h2>{t('prospect.title')}</h2>
      <p class="muted small">{t('prospect.help')}</p>
      <label>
        {t('customers.name')}
        <input name="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label>
        {t('customers.address')}
        <input name="address" value={address} onInput={(e) => setAddress(e.currentTarget.value)} />
      </label>
      <label>
        {t('prospect.phone')}
        <input name="phone" type="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} />
      </label>
      <button class="primary big" type="submit" disabled={busy || !name.trim()}>
        {t('visit.check_in')}
      </button>
      {error && <p class="error">{error}</p>}
    </form>
  );
}
