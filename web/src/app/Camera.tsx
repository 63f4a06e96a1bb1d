// A full-screen live camera: the rep frames the shot and presses the shutter; the frame
// becomes a JPEG. There is deliberately no "choose from gallery".
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n';
import { captureJpeg, closeCamera, openCamera } from './camera';

export function Camera({ onShot, onCancel }: { onShot: (b: Blob) => void; onCancel: () => void }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState('');
  const [ready, setReady] = useState(false);

  useEffect(() => {
    let stream: MediaStream | null = null;
    let closed = false;
    openCamera(video.current!).then(
      (s) => {
        stream = s;
        if (closed) closeCamera(s);
        else setReady(true);
      },
      () => setError(t('camera.denied')),
    );
    return () => {
      closed = true;
      closeCamera(stream);
    };
  }, []);

  return (
    <div class="camera" data-testid="camera">
      <video ref={video} playsInline muted />
      {error && <p class="error">{error}</p>}
      <div class="camera-bar">
        <button onClick={onCancel}>{t('cancel')}</button>
        <button
          class="shutter"
          aria-label={t('camera.take')}
          data-testid="shutter"
          disabled={!ready}
          onClick={async () => onShot(await captureJpeg(video.current!))}
        />
        <span />
      </div>
    </div>
  );
}
