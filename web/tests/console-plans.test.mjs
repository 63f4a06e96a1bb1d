// Plans end to end: a manager generates a week of drafts for a department in the console,
// reads why a stop is due, reorders a rep's day (buttons and drag), publishes; the rep's
// phone then shows today's plan in exactly that order, and a check-in from a plan stop
// is a planned visit.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  BASE, PHONE, appLogin, consoleLogin, launch, login, newContext, north, overflowX, reps, shanghaiDate, shot,
} from './helpers.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const order = (cell) =>
  cell.locator('li[data-customer]').evaluateAll((els) => els.map((e) => e.getAttribute('data-customer')));

test('generate, reorder and publish a week; the rep sees the day in that order', async () => {
  const all = await reps();
  // Not the department the layout test published today for, and a rep no other test uses.
  const rep = all.slice(5).find((r) => r.department_id !== all[4].department_id);
  const admin = await login('admin');
  const today = shanghaiDate();

  const context = await newContext(browser, { viewport: { width: 1500, height: 950 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log('pageerror', e));
  await consoleLogin(page, 'plans');
  await page.waitForSelector('[data-testid=plan-calendar]');
  await page.selectOption('[data-testid=plan-dept]', rep.department_id);
  await page.fill('[data-testid=plan-from]', today);
  await page.click('[data-testid=plan-generate]');
  await page.waitForSelector('[data-testid=plan-report]', { timeout: 60_000 });
  const cell = page.locator(`td.day[data-employee="${rep.id}"][data-date="${today}"]`);
  await cell.locator('li[data-customer]').nth(2).waitFor();
  const generated = await order(cell);
  assert.ok(generated.length >= 3, `today has ${generated.length} stops`);
  assert.equal(await cell.getAttribute('data-status'), 'draft');

  // Why is the first stop due? (hover title and the detail panel)
  assert.ok(await cell.locator('li[data-customer]').first().getAttribute('title'));
  await cell.locator('li[data-customer] .stop-name').first().click();
  await page.waitForSelector('[data-testid=due-reason]');
  await shot(page, 'console-plans');

  // Reorder: the first stop one down (button), then the last stop dragged onto the first.
  await cell.locator('li[data-customer]').first().locator('[data-testid=stop-down]').click();
  const swapped = [generated[1], generated[0], ...generated.slice(2)];
  await page.waitForFunction(
    ([sel, want]) => [...document.querySelectorAll(sel + ' li[data-customer]')].map((e) => e.dataset.customer).join() === want,
    [`td.day[data-employee="${rep.id}"][data-date="${today}"]`, swapped.join()],
  );
  const items = cell.locator('li[data-customer]');
  await items.last().dragTo(items.first());
  const dragged = [swapped.at(-1), ...swapped.slice(0, -1)];
  await page.waitForFunction(
    ([sel, want]) => [...document.querySelectorAll(sel + ' li[data-customer]')].map((e) => e.dataset.customer).join() === want,
    [`td.day[data-employee="${rep.id}"][data-date="${today}"]`, dragged.join()],
  );
  const server = await admin('GET', `/plans/${rep.id}/${today}`);
  assert.deepEqual(server.stops.map((s) => s.customer_id), dragged);

  // Move tomorrow's first stop to another rep's day after tomorrow (the side panel).
  const tomorrow = shanghaiDate(1);
  const later = shanghaiDate(2);
  const other = all.find((r) => r.department_id === rep.department_id && r.id !== rep.id);
  const tCell = page.locator(`td.day[data-employee="${rep.id}"][data-date="${tomorrow}"]`);
  const moving = await tCell.locator('li[data-customer]').first().getAttribute('data-customer');
  await tCell.locator('li[data-customer] .stop-name').first().click();
  await page.selectOption('[data-testid=move-rep]', other.id);
  await page.selectOption('[data-testid=move-date]', later);
  await page.click('[data-testid=move-stop]');
  await page.locator(`td.day[data-employee="${other.id}"][data-date="${later}"] li[data-customer="${moving}"]`).waitFor();
  // The screen adds to the target first and then removes from the source: wait for both.
  await tCell.locator(`li[data-customer="${moving}"]`).waitFor({ state: 'detached' });
  assert.ok((await admin('GET', `/plans/${other.id}/${later}`)).stops.some((s) => s.customer_id === moving));
  assert.ok(!(await admin('GET', `/plans/${rep.id}/${tomorrow}`)).stops.some((s) => s.customer_id === moving));

  // Publish the week.
  await page.click('[data-testid=plan-publish]');
  await page.waitForSelector('[data-testid=plan-note]');
  await page.waitForSelector(`td.day[data-employee="${rep.id}"][data-date="${today}"][data-status=published]`);
  await shot(page, 'console-plans-published');
  assert.equal((await admin('GET', `/plans/${rep.id}/${today}`)).status, 'published');
  await context.close();

  // The rep's phone: today's plan in the order the manager set, standing at the first stop.
  const asRep = await login(rep.username);
  const mine = await asRep('GET', `/me/plan?date=${today}`);
  assert.deepEqual(mine.stops.map((s) => s.customer_id), dragged);
  const first = mine.stops[0];
  const phone = await newContext(browser, {
    ...PHONE,
    geolocation: { ...north(first.lat, first.lon, 15), accuracy: 10 },
    permissions: ['geolocation', 'camera'],
  });
  const app = await phone.newPage();
  app.on('pageerror', (e) => console.log('pageerror', e));
  await appLogin(app, rep.username);
  await app.click('[data-testid=go-plan]');
  await app.locator('[data-testid=plan-stops] li').nth(dragged.length - 1).waitFor();
  const shown = await app.locator('[data-testid=plan-stops] li').evaluateAll((els) => els.map((e) => e.dataset.customer));
  assert.deepEqual(shown, dragged);
  await app.waitForFunction(() => !document.querySelector('[data-testid=plan-stops] li .distance')?.textContent?.includes('—'));
  assert.equal(await overflowX(app), 0);
  await shot(app, 'app-plan');

  // Check in from the first stop: a planned visit, with the assigned form and photo count.
  await app.locator('[data-testid=plan-stops] li').first().locator('[data-testid=plan-check-in]').click();
  await app.waitForSelector('[data-testid=judgement][data-status=within]');
  await app.waitForSelector('[data-testid=photo-progress]');
  await shot(app, 'app-plan-visit');
  const visits = (await asRep('GET', `/visits?employee_id=${rep.id}`)).items;
  assert.equal(visits.length, 1);
  assert.equal(visits[0].kind, 'planned');
  assert.equal(visits[0].customer_id, first.customer_id);

  // Back on the plan, the reoptimize button reorders the rest from here.
  await app.goto(`${BASE}/app/#/plan`);
  await app.locator('[data-testid=plan-stops] li').first().waitFor();
  await app.click('[data-testid=plan-reoptimize]');
  await app.waitForFunction(() => !document.querySelector('[data-testid=plan-reoptimize]')?.disabled);
  assert.equal(await app.locator('.screen .error').count(), 0);
  await phone.close();
});
