// The webhooks screen: an admin adds an endpoint (a receiver this test runs on 127.0.0.1;
// the test server allows private targets), sees its secret once, sends a test whose
// signature the receiver checks with Node's own HMAC (a third implementation, from the
// Standard Webhooks specification), reads the delivery log in words, and turns the
// endpoint off — in English and in Chinese.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { consoleLogin, launch, newContext, shot } from './helpers.mjs';

let browser;
let receiver;
const got = [];
before(async () => {
  browser = await launch();
  receiver = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise((ok) => receiver.listen(0, '127.0.0.1', ok));
});
after(async () => {
  await browser?.close();
  receiver?.close();
});

/** Whether one of the request's signatures is the spec's HMAC of id.timestamp.body. */
function verifies(request, secret) {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const signed = `${request.headers['webhook-id']}.${request.headers['webhook-timestamp']}.${request.body}`;
  const expected = createHmac('sha256', key).update(signed).digest();
  return request.headers['webhook-signature'].split(' ').some((s) => {
    const [version, sig] = s.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

test('an admin adds a webhook, sees the secret once, tests it and reads the log', async () => {
  const url = `http://127.0.0.1:${receiver.address().port}/outfield`;
  const context = await newContext(browser, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(page);
  await page.click('[data-testid=nav-webhooks]');
  await page.locator('[data-testid=webhook-form]').waitFor();
  await page.fill('input[name=url]', url);
  await page.fill('input[name=description]', 'ERP sync');
  await page.click('[data-testid=webhook-create]');
  const secret = (await page.locator('[data-testid=webhook-secret-value]').innerText()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{32}$/);
  await page.click('[data-testid=webhook-secret-done]');
  assert.equal(await page.locator('[data-testid=webhook-secret]').count(), 0, 'the secret is gone once dismissed');
  const row = page.locator(`[data-testid=webhooks] tr`, { hasText: url });
  await row.waitFor();
  assert.equal(await row.getAttribute('data-enabled'), 'true');

  await row.locator('[data-testid=webhook-test]').click();
  await page.locator('[data-testid=webhooks-notice]', { hasText: 'HTTP 204' }).waitFor();
  assert.equal(got.length, 1);
  assert.equal(JSON.parse(got[0].body).type, 'webhook.test');
  assert.ok(verifies(got[0], secret), `signature ${got[0].headers['webhook-signature']}`);

  const log = page.locator('[data-testid=webhook-deliveries]');
  await log.locator('[data-testid=delivery-result]', { hasText: 'HTTP 204' }).waitFor();
  const text = await log.innerText();
  assert.match(text, /Test/);
  assert.doesNotMatch(text, /webhook\.test|[0-9a-f]{8}-[0-9a-f]{4}-|\d{4}-\d\d-\d\dT/);
  await shot(page, 'console-webhooks');

  await row.locator('[data-testid=webhook-toggle]').click();
  await page.locator(`[data-testid=webhooks] tr[data-enabled=false]`, { hasText: url }).waitFor();

  assert.deepEqual(errors, []);
  await context.close();

  // The same screen in Chinese: words, not codes.
  const zhContext = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  await zhContext.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const zhPage = await zhContext.newPage();
  zhPage.on('pageerror', (e) => errors.push(e.message));
  await consoleLogin(zhPage);
  await zhPage.click('[data-testid=nav-webhooks]');
  const zhRow = zhPage.locator(`[data-testid=webhooks] tr`, { hasText: url });
  await zhRow.waitFor();
  assert.match(await zhRow.innerText(), /已停用/);
  await zhRow.locator('[data-testid=webhook-log]').click();
  await zhPage.locator('[data-testid=webhook-deliveries] [data-testid=delivery-result]').first().waitFor();
  assert.match(await zhPage.locator('[data-testid=webhook-deliveries]').innerText(), /测试/);
  await shot(zhPage, 'console-webhooks-zh');
  assert.deepEqual(errors, []);
  await zhContext.close();
});
