// Every screen, every role, both languages: the console as the admin, a manager and
// finance, and the field app as a rep, each in Chinese and English. On every screen (each
// nav entry the role sees, and the detail panels: a visit with photos and flags, a track
// replay, one person's attendance, a plan stop, a person's form) the visible text must hold
// no message key or raw code, no ISO timestamp or date, no UUID, no JSON, and — in Chinese —
// no English word beyond brand names, units and the data people typed; the page must raise
// no error, log no console error, and no API call may answer 403 or 5xx.
//
// The data each screen needs is made here through the API (a visit with flags, a photo and
// a report; a published plan), so nothing depends on the demo's history.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { BASE, PASSWORD, FORM_ID, call, launch, newContext, shanghaiDate, shot, textFindings } from './helpers.mjs';

const LANGS = ['zh-CN', 'en'];
/** Endpoints another branch may not have yet: the screen must degrade, so their 404 is fine. */
const MAY_BE_MISSING = [/\/api\/v1\/demo\/accounts/, /\/api\/v1\/attendance\/team/, /\/api\/v1\/mileage\/monthly/];

let browser;
let admin; // token
let people = {}; // role -> { username, id, name }
let userContent = []; // strings people typed (names, labels…), never judged as UI text
const data = {};

async function token(username) {
  return (await call(BASE, null, 'POST', '/auth/login', { tenant: 'demo', username, password: PASSWORD })).token;
}
const as = (tok) => (method, path, body) => call(BASE, tok, method, path, body);

before(async () => {
  browser = await launch();
  admin = await token('admin');
  const A = as(admin);
  const employees = (await A('GET', '/employees?limit=500')).items;
  const departments = (await A('GET', '/departments')).items;
  // A manager of a team (a department with a parent) that has field reps.
  const teams = departments.filter((d) => d.parent_id);
  const manager = employees.find(
    (e) => e.role === 'manager' && teams.some((d) => d.id === e.department_id) && employees.some((r) => r.role === 'field' && r.department_id === e.department_id),
  );
  assert.ok(manager, 'the demo has a team manager');
  let finance = employees.find((e) => e.role === 'finance' && e.active && e.username);
  if (!finance) {
    // The demo in this branch may have no finance user: make one.
    const root = departments.find((d) => !d.parent_id);
    finance = await A('POST', '/employees', {
      id: randomUUID(),
      name: '钱会计',
      username: 'finance-every-screen',
      password: PASSWORD,
      role: 'finance',
      department_id: root.id,
      active: true,
    });
  }
  const reps = employees
    .filter((e) => e.role === 'field' && e.active && e.department_id === manager.department_id)
    .sort((a, b) => a.username.localeCompare(b.username));
  people = { admin: { username: 'admin' }, manager, finance, field: reps[reps.length - 1] };
  const [rep, other] = [reps[reps.length - 1], reps[reps.length - 2]];

  // A visit with flags: the shared phone (used by another rep first), 400 m from the shop,
  // a photo without EXIF, a report, and a check-out at once (too short).
  const repTok = await token(rep.username);
  const R = as(repTok);
  const O = as(await token(other.username));
  const mine = (await R('GET', '/customers?limit=50')).items.filter((c) => c.location);
  const theirs = (await O('GET', '/customers?limit=50')).items.filter((c) => c.location);
  const shop = mine[0];
  const device = { id: `shared-${randomUUID()}`, platform: 'android', mock_location: true };
  const now = Date.now();
  await O('POST', '/visits', {
    id: randomUUID(),
    customer_id: theirs[0].id,
    t: new Date(now - 3_600_000).toISOString(),
    lat: theirs[0].location.lat,
    lon: theirs[0].location.lon,
    accuracy_m: 10,
    device: { id: device.id },
  });
  const visitId = randomUUID();
  await R('POST', '/visits', {
    id: visitId,
    customer_id: shop.id,
    t: new Date(now - 120_000).toISOString(),
    lat: shop.location.lat + 400 / 111_195,
    lon: shop.location.lon,
    accuracy_m: 25,
    device,
  });
  data.visitId = visitId;
  data.rep = rep;
  data.shop = shop;
  data.repToken = repTok;
  data.teamDept = manager.department_id;
  // The rep's claim of this month (a draft built from their days), for the claim detail.
  data.claimId = (await R('POST', '/claims', { period: shanghaiDate().slice(0, 7) })).id;
  // A leave request waiting for the manager, for the approval inbox and a request's page.
  const leaveId = randomUUID();
  const leaveDay = shanghaiDate(30);
  await R('POST', '/attendance/leave', { id: leaveId, from: leaveDay, to: leaveDay, leave_type: 'annual', reason: '家里有事' });
  data.approvalId = (await R('GET', '/requests?scope=mine&type=leave&limit=200')).items.find((r) => r.subject_id === leaveId).id;

  // A published plan for the team this week.
  const M = as(await token(manager.username));
  const today = shanghaiDate();
  const weekday = (new Date(today + 'T12:00:00Z').getUTCDay() + 6) % 7;
  const monday = shanghaiDate(-weekday);
  const sunday = shanghaiDate(6 - weekday);
  await M('POST', '/plans/generate', { department_id: manager.department_id, from: monday, to: sunday, time_limit_s: 2 });
  await M('POST', '/plans/publish', { department_id: manager.department_id, from: monday, to: sunday });

  // What people typed is data, not UI: it may be in any language.
  const customers = (await A('GET', '/customers?limit=500')).items;
  const forms = (await A('GET', '/forms')).items;
  const fences = (await A('GET', '/geofences')).items;
  userContent = [
    // The address the admin registers at the identity provider: copied, not read.
    (await A('GET', '/sso')).redirect_uri,
    ...(await A('GET', '/employees?limit=500')).items.flatMap((e) => [e.name, e.username, e.employee_no, e.phone]),
    ...customers.flatMap((c) => [c.name, c.address, c.code, ...(c.tags ?? [])]),
    ...departments.map((d) => d.name),
    ...forms.flatMap((f) => [f.name, ...f.fields.flatMap((x) => [x.label, x.help, ...(x.options ?? [])])]),
    ...fences.map((f) => f.name),
    // Webhook addresses and descriptions other browser tests made.
    ...(await A('GET', '/webhooks')).items.flatMap((w) => [w.url, w.description]),
    // API key names and prefixes other browser tests made.
    ...(await A('GET', '/api-keys')).items.flatMap((k) => [k.name, k.prefix]),
    // The demo password the sign-in screens show is typed data too.
    (await A('GET', '/demo/accounts')).password_hint,
  ]
    .filter((s) => typeof s === 'string' && s.trim())
    .sort((a, b) => b.length - a.length);
});

/** Adds the photo and the report in the browser (a canvas JPEG has no EXIF), then checks out. */
async function finishVisit(page) {
  if (data.finished) return;
  data.finished = true;
  await page.evaluate(
    async ({ base, tok, visitId, formId }) => {
      const c = document.createElement('canvas');
      c.width = 320;
      c.height = 240;
      const g = c.getContext('2d');
      g.fillStyle = '#4a7';
      g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff';
      g.fillText(visitId, 10, 120);
      const blob = await new Promise((ok) => c.toBlob(ok, 'image/jpeg', 0.8));
      const photoId = crypto.randomUUID();
      const fd = new FormData();
      fd.append('meta', JSON.stringify({ id: photoId, t: new Date().toISOString() }));
      fd.append('file', blob, 'shelf.jpg');
      const h = { authorization: `Bearer ${tok}` };
      const up = await fetch(`${base}/api/v1/visits/${visitId}/photos`, { method: 'POST', headers: h, body: fd });
      if (!up.ok) throw new Error('photo ' + up.status + (await up.text()));
      const json = { ...h, 'content-type': 'application/json' };
      const rep = await fetch(`${base}/api/v1/visits/${visitId}/report`, {
        method: 'PUT',
        headers: json,
        body: JSON.stringify({
          id: crypto.randomUUID(),
          t: new Date().toISOString(),
          form_id: formId,
          answers: { notes: '货架整齐', stock: 'ok', next_visit: '2030-01-15', promo: true, shelf: [photoId] },
        }),
      });
      if (!rep.ok) throw new Error('report ' + rep.status + (await rep.text()));
    },
    { base: BASE, tok: data.repToken, visitId: data.visitId, formId: FORM_ID },
  );
  const R = as(data.repToken);
  await R('POST', `/visits/${data.visitId}/check-out`, {
    id: randomUUID(),
    t: new Date().toISOString(),
    lat: data.shop.location.lat,
    lon: data.shop.location.lon,
    accuracy_m: 15,
  });
}

after(async () => {
  await browser?.close();
});

/** Everything wrong with the visible text of the page, as readable findings. */
const findings = (text, lang) => textFindings(text, lang, userContent);

/** A page that records page errors, console errors and API answers that must not happen. */
async function watched(context, lang) {
  await context.addInitScript((l) => localStorage.setItem('outfield.lang', l), lang);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // Failed loads are judged by their response below (tiles are cut off on purpose).
    if (/Failed to load resource/.test(m.text())) return;
    problems.push(`console error: ${m.text()}`);
  });
  page.on('response', (r) => {
    const url = r.url();
    if (!url.includes('/api/')) return;
    const s = r.status();
    if (s === 403) problems.push(`403 from ${url}`);
    else if (s >= 500) problems.push(`${s} from ${url}`);
    else if (s === 404 && !MAY_BE_MISSING.some((re) => re.test(url))) problems.push(`404 from ${url}`);
  });
  return { page, problems };
}

/** Waits for the screen to settle (the loading words gone), then judges its text. */
async function judge(page, problems, lang, label, report) {
  let last = [];
  for (let i = 0; i < 50; i++) {
    const text = await page.evaluate(() => document.body.innerText);
    const busy = /Loading…|加载中…/.test(text);
    last = findings(text, lang);
    if (!busy && last.length === 0) break;
    await page.waitForTimeout(100);
  }
  await shot(page, `every-${label}`);
  report.push(...last.map((f) => `${label}: ${f}`), ...problems.splice(0).map((p) => `${label}: ${p}`));
}

const READY = {
  dashboard: '[data-testid=dash-insights], [data-testid=dash-no-insights], [data-testid=dashboard-page] [role=alert]',
  reports: '[data-testid=report-table], [data-testid=report-empty], [data-testid=reports-page] [role=alert]',
  insights: '[data-testid=insight-settings]',
  live: '[data-testid=live-state]',
  visits: '[data-testid=visits] tbody tr',
  plans: '[data-testid=plan-calendar] td.day',
  customers: '[data-testid=customers] tbody tr',
  attendance: '[data-testid=team-grid], [data-testid=team-attendance] [role=alert], [data-testid=team-attendance] p.muted',
  mileage: '[data-testid=mileage], [data-testid=mileage-page] [role=alert], [data-testid=mileage-page] p.muted',
  requests: '[data-testid=requests], [data-testid=requests-page] p.muted',
  integrity: '[data-testid=integrity-days], [data-testid=integrity-empty], [data-testid=integrity-queue] [role=alert]',
  forms: '[data-testid=forms-list] li[data-form]',
  rules: '[data-testid=tracking-rule]',
  people: '[data-testid=employees] tbody tr',
  jobs: '[data-testid=job-counts], [data-testid=jobs-page] p.muted',
  webhooks: '[data-testid=webhooks] tbody tr, [data-testid=webhooks-none]',
  'api-keys': '[data-testid=api-key-settings]',
  sso: '[data-testid=sso-settings]',
  audit: '[data-testid=audit] tbody tr, [data-testid=audit-page] p.muted',
  claims: '[data-testid=claims], [data-testid=claims-page] p.muted',
  payouts: '[data-testid=payouts], [data-testid=payouts-page] p.muted',
  'claim-settings': '[data-testid=vehicle-list] tbody tr',
  approvals: '[data-testid=approvals] tbody tr, [data-testid=approvals-empty]',
  'approval-flows': '[data-testid=approval-flow] [data-testid=flow-preview]',
};

async function consoleSignIn(page, username) {
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('.topbar nav a');
}

for (const lang of LANGS) {
  for (const role of ['admin', 'manager', 'finance']) {
    test(`console as ${role} in ${lang}: every screen reads in one language`, async () => {
      const context = await newContext(browser, { locale: lang === 'en' ? 'en-US' : 'zh-CN' });
      const { page, problems } = await watched(context, lang);
      const report = [];
      await page.goto(BASE + '/');
      await page.waitForSelector('[data-testid=login]');
      // The demo's accounts (contract D) when the server lists them: a click fills the form.
      const demo = await fetch(`${BASE}/api/v1/demo/accounts`);
      if (demo.ok) {
        const first = (await demo.json()).items[0];
        await page.click(`[data-testid=demo-accounts] button[data-username="${first.username}"]`);
        assert.equal(await page.inputValue('input[name=username]'), first.username);
      } else {
        assert.equal(await page.locator('[data-testid=demo-accounts]').count(), 0, 'no demo list without the demo');
      }
      await judge(page, problems, lang, `${lang}-login`, report);
      await finishVisit(page);
      await consoleSignIn(page, people[role].username);
      const nav = await page.$$eval('.topbar nav a', (as) => as.map((a) => a.dataset.testid.replace('nav-', '')));
      const expected = {
        admin: ['dashboard', 'reports', 'insights', 'live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'approvals', 'claims', 'payouts', 'requests', 'integrity', 'forms', 'rules', 'claim-settings', 'approval-flows', 'people', 'jobs', 'webhooks', 'api-keys', 'sso', 'audit'],
        manager: ['dashboard', 'reports', 'insights', 'live', 'visits', 'plans', 'customers', 'attendance', 'mileage', 'approvals', 'claims', 'requests', 'integrity', 'forms', 'rules', 'claim-settings', 'people'],
        finance: ['dashboard', 'reports', 'insights', 'attendance', 'mileage', 'approvals', 'claims', 'payouts', 'claim-settings', 'people'],
      }[role];
      assert.deepEqual(nav, expected, `${role} sees exactly its sections`);
      for (const id of nav) {
        await page.click(`[data-testid=nav-${id}]`);
        await page.waitForSelector(READY[id]);
        await judge(page, problems, lang, `${lang}-${role}-${id}`, report);
      }
      // Detail panels.
      await page.goto(`${BASE}/#/attendance/person`);
      await page.waitForSelector('[data-testid=attendance-person]');
      await page.selectOption('[data-testid=attendance-person]', data.rep.id);
      await page.waitForSelector('[data-testid=attendance-days] tbody tr');
      await judge(page, problems, lang, `${lang}-${role}-attendance-person`, report);
      // A claim's detail (day lines, totals) and, for finance too, a day's track replay.
      await page.goto(`${BASE}/#/claims/${data.claimId}`);
      await page.waitForSelector('[data-testid=claim-lines] tbody tr');
      await judge(page, problems, lang, `${lang}-${role}-claim-detail`, report);
      // A request's page: its figures and timeline (the manager may decide it).
      await page.goto(`${BASE}/#/approvals/${data.approvalId}`);
      await page.waitForSelector('[data-testid=request-timeline] [data-testid=approver]');
      await judge(page, problems, lang, `${lang}-${role}-request-detail`, report);
      // Reports with codes, instants and a metric per row (the default one has neither).
      for (const name of ['visit_detail', 'team_ranking', 'approval_turnaround']) {
        await page.goto(`${BASE}/#/reports/${name}`);
        await page.waitForSelector(`[data-testid=report-table][data-report=${name}], [data-testid=report-empty][data-report=${name}]`);
        await judge(page, problems, lang, `${lang}-${role}-report-${name}`, report);
      }
      if (role === 'finance') {
        await page.goto(`${BASE}/#/track/${data.rep.id}/${shanghaiDate()}`);
        await page.waitForSelector('[data-testid=track-panel] dl, [data-testid=track-panel] .error');
        await judge(page, problems, lang, `${lang}-${role}-track`, report);
      }
      if (role !== 'finance') {
        await page.goto(`${BASE}/#/visits/${data.visitId}`);
        await page.waitForSelector('[data-testid=visit-photos] img');
        await page.waitForSelector('[data-testid=visit-flags] li[data-flag=outside_radius]');
        const flags = await page.$$eval('[data-testid=visit-flags] li', (l) => l.map((x) => x.dataset.flag));
        for (const f of ['outside_radius', 'mock_location', 'device_shared', 'too_short', 'photo_no_exif'])
          assert.ok(flags.includes(f), `the visit shows ${f} (has ${flags})`);
        const listed = await page.locator(`[data-testid=visits] tr[data-visit="${data.visitId}"] [data-testid=flag-labels]`).innerText();
        const labels = await page.$$eval('[data-testid=visit-flags] li strong', (l) => l.map((x) => x.textContent));
        if (listed !== [...new Set(labels)].join(', '))
          report.push(`${lang}-${role}-visits: the list shows flags "${listed}", the detail "${labels.join(', ')}"`);
        await judge(page, problems, lang, `${lang}-${role}-visit-detail`, report);
        await page.goto(`${BASE}/#/track/${data.rep.id}/${shanghaiDate()}`);
        await page.waitForSelector('[data-testid=track-panel] dl, [data-testid=track-panel] .error');
        await judge(page, problems, lang, `${lang}-${role}-track`, report);
        await page.goto(`${BASE}/#/plans`);
        await page.selectOption('[data-testid=plan-dept]', data.teamDept);
        const stop = page.locator('[data-testid=plan-calendar] .stops-list li').first();
        await stop.waitFor();
        await stop.click();
        await page.waitForSelector('[data-testid=stop-detail]');
        await judge(page, problems, lang, `${lang}-${role}-plan-stop`, report);
        await page.goto(`${BASE}/#/people`);
        await page.locator(`[data-testid=employees] tr[data-username="${data.rep.username}"]`).click();
        await page.waitForSelector('[data-testid=employee-form]');
        await judge(page, problems, lang, `${lang}-${role}-person-form`, report);
      }
      await context.close();
      assert.deepEqual(report, [], report.join('\n'));
    });
  }

  test(`field app as a rep in ${lang}: every screen reads in one language`, async () => {
    const context = await newContext(browser, {
      locale: lang === 'en' ? 'en-US' : 'zh-CN',
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
      permissions: ['geolocation', 'camera'],
      geolocation: { latitude: 31.2304, longitude: 121.4737, accuracy: 10 },
    });
    const { page, problems } = await watched(context, lang);
    const report = [];
    await page.goto(BASE + '/app/');
    await page.waitForSelector('input[name=username]');
    await judge(page, problems, lang, `${lang}-app-login`, report);
    await page.fill('input[name=username]', people.field.username);
    await page.fill('input[name=password]', PASSWORD);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=attendance]');
    for (const screen of ['home', 'plan', 'customers', 'visit', 'leave', 'checks', 'mileage', 'outbox']) {
      await page.goto(`${BASE}/app/#/${screen}`);
      await page.waitForFunction(() => document.body.innerText.trim().length > 0);
      await judge(page, problems, lang, `${lang}-app-${screen}`, report);
    }
    await context.close();
    if (report.length) console.log(`field app findings (${lang}):\n` + report.join('\n'));
    assert.deepEqual(report, [], report.join('\n'));
  });
}
