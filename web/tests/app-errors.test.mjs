// Every error in the app's language where the rep sees it. In Chinese: a wrong password
// is answered in Chinese on the sign-in; a check-out the server refuses because the visit
// rule now blocks it without the required photo is shown at the top of the screen in
// Chinese with what is missing, the visit is open again, and after the photo the
// check-out goes through, once.
// Needs the errors helper's translated errorText and the server's check-out requirements
// (contract A, B.6).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, north, reps, shanghaiDate, shot } from './helpers.mjs';

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
const CJK = /[\u4e00-\u9fff]/;
/** An English word of four letters or more: a message that was not translated. */
const ENGLISH = /[A-Za-z]{4,}/;

test('errors from the server read in Chinese where the rep is looking', async () => {
  const rep = (await reps())[10];
  const asRep = await login(rep.username);
  const seen = new Set((await newVisits(asRep, rep, new Set())).map((v) => v.id));
  const admin = await login('admin');
  const shop = (await asRep('GET', '/customers?limit=500')).items.find((c) => c.location);
  const context = await newContext(browser, {
    ...PHONE,
    locale: 'zh-CN',
    geolocation: { ...north(shop.location.lat, shop.location.lon, 20), accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  });
  const page = await context.newPage();
  const rule = await admin('GET', '/visit-rules/tenant');
  try {
    // A wrong password, answered in Chinese.
    await page.goto(BASE + '/app/');
    await page.fill('input[name=username]', rep.username);
    await page.fill('input[name=password]', 'not-the-password');
    await page.click('button[type=submit]');
    const loginError = await page.locator('[data-testid=login-error]').innerText();
    assert.match(loginError, CJK);
    assert.doesNotMatch(loginError, ENGLISH);

    // Checked in while the rule only warns about missing photos.
    await appLogin(page, rep.username);
    await page.click('[data-testid=go-customers]');
    await page.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
    await page.click('[data-testid=check-in]');
    await page.waitForSelector('[data-testid=judgement][data-status=within]');

    // Meanwhile the company makes one photo a condition of check-out.
    await admin('PUT', '/visit-rules/tenant', {
      ...rule,
      required_photos: 1,
      checkout_requires: { photos: 'block', report: 'off' },
    });
    await page.click('[data-testid=check-out]');
    const refused = page.locator('[data-testid=refused][data-kind=check-out]');
    await refused.waitFor();
    const text = await refused.innerText();
    assert.match(text, CJK);
    assert.doesNotMatch(text, ENGLISH, `translated: ${text}`);
    assert.match(text, /要求 1 张照片/, 'names the missing photo');
    await shot(page, 'app-errors-refused-zh');
    // The visit is open again, so the rep can fix it.
    await page.waitForSelector('[data-testid=current-visit]');
    await page.click('[data-testid=current-visit]');
    await page.waitForSelector('[data-testid=checkout-refused]');
    await page.click('[data-testid=take-photo]');
    await page.waitForSelector('[data-testid=shutter]:not([disabled])');
    await page.click('[data-testid=shutter]');
    await page.waitForSelector('[data-testid=visit-photos] img');
    await page.click('[data-testid=check-out]');
    await page.waitForSelector('[data-testid=go-customers]');
    await synced(page);
    assert.equal(await page.locator('[data-testid=refused]').count(), 0, 'the old refusal is gone');

    const visits = await newVisits(asRep, rep, seen);
    assert.equal(visits.length, 1);
    assert.ok(visits[0].check_out, 'checked out once the photo was taken');
  } catch (e) {
    await shot(page, 'failure-app-errors');
    throw e;
  } finally {
    await admin('PUT', '/visit-rules/tenant', rule);
    await context.close();
  }
});
