// Hash routing (#/live, #/track/<id>/<date>): the server serves one page per front end,
// so the location's hash is all the state a reload or a shared link needs.
import { useEffect, useState } from 'preact/hooks';

export function useRoute(): string[] {
  const [parts, setParts] = useState(parse());
  useEffect(() => {
    const f = () => setParts(parse());
    window.addEventListener('hashchange', f);
    return () => window.removeEventListener('hashchange', f);
  }, []);
  return parts;
}

function parse(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

export function go(...parts: string[]): void {
  location.hash = '#/' + parts.map(encodeURIComponent).join('/');
}
