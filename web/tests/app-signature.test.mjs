// A signature in the visit report: the rep's department gets a visit rule assigning a form
// with a signature field; the rep checks in, draws on the pad with the pointer, submits,
// and the report's answer is the id of a photo of that very visit (a PNG).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, north, overflowX, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a report with a signature field is filled in the app', async () => {
  const list = await reps();
  const rep = list[6] ?? list.at(-1);
  const admin = await login('admin');
  const asRep = await login(rep.username);
  const form = await admin('POST', '/forms', {
    name: 'Delivery sign-off',
    fields: [
      { key: 'note', label: 'Note', type: 'text' },
      { key: 'sign', label: 'Customer signature', type: 'signature', required: true },
    ],
  });
  const company = await admin('GET', '/visit-rules/tenant');
  await admin('PUT', `/visit-rules/${rep.department_id}`, { ...company, required_photos: 0, min_duration_min: 0, default_form_id: form.id });

  const shop = (await asRep('GET', '/customers?limit=500')).items.find((c) => c.location);
  const context = await newContext(browser, {
    ...PHONE,
    geolocation: { ...north(shop.location.lat, shop.location.lon, 15), accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  try {
    await appLogin(page, rep.username);
    await page.click('[data-testid=go-customers]');
    await page.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
    await page.click('[data-testid=check-in]');
    await page.waitForSelector('[data-testid=judgement][data-status=within]');
    const pad = page.locator('[data-testid=signature-pad-sign]');
    await pad.waitFor();
    await pad.scrollIntoViewIfNeeded();
    const box = await pad.boundingBox();
    await page.mouse.move(box.x + 20, box.y + box.height * 0.7);
    await page.mouse.down();
    for (let i = 1; i <= 20; i++)
      await page.mouse.move(box.x + 20 + i * 12, box.y + box.height * (0.7 - 0.4 * Math.sin(i / 3)));
    await page.mouse.up();
    await page.fill('[data-field=note] textarea', 'Delivered 12 cases');
    await shot(page, 'app-signature-pad');
    await page.click('[data-testid=signature-use-sign]');
    await page.waitForSelector('[data-testid=signature-done-sign] img');
    assert.equal(await overflowX(page), 0);
    await shot(page, 'app-signature-done');
    await page.click('[data-testid=report-submit]');
    await page.waitForSelector('[data-testid=report-done]');
    await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
    await page.click('[data-testid=check-out]');
    await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');

    const visits = (await asRep('GET', `/visits?employee_id=${rep.id}`)).items;
    const v = await asRep('GET', `/visits/${visits[0].id}`);
    assert.equal(v.report.form_id, form.id);
    const sign = v.report.answers.sign;
    assert.match(sign, /^[0-9a-f-]{36}$/);
    const photo = v.photos.find((p) => p.id === sign);
    assert.ok(photo, 'the signature is a photo of this visit');
    assert.equal(photo.visit_id, v.id);
    assert.equal(photo.format, 'png');
  } finally {
    // No DELETE for visit rules: the department goes back to the company's values.
    await admin('PUT', `/visit-rules/${rep.department_id}`, company);
    await context.close();
  }
});
