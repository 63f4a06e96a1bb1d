// The console's reporting, in Chinese: two reps make visits today through the API; once the facts job has counted them, the admin's dashboard shows the numbers
// the API answers (for the month so far, the week so far and a chosen past month), the
// plan-compliance report sorts by a column, a rep's visit count opens the visits list
// filtered to that rep and period with as many rows as the number said, the report's
// Excel export, read back, holds the same number, the coverage report filtered to
// A-level customers shows the API's figures for that filter; an admin changes an insight
// threshold on the insights screen.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BASE, PASSWORD, call, launch, login, newContext, reps, shanghaiDate, shot } from './helpers.mjs';
import { readWorkbook } from './xlsx.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

/** Reads `read()` until `ok(value)`, for work the server's jobs finish in the background. */
async function until(read, ok, what) {
  let last;
  for (let i = 0; i < 240; i++) {
    last = await read();
    if (ok(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  assert.fail(`${what}: still ${JSON.stringify(last)}`);
}

function rowsOf(report) {
  const names = report.columns.map((c) => c.name);
  return report.items.map((r) => Object.fromEntries(names.map((n, i) => [n, r[i]])));
}

test('dashboard numbers, a sorted report, a drill-down to the visits and the Excel export', async () => {
  const admin = await login('admin');
  const list = await reps();
  // Two reps the other browser tests leave alone: one makes two visits, the other one.
  const [rep, other] = [list[Math.min(5, list.length - 2)], list[Math.min(6, list.length - 1)]];
  const today = shanghaiDate();
  const first = `${today.slice(0, 8)}01`;
  const period = `from=${first}&to=${today}`;
  const before = rowsOf(await admin('GET', `/reports/plan_compliance?${period}`));
  const countOf = (rows, who) => rows.find((x) => x.employee_id === who.id)?.visits ?? 0;
  // Visits between Shanghai's midnight and now (at most the last 40 minutes), so they
  // count for today at any hour.
  const sinceMidnight = () => {
    const [h, m, sec] = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .format(new Date())
      .split(':')
      .map(Number);
    return ((h * 60 + m) * 60 + sec) * 1000;
  };
  if (sinceMidnight() < 60_000) await new Promise((r) => setTimeout(r, 61_000 - sinceMidnight()));
  const now = Date.now();
  const span = Math.min(40 * 60_000, sinceMidnight() - 30_000);
  for (const [who, visits] of [[rep, 2], [other, 1]]) {
    const token = (await call(BASE, null, 'POST', '/auth/login', { tenant: 'demo', username: who.username, password: PASSWORD })).token;
    const R = (method, path, body) => call(BASE, token, method, path, body);
    const shops = (await R('GET', '/customers?limit=50')).items.filter((c) => c.location).slice(0, visits);
    assert.equal(shops.length, visits, 'the rep has located customers');
    for (const [i, shop] of shops.entries()) {
      const id = randomUUID();
      // The i-th visit takes the i-th third of the span, its first half.
      const at = (half) => new Date(now - span + (i * span) / 3 + (half * span) / 6).toISOString();
      const fix = { lat: shop.location.lat, lon: shop.location.lon, accuracy_m: 10 };
      await R('POST', '/visits', { id, customer_id: shop.id, t: at(0), ...fix });
      await R('POST', `/visits/${id}/check-out`, { id: randomUUID(), t: at(1), ...fix });
    }
  }
  // The facts job counts them (within a minute of the data).
  const pc = await until(
    () => admin('GET', `/reports/plan_compliance?${period}`),
    (r) => countOf(rowsOf(r), rep) >= countOf(before, rep) + 2 && countOf(rowsOf(r), other) >= countOf(before, other) + 1,
    'the facts count the new visits',
  );
  const repVisits = countOf(rowsOf(pc), rep);

  const context = await newContext(browser, { locale: 'zh-CN', viewport: { width: 1366, height: 1000 }, acceptDownloads: true });
  await context.addInitScript(() => localStorage.setItem('outfield.lang', 'zh-CN'));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');

  // The landing screen is the dashboard; its month figures are the API's.
  await page.waitForSelector('[data-testid=dashboard-page] [data-testid=dash-period]');
  const dash = await admin('GET', '/dashboard');
  assert.ok(dash.period.completed_visits >= 2, JSON.stringify(dash.period));
  const zh = (n) => new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 0 }).format(n);
  const periodVisits = await page.locator('[data-testid=dash-period-visits]').innerText();
  assert.ok(periodVisits.includes(`已完成拜访：${zh(dash.period.completed_visits)}`), periodVisits);
  const present = await page.locator('[data-testid=dash-day-present]').innerText();
  assert.ok(present.includes(`${zh(dash.day.present)} / ${zh(dash.people)}`), present);
  await page.waitForSelector('[data-testid=dash-chart-visits][data-ready=yes] canvas');
  await page.waitForSelector('[data-testid=dash-insights], [data-testid=dash-no-insights]');
  await shot(page, 'console-dashboard-zh');

  // The period: the week so far, then a chosen past month whole; each the API's figures.
  const visitsShown = async (heading) => {
    await page.waitForFunction(
      (h) => document.querySelector('[data-testid=dash-period-heading]')?.textContent?.includes(h),
      heading,
    );
    return page.locator('[data-testid=dash-period-visits]').innerText();
  };
  await page.selectOption('[data-testid=dash-span]', 'week');
  const weekView = await admin('GET', '/dashboard?span=week');
  const weekShown = await visitsShown('本周至今');
  assert.ok(weekShown.includes(`已完成拜访：${zh(weekView.period.completed_visits)}`), weekShown);
  assert.equal(weekView.span, 'week');
  const lastMonthEnd = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, 0)).toISOString().slice(0, 10);
  await page.selectOption('[data-testid=dash-span]', 'chosen');
  await page.fill('[data-testid=dash-month]', lastMonthEnd.slice(0, 7));
  const monthView = await admin('GET', `/dashboard?date=${lastMonthEnd}&span=month`);
  assert.equal(monthView.from, `${lastMonthEnd.slice(0, 8)}01`);
  const monthShown = await visitsShown('整月');
  assert.ok(monthShown.includes(`已完成拜访：${zh(monthView.period.completed_visits)}`), monthShown);
  await page.selectOption('[data-testid=dash-span]', 'month');
  await visitsShown('本月至今');

  // A tile opens its report; the plan-compliance table of the month, sorted by all visits.
  await page.click('[data-testid=dash-period-visits]');
  await page.waitForSelector('[data-testid=report-table][data-report=plan_compliance]');
  assert.match(page.url(), new RegExp(`#/reports/plan_compliance/${first}/${today}`));
  const header = page.locator('[data-testid=report-table] thead th[data-col=visits]');
  assert.equal((await header.innerText()).trim(), '拜访总数');
  await header.click();
  const numbers = async () =>
    (await page.locator('[data-testid=report-table] tbody td[data-col=visits]').allInnerTexts()).map((s) => Number(s.replace(/[^\d.]/g, '')));
  const desc = await numbers();
  assert.ok(desc.length >= 2, `two reps at least (${desc})`);
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a), 'largest first');
  await header.click();
  const asc = await numbers();
  assert.deepEqual(asc, [...desc].reverse(), 'then smallest first');
  await shot(page, 'console-report-zh');

  // Export to Excel, read back: the rep's row holds the same count.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=report-export-xlsx]')]);
  const book = readWorkbook(readFileSync(await download.path()));
  const rows = book[0].rows.filter(Boolean);
  const head = rows.findIndex((r) => r.includes('姓名'));
  assert.ok(head >= 0, `a heading row in ${JSON.stringify(rows.slice(0, 3))}`);
  const col = rows[head].findIndex((h) => typeof h === 'string' && h.startsWith('拜访总数'));
  assert.ok(col >= 0, `a visits column in ${rows[head]}`);
  const xrow = rows.find((r) => r.includes(rep.name));
  assert.ok(xrow, 'the rep has a row in the workbook');
  assert.equal(xrow[col], repVisits);

  // Filters by customer level: coverage of A-level customers, as the API answers it.
  await page.selectOption('[data-testid=report-name]', 'customer_coverage');
  await page.waitForSelector('[data-testid=report-table][data-report=customer_coverage]');
  await page.selectOption('[data-testid=report-level]', 'A');
  await page.waitForFunction(() => location.hash.endsWith('/A/-'));
  await page.waitForSelector('[data-testid=report-table][data-report=customer_coverage]');
  const levels = await page.locator('[data-testid=report-table] tbody td[data-col=level]').allInnerTexts();
  assert.deepEqual(levels, ['A'], 'one row: the A level');
  const coverage = rowsOf(await admin('GET', `/reports/customer_coverage?${period}&customer_level=A`));
  const customers = await page.locator('[data-testid=report-table] tbody td[data-col=customers]').innerText();
  assert.equal(Number(customers.replace(/[^\d]/g, '')), coverage[0].customers);
  await shot(page, 'console-report-filtered-zh');
  await page.goBack();
  await page.goBack();
  await page.waitForSelector('[data-testid=report-table][data-report=plan_compliance]');

  // Drill down: the rep's visit count opens the visits list of that rep and month, one row
  // per visit counted.
  await page.click(`[data-testid=report-table] tr[data-employee="${rep.id}"] td[data-col=visits] a`);
  await page.waitForSelector('[data-testid=visits]');
  assert.match(page.url(), new RegExp(`#/visits/by/${rep.id}/${first}/${today}`));
  assert.equal(await page.inputValue('[data-testid=visits-person]'), rep.id);
  const listed = await until(
    () => page.locator('[data-testid=visits] tbody tr').count(),
    (n) => n === repVisits,
    `the visits list shows ${repVisits} visits`,
  );
  assert.equal(listed, repVisits);

  // The admin changes an insight threshold on the insights screen; the server keeps it.
  const settings = await admin('GET', '/insights/settings');
  await page.click('[data-testid=nav-insights]');
  await page.waitForSelector('[data-testid=insight-settings] input[name=detour_ratio_max]:not([disabled])');
  await page.fill('[data-testid=insight-settings] input[name=detour_ratio_max]', '1.7');
  await page.click('[data-testid=insight-settings-save]');
  await page.waitForSelector('[data-testid=insight-settings-saved]');
  assert.equal((await admin('GET', '/insights/settings')).detour_ratio_max, 1.7);
  await admin('PUT', '/insights/settings', settings);
  assert.deepEqual(errors, []);
});
