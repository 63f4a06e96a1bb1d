// Leave end to end: a rep asks for leave today in the field app (through the outbox), the
// manager approves it on the console's Requests screen, and the Attendance screen (and
// the API) shows the day as on_leave. A second request, decided behind the screen's back,
// answers 409 when approved on the stale screen, and the row says so.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PHONE, appLogin, consoleLogin, launch, login, newContext, overflowX, reps, shanghaiDate, shot } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('a rep requests leave, the manager approves it, the day is on_leave', async () => {
  const list = await reps();
  const rep = list[5] ?? list.at(-1);
  const admin = await login('admin');
  const today = shanghaiDate();
  const later = shanghaiDate(3);

  // The rep's phone: two requests, today and a later day.
  const phone = await newContext(browser, {
    ...PHONE,
    geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 15 },
    permissions: ['geolocation', 'camera'],
  });
  const app = await phone.newPage();
  app.on('pageerror', (e) => console.log('pageerror', e));
  await appLogin(app, rep.username);
  await app.click('[data-testid=go-leave]');
  for (const [day, reason] of [[today, 'Family matter'], [later, 'Doctor appointment']]) {
    await app.fill('[data-testid=leave-form] input[name=from]', day);
    await app.fill('[data-testid=leave-form] input[name=to]', day);
    await app.selectOption('[data-testid=leave-form] select[name=leave_type]', day === today ? 'personal' : 'sick');
    await app.fill('[data-testid=leave-form] textarea[name=reason]', reason);
    await app.click('[data-testid=leave-submit]');
    await app.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  }
  await app.waitForFunction(() => document.querySelectorAll('[data-testid=leave-list] li').length === 2);
  assert.equal(await overflowX(app), 0);
  await shot(app, 'app-leave');
  const asked = (await admin('GET', `/attendance/requests?employee_id=${rep.id}&from=${today}&to=${later}`)).items;
  assert.equal(asked.length, 2);
  assert.ok(asked.every((r) => r.kind === 'leave' && r.status === 'pending'));
  const first = asked.find((r) => r.from === today);
  const second = asked.find((r) => r.from === later);
  // Leave goes to the rep's first-level manager (the tenant's default approval flow).
  const people = await admin('GET', '/employees?limit=500');
  const boss = people.items.find((e) => e.role === 'manager' && e.department_id === rep.department_id);
  assert.ok(boss, 'the rep has a manager');
  const manager = await login(boss.username);

  // The console: the rep's department, both pending.
  const context = await newContext(browser, { viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'requests', boss.username);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=requests-department] option').length > 1);
  await page.selectOption('[data-testid=requests-department]', rep.department_id);
  await page.locator(`tr[data-request="${first.id}"]`).waitFor();
  await page.locator(`tr[data-request="${second.id}"]`).waitFor();
  await shot(page, 'console-requests');

  await page.locator(`tr[data-request="${first.id}"] [data-testid=approve]`).click();
  await page.locator(`tr[data-request="${first.id}"][data-status=approved]`).waitFor();

  // Someone else rejects the second meanwhile; approving it here answers 409, shown.
  await manager('POST', `/attendance/requests/${second.id}/decision`, { status: 'rejected' });
  await page.locator(`tr[data-request="${second.id}"] [data-testid=approve]`).click();
  const err = page.locator(`tr[data-request="${second.id}"] [data-testid=request-error]`);
  await err.waitFor();
  assert.match(await err.innerText(), /already decided/i);
  await page.locator(`tr[data-request="${second.id}"][data-status=rejected]`).waitFor();
  await shot(page, 'console-requests-decided');
  const after = (await admin('GET', `/attendance/requests?employee_id=${rep.id}&from=${today}&to=${later}`)).items;
  assert.equal(after.find((r) => r.id === first.id).status, 'approved');
  assert.equal(after.find((r) => r.id === second.id).status, 'rejected');

  // Attendance: today is on leave, on screen and through the API.
  await page.goto(`${BASE}/#/attendance/person`);
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=attendance-person] option').length > 5);
  await page.selectOption('[data-testid=attendance-person]', rep.id);
  await page.locator(`[data-testid=attendance-days] tr[data-date="${today}"][data-status=on_leave]`).waitFor();
  await shot(page, 'console-attendance-on-leave');
  const days = await admin('GET', `/attendance/days?employee_id=${rep.id}&from=${today}&to=${today}`);
  assert.equal(days.items[0].status, 'on_leave');

  // The rep's phone shows the decisions when it can read them.
  await app.reload();
  await app.waitForSelector('[data-testid=leave-list] li');
  await context.close();
  await phone.close();
});
