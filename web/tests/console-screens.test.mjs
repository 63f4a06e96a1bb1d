// The other console screens open and show their data: people and departments (an
// employee edited), and one rep's attendance days.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { consoleLogin, launch, login, newContext, reps, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

for (const locale of ['en-US', 'zh-CN']) {
  test(`people, departments and attendance (${locale})`, async () => {
    const admin = await login('admin');
    const rep = (await reps())[2];
    const context = await newContext(browser, { viewport: { width: 1400, height: 900 }, locale });
    const page = await context.newPage();
    page.on('pageerror', (e) => console.log('pageerror', e));
    await consoleLogin(page, 'people');
    await page.locator('[data-testid=employees] tbody tr').nth(5).waitFor();
    await page.locator(`[data-testid=employees] tr[data-username="${rep.username}"]`).click();
    const phone = `139${Date.now().toString().slice(-8)}`;
    await page.fill('[data-testid=employee-form] input[name=phone]', phone);
    await page.click('[data-testid=employee-save]');
    await page.waitForSelector('[data-testid=employee-form]', { state: 'detached' });
    assert.equal((await admin('GET', `/employees/${rep.id}`)).phone, phone);
    await shot(page, `console-people-${locale}`);

    await page.goto(page.url().replace(/#.*/, '#/attendance/person'));
    await page.waitForSelector('[data-testid=attendance-person]');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=attendance-person] option').length > 5);
    await page.selectOption('[data-testid=attendance-person]', rep.id);
    await page.locator('[data-testid=attendance-days] tbody tr').first().waitFor();
    assert.ok((await page.locator('[data-testid=attendance-days] tbody tr').count()) >= 10);
    await shot(page, `console-attendance-${locale}`);
    if (locale === 'zh-CN') assert.match(await page.locator('body').innerText(), /考勤|出勤|缺勤|休息/);
    await context.close();
  });
}
