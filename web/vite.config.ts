// Two pages, one build: the console at / and the field app under /app/. Hashed assets
// land in dist/assets/, which the server serves at /assets/.
import { defineConfig, type Plugin } from 'vite';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drawIcon } from './build/icons';

const here = fileURLToPath(new URL('.', import.meta.url));

// The field app's PNG icons are drawn here (build/icons.ts): nothing binary in git.
function icons(): Plugin {
  return {
    name: 'outfield-icons',
    generateBundle() {
      for (const size of [192, 512]) this.emitFile({ type: 'asset', fileName: `app/icon-${size}.png`, source: drawIcon(size) });
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const m = /^\/app\/icon-(192|512)\.png$/.exec(req.url ?? '');
        if (!m) return next();
        res.setHeader('content-type', 'image/png');
        res.end(drawIcon(Number(m[1])));
      });
    },
  };
}

// The field app's service worker is a plain script (sw/sw.js) whose precache list must
// name the hashed files of this very build; this plugin fills it in and emits app/sw.js.
function serviceWorker(): Plugin {
  return {
    name: 'outfield-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => f.startsWith('assets/'))
        .map((f) => '/' + f);
      const shell = ['/app/', '/app/manifest.webmanifest', '/app/icon.svg', '/app/icon-192.png', '/app/icon-512.png', ...files];
      const version = shell.join('|').length.toString(36) + '-' + hash(shell.join('|'));
      const source = readFileSync(resolve(here, 'sw/sw.js'), 'utf8')
        .replace('__SHELL__', JSON.stringify(shell))
        .replace('__VERSION__', JSON.stringify(version));
      this.emitFile({ type: 'asset', fileName: 'app/sw.js', source });
    },
  };
}

function hash(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}

export default defineConfig({
  base: '/',
  plugins: [icons(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        console: resolve(here, 'index.html'),
        app: resolve(here, 'app/index.html'),
      },
    },
  },
  server: {
    // `npm run dev` talks to a server started separately on the default port.
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
