import { useEffect, useState } from 'preact/hooks';
import { useLocalPhoto } from './hooks';
import { api } from './session';

/** A thumbnail of a photo of the visit: the bytes kept on this phone (uploaded or still
 * waiting), else the server's copy when the photo was taken on another phone. */
export function LocalPhoto({ id, url }: { id: string; url?: string }) {
  const local = useLocalPhoto(id);
  const [remote, setRemote] = useState<string | null>(null);
  useEffect(() => {
    if (local || !url) return;
    let u: string | null = null;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // `url` is the API path (`/api/v1/photos/{id}`); objectUrl adds the prefix itself. A
    // phone's connection drops now and then: a failed fetch is tried again, waiting 1, 2,
    // 4 and 8 s, before the empty frame stays.
    const fetchPhoto = (attempt: number) =>
      api.objectUrl(url.replace(/^\/api\/v1/, '')).then(
        (x) => (live ? setRemote((u = x)) : URL.revokeObjectURL(x)),
        () => {
          if (live && attempt < 4) timer = setTimeout(() => void fetchPhoto(attempt + 1), 1000 * 2 ** attempt);
        },
      );
    void fetchPhoto(0);
    return () => {
      live = false;
      if (timer) clearTimeout(timer);
      if (u) URL.revokeObjectURL(u);
    };
  }, [id, url, local]);
  const src = local ?? remote;
  return src ? <img class="thumb" src={src} alt="" data-photo={id} /> : <span class="thumb" data-photo={id} />;
}
