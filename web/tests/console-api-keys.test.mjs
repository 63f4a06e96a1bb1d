// The API keys screen: an admin makes a key with two scopes, an expiry and its own limit,
// sees the key once, uses it (the last use shows), sets the company default, and revokes
// it — in English and in Chinese.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, consoleLogin, launch, newContext, shot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('an admin makes a key, sees it once and its last use, and revokes it', async () => {
  const context = await newContext(browser, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(page);
  await page.click('[data-testid=nav-api-keys]');
  await page.locator('[data-testid=api-key-form]').waitFor();
  await page.fill('input[name=name]', 'ERP sync');
  await page.check('input[aria-label="customers:write"]');
  await page.check('input[aria-label="visits:read"]');
  await page.fill('input[name=expires]', '2099-12-31');
  await page.fill('input[name=limit]', '120');
  await page.click('[data-testid=api-key-create]');
  const key = (await page.locator('[data-testid=api-key-secret-value]').innerText()).trim();
  assert.match(key, /^ofk_[0-9a-f]{32}_/);
  await page.click('[data-testid=api-key-secret-done]');
  assert.equal(await page.locator('[data-testid=api-key-secret]').count(), 0, 'the key is gone once dismissed');
  const row = page.locator('[data-testid=api-keys] tr', { hasText: 'ERP sync' });
  await row.waitFor();
  assert.equal(await row.getAttribute('data-status'), 'active');
  assert.match(await row.innerText(), /Never/);
  assert.match(await row.innerText(), /120\/min/);

  // The key works with its scopes, and its use shows after a reload.
  const used = await fetch(`${BASE}/api/v1/visits?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(used.status, 200);
  assert.equal(used.headers.get('ratelimit-limit'), '120');
  const refused = await fetch(`${BASE}/api/v1/plans?from=2026-12-01&to=2026-12-01`, {
    headers: { authorization: `Bearer ${key}` },
  });
  assert.equal(refused.status, 403);
  assert.equal((await refused.json()).error.code, 'missing_scope');
  await page.reload();
  await page.click('[data-testid=nav-api-keys]');
  const usedRow = page.locator('[data-testid=api-keys] tr', { hasText: 'ERP sync' });
  await usedRow.waitFor();
  assert.doesNotMatch(await usedRow.locator('[data-testid=api-key-last-used]').innerText(), /Never/);

  await page.fill('input[name=tenant_limit]', '300');
  await page.click('[data-testid=api-key-settings] button[type=submit]');
  await page.locator('[data-testid=api-keys-notice]').waitFor();
  await shot(page, 'console-api-keys');
  assert.deepEqual(errors, []);
  await context.close();

  // The same screen in Chinese, then the key revoked.
  const zhContext = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  await zhContext.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const zhPage = await zhContext.newPage();
  zhPage.on('pageerror', (e) => errors.push(e.message));
  zhPage.on('dialog', (d) => d.accept());
  await consoleLogin(zhPage);
  await zhPage.click('[data-testid=nav-api-keys]');
  const zhRow = zhPage.locator('[data-testid=api-keys] tr', { hasText: 'ERP sync' });
  await zhRow.waitFor();
  assert.match(await zhRow.innerText(), /有效/);
  assert.match(await zhPage.locator('[data-testid=api-key-scopes]').innerText(), /拜访与照片/);
  await shot(zhPage, 'console-api-keys-zh');
  await zhRow.locator('[data-testid=api-key-revoke]').click();
  await zhPage.locator('[data-testid=api-keys] tr[data-status=revoked]', { hasText: 'ERP sync' }).waitFor();
  assert.match(await zhPage.locator('[data-testid=api-keys] tr', { hasText: 'ERP sync' }).innerText(), /已吊销/);
  const gone = await fetch(`${BASE}/api/v1/visits?limit=1`, { headers: { authorization: `Bearer ${key}` } });
  assert.equal(gone.status, 401);
  assert.deepEqual(errors, []);
  await zhContext.close();
});
