// The app's sign-in lists the demo's field reps (a server started with --demo): a tap
// fills in the form and signs in as that rep; only field reps are listed.
// Needs the demo helper's GET /api/v1/demo/accounts (contract D).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, launch, login, newContext, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('the demo field reps are listed on the app sign-in and fill the form', async () => {
  const admin = await login('admin');
  const people = (await admin('GET', '/employees?limit=500')).items;
  const context = await newContext(browser, PHONE);
  const page = await context.newPage();
  try {
    await page.goto(BASE + '/app/');
    const buttons = page.locator('[data-testid=demo-accounts] button[data-username]');
    await buttons.first().waitFor();
    const names = await buttons.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-username')));
    assert.ok(names.length > 0);
    for (const u of names) {
      assert.equal(people.find((p) => p.username === u)?.role, 'field', `${u} is a field rep`);
    }
    await shot(page, 'app-login-demo');
    await buttons.first().click();
    assert.equal(await page.inputValue('input[name=username]'), names[0]);
    assert.ok((await page.inputValue('input[name=password]')).length > 0, 'password filled in');
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=attendance]');
  } catch (e) {
    await shot(page, 'failure-app-login');
    throw e;
  } finally {
    await context.close();
  }
});
