// Scheduled delivery on the Reports page: an admin schedules the report on screen to one of
// the company's webhooks only (no e-mail), sees it listed in words with its next run, and
// reads the same in Chinese; a manager, who may not see webhooks, is offered none.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { consoleLogin, launch, login, newContext, shot, textFindings } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an admin schedules a report to a webhook; the list says so in both languages', async () => {
  const admin = await login('admin');
  const hook = await admin('POST', '/webhooks', {
    url: 'http://127.0.0.1:9/reports',
    description: 'BI reports',
    event_types: ['customer.created'],
  });
  const context = await newContext(browser, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(page);
  await page.click('[data-testid=nav-reports]');
  await page.selectOption('[data-testid=report-name]', 'plan_compliance');
  await page.locator('[data-testid=report-schedules]').waitFor();
  await page.click('[data-testid=schedule-new]');
  const form = page.locator('[data-testid=schedule-form]');
  await form.waitFor();
  // The endpoint is offered by its description.
  const offered = await form.locator('[data-testid=schedule-webhook] option').allInnerTexts();
  assert.ok(offered.includes('BI reports'), `offered: ${offered}`);
  await form.locator('select[name=cadence]').selectOption('weekly');
  await form.locator('select[name=weekday]').selectOption('3');
  await form.locator('input[name=hour]').fill('8');
  await form.locator('[data-testid=schedule-webhook]').selectOption(hook.webhook.id);
  await page.click('[data-testid=schedule-save]');
  await page.locator('[data-testid=schedule-notice]').waitFor();
  const row = page.locator('[data-testid=schedule-list] tr', { hasText: 'Plan compliance' });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /Every Wednesday at 08:00/);
  assert.match(text, /webhook “BI reports”/);
  await row.locator('[data-testid=schedule-runs-toggle]').click();
  await page.locator('[data-testid=schedule-runs-empty]').waitFor();
  await shot(page, 'console-report-schedules');

  // The API holds what the form sent: the report, its filters, the endpoint, no addresses.
  const list = await admin('GET', '/report-schedules');
  const made = list.items.find((s) => s.report === 'plan_compliance' && s.webhook_id === hook.webhook.id);
  assert.ok(made, JSON.stringify(list.items));
  assert.deepEqual(made.recipients, []);
  assert.equal(made.cadence, 'weekly');
  assert.equal(made.weekday, 3);
  assert.equal(made.hour, 8);
  assert.deepEqual(errors, []);
  await context.close();

  // In Chinese: words, no codes or ids.
  const zh = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  await zh.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const zhPage = await zh.newPage();
  zhPage.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(zhPage);
  await zhPage.click('[data-testid=nav-reports]');
  const zhRow = zhPage.locator('[data-testid=schedule-list] tr', { hasText: 'BI reports' });
  await zhRow.waitFor();
  const zhText = await zhRow.innerText();
  assert.match(zhText, /每星期三 08:00/);
  assert.match(zhText, /推送地址“BI reports”/);
  assert.deepEqual(textFindings(await zhPage.locator('[data-testid=report-schedules]').innerText(), 'zh-CN', ['BI reports']), []);
  await zhPage.click('[data-testid=schedule-new]');
  assert.match(await zhPage.locator('[data-testid=schedule-form]').innerText(), /同时推送到推送地址/);
  await shot(zhPage, 'console-report-schedules-zh');
  assert.deepEqual(errors, []);
  await zh.close();

  // A manager schedules by e-mail only: no endpoint is offered.
  const employees = (await admin('GET', '/employees?limit=500')).items;
  const manager = employees.find((e) => e.role === 'manager' && e.active);
  assert.ok(manager, 'the demo has a manager');
  const mContext = await newContext(browser, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await mContext.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const mPage = await mContext.newPage();
  mPage.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(mPage, 'reports', manager.username);
  await mPage.click('[data-testid=schedule-new]');
  await mPage.locator('[data-testid=schedule-form]').waitFor();
  assert.equal(await mPage.locator('[data-testid=schedule-webhook]').count(), 0);
  assert.deepEqual(errors, []);
  await mContext.close();

  await admin('DELETE', `/report-schedules/${made.id}`);
  await admin('DELETE', `/webhooks/${hook.webhook.id}`);
});
