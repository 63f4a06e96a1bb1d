// The console's live map: sign in as the admin, then post fixes for a demo rep through
// the API and watch that rep's marker appear and move without a reload.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, launch, login, newContext, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('live map shows a rep moving as fixes are posted', async () => {
  const rep = (await reps())[0];
  const asRep = await login(rep.username);
  const context = await newContext(browser, { viewport: { width: 1366, height: 820 } });
  const page = await context.newPage();

  await page.goto(BASE + '/');
  await shot(page, 'console-login');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  // The landing screen is the dashboard; the live map is a click away.
  await page.waitForSelector('[data-testid=dashboard-page]');
  await page.click('[data-testid=nav-live]');
  await page.waitForSelector('[data-testid=live-state].ok');

  const now = Date.now();
  const first = { lat: 31.2304, lon: 121.4737 };
  await asRep('POST', '/locations', {
    fixes: [{ t: new Date(now - 60_000).toISOString(), lat: first.lat, lon: first.lon, accuracy_m: 8, speed_mps: 0 }],
  });
  const marker = page.locator(`.person-marker[data-employee="${rep.id}"]`);
  await marker.waitFor();
  assert.equal(Number(await marker.getAttribute('data-lat')), first.lat);

  const box1 = await marker.boundingBox();
  const second = { lat: 31.2404, lon: 121.4837 };
  await asRep('POST', '/locations', {
    fixes: [{ t: new Date(now - 10_000).toISOString(), lat: second.lat, lon: second.lon, accuracy_m: 8, speed_mps: 9 }],
  });
  await page.waitForFunction(
    ([id, lat]) => document.querySelector(`.person-marker[data-employee="${id}"]`)?.dataset.lat === String(lat),
    [rep.id, second.lat],
  );
  const box2 = await marker.boundingBox();
  assert.ok(box1 && box2 && (box1.x !== box2.x || box1.y !== box2.y), 'the marker moved on screen');
  await page.waitForSelector(`[data-testid=people] li[data-employee="${rep.id}"]`);
  assert.match(await page.locator(`[data-testid=people] li[data-employee="${rep.id}"]`).innerText(), /Moving/);
  await shot(page, 'console-live-map');
  await context.close();
});
