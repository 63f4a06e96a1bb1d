// The background-jobs screen: a rep's fixes queue a day-summary job; the admin's screen
// counts it by kind and state in the user's language and names the job by the person and
// the day (never an id or key), and says when nothing has failed.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { consoleLogin, launch, login, newContext, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the jobs screen shows the day summary a rep caused, by name and local date', async () => {
  const list = await reps();
  const rep = list[12] ?? list.at(-1);
  const phone = await login(rep.username);
  const t0 = Date.parse('2026-11-25T02:00:00Z');
  const fixes = Array.from({ length: 10 }, (_, i) => ({
    t: t0 + i * 60_000,
    lat: 31.23 + i * 0.001,
    lon: 121.47,
    accuracy_m: 8,
  }));
  const stored = await phone('POST', '/locations', { fixes });
  assert.equal(stored.accepted, 10);
  const admin = await login('admin');
  const key = `${rep.id}/2026-11-25`;
  for (let i = 0; i < 100; i++) {
    const page = await admin('GET', '/admin/jobs?kind=track_day&limit=500');
    if (page.items.some((j) => j.key === key && j.state === 'done')) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const context = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(page);
  await page.click('[data-testid=nav-jobs]');
  await page.locator('[data-testid=job-counts] tr[data-kind=track_day]').waitFor();
  const row = await page.locator('[data-testid=job-counts] tr[data-kind=track_day]').innerText();
  assert.match(row, /日轨迹汇总/);
  const done = Number(await page.locator('[data-testid=job-counts] tr[data-kind=track_day] td[data-state=done]').innerText());
  assert.ok(done >= 1, `done count ${done}`);
  const recent = await page.locator('[data-testid=jobs-recent]').innerText();
  assert.ok(recent.includes(rep.name), `names the rep: ${recent}`);
  assert.ok(recent.includes('2026年11月25日') || recent.includes('2026/11/25'), `local date: ${recent}`);
  assert.doesNotMatch(recent, /[0-9a-f]{8}-[0-9a-f]{4}-|track_day|\d{4}-\d\d-\d\dT/);
  await page.locator('[data-testid=jobs-no-failed]').waitFor();
  await shot(page, 'console-jobs');
  assert.deepEqual(errors, []);
  await context.close();
});
