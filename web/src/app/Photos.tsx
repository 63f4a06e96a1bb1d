import { useLocalPhoto } from './hooks';

/** A thumbnail of a photo taken on this phone (uploaded or still waiting). */
export function LocalPhoto({ id }: { id: string }) {
  const url = useLocalPhoto(id);
  return url ? <img class="thumb" src={url} alt="" data-photo={id} /> : <span class="thumb" />;
}
