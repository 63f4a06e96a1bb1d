// Mileage claims end to end, in Chinese: a rep adds a parking receipt with a photo from
// the app's camera and submits this month's claim on "My mileage"; their manager opens the
// claim on the console's Claims screen (day lines, the receipt photo) and approves it;
// finance selects it, pays it under a reference and downloads the batch's Excel file,
// which is read back: its total equals the claim's total to the fen, and its codes are
// Chinese words.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, PASSWORD, PHONE, appLogin, launch, login, newContext, overflowX, reps, shanghaiDate, shot } from './helpers.mjs';
import { readWorkbook } from './xlsx.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function consoleAs(context, username, lang = 'zh-CN') {
  await context.addInitScript((l) => localStorage.setItem('outfield.lang', l), lang);
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar nav a');
  return page;
}

test('a rep submits a claim in the app, the manager approves it, finance pays and exports it', async () => {
  const admin = await login('admin');
  const list = await reps();
  const employees = (await admin('GET', '/employees?limit=500')).items;
  // A rep whose department has a manager (not one the other browser tests use).
  const rep = list.slice(8).find((r) => employees.some((e) => e.role === 'manager' && e.department_id === r.department_id));
  assert.ok(rep, 'a rep with a manager');
  const manager = employees.find((e) => e.role === 'manager' && e.department_id === rep.department_id);
  const finance = employees.find((e) => e.role === 'finance' && e.active);
  assert.ok(finance, 'the demo has a finance clerk');
  const month = shanghaiDate().slice(0, 7);

  // The rep's phone: "My mileage", a receipt with its photo, then submit.
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
  await app.click('[data-testid=go-mileage]');
  await app.waitForSelector('[data-testid=mileage-screen][data-status=draft]');
  await app.click('[data-testid=add-receipt]');
  await app.selectOption('[data-testid=receipt-form] select[name=category]', 'parking');
  await app.fill('[data-testid=receipt-form] input[name=amount]', '35.5');
  await app.fill('[data-testid=receipt-form] input[name=note]', '客户商场停车');
  await app.click('[data-testid=receipt-photo]');
  await app.waitForSelector('[data-testid=shutter]:not([disabled])');
  await app.click('[data-testid=shutter]');
  await app.waitForSelector('[data-testid=camera]', { state: 'detached' });
  await app.waitForSelector('[data-testid=receipt-preview]');
  await app.click('[data-testid=receipt-save]');
  await app.waitForSelector('[data-testid=sync][data-waiting="0"][data-failed="0"]');
  // Sent: the server's claim lists it (not the outbox's copy, which has a status).
  await app.waitForSelector('[data-testid=mileage-expenses] li[data-expense]:not([data-status])');
  assert.match(await app.locator('[data-testid=mileage-expenses]').innerText(), /停车费.*¥35\.50/);
  assert.equal(await overflowX(app), 0);
  await shot(app, 'app-mileage');
  await app.click('[data-testid=claim-submit]');
  await app.click('[data-testid=claim-submit-confirm]');
  await app.waitForSelector('[data-testid=mileage-screen][data-status=submitted]');
  await app.waitForSelector('[data-testid=claim-timeline]');
  const mine = (await admin('GET', `/claims?employee_id=${rep.id}&period=${month}`)).items;
  assert.equal(mine.length, 1);
  const claimId = mine[0].id;
  assert.equal(mine[0].status, 'submitted');
  assert.ok(mine[0].expenses_minor >= 3550, `the receipt is on the claim (${mine[0].expenses_minor})`);

  // The manager: the month's claims, the claim's detail with the receipt photo, approve.
  const mctx = await newContext(browser, { viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const mpage = await consoleAs(mctx, manager.username);
  await mpage.click('[data-testid=nav-claims]');
  await mpage.fill('[data-testid=claims-period]', month);
  await mpage.locator(`tr[data-claim="${claimId}"][data-status=submitted]`).waitFor();
  await shot(mpage, 'console-claims-manager');
  await mpage.locator(`tr[data-claim="${claimId}"] a`).click();
  await mpage.waitForSelector('[data-testid=claim-detail][data-status=submitted]');
  await mpage.waitForSelector('[data-testid=claim-expenses] [data-testid=receipt-photo]');
  const lines = await mpage.locator('[data-testid=claim-lines] tbody tr').count();
  assert.ok(lines >= 1, 'the claim shows its days');
  await shot(mpage, 'console-claim-detail');
  await mpage.fill('[data-testid=claim-decide] input[name=comment]', '票据齐全');
  await mpage.click('[data-testid=claim-approve]');
  await mpage.waitForSelector('[data-testid=claim-detail][data-status=approved]');
  // The claim's approval request: its timeline names the manager and the comment, and
  // links back to the claim.
  await mpage.click('[data-testid=claim-request]');
  await mpage.waitForSelector('[data-testid=request-detail][data-status=approved]');
  const timeline = await mpage.locator('[data-testid=request-timeline]').innerText();
  assert.ok(timeline.includes(manager.name) && timeline.includes('票据齐全'), timeline);
  assert.match(await mpage.locator('[data-testid=request-summary]').innerText(), /¥/);
  await mpage.click('[data-testid=request-claim]');
  await mpage.waitForSelector('[data-testid=claim-detail][data-status=approved]');
  await mctx.close();

  // The rep's phone: the claim's timeline shows the decision.
  await app.reload();
  await app.waitForSelector('[data-testid=mileage-screen][data-status=approved] [data-testid=request-timeline][data-status=approved]');
  assert.match(await app.locator('[data-testid=request-timeline]').innerText(), /票据齐全/);

  // Finance: select the approved claim, pay it under a reference, download the Excel file.
  const fctx = await newContext(browser, { viewport: { width: 1400, height: 900 }, locale: 'zh-CN', acceptDownloads: true });
  const fpage = await consoleAs(fctx, finance.username);
  const nav = await fpage.$$eval('.topbar nav a', (as) => as.map((a) => a.dataset.testid));
  assert.ok(nav.includes('nav-claims') && nav.includes('nav-payouts'), `finance sees claims and payouts (${nav})`);
  await fpage.click('[data-testid=nav-claims]');
  await fpage.fill('[data-testid=claims-period]', month);
  const row = fpage.locator(`tr[data-claim="${claimId}"][data-status=approved]`);
  await row.waitFor();
  await row.locator('[data-testid=claim-pick]').check();
  const reference = `付款${Date.now()}`;
  await fpage.fill('[data-testid=payout-reference]', reference);
  await fpage.click('[data-testid=payout-create]');
  await fpage.waitForSelector('[data-testid=payout-made]');
  await fpage.locator(`tr[data-claim="${claimId}"][data-status=paid]`).waitFor();
  await shot(fpage, 'console-claims-paid');
  const [download] = await Promise.all([fpage.waitForEvent('download'), fpage.click('[data-testid=payout-made] [data-testid=payout-xlsx]')]);
  const file = await download.path();
  const book = readWorkbook(readFileSync(file));
  assert.deepEqual(
    book.map((s) => s.name),
    ['汇总', '里程明细', '费用明细'],
  );

  const claim = await admin('GET', `/claims/${claimId}`);
  assert.equal(claim.status, 'paid');
  const fen = (v) => Math.round(v * 100);
  const [summary, linesSheet, expenses] = book.map((s) => s.rows.filter(Boolean));
  const head = summary[0];
  const totalCol = head.indexOf('合计');
  assert.ok(totalCol > 0, `a total column (${head})`);
  const repRow = summary.find((r) => r[0] === rep.name);
  assert.ok(repRow, 'the rep has a summary row');
  assert.equal(fen(repRow[totalCol]), claim.total_minor, 'the rep’s total equals the claim’s to the fen');
  const totalRow = summary.at(-1);
  assert.equal(totalRow[0], '合计');
  const payout = (await admin('GET', `/payouts/${claim.payout_id}`));
  assert.equal(fen(totalRow[totalCol]), payout.total_minor, 'the batch total equals the payout’s to the fen');
  assert.equal(payout.reference, reference);
  // Codes are words in the user's language.
  assert.equal(repRow[head.indexOf('状态')], '已付款');
  assert.ok(expenses.slice(1).some((r) => r.includes('停车费')), 'the expense category in Chinese');
  const kinds = new Set(linesSheet.slice(1).map((r) => r[linesSheet[0].indexOf('日类型')]));
  for (const k of kinds) assert.ok(['工作日', '请假', '节假日', '休息日'].includes(k), `day kind ${k} in Chinese`);

  // The payouts screen lists the batch with its exports.
  await fpage.click('[data-testid=nav-payouts]');
  await fpage.locator(`tr[data-payout="${payout.id}"]`).waitFor();
  await shot(fpage, 'console-payouts');
  await fctx.close();
  await phone.close();
});
