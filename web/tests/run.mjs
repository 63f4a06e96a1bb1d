// `npm test`: starts the Outfield server (OUTFIELD_BIN, default ../target/debug/outfield)
// on a free port with a fresh SQLite database, the demo company and this build's dist/,
// prepares the demo for browser tests, runs every tests/*.test.mjs with Node's test
// runner, then stops the server. Screenshots go to test-results/screenshots/.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readdirSync, rmSync, existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prepareDemo, SCREENSHOTS } from './helpers.mjs';

const web = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = resolve(web, process.env.OUTFIELD_BIN ?? '../target/debug/outfield');
if (!existsSync(bin)) {
  console.error(`no server binary at ${bin}; build it (cargo build -p outfield) or set OUTFIELD_BIN`);
  process.exit(2);
}
if (!existsSync(join(web, 'dist', 'index.html'))) {
  console.error('no dist/; run `npm run build` first');
  process.exit(2);
}

const port = await new Promise((ok) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const p = s.address().port;
    s.close(() => ok(p));
  });
});
const tmp = mkdtempSync(join(tmpdir(), 'outfield-web-test-'));
const base = `http://127.0.0.1:${port}`;
const server = spawn(
  bin,
  [
    'serve', '--demo',
    // A debug build would take minutes to play the demo's 30-day history.
    '--demo-history-days', process.env.OUTFIELD_DEMO_HISTORY_DAYS ?? '0',
    // Live movers clock in reps the tests drive themselves.
    '--demo-live-reps', process.env.OUTFIELD_DEMO_LIVE_REPS ?? '0',
    '--listen', `127.0.0.1:${port}`,
    '--database-url', `sqlite://${join(tmp, 'test.db')}`,
    '--web-dir', join(web, 'dist'),
    '--data-dir', join(tmp, 'data'),
    '--osmand-listen', 'off',
  ],
  // Webhook tests run their receivers on 127.0.0.1, which the SSRF guard refuses by default.
  {
    env: { ...process.env, OUTFIELD_DEMO_PASSWORD: 'demo-pass-123', OUTFIELD_WEBHOOKS_ALLOW_PRIVATE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  },
);
let log = '';
server.stdout.on('data', (d) => (log += d));
server.stderr.on('data', (d) => (log += d));

const stop = () => {
  if (server.exitCode === null) server.kill('SIGTERM');
};
process.on('exit', () => {
  stop();
  rmSync(tmp, { recursive: true, force: true });
});

let code = 1;
try {
  for (let i = 0; ; i++) {
    if (server.exitCode !== null) throw new Error('server exited:\n' + log);
    try {
      if ((await fetch(base + '/readyz')).ok) break;
    } catch {}
    if (i > 600) throw new Error('server did not become ready in 60 s:\n' + log);
    await new Promise((r) => setTimeout(r, 100));
  }
  await prepareDemo(base);
  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const files = readdirSync(join(web, 'tests'))
    .filter((f) => f.endsWith('.test.mjs'))
    .map((f) => join('tests', f));
  const only = process.argv.slice(2);
  const runner = spawn(
    process.execPath,
    ['--test', '--test-concurrency=1', ...(only.length ? only : files)],
    { cwd: web, env: { ...process.env, OUTFIELD_URL: base }, stdio: 'inherit' },
  );
  code = await new Promise((ok) => runner.on('exit', (c) => ok(c ?? 1)));
  console.log(`screenshots: ${SCREENSHOTS}`);
} catch (e) {
  console.error(e);
} finally {
  stop();
  if (code !== 0 && process.env.OUTFIELD_TEST_LOG) console.error(log);
}
process.exit(code);
