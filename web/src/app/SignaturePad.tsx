// A signature drawn with a finger, pen or mouse on a canvas (pointer events), handed over
// as a PNG once the rep taps "use". White background, so it reads like paper.
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../shared/i18n';

export function SignaturePad({ name, onDone }: { name: string; onDone: (png: Blob) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);
  const [hint, setHint] = useState('');

  const reset = () => {
    const c = canvas.current!;
    const ratio = window.devicePixelRatio || 1;
    const w = c.clientWidth;
    const h = c.clientHeight;
    c.width = Math.round(w * ratio);
    c.height = Math.round(h * ratio);
    const g = c.getContext('2d')!;
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.fillStyle = '#fff';
    g.fillRect(0, 0, w, h);
    g.lineWidth = 2.5;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.strokeStyle = '#111827';
    setDrawn(false);
  };

  useEffect(() => {
    reset();
    const c = canvas.current!;
    let last: { x: number; y: number } | null = null;
    const at = (e: PointerEvent) => {
      const r = c.getBoundingClientRect();
      return { x: e.clientX - r.left, y: e.clientY - r.top };
    };
    const down = (e: PointerEvent) => {
      e.preventDefault();
      c.setPointerCapture?.(e.pointerId);
      last = at(e);
      const g = c.getContext('2d')!;
      g.beginPath();
      g.arc(last.x, last.y, 1.2, 0, Math.PI * 2);
      g.fillStyle = '#111827';
      g.fill();
    };
    const move = (e: PointerEvent) => {
      if (!last) return;
      e.preventDefault();
      const p = at(e);
      const g = c.getContext('2d')!;
      g.beginPath();
      g.moveTo(last.x, last.y);
      g.lineTo(p.x, p.y);
      g.stroke();
      last = p;
      setDrawn(true);
      setHint('');
    };
    const up = () => (last = null);
    c.addEventListener('pointerdown', down);
    c.addEventListener('pointermove', move);
    c.addEventListener('pointerup', up);
    c.addEventListener('pointercancel', up);
    return () => {
      c.removeEventListener('pointerdown', down);
      c.removeEventListener('pointermove', move);
      c.removeEventListener('pointerup', up);
      c.removeEventListener('pointercancel', up);
    };
  }, []);

  const use = () => {
    if (!drawn) return setHint(t('signature.empty'));
    canvas.current!.toBlob((b) => b && onDone(b), 'image/png');
  };

  return (
    <div class="signature">
      <canvas ref={canvas} class="signature-pad" data-testid={`signature-pad-${name}`} aria-label={t('signature.hint')} />
      <div class="row">
        <button type="button" onClick={reset}>
          {t('signature.clear')}
        </button>
        <button type="button" class="primary" onClick={use} data-testid={`signature-use-${name}`}>
          {t('signature.use')}
        </button>
      </div>
      {hint && <small class="error">{hint}</small>}
    </div>
  );
}
