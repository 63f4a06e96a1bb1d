// Two-step sign-in in the console: a manager turns it on from the account screen (QR
// code, a code computed here with node's HMAC from the key shown, ten recovery codes
// shown once), then signs in with the password and a code; in Chinese, with a recovery
// code. The codes are computed independently of the server (RFC 6238: HMAC-SHA-1 over
// the 30-second step, dynamic truncation, six digits).
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { BASE, PASSWORD, login, launch, newContext, shot } from './helpers.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

function base32(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of text.replace(/=+$/, '').toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

function totp(secret, unixS = Date.now() / 1000) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(unixS / 30)));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 0x0f;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

async function signIn(page, username) {
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
}

test('a manager turns on two-step sign-in and signs in with a code, then a recovery code', async () => {
  // A manager of our own, so the demo's accounts keep signing in with the password alone.
  const admin = await login('admin');
  const me = await admin('GET', '/me');
  const username = `totp-${Date.now().toString(36)}`;
  await admin('POST', '/employees', {
    name: 'Two Step', username, password: PASSWORD, role: 'manager',
    department_id: me.employee.department_id,
  });

  const context = await newContext(browser, { locale: 'en-US', viewport: { width: 1300, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await signIn(page, username);
  await page.waitForSelector('[data-testid=dashboard-page]');
  await page.click('[data-testid=who]');
  await page.click('[data-testid=security-enable]');
  await page.locator('[data-testid=totp-qr]').waitFor();
  const secret = (await page.locator('[data-testid=totp-secret]').innerText()).trim();
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await shot(page, 'console-2fa-enrol');
  await page.fill('[data-testid=totp-enrol] input[name=code]', totp(secret));
  await page.click('[data-testid=totp-confirm]');
  await page.locator('[data-testid=recovery-codes]').waitFor();
  const codes = (await page.locator('[data-testid=recovery-codes] code').allInnerTexts()).map((c) => c.trim());
  assert.equal(codes.length, 10);
  await page.click('[data-testid=recovery-done]');
  await page.locator('[data-testid=security-on]').waitFor();
  await page.locator('[data-testid=security]', { hasText: 'Recovery codes left' }).waitFor();
  assert.match(await page.locator('[data-testid=security]').innerText(), /Recovery codes left: 10/);

  // The password alone no longer signs in: the second step asks for the code. The next
  // step's code is used (the confirming code's step is spent; ±1 step is accepted).
  await page.click('.topbar button:has-text("Sign out")');
  await page.locator('[data-testid=login]').waitFor();
  const fresh = page;
  await signIn(fresh, username);
  await fresh.locator('[data-testid=login-2fa]').waitFor();
  await fresh.fill('[data-testid=login-2fa] input[name=code]', '000000' === totp(secret) ? '111111' : '000000');
  await fresh.click('[data-testid=login-verify]');
  await fresh.locator('[data-testid=login-error]').waitFor();
  assert.match(await fresh.locator('[data-testid=login-error]').innerText(), /not right/);
  await fresh.fill('[data-testid=login-2fa] input[name=code]', totp(secret, Date.now() / 1000 + 30));
  await fresh.click('[data-testid=login-verify]');
  await fresh.waitForSelector('[data-testid=dashboard-page]');
  assert.deepEqual(errors, []);
  await context.close();

  // In Chinese, with a recovery code.
  const zh = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1300, height: 900 } });
  await zh.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const zhPage = await zh.newPage();
  zhPage.on('pageerror', (e) => errors.push(e.message));
  await signIn(zhPage, username);
  const step = zhPage.locator('[data-testid=login-2fa]');
  await step.waitFor();
  assert.match(await step.innerText(), /两步验证/);
  await zhPage.click('text=改用恢复码');
  await zhPage.fill('[data-testid=login-2fa] input[name=code]', codes[0]);
  await shot(zhPage, 'console-2fa-login-zh');
  await zhPage.click('[data-testid=login-verify]');
  await zhPage.waitForSelector('[data-testid=dashboard-page]');
  await zhPage.click('[data-testid=who]');
  await zhPage.locator('[data-testid=security-on]').waitFor();
  await zhPage.locator('[data-testid=security]', { hasText: '剩余恢复码' }).waitFor();
  assert.match(await zhPage.locator('[data-testid=security]').innerText(), /剩余恢复码：9 个/);
  assert.deepEqual(errors, []);
  await zh.close();

  // The admin resets it (a lost phone): the password alone signs in again.
  const person = (await admin('GET', '/employees?limit=500')).items.find((e) => e.username === username);
  await admin('POST', `/employees/${person.id}/2fa/reset`);
  const again = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ tenant: 'demo', username, password: PASSWORD }),
  });
  assert.equal(again.status, 200);
  assert.ok((await again.json()).token);
});
