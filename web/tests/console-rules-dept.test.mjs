// Rules per department: with a department chosen as the scope, the visit rule saved on
// the rules screen is that department's (checked through the API) and the company's is
// untouched; the tracking form says the department follows the company rule.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { FORM_ID, consoleLogin, launch, login, newContext, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a department-level visit rule is saved', async () => {
  const admin = await login('admin');
  const dept = (await reps())[0].department_id;
  const company = await admin('GET', '/visit-rules/tenant');
  const context = await newContext(browser, { viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'rules');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=rules-scope] option').length > 1);
  await page.selectOption('[data-testid=rules-scope]', dept);
  const visit = page.locator('[data-testid=visit-rule]');
  await visit.locator('input[name=checkin_radius_m]').fill('333');
  await visit.locator('input[name=min_duration_min]').fill('4');
  await visit.locator('select[name=default_form_id]').selectOption(FORM_ID);
  await visit.locator('button[type=submit]').click();
  await visit.locator('[data-testid=saved]').waitFor();
  assert.equal(await page.locator('[data-testid=tracking-own]').getAttribute('data-own'), 'false');
  await shot(page, 'console-rules-department');

  const mine = await admin('GET', `/visit-rules/${dept}`);
  assert.equal(mine.checkin_radius_m, 333);
  assert.equal(mine.min_duration_min, 4);
  assert.equal(mine.default_form_id, FORM_ID);
  assert.deepEqual(await admin('GET', '/visit-rules/tenant'), company);

  // Back to the company scope: the form shows the company's rule again.
  await page.selectOption('[data-testid=rules-scope]', 'tenant');
  await page.waitForFunction(
    (r) => document.querySelector('[data-testid=visit-rule] input[name=checkin_radius_m]')?.value === String(r ?? ''),
    company.checkin_radius_m,
  );
  // The department keeps the company's values otherwise (there is no DELETE for visit rules).
  await admin('PUT', `/visit-rules/${dept}`, company);
  await context.close();
});
