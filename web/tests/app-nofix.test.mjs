// Never blocked for lack of a fix: with location permission denied, a rep still clocks
// in, checks in and checks out. Each action is queued without a position and synced;
// the server stores it and flags `no_fix`; the app tells the rep, in Chinese here, that
// the manager will see it.
// Needs the server to take actions without lat/lon (contract B.3).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { PHONE, appLogin, launch, login, newContext, reps, shanghaiDate, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Today's visits of the rep that this test made (the demo may hold others). */
async function newVisits(asRep, rep, seen) {
  const day = shanghaiDate();
  const page = await asRep('GET', `/visits?employee_id=${rep.id}&from=${day}&to=${day}&limit=200`);
  return page.items.filter((v) => !seen.has(v.id));
}

const synced = (page) => page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
const NOTE = '没有定位，主管会看到这一点。';

test('with no position every action is queued, synced and flagged, and the rep is told', async () => {
  const rep = (await reps())[9];
  const asRep = await login(rep.username);
  const seen = new Set((await newVisits(asRep, rep, new Set())).map((v) => v.id));
  const shop = (await asRep('GET', '/customers?limit=500')).items[0];
  // Camera allowed, location not: the browser refuses every position request.
  const context = await newContext(browser, { ...PHONE, locale: 'zh-CN', permissions: ['camera'] });
  const page = await context.newPage();
  try {
    await appLogin(page, rep.username);

    await page.click('[data-testid=clock-in]');
    await page.waitForSelector('[data-testid=shutter]:not([disabled])');
    await page.click('[data-testid=shutter]');
    await page.waitForSelector('[data-testid=fix-note][data-kind=none]');
    assert.equal(await page.locator('[data-testid=fix-note] p').innerText(), NOTE);
    await page.waitForSelector('[data-testid=punch-judgement]');

    await page.click('[data-testid=go-customers]');
    await page.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
    await page.click('[data-testid=check-in]');
    await page.waitForSelector('[data-testid=visit]');
    await page.waitForSelector('[data-testid=judgement][data-status=uncertain]');
    await page.click('[data-testid=check-out]');
    await page.waitForSelector('[data-testid=go-customers]');
    await page.waitForSelector('[data-testid=fix-note][data-kind=none]');
    assert.equal(await page.locator('[data-testid=fix-note] p').innerText(), NOTE);
    await synced(page);
    await shot(page, 'app-nofix-note');

    const visits = await newVisits(asRep, rep, seen);
    assert.equal(visits.length, 1);
    const v = await asRep('GET', `/visits/${visits[0].id}`);
    assert.ok(v.check_out, 'the check-out without a position was stored');
    assert.equal(v.check_in.status, 'uncertain');
    assert.ok(v.flags.some((f) => f.code === 'no_fix'), 'flagged no_fix');
  } catch (e) {
    await shot(page, 'failure-app-nofix');
    throw e;
  } finally {
    await context.close();
  }
});
