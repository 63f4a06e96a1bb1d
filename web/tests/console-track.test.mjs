// Track replay: a realistic morning for one rep (drive, a 20-minute stop, drive) is
// posted for yesterday; the console shows the path, the stop and the mileage, and the
// slider moves the replay cursor.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, launch, login, newContext, reps, shanghaiDate, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** 09:00 drive east 15 min at 8 m/s, stop 20 min (with GPS jitter), drive north 15 min. */
function morning(date) {
  const t0 = Date.parse(`${date}T09:00:00+08:00`);
  const fixes = [];
  let lat = 31.2200;
  let lon = 121.4400;
  const mPerDegLat = 111_195;
  const mPerDegLon = 111_195 * Math.cos((lat * Math.PI) / 180);
  let t = t0;
  const push = (speed) =>
    fixes.push({ t: new Date(t).toISOString().replace('Z', '+00:00'), lat, lon, accuracy_m: 6, speed_mps: speed, provider: 'gps' });
  for (let i = 0; i < 90; i++, t += 10_000) {
    lon += 80 / mPerDegLon;
    push(8);
  }
  const stop = { lat, lon };
  for (let i = 0; i < 40; i++, t += 30_000) {
    lat = stop.lat + (Math.sin(i * 1.7) * 4) / mPerDegLat;
    lon = stop.lon + (Math.cos(i * 2.3) * 4) / mPerDegLon;
    push(0);
  }
  lat = stop.lat;
  lon = stop.lon;
  for (let i = 0; i < 90; i++, t += 10_000) {
    lat += 80 / mPerDegLat;
    push(8);
  }
  return fixes;
}

test('track replay shows the day with its stop and mileage', async () => {
  const rep = (await reps())[1];
  const asRep = await login(rep.username);
  const date = shanghaiDate(-1);
  const answer = await asRep('POST', '/locations', { fixes: morning(date) });
  assert.equal(answer.rejected.length, 0, JSON.stringify(answer.rejected));

  const context = await newContext(browser, { viewport: { width: 1366, height: 820 } });
  const page = await context.newPage();
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=dashboard-page]');

  await page.goto(`${BASE}/#/track/${rep.id}/${date}`);
  const stops = page.locator('[data-testid=stops] li');
  await stops.first().waitFor();
  assert.equal(await stops.count(), 1, 'one stop');
  assert.match(await stops.first().innerText(), /(19|20|21) min/);
  const km = Number((await page.locator('[data-testid=mileage]').innerText()).replace(/[^\d.]/g, ''));
  assert.ok(km > 12 && km < 16, `mileage ${km} km, about 14.4 expected`);
  assert.equal(await page.locator('.stop-marker').count(), 1);

  const slider = page.locator('[data-testid=replay-slider]');
  const cursor = page.locator('.replay-cursor');
  // The map may still be fitting the day's bounds: wait until the cursor stands still.
  let before = await cursor.boundingBox();
  for (let i = 0; i < 20; i++) {
    await page.waitForTimeout(100);
    const now = await cursor.boundingBox();
    if (now.x === before.x && now.y === before.y) break;
    before = now;
  }
  await slider.fill('0');
  const atStart = await page.locator('[data-testid=replay-time]').innerText();
  let moved = false;
  for (let i = 0; i < 50 && !moved; i++) {
    const after = await cursor.boundingBox();
    moved = after.x !== before.x || after.y !== before.y;
    if (!moved) await page.waitForTimeout(100);
  }
  assert.ok(moved, 'cursor moved with the slider');
  assert.match(atStart, /09:0\d/);
  await shot(page, 'console-track-replay');
  await context.close();
});
