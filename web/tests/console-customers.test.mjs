// Customers in the console: a CSV with one bad row is checked first (a dry run listing
// the row, column and problem, nothing saved), then the good rows are imported; a new
// customer is placed with a click on the map; a rep's prospect is approved.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { consoleLogin, launch, login, newContext, reps, shot } from './helpers.mjs';
import { randomUUID } from 'node:crypto';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('import with a row-error report, create on the map, approve a prospect', async () => {
  const admin = await login('admin');
  const owner = (await reps())[0].username;
  const tag = Date.now().toString(36);
  const csv = [
    'name,code,address,lat,lon,level,owner',
    `导入测试甲 ${tag},IMP-${tag}-1,上海市黄浦区测试路1号,31.2301,121.4701,A,${owner}`,
    `导入测试乙 ${tag},IMP-${tag}-2,上海市黄浦区测试路2号,not-a-number,121.4702,B,${owner}`,
    `导入测试丙 ${tag},IMP-${tag}-3,上海市黄浦区测试路3号,31.2303,121.4703,C,${owner}`,
  ].join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'outfield-import-')), 'customers.csv');
  writeFileSync(file, '\ufeff' + csv + '\n');

  const context = await newContext(browser, { viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'customers');
  await page.click('[data-testid=customer-import]');
  await page.setInputFiles('[data-testid=import-file]', file);
  await page.click('[data-testid=import-check]');
  await page.waitForSelector('[data-testid=import-report][data-dry-run=true]');
  const rows = page.locator('[data-testid=import-errors] tbody tr');
  assert.equal(await rows.count(), 1);
  assert.equal(await rows.first().getAttribute('data-row'), '3');
  assert.match(await rows.first().innerText(), /lat/);
  await shot(page, 'console-customers-import-check');
  const q = (code) => admin('GET', `/customers?q=${encodeURIComponent(code)}`);
  assert.equal((await q(`IMP-${tag}`)).items.length, 0, 'a dry run saves nothing');

  await page.click('[data-testid=import-run]');
  await page.waitForSelector('[data-testid=import-report][data-dry-run=false]');
  await shot(page, 'console-customers-imported');
  const imported = (await q(`导入测试`)).items.filter((c) => c.name.endsWith(tag));
  assert.deepEqual(imported.map((c) => c.code).sort(), [`IMP-${tag}-1`, `IMP-${tag}-3`]);

  // A new customer, placed by clicking the map.
  await page.click('[data-testid=customer-new]');
  await page.fill('[data-testid=customer-form] input[name=name]', `地图新建 ${tag}`);
  await page.fill('[data-testid=customer-form] input[name=address]', '上海市人民广场');
  const map = page.locator('[data-testid=customers-map]');
  const box = await map.boundingBox();
  await map.click({ position: { x: box.width / 2, y: box.height / 2 } });
  await page.waitForFunction(() => document.querySelector('[data-testid=customer-form] input[name=lat]')?.value !== '');
  await shot(page, 'console-customers-form');
  await page.click('[data-testid=customer-save]');
  await page.waitForSelector('[data-testid=customer-form]', { state: 'detached' });
  const created = (await q(`地图新建 ${tag}`)).items[0];
  assert.ok(created?.location, 'saved with a location');
  assert.ok(Math.abs(created.location.lat - 31.23) < 0.2 && Math.abs(created.location.lon - 121.47) < 0.2);

  // A prospect a rep created in the field, approved from the pending list.
  const rep = (await reps())[0];
  const asRep = await login(rep.username);
  const visit = await asRep('POST', '/visits', {
    id: randomUUID(),
    t: new Date().toISOString(),
    lat: 31.2312,
    lon: 121.4745,
    accuracy_m: 10,
    prospect: { name: `新客户 ${tag}`, address: '上海市测试路9号' },
  });
  await page.check('[data-testid=customers-pending]');
  const row = page.locator('[data-testid=customers] tbody tr', { hasText: `新客户 ${tag}` });
  await row.waitFor();
  await shot(page, 'console-customers-pending');
  await row.locator('[data-testid=approve]').click();
  await row.waitFor({ state: 'detached' });
  assert.equal((await admin('GET', `/customers/${visit.customer_id}`)).status, 'active');
  await context.close();
});
