// The field app at a small phone viewport: every screen fits the width (no sideways
// scrolling), in Chinese and in English.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, overflowX, reps, shanghaiDate, shot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
  // Today's plan for the rep's department, published, so the plan screen has stops.
  const rep = (await reps())[4];
  const admin = await login('admin');
  const today = shanghaiDate();
  const span = { department_id: rep.department_id, from: today, to: today };
  await admin('POST', '/plans/generate', { ...span, time_limit_s: 1 });
  await admin('POST', '/plans/publish', span);
});
after(async () => browser?.close());

for (const locale of ['zh-CN', 'en-US']) {
  test(`phone layout fits 360 px (${locale})`, async () => {
    const rep = (await reps())[4];
    const context = await newContext(browser, {
      ...PHONE,
      viewport: { width: 360, height: 740 },
      locale,
      geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 15 },
      permissions: ['geolocation', 'camera'],
    });
    const page = await context.newPage();
    await page.goto(BASE + '/app/');
    assert.equal(await overflowX(page), 0, 'login');
    await appLogin(page, rep.username);
    for (const route of ['home', 'plan', 'customers', 'prospect', 'outbox', 'visit', 'leave']) {
      await page.goto(`${BASE}/app/#/${route}`);
      await page.waitForSelector('.screen > *');
      await page.waitForTimeout(300);
      assert.equal(await overflowX(page), 0, `${route} overflows`);
      await shot(page, `app-layout-${locale}-${route}`);
    }
    if (locale === 'zh-CN') assert.match(await page.locator('body').innerText(), /同步|拜访/);
    await context.close();
  });
}
