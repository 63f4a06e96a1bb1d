// The report-form editor: a form with a problem is refused and the server's complaint is
// shown beside that field; fixed, it is created as version 1; edited, it becomes version
// 2, and version 1 can still be opened (and read through the API).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { consoleLogin, launch, login, newContext, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a form is created, edited into version 2, and version 1 stays viewable', async () => {
  const admin = await login('admin');
  const name = `Shelf audit ${Date.now() % 100000}`;
  const context = await newContext(browser, { viewport: { width: 1400, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'forms');
  await page.click('[data-testid=form-new]');
  const editor = page.locator('[data-testid=form-editor]');
  await editor.locator('input[name=form-name]').fill(name);
  const f0 = editor.locator('.field-editor[data-index="0"]');
  await f0.locator('input[name="fields[0].key"]').fill('brand');
  await f0.locator('input[name="fields[0].label"]').fill('Brand');
  await f0.locator('select[name="fields[0].type"]').selectOption('single_select');
  // No options: the server names fields[0].options, shown on that field.
  await editor.locator('[data-testid=form-save]').click();
  const problem = f0.locator('[data-problem^="fields[0]"]').first();
  await problem.waitFor();
  await shot(page, 'console-form-error');
  await f0.locator('textarea[name="fields[0].options"]').fill('Acme\nGlobex\nInitech');
  await f0.locator('input[name="fields[0].required"]').check();
  await editor.locator('[data-testid=form-save]').click();
  await page.locator('[data-testid=form-editor] [data-testid=form-version]').waitFor();

  const created = (await admin('GET', '/forms')).items.find((f) => f.name === name);
  assert.ok(created, 'created');
  assert.equal(created.version, 1);
  assert.deepEqual(created.fields[0].options, ['Acme', 'Globex', 'Initech']);

  // Edit: add a number field, save → version 2.
  await page.locator(`[data-testid=forms-list] li[data-form="${created.id}"]`).click();
  await editor.locator('[data-testid=add-field]').click();
  const f1 = editor.locator('.field-editor[data-index="1"]');
  await f1.locator('input[name="fields[1].key"]').fill('facings');
  await f1.locator('input[name="fields[1].label"]').fill('Facings');
  await f1.locator('select[name="fields[1].type"]').selectOption('number');
  await f1.locator('input[name="fields[1].min"]').fill('0');
  await f1.locator('input[name="fields[1].integer"]').check();
  await editor.locator('[data-testid=form-save]').click();
  await page.locator(`[data-testid=forms-list] li[data-form="${created.id}"][data-version="2"]`).waitFor();
  const v2 = await admin('GET', `/forms/${created.id}`);
  assert.equal(v2.version, 2);
  assert.equal(v2.fields.length, 2);
  await page.locator('[data-testid=form-version]').waitFor();
  await shot(page, 'console-form-v2');

  // Version 1 is still there, on screen and through the API.
  await page.selectOption('[data-testid=form-version]', '1');
  await page.locator('[data-testid=old-version][data-version="1"]').waitFor();
  assert.equal(await editor.locator('.field-editor').count(), 1);
  await shot(page, 'console-form-v1');
  const v1 = await admin('GET', `/forms/${created.id}?version=1`);
  assert.equal(v1.version, 1);
  assert.equal(v1.fields.length, 1);
  await context.close();
});
