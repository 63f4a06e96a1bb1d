// Files behind the bearer token (XLSX exports): fetched as a blob and saved through a
// temporary link, since a plain <a href> would carry no token.
import { withQuery } from '../shared/api';
import { api } from './session';

export async function download(path: string, query: Record<string, string | undefined>, filename: string): Promise<void> {
  const url = await api.objectUrl(withQuery(path, query));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
