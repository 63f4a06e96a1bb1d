// What the browser tests share: the API as the demo's people, Chromium with a fake
// camera and no tile servers, screenshots, and positions near a customer.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BASE = process.env.OUTFIELD_URL ?? 'http://127.0.0.1:8080';
export const PASSWORD = 'demo-pass-123';
export const SCREENSHOTS = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'test-results', 'screenshots');
/** The report form the tests fill; its id is fixed so preparing twice changes nothing. */
export const FORM_ID = '0190f5c2-7a00-7000-8000-00000000f001';

export async function call(base, token, method, path, body) {
  const res = await fetch(base + '/api/v1' + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export async function login(username, base = BASE) {
  const r = await call(base, null, 'POST', '/auth/login', { tenant: 'demo', username, password: PASSWORD });
  return (method, path, body) => call(base, r.token, method, path, body);
}

/** Tracks every day around the clock (the demo's default is weekdays 09–18, and tests run
 * at any hour), and a report form with one field of each kind the app renders. */
export async function prepareDemo(base) {
  const admin = await login('admin', base);
  await admin('PUT', '/tracking-rules/tenant', {
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    windows: [{ start: '00:00', end: '23:59' }],
    moving_interval_s: 5,
    stationary_interval_s: 30,
    min_distance_m: 5,
    desired_accuracy_m: 20,
    keep_outside_windows: true,
  });
  await admin('POST', '/forms', {
    id: FORM_ID,
    name: 'Store check',
    fields: [
      { key: 'notes', label: 'Notes', type: 'text', required: true, max_length: 500 },
      { key: 'facings', label: 'Facings', type: 'number', min: 0, max: 100, integer: true },
      { key: 'stock', label: 'Stock level', type: 'single_select', options: ['low', 'ok', 'high'], required: true },
      { key: 'next_visit', label: 'Next visit', type: 'date' },
      { key: 'promo', label: 'Promotion shown', type: 'boolean' },
      { key: 'shelf', label: 'Shelf photo', type: 'photo', min_count: 1, max_count: 3 },
    ],
  });
  // Every day is a work day (the tests run on any day, and plans are made for work days).
  await admin('PUT', '/attendance-rules/tenant', {
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    shifts: [{ start: '09:00', end: '18:00' }],
    photo_required: true,
  });
  // The visit rule assigns that form to every customer, so the app shows it without a picker.
  const rule = await admin('GET', '/visit-rules/tenant');
  await admin('PUT', '/visit-rules/tenant', { ...rule, default_form_id: FORM_ID });
}

/** The console signed in as the demo admin, on `hash`. */
export async function consoleLogin(page, hash = '', username = 'admin') {
  await page.goto(BASE + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  // The landing screen is the dashboard.
  await page.waitForSelector('[data-testid=dashboard-page]');
  if (hash) await page.goto(`${BASE}/#/${hash}`);
}

/** The demo's field reps, in a stable order; each test file takes its own. */
export async function reps() {
  const admin = await login('admin');
  const page = await admin('GET', '/employees?limit=500');
  return page.items.filter((e) => e.role === 'field').sort((a, b) => a.username.localeCompare(b.username));
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
  });
}

/** A browser context whose tile requests fail at once: nothing may depend on tiles. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext({ locale: 'en-US', timezoneId: 'Asia/Shanghai', ...options });
  await context.route(/tile\.openstreetmap\.org|autonavi\.com/, (r) => r.abort());
  return context;
}

export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
};

export async function shot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** A point `metres` north of (lat, lon). */
export function north(lat, lon, metres) {
  return { latitude: lat + metres / 111_195, longitude: lon };
}

/** Today's and other dates as the demo tenant (Shanghai) counts them. */
export function shanghaiDate(offsetDays = 0) {
  const d = new Date(Date.now() + offsetDays * 86400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(d);
}

/** Horizontal overflow of the page in CSS pixels (0 when it fits). */
export async function overflowX(page) {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

export async function appLogin(page, username) {
  await page.goto(BASE + '/app/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=attendance]');
}

/** Words allowed on a Chinese screen: brands, formats, units and the language's own name. */
const ALLOWED_EN = new Set(
  'Outfield OpenStreetMap Leaflet contributors AMap GCJ Excel CSV xlsx EXIF GPS Root km English API ERP CRM BI OpenID Connect'.split(' '),
);

/** Everything wrong with a screen's visible text in `lang`, as readable findings: message
 * keys, raw codes, ISO instants and dates, UUIDs, JSON and (in Chinese) English words.
 * `userContent` (longest first) is what people typed, never judged as UI text. */
export function textFindings(text, lang, userContent = []) {
  let rest = text;
  for (const s of userContent) rest = rest.split(s).join(' ');
  const out = [];
  const each = (re, what) => {
    for (const m of rest.matchAll(re)) out.push(`${what}: ${JSON.stringify(m[0])}`);
  };
  each(/\b[a-z]+(\.[a-z_]+)+\b/g, 'message key');
  each(/\b[a-z]+_[a-z_]+\b/g, 'raw code');
  each(/\d{4}-\d\d-\d\dT\d\d:\d\d/g, 'ISO timestamp');
  each(/\b\d{4}-\d\d-\d\d\b/g, 'ISO date');
  each(/[0-9a-f]{8}-[0-9a-f]{4}-/g, 'UUID');
  each(/\{"/g, 'JSON');
  if (lang === 'zh-CN')
    for (const m of rest.matchAll(/[A-Za-z]{2,}/g)) if (!ALLOWED_EN.has(m[0])) out.push(`English word: ${JSON.stringify(m[0])}`);
  return [...new Set(out)];
}
