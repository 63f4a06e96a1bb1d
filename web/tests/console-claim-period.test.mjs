// The claim period as finance sets it in the console: weekly claims make the claims
// list pick ISO weeks (its value a period id such as 2026-W49, headed by the week in
// words), half-months a month and its half; the field app's "My mileage" shows the period
// today is in. The tenant goes back to months at the end (other tests expect them).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, appLogin, consoleLogin, launch, login, newContext, PHONE, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => {
  const admin = await login('admin');
  await admin('PUT', '/claim-settings', { period: 'month' });
  await browser?.close();
});

test('finance switches claims to weeks and half-months; the pickers and the app follow', async () => {
  const admin = await login('admin');
  const employees = (await admin('GET', '/employees?limit=500')).items;
  const finance = employees.find((e) => e.role === 'finance' && e.active);
  assert.ok(finance, 'the demo has a finance clerk');

  const ctx = await newContext(browser, { locale: 'en-US' });
  await ctx.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await ctx.newPage();
  await consoleLogin(page, 'claim-settings', finance.username);
  await page.waitForSelector('[data-testid=claim-period-current]');
  assert.equal(await page.inputValue('[data-testid=claim-period-kind]'), 'month');
  await page.selectOption('[data-testid=claim-period-kind]', 'week');
  await page.click('[data-testid=claim-period-save]');
  await page.locator('[data-testid=claim-period-current]', { hasText: 'Week' }).waitFor();
  const settings = await admin('GET', '/claim-settings');
  assert.equal(settings.period, 'week');
  assert.match(settings.previous_period, /^\d{4}-W\d{2}$/);
  await shot(page, 'console-claim-period-week');

  // The claims list opens on the week that ended, picked with a week field.
  await page.goto(`${BASE}/#/claims`);
  await page.locator('[data-testid=claims-period][type=week]').waitFor();
  await page.waitForFunction((p) => document.querySelector('[data-testid=claims-period]')?.value === p, settings.previous_period);
  const week = Number(settings.previous_period.slice(6));
  assert.match(await page.locator('[data-testid=claims-page] h2').innerText(), new RegExp(`Week ${week},`));

  // Half-months: a month field and its half.
  await admin('PUT', '/claim-settings', { period: 'half_month' });
  const half = await admin('GET', '/claim-settings');
  await page.reload();
  await page.locator('[data-testid=claims-period-half]').waitFor();
  await page.waitForFunction((m) => document.querySelector('[data-testid=claims-period]')?.value === m, half.previous_period.slice(0, 7));
  assert.equal(await page.inputValue('[data-testid=claims-period-half]'), half.previous_period.slice(8));
  await shot(page, 'console-claim-period-half');
  await ctx.close();

  // The rep's phone: "My mileage" is this half-month's claim.
  const rep = (await reps())[1]; // one no other browser test takes
  const phone = await newContext(browser, {
    ...PHONE,
    geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 15 },
    permissions: ['geolocation'],
  });
  await phone.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const app = await phone.newPage();
  await appLogin(app, rep.username);
  await app.click('[data-testid=go-mileage]');
  await app.waitForSelector('[data-testid=mileage-screen]');
  const claims = (await admin('GET', `/claims?employee_id=${rep.id}&period=${half.current_period}`)).items;
  assert.equal(claims.length, 1, `the app made this half-month's claim (${half.current_period})`);
  assert.match(await app.locator('[data-testid=mileage-screen] h2').first().innerText(), /1st–15th|16th–end/);
  await phone.close();
});
