// The anti-cheat centre end to end. A rep's phone sends a track that stays 5 km from a
// shop while the rep checks in at that shop (the phone was elsewhere: a teleport); the
// server's verdict job flags the day. Their manager finds it in the console's queue,
// sees the evidence drawn on the map and the reason in words, and confirms it with a
// note; the rep reads the verdict in the field app and appeals with a photo; the console
// shows the appeal. Every screen is read in Chinese and English for raw keys, codes, ids
// and UTC strings. The admin's settings form refuses a bad threshold and saves a good one.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import {
  BASE,
  PASSWORD,
  PHONE,
  appLogin,
  launch,
  login,
  newContext,
  north,
  overflowX,
  reps,
  shanghaiDate,
  shot,
  textFindings,
} from './helpers.mjs';

let browser;
let rep;
let manager;
let shop;
let date;
let admin;
let userContent = [];
const NOTE = '核实：签到时手机在五公里外的小区里。';
const APPEAL = 'My phone was charging at the shop counter; the track is from my home tablet.';

/** Polls `f` until it answers something truthy (at most `ms`). */
async function until(f, ms = 90_000, what = 'condition') {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      last = await f();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

before(async () => {
  browser = await launch();
  admin = await login('admin');
  const list = await reps();
  rep = list[13] ?? list.at(-2);
  const employees = (await admin('GET', '/employees?limit=500')).items;
  manager = employees.find((e) => e.role === 'manager' && e.active && e.department_id === rep.department_id);
  assert.ok(manager, "the rep's department has a manager");
  const R = await login(rep.username);
  shop = (await R('GET', '/customers?limit=50')).items.find((c) => c.location);
  date = shanghaiDate();

  // The phone's track: 12 minutes at a place 5 km north of the shop, a few metres of GPS
  // drift per fix; six minutes in, a check-in exactly at the shop.
  const home = north(shop.location.lat, shop.location.lon, 5000);
  const now = Date.now();
  const fixes = [];
  for (let k = 24; k >= 2; k--) {
    const drift = ((k * 7919) % 11) - 5;
    fixes.push({
      t: new Date(now - k * 30_000).toISOString(),
      lat: home.latitude + drift / 111_195,
      lon: home.longitude + (((k * 104729) % 9) - 4) / 95_000,
      accuracy_m: 8 + (k % 4),
      provider: 'gps',
    });
  }
  await R('POST', '/locations', { fixes });
  await R('POST', '/visits', {
    id: randomUUID(),
    customer_id: shop.id,
    t: new Date(now - 6 * 60_000).toISOString(),
    lat: shop.location.lat,
    lon: shop.location.lon,
    accuracy_m: 10,
    device: { id: `intui-${randomUUID()}`, platform: 'android' },
  });
  // The verdict job runs once the day has been quiet for a moment.
  await until(
    async () => {
      const d = await admin('GET', `/integrity/days/${rep.id}/${date}`);
      return d.reasons.some((r) => r.code === 'teleport') && d;
    },
    // The job waits for the day to be quiet (at most two minutes after the first change).
    180_000,
    'the teleport verdict',
  );
  userContent = [rep.name, manager.name, shop.name, NOTE, APPEAL, 'front-desk-tablet']
    .filter(Boolean)
    .sort((a, b) => b.length - a.length);
});

after(async () => browser?.close());

async function consoleAs(username, lang) {
  const context = await newContext(browser, { viewport: { width: 1440, height: 900 }, locale: lang === 'en' ? 'en-US' : 'zh-CN' });
  await context.addInitScript((l) => localStorage.setItem('outfield.lang', l), lang);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('response', (r) => {
    if (r.url().includes('/api/') && (r.status() === 403 || r.status() >= 500)) problems.push(`${r.status()} from ${r.url()}`);
  });
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar nav a');
  return { context, page, problems };
}

/** The page's visible text, once it no longer says "loading", judged in `lang`. */
async function judged(page, lang) {
  let last = [];
  for (let i = 0; i < 50; i++) {
    const text = await page.evaluate(() => document.body.innerText);
    last = textFindings(text, lang, userContent);
    if (!/Loading…|加载中…/.test(text) && last.length === 0) break;
    await page.waitForTimeout(100);
  }
  return last;
}

test('a manager finds the flagged day, sees its evidence and confirms it with a note', async () => {
  const { context, page, problems } = await consoleAs(manager.username, 'zh-CN');
  await page.click('[data-testid=nav-integrity]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=integrity-person] option').length > 1);
  await page.selectOption('[data-testid=integrity-person]', rep.id);
  const row = page.locator(`[data-testid=integrity-days] tr[data-employee="${rep.id}"][data-date="${date}"]`);
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'open');
  assert.match(await row.innerText(), /签到位置偏离轨迹/);
  assert.deepEqual(await judged(page, 'zh-CN'), [], 'the queue reads in Chinese');
  await shot(page, 'integrity-queue-zh');

  await row.click();
  const card = page.locator('[data-reason=teleport]');
  await card.waitFor();
  // In words: what it means and what was measured (a distance in kilometres).
  assert.match(await card.innerText(), /签到位置与手机同一时刻的轨迹相距很远/);
  assert.match(await card.locator('[data-testid=reason-facts]').innerText(), /公里/);
  // On the map: the teleport legs, the shop's pin and the check-in.
  await page.waitForSelector('[data-testid=integrity-map] path.evidence-teleport', { state: 'attached' });
  assert.ok((await page.locator('[data-testid=integrity-map] path.evidence-teleport').count()) >= 2, 'legs and rings drawn');
  assert.ok((await page.locator('[data-testid=integrity-map] path.shop-pin').count()) >= 1, "the shop's pin drawn");
  assert.ok((await page.locator('[data-testid=integrity-map] path.action-marker').count()) >= 1, 'the check-in drawn');
  // The check-in's distance from the shop's stored position is listed.
  assert.match(await page.locator('[data-testid=integrity-actions]').innerText(), /签到/);
  await card.locator('[data-testid=show-on-map]').click();
  const label = page.locator('.leaflet-tooltip.evidence-label', { hasText: '签到' });
  await label.first().waitFor();
  assert.match(await label.first().innerText(), /公里/);
  assert.deepEqual(await judged(page, 'zh-CN'), [], 'the day reads in Chinese');
  await shot(page, 'integrity-day-zh');

  // A decision needs a note; then it is stored and shown.
  await page.click('[data-testid=review-confirm]');
  await page.locator('[data-testid=review-error]').waitFor();
  await page.fill('[data-testid=review-note]', NOTE);
  await page.click('[data-testid=review-confirm]');
  await page.locator('[data-testid=verdict][data-status=confirmed]').waitFor();
  const done = page.locator('[data-testid=review-done][data-decision=confirmed]');
  await done.waitFor();
  assert.match(await done.innerText(), new RegExp(manager.name));
  assert.match(await done.innerText(), /核实/);
  assert.equal(await page.locator('[data-testid=review-confirm]').count(), 0, 'reviewed once per version');
  const stored = await admin('GET', `/integrity/days/${rep.id}/${date}`);
  assert.equal(stored.status, 'confirmed');
  assert.equal(stored.review.decision, 'confirmed');
  assert.equal(stored.review.note, NOTE);
  assert.equal(stored.review.reviewer_id, manager.id);
  await shot(page, 'integrity-reviewed-zh');

  // Back in the queue, under "confirmed".
  await page.click('[data-testid=integrity-back]');
  await page.selectOption('[data-testid=integrity-status]', 'confirmed');
  await page.locator(`[data-testid=integrity-days] tr[data-employee="${rep.id}"][data-date="${date}"][data-status=confirmed]`).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test('the rep reads the verdict in the field app and appeals with a photo', async () => {
  const phone = await newContext(browser, {
    ...PHONE,
    locale: 'zh-CN',
    geolocation: { latitude: shop.location.lat, longitude: shop.location.lon, accuracy: 15 },
    permissions: ['geolocation', 'camera'],
  });
  await phone.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const app = await phone.newPage();
  const errors = [];
  app.on('pageerror', (e) => errors.push(e.message));
  await appLogin(app, rep.username);
  await app.click('[data-testid=go-checks]');
  const card = app.locator(`li.check-day[data-date="${date}"]`);
  await card.waitFor();
  assert.equal(await card.getAttribute('data-status'), 'confirmed');
  assert.match(await card.innerText(), /某次签到的位置与你手机前后的位置相距很远/);
  assert.match(await card.locator('[data-testid=check-status]').innerText(), /主管确认了这些问题/);
  assert.deepEqual(await judged(app, 'zh-CN'), [], "the rep's checks read in Chinese");

  await card.locator('[data-testid=check-open]').click();
  await card.locator('[data-testid=appeal-form]').waitFor();
  // Nothing to send yet.
  await card.locator('[data-testid=appeal-send]').click();
  await card.locator('.error').waitFor();
  await card.locator('textarea[name=appeal]').fill(APPEAL);
  // A picture of the receipt, made in the page (any JPEG the phone has).
  const jpeg = await app.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 320;
    c.height = 240;
    const g = c.getContext('2d');
    g.fillStyle = '#eee';
    g.fillRect(0, 0, 320, 240);
    g.fillStyle = '#333';
    g.fillText('receipt 2024', 40, 120);
    return c.toDataURL('image/jpeg', 0.8).split(',')[1];
  });
  await card.locator('input[name=photo]').setInputFiles({ name: 'receipt.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(jpeg, 'base64') });
  await card.locator('[data-testid=appeal-send]').click();
  await card.locator('[data-testid=appeal-sent]').waitFor();
  assert.equal(await overflowX(app), 0);
  await shot(app, 'integrity-app-appealed-zh');
  const stored = await admin('GET', `/integrity/days/${rep.id}/${date}`);
  assert.equal(stored.status, 'appealed');
  assert.equal(stored.appeal.text, APPEAL);
  assert.equal(stored.appeal.photo_ids.length, 1);

  // The same screen in English.
  await app.selectOption('[data-testid=lang]', 'en');
  const again = app.locator(`li.check-day[data-date="${date}"][data-status=appealed]`);
  await again.waitFor();
  assert.match(await again.innerText(), /A check-in was made far from where your phone/);
  assert.match(await again.innerText(), /Your explanation was sent/);
  assert.deepEqual(await judged(app, 'en'), [], "the rep's checks read in English");
  assert.deepEqual(errors, []);
  await phone.close();

  // The manager sees the appeal (and may review the day again), in English.
  const { context, page, problems } = await consoleAs(manager.username, 'en');
  await page.goto(`${BASE}/#/integrity/day/${rep.id}/${date}`);
  await page.locator('[data-testid=verdict][data-status=appealed]').waitFor();
  assert.equal(await page.locator('[data-testid=appeal-text]').innerText(), APPEAL);
  await page.waitForSelector('[data-testid=integrity-appeal] figure[data-loaded=yes] img');
  assert.match(await page.locator('[data-reason=teleport]').innerText(), /far from where the phone’s own track was/);
  await page.locator('[data-testid=review-dismiss]').waitFor();
  assert.deepEqual(await judged(page, 'en'), [], 'the day reads in English');
  await shot(page, 'integrity-appealed-en');
  assert.deepEqual(problems, []);
  await context.close();
});

test('the admin sets the anti-cheat settings: a bad threshold is refused beside its field', async () => {
  const before = await admin('GET', '/integrity/settings');
  const { context, page, problems } = await consoleAs('admin', 'en');
  await page.goto(`${BASE}/#/integrity/settings`);
  await page.waitForSelector('[data-testid=settings-save]');
  assert.deepEqual(await judged(page, 'en'), []);
  await page.fill('input[name=review_at]', '2');
  await page.fill('input[name=likely_at]', '1.5');
  await page.fill('input[name=weight-device_shared]', '11');
  await page.click('[data-testid=settings-save]');
  await page.locator('[data-problem=likely_at]').waitFor();
  await page.locator('[data-problem="weights.device_shared"]').waitFor();
  assert.deepEqual(await admin('GET', '/integrity/settings'), before, 'nothing was sent');

  await page.fill('input[name=likely_at]', '4');
  await page.fill('input[name=weight-device_shared]', '0');
  await page.fill('input[name=appeal_days]', '14');
  await page.fill('textarea[name=shared_devices]', 'front-desk-tablet\n');
  await page.click('[data-testid=settings-save]');
  await page.locator('[data-testid=settings-saved]').waitFor();
  const saved = await admin('GET', '/integrity/settings');
  assert.equal(saved.review_at, 2);
  assert.equal(saved.likely_at, 4);
  assert.equal(saved.appeal_days, 14);
  assert.equal(saved.weights.device_shared, 0);
  assert.deepEqual(saved.shared_devices, ['front-desk-tablet']);
  await shot(page, 'integrity-settings-en');

  // In Chinese too.
  await page.selectOption('[data-testid=lang]', 'zh-CN');
  await page.waitForSelector('[data-testid=settings-save]');
  assert.deepEqual(await judged(page, 'zh-CN'), [], 'the settings read in Chinese');
  await shot(page, 'integrity-settings-zh');
  // Leave the tenant as it was for the other tests.
  const { default_weights: _, ...input } = before;
  await admin('PUT', '/integrity/settings', input);
  assert.deepEqual(problems, []);
  await context.close();
});
