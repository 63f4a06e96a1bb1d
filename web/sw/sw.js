// The field app's service worker (scope /app/). It keeps the app shell — the page, its
// hashed scripts and styles, the manifest — so the app opens with no network. API calls
// are never cached here: the app's own outbox (IndexedDB) handles being offline.
const SHELL = __SHELL__;
const CACHE = 'outfield-app-' + __VERSION__;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((c) => c.addAll(SHELL)).then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith('/api/')) return;
  if (req.mode === 'navigate') {
    // Fresh page when online (a new build is picked up), the cached shell otherwise; every
    // path under /app/ is the same page, the app routes itself.
    event.respondWith(fetch(req).catch(() => caches.match('/app/', { ignoreSearch: true })));
    return;
  }
  // Hashed assets never change under their name: cache first.
  event.respondWith(caches.match(req).then((hit) => hit || fetch(req)));
});
