// Offline first: with the network cut, a check-in is kept on the phone as "waiting to
// sync" (and survives a reload served by the service worker); when the network returns
// it is sent, and the server holds exactly one visit.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, north, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a check-in made offline is synced exactly once', async () => {
  const rep = (await reps())[3];
  const asRep = await login(rep.username);
  const shop = (await asRep('GET', '/customers?limit=500')).items.find((c) => c.location);
  const context = await newContext(browser, {
    ...PHONE,
    geolocation: { ...north(shop.location.lat, shop.location.lon, 15), accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  });
  const page = await context.newPage();
  try {
    await appLogin(page, rep.username);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.click('[data-testid=go-customers]');
    await page.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
    await page.waitForSelector('[data-testid=customer-distance]');

    await context.setOffline(true);
    await page.click('[data-testid=check-in]');
    await page.waitForSelector('[data-testid=judgement][data-status=waiting]');
    await page.waitForSelector('[data-testid=sync][data-waiting="1"]');
    assert.match(await page.locator('[data-testid=sync]').innerText(), /1 waiting to sync/);
    await shot(page, 'app-offline-waiting');

    // Still offline, the app reopens from the service worker with the visit in progress.
    await page.reload();
    await page.waitForSelector('[data-testid=judgement][data-status=waiting]');
    await page.click('[data-testid=sync]');
    await page.waitForSelector('[data-testid=outbox] li[data-status=waiting]');
    await shot(page, 'app-offline-outbox');
    assert.equal((await asRep('GET', `/visits?employee_id=${rep.id}`)).items.length, 0);

    await context.setOffline(false);
    await page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
    const visits = (await asRep('GET', `/visits?employee_id=${rep.id}`)).items;
    assert.equal(visits.length, 1, 'exactly one visit on the server');
    assert.equal(visits[0].customer_id, shop.id);
    assert.equal(visits[0].check_in.status, 'within');
    await page.goBack();
    await page.waitForSelector('[data-testid=judgement][data-status=within]');
    await shot(page, 'app-online-synced');
  } catch (e) {
    await shot(page, 'failure-app-offline');
    throw e;
  } finally {
    await context.close();
  }
});
