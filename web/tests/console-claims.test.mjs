// Mileage claims end to end, in Chinese: a rep corrects a day's kilometres with a reason,
// adds a parking receipt with a photo from the app's camera and submits this month's
// claim on "My mileage"; their manager finds it in the console's approval inbox, opens the
// claim (day lines with the adjustment, the receipt photo) and approves it from the inbox;
// finance selects it, pays it under a reference and downloads the batch's Excel file,
// which is read back: its total equals the claim's total to the fen, and its codes are
// Chinese words.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { BASE, PASSWORD, PHONE, appLogin, launch, login, newContext, overflowX, reps, shanghaiDate, shot } from './helpers.mjs';
import { readWorkbook, unzip } from './xlsx.mjs';

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
  // A day's kilometres corrected with a reason: the recorded figure stays beside it.
  const day = app.locator('[data-testid=mileage-days] li[data-date]').first();
  const adjustedDate = await day.getAttribute('data-date');
  assert.ok(adjustedDate, 'a working day so far this month');
  await day.locator('[data-testid=adjust-day]').click();
  await day.locator('[data-testid=adjust-form] input[name=km]').fill('');
  await day.locator('[data-testid=adjust-save]').click();
  assert.match(await day.locator('[data-testid=adjust-form] .error').innerText(), /公里/);
  await day.locator('[data-testid=adjust-form] input[name=km]').fill('123.4');
  await day.locator('[data-testid=adjust-form] input[name=reason]').fill('道路施工绕行');
  await day.locator('[data-testid=adjust-save]').click();
  await app.waitForSelector(`[data-testid=mileage-days] li.adjusted[data-date="${adjustedDate}"] [data-testid=day-adjusted]`);
  assert.match(await day.locator('[data-testid=day-adjusted]').innerText(), /系统记录.*道路施工绕行/);
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
  const submitted = await admin('GET', `/claims/${mine[0].id}`);
  const adjustedLine = submitted.lines.find((l) => l.date === adjustedDate);
  assert.equal(adjustedLine.adjusted_m, 123400);
  assert.equal(adjustedLine.adjustment_reason, '道路施工绕行');
  // The receipt photo went through the pipeline as a receipt.
  const receipt = submitted.expenses.find((e) => e.amount_minor === 3550);
  assert.ok(receipt?.photo_id, 'the receipt has its photo');

  // The manager: the claim waits in the approval inbox; its detail shows the adjusted day
  // and the receipt photo; the manager approves it from the inbox.
  const mctx = await newContext(browser, { viewport: { width: 1400, height: 900 }, locale: 'zh-CN' });
  const mpage = await consoleAs(mctx, manager.username);
  // The bell tells the manager (the notifications job follows the outbox within seconds).
  await noteShown(mpage, new RegExp(`${rep.name}的里程报销等待你审批`));
  assert.ok(Number(await mpage.locator('[data-testid=notifications-count]').innerText()) >= 1);
  await mpage.click('[data-testid=notifications-bell]');
  await mpage.click('[data-testid=nav-approvals]');
  const inboxRow = mpage.locator(`[data-testid=approvals] tr[data-request="${submitted.approval_id}"]`);
  await inboxRow.waitFor();
  assert.match(await inboxRow.innerText(), /¥/);
  await mpage.click('[data-testid=nav-claims]');
  await mpage.fill('[data-testid=claims-period]', month);
  await mpage.locator(`tr[data-claim="${claimId}"][data-status=submitted]`).waitFor();
  await shot(mpage, 'console-claims-manager');
  await mpage.locator(`tr[data-claim="${claimId}"] a`).click();
  await mpage.waitForSelector('[data-testid=claim-detail][data-status=submitted]');
  await mpage.waitForSelector('[data-testid=claim-expenses] [data-testid=receipt-photo]');
  const lines = await mpage.locator('[data-testid=claim-lines] tbody tr').count();
  assert.ok(lines >= 1, 'the claim shows its days');
  assert.ok(
    (await mpage.locator(`[data-testid=claim-lines] tbody tr.adjusted`).count()) >= 1,
    'the adjusted day is highlighted',
  );
  await shot(mpage, 'console-claim-detail');
  // Back to the inbox: open the request and approve it there.
  await mpage.click('[data-testid=nav-approvals]');
  await inboxRow.locator('[data-testid=approval-open]').click();
  await mpage.waitForSelector('[data-testid=request-detail][data-status=in_progress]');
  await mpage.fill('[data-testid=decide] textarea[name=comment]', '票据齐全');
  await mpage.click('[data-testid=decide] [data-testid=approve]');
  await mpage.waitForSelector('[data-testid=request-detail][data-status=approved]');
  // The request's timeline names the manager and the comment, and links back to the
  // claim, now approved.
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
  // A summary, one sheet per claim (its rep's name and number), the expenses.
  assert.equal(book.length, 3, book.map((s) => s.name).join());
  assert.equal(book[0].name, '汇总');
  assert.ok(book[1].name.startsWith(rep.name.slice(0, 20)), `the claim's sheet (${book[1].name})`);
  assert.equal(book[2].name, '费用明细');

  // Formatted: each sheet's header row frozen, an autofilter over its data, amounts in a
  // yuan number format.
  for (const s of book) {
    assert.match(s.xml, /<pane [^>]*ySplit="1"[^>]*state="frozen"/, `${s.name}: header row frozen`);
    assert.match(s.xml, /<autoFilter ref="A1:/, `${s.name}: autofilter`);
  }
  const styles = unzip(readFileSync(file))['xl/styles.xml'].toString('utf8');
  assert.match(styles, /<numFmt [^>]*formatCode="[^"]*(¥|&quot;¥)/, 'a CNY number format');

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
  const lineRows = linesSheet.slice(1, -1);
  const kinds = new Set(lineRows.map((r) => r[linesSheet[0].indexOf('日类型')]));
  const amountCol = linesSheet[0].indexOf('金额');
  const linesFen = lineRows.reduce((n, r) => n + fen(r[amountCol] ?? 0), 0);
  assert.equal(linesSheet.at(-1)[0], '合计');
  assert.equal(fen(linesSheet.at(-1)[amountCol]), linesFen, 'the claim sheet’s total row sums its lines');
  assert.equal(linesFen, claim.mileage_minor, 'the claim sheet’s lines add up to the claim’s mileage to the fen');
  for (const k of kinds) assert.ok(['工作日', '请假', '节假日', '休息日'].includes(k), `day kind ${k} in Chinese`);

  // The payouts screen lists the batch with its exports.
  await fpage.click('[data-testid=nav-payouts]');
  await fpage.locator(`tr[data-payout="${payout.id}"]`).waitFor();
  await shot(fpage, 'console-payouts');
  await fctx.close();

  // The rep's phone: the bell on the home screen says the claim was approved and paid.
  await app.goto(BASE + '/app/');
  await app.waitForSelector('[data-testid=attendance]');
  await noteShown(app, /你的里程报销已付款/);
  assert.match(await app.locator('[data-testid=notifications]').innerText(), /你的里程报销已同意/);
  await app.click('[data-testid=notifications-read-all]');
  await app.waitForSelector('[data-testid=notifications-bell][data-unread="0"]');
  await phone.close();
});

/** Opens the bell until its list shows `text` (the notifications job runs in the
 * background, within seconds of the change); leaves the list open. */
async function noteShown(page, text) {
  for (let i = 0; i < 20; i++) {
    await page.waitForSelector('[data-testid=notifications-bell]');
    await page.click('[data-testid=notifications-bell]');
    await page.waitForSelector('[data-testid=notifications]');
    if (text.test(await page.locator('[data-testid=notifications]').innerText())) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  assert.fail(`no notification ${text}`);
}
