// Single sign-on in the browser: a real OpenID provider (npm oidc-provider, the one the API
// tests use: crates/server/tests/oidc/provider.js) runs on 127.0.0.1; the admin sets it up
// on the Single sign-on screen, then a fresh browser signs in with "Sign in with SSO"
// through the provider's login page and lands on the dashboard; a person Outfield does not
// know comes back to the sign-in page with the reason in words — in English and Chinese.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, consoleLogin, launch, login, newContext, shot } from './helpers.mjs';

const providerJs = resolve(dirname(fileURLToPath(import.meta.url)), '../../crates/server/tests/oidc/provider.js');
let browser;
let provider;
let issuer;

before(async () => {
  browser = await launch();
  const clients = [
    {
      client_id: 'outfield-demo',
      client_secret: 'outfield-demo-secret',
      redirect_uris: [`${BASE}/api/v1/auth/oidc/demo/callback`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ];
  provider = spawn('node', [providerJs, JSON.stringify({ clients })], { stdio: ['pipe', 'pipe', 'ignore'] });
  issuer = await new Promise((ok, fail) => {
    provider.stdout.once('data', (d) => {
      const m = String(d).match(/listening (\d+)/);
      if (m) ok(`http://127.0.0.1:${m[1]}`);
      else fail(new Error(`the provider said ${d}`));
    });
    provider.once('exit', () => fail(new Error('the provider exited (npm ci in crates/server/tests/oidc?)')));
  });
});
after(async () => {
  // Other tests see the demo's sign-in page without single sign-on.
  const admin = await login('admin');
  await admin('PUT', '/sso', { issuer_url: issuer, client_id: 'outfield-demo', enabled: false }).catch(() => {});
  await browser?.close();
  provider?.stdin.end();
  provider?.kill();
});

/** Signs in at the provider's page as `name` from a fresh browser; answers the page. */
async function ssoSignIn(lang, name) {
  const context = await newContext(browser, { locale: lang, viewport: { width: 1400, height: 900 } });
  await context.addInitScript((l) => {
    localStorage.setItem('outfield.lang', l);
    localStorage.setItem('outfield.tenant', 'demo');
  }, lang);
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(BASE + '/');
  const button = page.locator('[data-testid=sso-start]');
  await button.waitFor();
  assert.equal((await button.innerText()).trim(), lang === 'en' ? 'Sign in with SSO' : '使用单点登录');
  await button.click();
  await page.waitForURL((u) => u.href.startsWith(issuer));
  await page.fill('input[name=login]', name);
  await page.click('button');
  return { page, errors, context };
}

test('an admin sets up single sign-on and people sign in through the provider', async () => {
  const context = await newContext(browser, { locale: 'en-US', viewport: { width: 1400, height: 900 } });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'en'));
  const page = await context.newPage();
  await consoleLogin(page);
  await page.click('[data-testid=nav-sso]');
  await page.locator('[data-testid=sso-settings]').waitFor();
  assert.equal(
    (await page.locator('[data-testid=sso-redirect-uri]').innerText()).trim(),
    `${BASE}/api/v1/auth/oidc/demo/callback`,
  );
  await page.fill('input[name=issuer_url]', issuer);
  await page.fill('input[name=client_id]', 'outfield-demo');
  await page.fill('input[name=client_secret]', 'outfield-demo-secret');
  await page.check('input[name=enabled]');
  await page.click('[data-testid=sso-settings] button[type=submit]');
  await page.locator('[data-testid=sso-notice]').waitFor();
  assert.equal(await page.inputValue('input[name=client_secret]'), '', 'the secret is not shown back');
  assert.match(await page.locator('[data-testid=sso-settings]').innerText(), /A secret is saved/);
  await shot(page, 'en-sso-settings');
  await context.close();

  for (const lang of ['en', 'zh-CN']) {
    const ok = await ssoSignIn(lang, 'admin');
    await ok.page.locator('[data-testid=dashboard-page]').waitFor();
    assert.ok(!ok.page.url().includes('sso_code'), 'the one-time code is taken out of the address');
    assert.deepEqual(ok.errors, []);
    await ok.context.close();

    const refused = await ssoSignIn(lang, 'nobody-here');
    const error = refused.page.locator('[data-testid=login-error]');
    await error.waitFor();
    assert.equal(
      (await error.innerText()).trim(),
      lang === 'en'
        ? 'You have no Outfield account in this company. Ask your administrator to add you.'
        : '您在该企业没有 Outfield 账号，请联系管理员添加。',
    );
    await shot(refused.page, `${lang}-sso-refused`);
    await refused.context.close();
  }
});
