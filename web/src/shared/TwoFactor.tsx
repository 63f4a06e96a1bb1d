// Two-step sign-in pieces both front ends share: the QR code of an `otpauth://` URI, the
// enrolment (scan, type a code, keep the recovery codes) and the recovery codes shown once.
import QRCode from 'qrcode';
import { useEffect, useState } from 'preact/hooks';
import { errorText } from './errors';
import { t } from './i18n';
import type { TotpEnrolment } from './types';

/** The URI as a QR code image (drawn in the browser; the secret never leaves it). */
export function QrCode({ text }: { text: string }) {
  const [src, setSrc] = useState('');
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(text, { margin: 1, width: 200, errorCorrectionLevel: 'M' }).then(
      (url) => live && setSrc(url),
      () => live && setSrc(''),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return src ? <img class="qr" src={src} width={200} height={200} alt={t('security.scan')} data-testid="totp-qr" /> : null;
}

/** The ten recovery codes, shown once, and a button to go on. */
export function RecoveryCodeList({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div class="recovery" data-testid="recovery-codes">
      <h3>{t('security.recovery_title')}</h3>
      <p class="muted small">{t('security.recovery_once')}</p>
      <ul class="plain codes">
        {codes.map((c) => (
          <li>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <button type="button" class="primary" onClick={onDone} data-testid="recovery-done">
        {t('security.recovery_done')}
      </button>
    </div>
  );
}

/** Starts an enrolment, shows its QR code and key, and confirms it with a code; then
 *  shows the recovery codes and calls `onDone`. */
export function Enrol({
  start,
  confirm,
  onDone,
}: {
  start: () => Promise<TotpEnrolment>;
  confirm: (code: string) => Promise<string[]>;
  onDone: () => void;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [code, setCode] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    start().then(setEnrolment, (e) => setError(errorText(e)));
  }, []);

  if (codes) return <RecoveryCodeList codes={codes} onDone={onDone} />;
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      setCodes(await confirm(code.trim()));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="enrol" onSubmit={submit} data-testid="totp-enrol">
      {enrolment && (
        <>
          <p class="muted small">{t('security.scan')}</p>
          <QrCode text={enrolment.otpauth_uri} />
          <p class="small">
            {t('security.key')}: <code data-testid="totp-secret">{enrolment.secret}</code>
          </p>
          <label>
            {t('security.code')}
            <input
              name="code"
              inputMode="numeric"
              autocomplete="one-time-code"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              required
            />
          </label>
          <button type="submit" class="primary" disabled={busy} data-testid="totp-confirm">
            {t('security.confirm')}
          </button>
        </>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
