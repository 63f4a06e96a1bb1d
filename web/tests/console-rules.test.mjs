// Rules in the console: the visit and tracking rule forms save what the manager typed
// (checked through the API), the attendance rule saves; a polygon and a circle drawn on
// the map are saved as geofences, and a circle's radius is edited; a fence of several
// polygons made through the API is drawn but not edited.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_ID, consoleLogin, launch, login, newContext, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('rule forms save, geofences drawn on the map are saved', async () => {
  const admin = await login('admin');
  const before = await admin('GET', '/visit-rules/tenant');
  const context = await newContext(browser, { viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'rules');

  // Visit rule.
  const visit = page.locator('[data-testid=visit-rule]');
  await visit.locator('input[name=checkin_radius_m]').fill('150');
  await visit.locator('input[name=min_duration_min]').fill('7');
  await visit.locator('input[name=required_photos]').fill('2');
  await visit.locator('select[name=default_form_id]').selectOption(FORM_ID);
  await visit.locator('button[type=submit]').click();
  await visit.locator('[data-testid=saved]').waitFor();
  const v = await admin('GET', '/visit-rules/tenant');
  assert.equal(v.checkin_radius_m, 150);
  assert.equal(v.min_duration_min, 7);
  assert.equal(v.required_photos, 2);
  assert.equal(v.default_form_id, FORM_ID);

  // Tracking rule: the interval changes, the rest (all day, every day) stays.
  const tracking = page.locator('[data-testid=tracking-rule]');
  await tracking.locator('input[name=moving_interval_s]').fill('7');
  await tracking.locator('button[type=submit]').click();
  await tracking.locator('[data-testid=saved]').waitFor();
  const tr = (await admin('GET', '/tracking-rules')).tenant;
  assert.equal(tr.moving_interval_s, 7);
  assert.deepEqual(tr.weekdays, [1, 2, 3, 4, 5, 6, 7]);

  // Attendance rule: every day stays a work day, with a late grace.
  const att = page.locator('[data-testid=attendance-rule]');
  for (const d of [6, 7]) await att.locator(`input[name=weekday-${d}]`).check();
  await att.locator('input[name=late_grace_min]').fill('5');
  const put = page.waitForResponse((r) => r.url().endsWith('/attendance-rules/tenant') && r.request().method() === 'PUT');
  await att.locator('button[type=submit]').click();
  const saved = await (await put).json();
  assert.equal(saved.late_grace_min, 5);
  assert.deepEqual(saved.weekdays, [1, 2, 3, 4, 5, 6, 7]);
  await shot(page, 'console-rules');

  // A polygon: four clicks on the map, Finish, a name, Save.
  const map = page.locator('[data-testid=geofence-map]');
  const box = await map.boundingBox();
  const at = (dx, dy) => ({ position: { x: box.width / 2 + dx, y: box.height / 2 + dy } });
  await page.click('[data-testid=draw-polygon]');
  for (const [dx, dy] of [[-120, -80], [120, -80], [140, 90], [-100, 100]]) await map.click(at(dx, dy));
  await page.click('[data-testid=draw-finish]');
  await page.fill('[data-testid=fence-name]', '测试多边形');
  await shot(page, 'console-geofence-polygon');
  await page.click('[data-testid=fence-save]');
  await page.locator('[data-testid=fence-list] button', { hasText: '测试多边形' }).waitFor();
  let fences = (await admin('GET', '/geofences')).items;
  const poly = fences.find((f) => f.name === '测试多边形');
  assert.ok(poly?.geojson, 'a polygon');
  assert.equal(poly.geojson.coordinates[0].length, 5);

  // A circle: the centre, then the edge; then its radius edited.
  await page.click('[data-testid=draw-circle]');
  await map.click(at(-250, 0));
  await map.click(at(-180, 0));
  await page.fill('[data-testid=fence-name]', '测试圆形');
  await page.click('[data-testid=fence-save]');
  await page.locator('[data-testid=fence-list] button', { hasText: '测试圆形' }).click();
  await page.fill('[data-testid=fence-radius]', '321');
  await shot(page, 'console-geofence-circle');
  await page.click('[data-testid=fence-save]');
  await page.locator('[data-testid=fence-list] button', { hasText: '测试圆形' }).waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=fence-save]'));
  fences = (await admin('GET', '/geofences')).items;
  const circle = fences.find((f) => f.name === '测试圆形');
  assert.equal(circle?.radius_m, 321);
  assert.ok(circle.center);

  // A fence of two polygons, made through the API (a GeoJSON MultiPolygon), is drawn whole
  // and is not opened in the one-polygon editor, which would drop a part on saving.
  const square = (lat, lon) => [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]]];
  const multi = await admin('POST', '/geofences', {
    id: crypto.randomUUID(),
    name: '测试双区',
    geojson: { type: 'MultiPolygon', coordinates: [square(31.2, 121.45), square(31.25, 121.5)] },
  });
  assert.equal(multi.geojson.type, 'MultiPolygon');
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const shapes = () =>
    page.$$eval('[data-testid=geofence-map] path[stroke="#2563eb"]', (ps) => ps.map((p) => (p.getAttribute('d').match(/M/g) ?? []).length));
  const drawn = (await shapes()).length;
  await page.reload();
  await page.locator('[data-testid=fence-list] button', { hasText: '测试双区' }).waitFor();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid=geofence-map] path[stroke="#2563eb"]').length > n, drawn);
  assert.ok((await shapes()).includes(2), 'one shape of two polygons on the map');
  await page.locator('[data-testid=fence-list] button', { hasText: '测试双区' }).click();
  await page.waitForSelector('[data-testid=fence-note]');
  assert.equal(await page.locator('[data-testid=fence-name]').count(), 0, 'not opened in the editor');
  await shot(page, 'console-geofence-multipolygon');
  assert.deepEqual(errors, []);
  await admin('DELETE', `/geofences/${multi.id}`);

  await admin('PUT', '/visit-rules/tenant', before);
  await context.close();
});
