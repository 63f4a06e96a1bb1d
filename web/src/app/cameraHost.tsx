// One camera overlay for the whole app: any screen can `await takePhoto()` and gets the
// JPEG, or null if the rep cancelled.
import { useEffect, useState } from 'preact/hooks';
import { Camera } from './Camera';

let open: ((resolve: (b: Blob | null) => void) => void) | null = null;

export function takePhoto(): Promise<Blob | null> {
  return new Promise((resolve) => (open ? open(resolve) : resolve(null)));
}

export function CameraHost() {
  const [pending, setPending] = useState<((b: Blob | null) => void) | null>(null);
  useEffect(() => {
    open = (resolve) => setPending(() => resolve);
    return () => {
      open = null;
    };
  }, []);
  if (!pending) return null;
  const finish = (b: Blob | null) => {
    setPending(null);
    pending(b);
  };
  return <Camera onShot={(b) => finish(b)} onCancel={() => finish(null)} />;
}
