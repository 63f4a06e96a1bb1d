// The server is the truth of the rep's day. On one phone a rep clocks in, checks in at a
// shop and takes a photo; a second phone with empty storage (or the same rep after
// signing in again) shows them clocked in with that visit open, and checks it out. The
// server holds that visit checked out once, its photo marked as a live capture, and the
// first phone, reopened, shows the visit done instead of still open.
// Needs the server's GET /api/v1/me/today, check-out from any session of the rep and the
// photo `capture` meta (contract B.1, B.2, B.4).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, launch, login, newContext, north, reps, shanghaiDate, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function camera(page) {
  await page.waitForSelector('[data-testid=shutter]:not([disabled])');
  await page.click('[data-testid=shutter]');
  await page.waitForSelector('[data-testid=camera]', { state: 'detached' });
}

/** Today's visits of the rep that this test made (the demo may hold others). */
async function newVisits(asRep, rep, seen) {
  const day = shanghaiDate();
  const page = await asRep('GET', `/visits?employee_id=${rep.id}&from=${day}&to=${day}&limit=200`);
  return page.items.filter((v) => !seen.has(v.id));
}

const synced = (page) => page.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');

test('another phone (or a re-login) restores the day from the server and checks the visit out', async () => {
  const rep = (await reps())[8];
  const asRep = await login(rep.username);
  const seen = new Set((await newVisits(asRep, rep, new Set())).map((v) => v.id));
  const shop = (await asRep('GET', '/customers?limit=500')).items.find((c) => c.location);
  const options = {
    ...PHONE,
    geolocation: { ...north(shop.location.lat, shop.location.lon, 20), accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  };
  const first = await newContext(browser, options);
  const second = await newContext(browser, options);
  const one = await first.newPage();
  const two = await second.newPage();
  try {
    // Phone one: clock in, check in at the shop, one photo; everything synced.
    await appLogin(one, rep.username);
    await one.click('[data-testid=clock-in]');
    await camera(one);
    await one.waitForSelector('[data-testid=punch-judgement]');
    await one.click('[data-testid=go-customers]');
    await one.locator(`[data-testid=customer-list] li[data-customer="${shop.id}"]`).click();
    await one.click('[data-testid=check-in]');
    await one.waitForSelector('[data-testid=judgement][data-status=within]');
    await one.click('[data-testid=take-photo]');
    await camera(one);
    // The photo is queued once its thumbnail shows; "synced" before that would be the
    // moment between the shutter and the queue, with the photo not yet on its way.
    await one.waitForSelector('[data-testid=visit-photos] img');
    await synced(one);
    const open = await newVisits(asRep, rep, seen);
    assert.equal(open.length, 1);
    assert.equal(open[0].check_out, null);
    const visitId = open[0].id;

    // Phone two, nothing stored: clocked in already (no second clock-in offered), the
    // visit open with the server's judgement and the photo taken on phone one.
    await appLogin(two, rep.username);
    await two.waitForSelector('[data-testid=clock-out]');
    assert.equal(await two.locator('[data-testid=clock-in]').count(), 0, 'no second clock-in offered');
    await two.waitForSelector('[data-testid=current-visit]');
    assert.ok((await two.locator('[data-testid=current-visit]').innerText()).includes(shop.name), 'the open visit names the shop');
    await shot(two, 'app-today-restored');
    await two.click('[data-testid=current-visit]');
    await two.waitForSelector('[data-testid=judgement][data-status=within]');
    await two.waitForSelector('[data-testid=visit-photos] img');
    await shot(two, 'app-today-visit');
    await two.click('[data-testid=check-out]');
    await two.waitForSelector('[data-testid=go-customers]');
    await synced(two);
    await two.waitForSelector(`[data-testid=done-today] li[data-visit="${visitId}"]`);

    const after_ = await newVisits(asRep, rep, seen);
    assert.equal(after_.length, 1, 'still one visit');
    const v = await asRep('GET', `/visits/${visitId}`);
    assert.ok(v.check_out, 'checked out from the second phone');
    assert.equal(v.photos.length, 1);
    assert.equal(v.photos[0].capture, 'camera', 'the in-app photo is marked a live capture');
    assert.ok(!v.flags.some((f) => f.code === 'photo_no_exif'), 'no "no EXIF" alarm for a live capture');

    // Phone one again: the server's day wins over what it kept, the visit is done.
    await one.goto(BASE + '/app/');
    await one.waitForSelector(`[data-testid=done-today] li[data-visit="${visitId}"]`);
    assert.equal(await one.locator('[data-testid=current-visit]').count(), 0, 'no longer open on phone one');
    await one.waitForSelector('[data-testid=clock-out]');

    // Signing out and in again on phone one: still clocked in, nothing offered twice.
    await one.click('text=Sign out');
    await appLogin(one, rep.username);
    await one.waitForSelector('[data-testid=clock-out]');
    assert.equal(await one.locator('[data-testid=clock-in]').count(), 0);
    await one.waitForSelector(`[data-testid=done-today] li[data-visit="${visitId}"]`);
    const checkouts = (await newVisits(asRep, rep, seen)).filter((x) => x.check_out);
    assert.equal(checkouts.length, 1, 'the server shows the visit checked out once');
  } catch (e) {
    await shot(one, 'failure-app-today-one');
    await shot(two, 'failure-app-today-two');
    throw e;
  } finally {
    await first.close();
    await second.close();
  }
});
