// The audit log screen: an admin's change made through the API shows with its time, the
// admin's name, the action and the resource, and unfolds as "field: old → new" with no
// JSON; the resource filter narrows the list. Managers have no such screen (every-screen).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE, consoleLogin, launch, login, newContext, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('an admin change shows in the audit log with its diff', async () => {
  const admin = await login('admin');
  const id = randomUUID();
  await admin('POST', '/customers', { id, name: 'Audit Corner Shop', code: 'AUD-1' });
  await admin('PUT', `/customers/${id}`, { name: 'Audit Corner Shop (renamed)', code: 'AUD-1' });

  const context = await newContext(browser, { viewport: { width: 1400, height: 900 }, locale: 'en-US' });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'audit');
  const row = page.locator('[data-testid=audit] tr[data-resource=customers][data-action=update]').first();
  await row.waitFor();
  const cells = await row.locator('td').allInnerTexts();
  const me = await admin('GET', '/me');
  assert.equal(cells[1], `${me.employee.name} (Administrator)`, 'the name, not an id');
  assert.equal(cells[2], 'Changed');
  assert.equal(cells[3], 'Customers');
  assert.doesNotMatch(cells[0], /T\d\d:|Z$/, 'a local time, not an ISO instant');

  await row.locator('[data-testid=audit-toggle]').click();
  const name = page.locator('[data-testid=audit-diff] li[data-field=name]').first();
  await name.waitFor();
  assert.equal(await name.innerText(), 'Name: Audit Corner Shop → Audit Corner Shop (renamed)');
  const diff = await page.locator('[data-testid=audit-diff]').first().innerText();
  assert.doesNotMatch(diff, /[{}"]/, `no raw JSON: ${diff}`);
  await shot(page, 'console-audit');

  await page.selectOption('[data-testid=audit-resource]', 'departments');
  await page.waitForFunction(
    () => !document.querySelector('[data-testid=audit] tr[data-resource=customers]'),
  );
  const resources = await page.$$eval('[data-testid=audit] tr[data-resource]', (rows) => rows.map((r) => r.dataset.resource));
  assert.ok(resources.every((r) => r === 'departments'), `${resources}`);
  await context.close();
});
