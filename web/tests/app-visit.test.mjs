// The field app end to end on a phone: clock in with a live photo from the (fake) camera,
// check in at a customer from inside its radius, take a photo, fill the report, check
// out; then check in again from 2 km away and see it judged outside.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, north, overflowX, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function snap(page, name) {
  assert.ok((await overflowX(page)) <= 0, `${name}: no horizontal overflow`);
  await shot(page, name);
}

async function camera(page) {
  await page.waitForSelector('[data-testid=shutter]:not([disabled])');
  await snap(page, 'app-camera');
  await page.click('[data-testid=shutter]');
  await page.waitForSelector('[data-testid=camera]', { state: 'detached' });
}

test('a rep clocks in, visits a customer inside and outside its radius', async () => {
  const rep = (await reps())[2];
  const asRep = await login(rep.username);
  const shop = (await asRep('GET', '/customers?limit=500')).items.find((c) => c.location);
  const at = north(shop.location.lat, shop.location.lon, 20);
  const context = await newContext(browser, {
    ...PHONE,
    geolocation: { ...at, accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  try {
    await flow(page, context, rep, asRep, shop);
  } catch (e) {
    await shot(page, 'failure-app-visit');
    console.log(await page.evaluate(async () => {
      const db = await new Promise((ok) => { const r = indexedDB.open('outfield-app', 1); r.onsuccess = () => ok(r.result); });
      const get = (s, m) => new Promise((ok) => { const r = db.transaction(s).objectStore(s)[m](); r.onsuccess = () => ok(r.result); });
      return JSON.stringify({ outbox: await get('outbox', 'getAll'), keys: await get('kv', 'getAllKeys') });
    }));
    throw e;
  } finally {
    await context.close();
  }
});

async function flow(page, context, rep, asRep, shop) {
  await page.goto(BASE + '/app/');
  await snap(page, 'app-login');
  await appLogin(page, rep.username);
  await snap(page, 'app-home');

  // Clock in: the fix, then a live photo.
  await page.click('[data-testid=clock-in]');
  await camera(page);
  await page.waitForSelector('[data-testid=punch-judgement]');
  await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');

  // My customers, nearest first: the shop we stand at leads the list.
  await page.click('[data-testid=go-customers]');
  const first = page.locator('[data-testid=customer-list] li').first();
  await first.waitFor();
  assert.equal(await first.getAttribute('data-customer'), shop.id);
  await snap(page, 'app-customers');
  await first.click();
  await page.waitForSelector('[data-testid=customer-distance]');
  await snap(page, 'app-customer');
  await page.click('[data-testid=check-in]');

  // The server's judgement: 20 m from the shop with ±10 m is within the 200 m radius.
  await page.waitForSelector('[data-testid=judgement][data-status=within]');
  await page.click('[data-testid=take-photo]');
  await camera(page);
  await page.waitForSelector('[data-testid=visit-photos] img');

  // The report, rendered from the form: every field kind.
  await page.fill('[data-field=notes] textarea', 'Shelf tidy, new promo stand.');
  await page.fill('[data-field=facings] input', '12');
  await page.selectOption('[data-field=stock] select', 'ok');
  await page.fill('[data-field=next_visit] input', '2026-12-15');
  await page.check('[data-field=promo] input[type=radio] >> nth=0');
  await page.click('[data-testid=photo-field-shelf]');
  await camera(page);
  await page.waitForSelector('[data-field=shelf] img');
  await snap(page, 'app-visit-report');
  await page.click('[data-testid=report-submit]');
  await page.waitForSelector('[data-testid=report-done]');
  await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  await snap(page, 'app-visit');
  await page.click('[data-testid=check-out]');
  await page.waitForSelector('[data-testid=go-customers]');
  await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');

  const visits = (await asRep('GET', `/visits?employee_id=${rep.id}`)).items;
  assert.equal(visits.length, 1);
  const v = await asRep('GET', `/visits/${visits[0].id}`);
  assert.equal(v.check_in.status, 'within');
  assert.ok(v.check_out, 'checked out');
  assert.equal(v.report.answers.stock, 'ok');
  assert.equal(v.report.answers.facings, 12);
  assert.equal(v.report.answers.promo, true);
  assert.equal(v.photos.length, 2);
  const days = await asRep('GET', '/visits?limit=1');
  assert.ok(days.items.length === 1);

  // Two kilometres away, the same shop is outside the radius.
  await context.setGeolocation({ ...north(shop.location.lat, shop.location.lon, 2000), accuracy: 10 });
  await page.click('[data-testid=go-customers]');
  await page.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
  await page.click('[data-testid=check-in]');
  await page.waitForSelector('[data-testid=judgement][data-status=outside]');
  await snap(page, 'app-visit-outside');
  await page.click('[data-testid=check-out]');
  await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  const all = (await asRep('GET', `/visits?employee_id=${rep.id}`)).items;
  assert.deepEqual(all.map((x) => x.check_in.status).sort(), ['outside', 'within']);

  // The console shows the visit with its watermarked photos, answers and flags.
  const admin = await newContext(browser, { viewport: { width: 1366, height: 900 } });
  const console_ = await admin.newPage();
  await console_.goto(BASE + '/');
  await console_.fill('input[name=username]', 'admin');
  await console_.fill('input[name=password]', 'demo-pass-123');
  await console_.click('button[type=submit]');
  await console_.waitForSelector('[data-testid=dashboard-page]');
  await console_.goto(`${BASE}/#/visits/${v.id}`);
  await console_.waitForSelector('[data-testid=visit-photos] img');
  await console_.waitForFunction(() =>
    [...document.querySelectorAll('[data-testid=visit-photos] img')].every((i) => i.complete && i.naturalWidth > 0),
  );
  assert.match(await console_.locator('[data-testid=visit-report]').innerText(), /Stock level/);
  await shot(console_, 'console-visit-detail');
  await admin.close();
}
