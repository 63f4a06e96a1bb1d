// The approval inbox end to end, in Chinese: a rep asks for leave in the field app; their
// manager finds it in the console's 审批 inbox (the menu counts it), opens it, approves it
// with a comment; the request's timeline shows the decision, who made it and the comment;
// the rep's phone shows the same timeline, and a second request is withdrawn there while
// it waits, which takes it out of the manager's inbox.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, PASSWORD, PHONE, appLogin, launch, login, newContext, overflowX, reps, shanghaiDate, shot, textFindings } from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function consoleAs(context, username) {
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar nav a');
  return page;
}

test('a rep asks for leave, the manager approves it in the inbox, both see the timeline', async () => {
  const admin = await login('admin');
  const employees = (await admin('GET', '/employees?limit=500')).items;
  const list = await reps();
  // A rep whose department has a manager, not one the other browser tests drive (5, 8…).
  const rep = list.find((r, i) => i >= 3 && i !== 5 && i < 8 && employees.some((e) => e.role === 'manager' && e.active && e.department_id === r.department_id));
  assert.ok(rep, 'a rep with a manager');
  const manager = employees.find((e) => e.role === 'manager' && e.active && e.department_id === rep.department_id);
  const first = shanghaiDate(40);
  const second = shanghaiDate(44);

  // The rep's phone, in Chinese: two leave requests.
  const phone = await newContext(browser, {
    ...PHONE,
    locale: 'zh-CN',
    geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 15 },
    permissions: ['geolocation', 'camera'],
  });
  await phone.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const app = await phone.newPage();
  app.on('pageerror', (e) => console.log('pageerror', e));
  await appLogin(app, rep.username);
  await app.click('[data-testid=go-leave]');
  for (const [day, reason] of [[first, '回老家'], [second, '看病']]) {
    await app.fill('[data-testid=leave-form] input[name=from]', day);
    await app.fill('[data-testid=leave-form] input[name=to]', day);
    await app.selectOption('[data-testid=leave-form] select[name=leave_type]', 'annual');
    await app.fill('[data-testid=leave-form] textarea[name=reason]', reason);
    await app.click('[data-testid=leave-submit]');
    await app.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  }
  await app.waitForFunction(() => document.querySelectorAll('[data-testid=leave-list] li').length === 2);
  await app.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  // Sent in the outbox's own time: wait until the server has both.
  let leaves = [];
  for (let i = 0; i < 100 && leaves.length < 2; i++) {
    leaves = (await admin('GET', `/attendance/requests?employee_id=${rep.id}&from=${first}&to=${second}`)).items;
    if (leaves.length < 2) await new Promise((ok) => setTimeout(ok, 100));
  }
  assert.equal(leaves.length, 2);
  const requests = (await admin('GET', `/requests?type=leave&status=in_progress&limit=500`)).items;
  const reqOf = (day) => requests.find((r) => r.subject_id === leaves.find((l) => l.from === day).id);
  const req1 = reqOf(first);
  const req2 = reqOf(second);
  assert.ok(req1 && req2, 'each leave has its approval request');

  // The manager's console: the inbox counts both and lists them with the submitter and days.
  const mctx = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  const page = await consoleAs(mctx, manager.username);
  assert.equal(await page.locator('[data-testid=nav-approvals]').innerText().then((s) => s.startsWith('审批')), true);
  const count = Number(await page.locator('[data-testid=approvals-count]').innerText());
  assert.ok(count >= 2, `the menu counts what waits (${count})`);
  await page.click('[data-testid=nav-approvals]');
  const row = page.locator(`[data-testid=approvals] tr[data-request="${req1.id}"]`);
  await row.waitFor();
  await page.locator(`[data-testid=approvals] tr[data-request="${req2.id}"]`).waitFor();
  const rowText = await row.innerText();
  assert.match(rowText, /请假/);
  assert.ok(rowText.includes(rep.name), 'the submitter is named');
  assert.match(rowText, /年假/);
  assert.deepEqual(textFindings(await page.evaluate(() => document.body.innerText), 'zh-CN', employees.map((e) => e.name)), []);
  await shot(page, 'console-approvals-inbox');

  // The request: the manager waits on it; approve with a comment.
  await row.locator('[data-testid=approval-open]').click();
  await page.waitForSelector('[data-testid=request-detail][data-status=in_progress]');
  assert.ok((await page.locator('[data-testid=waiting-for]').innerText()).includes(manager.name));
  await page.fill('[data-testid=decide] textarea[name=comment]', '同意，注意交接');
  await page.click('[data-testid=decide] [data-testid=approve]');
  await page.waitForSelector('[data-testid=request-detail][data-status=approved]');
  const timeline = await page.locator('[data-testid=request-timeline]').innerText();
  assert.ok(timeline.includes(manager.name), 'the timeline names who decided');
  assert.match(timeline, /已同意/);
  assert.match(timeline, /同意，注意交接/);
  assert.equal(await page.locator('[data-testid=decide]').count(), 0, 'nothing left to decide');
  assert.deepEqual(textFindings(await page.evaluate(() => document.body.innerText), 'zh-CN', [...employees.map((e) => e.name), '同意，注意交接']), []);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid=approvals-count]')?.textContent ?? 0) === n - 1, count);
  await shot(page, 'console-approvals-request');
  const stored = await admin('GET', `/requests/${req1.id}`);
  assert.equal(stored.status, 'approved');
  assert.equal((await admin('GET', `/attendance/requests?employee_id=${rep.id}&from=${first}&to=${first}`)).items[0].status, 'approved');

  // The rep's phone: the first request's timeline shows the decision and the comment.
  await app.goto(BASE + '/app/#/home');
  await app.reload();
  await app.click('[data-testid=go-leave]');
  const li1 = app.locator(`[data-testid=leave-list] li[data-leave="${leaves.find((l) => l.from === first).id}"]`);
  await li1.locator('[data-testid=leave-timeline]').click();
  await li1.locator('[data-testid=request-timeline][data-status=approved]').waitFor();
  const shown = await li1.locator('[data-testid=request-timeline]').innerText();
  assert.ok(shown.includes(manager.name));
  assert.match(shown, /同意，注意交接/);
  assert.equal(await li1.locator('[data-testid=withdraw]').count(), 0, 'a decided request cannot be withdrawn');

  // The second one waits: the rep sees who has it, and withdraws it.
  const li2 = app.locator(`[data-testid=leave-list] li[data-leave="${leaves.find((l) => l.from === second).id}"]`);
  await li2.locator('[data-testid=leave-timeline]').click();
  await li2.locator('[data-testid=request-timeline][data-status=in_progress]').waitFor();
  assert.ok((await li2.locator('[data-testid=waiting-for]').innerText()).includes(manager.name));
  assert.equal(await overflowX(app), 0);
  await shot(app, 'app-leave-timeline');
  await li2.locator('[data-testid=withdraw]').click();
  await li2.locator('[data-testid=withdraw-confirm]').click();
  await li2.locator('[data-testid=request-timeline][data-status=withdrawn]').waitFor();
  assert.equal((await admin('GET', `/requests/${req2.id}`)).status, 'withdrawn');

  // Gone from the manager's inbox.
  await page.goto(`${BASE}/#/approvals`);
  await page.reload();
  await page.waitForSelector('[data-testid=approvals] tbody tr, [data-testid=approvals-empty]');
  assert.equal(await page.locator(`[data-testid=approvals] tr[data-request="${req2.id}"]`).count(), 0);
  await mctx.close();
  await phone.close();
});

test('an admin reads each type\'s flow in one line and adds a finance step over ¥2,000, in Chinese', async () => {
  const admin = await login('admin');
  const ctx = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1400, height: 900 } });
  const page = await consoleAs(ctx, 'admin');
  await page.click('[data-testid=nav-approval-flows]');
  // Expenses: a type no other test submits, so changing its flow disturbs nobody.
  const card = page.locator('[data-testid=approval-flow][data-flow=expense]');
  await card.locator('[data-testid=flow-preview]').waitFor();
  const before = await admin('GET', '/approval-flows/expense');
  assert.equal(await card.locator('[data-testid=flow-preview]').innerText(), before.preview_zh);
  assert.equal(await card.locator('[data-testid=flow-step]').count(), before.steps.length);
  assert.deepEqual(textFindings(await page.evaluate(() => document.body.innerText), 'zh-CN'), []);
  await shot(page, 'console-approval-flows');

  // Edit: a second step, finance anywhere in the company, only above ¥2,000; a bad amount first.
  await card.locator('[data-testid=flow-edit]').click();
  const form = page.locator('[data-testid=flow-editor][data-flow=expense]');
  await form.locator('[data-testid=flow-step-add]').click();
  const step = form.locator('[data-testid=flow-step-editor]').last();
  await step.locator('input[name=name]').fill('财务复核');
  await step.locator('select[name=kind]').selectOption('role');
  await step.locator('select[name=role]').selectOption('finance');
  await step.locator('select[name=amount_op]').selectOption('gt');
  await step.locator('input[name=amount]').fill('两千');
  await form.locator('[data-testid=flow-save]').click();
  assert.match(await form.locator('[data-testid=flow-error]').innerText(), /第 \d+ 步/);
  await step.locator('input[name=amount]').fill('2000');
  await step.locator('select[name=cc]').selectOption('admin');
  await form.locator('[data-testid=flow-save]').click();
  await card.locator('[data-testid=flow-preview]').waitFor();
  const after = await admin('GET', '/approval-flows/expense');
  assert.equal(after.version, before.version + 1, 'a new version');
  assert.equal(after.steps.length, before.steps.length + 1);
  const last = after.steps.at(-1);
  assert.deepEqual(last.approvers, { kind: 'role', role: 'finance', in: { scope: 'tenant' } });
  assert.deepEqual(last.when, [{ kind: 'amount', op: 'gt', fen: 200000 }]);
  assert.equal(last.name, '财务复核');
  assert.equal(await card.locator('[data-testid=flow-preview]').innerText(), after.preview_zh);
  assert.match(after.preview_zh, /2,000/);
  assert.deepEqual(textFindings(await page.evaluate(() => document.body.innerText), 'zh-CN', ['财务复核']), []);
  await ctx.close();
});
