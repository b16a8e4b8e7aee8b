// The renderer as the desktop app runs it, in Chromium: the built UI with a window.mailAdmin
// bridge in place of Electron's preload (calls and events as the IPC bridge delivers them), so
// the IPC transport, the supervisor banner and the log view under load are checked in a real
// browser: 30,000 log lines render as a few dozen rows, the keyboard moves through them, scrolling
// up pauses the tail and new lines are counted until Resume; the page is keyboard-reachable from
// the skip link. Screenshots at 1280x800.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { openBrowser } from '../support/browser.js';
import { ROOT } from '../support/processes.js';

const UI = join(ROOT, 'dist-renderer');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

// Runs in the page before the app: a bridge answering from canned data, and a handle for the test.
const BRIDGE = `
(() => {
  const listeners = new Set();
  const lines = [];
  const levels = ['info', 'info', 'info', 'debug', 'warn', 'error'];
  for (let i = 1; i <= 30000; i++) {
    lines.push({ seq: i, time: 1790000000000 + i * 1000, level: levels[i % levels.length], component: i % 3 ? 'smtp' : 'queue', msg: 'line ' + i, fields: { cid: 'c' + (i % 97), queueId: 'q' + (i % 500) } });
  }
  const status = {
    version: '0.1.0', mode: 'desktop', hostname: 'mail.example.test', startedAt: 1790000000000, overall: 'running', incomingPaused: false,
    listeners: [], counters: { received: 3, sent: 1, rejected: 0, deferred: 0, bounced: 0, authFailures: 0 },
    queue: { total: 0, deferred: 0, held: 0, oldestAgeSeconds: 0 }, certificates: [], recentErrors: [], attention: [], portProblem: null,
    domains: 1, accounts: 1, setupComplete: true,
  };
  const answers = {
    'status.get': () => status,
    'metrics.hourly': (p) => Array.from({ length: p.hours || 24 }, (_, i) => ({ hour: 1790000000000 + i * 3600000, received: i % 5, sent: i % 3, rejected: 0, deferred: 0, bounced: 0 })),
    'wizard.get': () => ({ step: 'summary', completed: [], finished: true, domain: 'example.test', account: 'me@example.test' }),
    'domains.list': () => [], 'accounts.list': () => [], 'aliases.list': () => [],
    'settings.get': () => ({ hostname: 'mail.example.test', publicIp: null, listen: '0.0.0.0', ports: {}, limits: { maxMessageBytes: 1, maxRecipients: 1, maxConnections: 1, smtpIdleSeconds: 10 }, desktop: { closeToTray: true, startMinimized: false, startAtLogin: false, notifications: true } }),
    // The history so far: the first 5,000; the rest arrives live.
    'logs.recent': (p) => lines.slice(0, Math.min(5000, p.limit || 5000)),
    'settings.update': (p) => ({ settings: answers['settings.get'](), restartRequired: !!p.ports }),
    'server.restart': () => ({ restarting: true }),
    'relay.get': () => ({ enabled: false, host: '', port: 587, tls: 'starttls', username: '', hasPassword: false, domains: [] }),
  };
  window.__calls = [];
  window.__params = [];
  window.mailAdmin = {
    call: async (method, params) => {
      window.__calls.push(method);
      window.__params.push([method, params]);
      const answer = answers[method];
      return answer ? { ok: true, result: answer(params || {}) } : { ok: false, error: { code: 'unavailable', message: method + ' is not here' } };
    },
    onEvent: (listener) => { listeners.add(listener); return () => listeners.delete(listener); },
  };
  window.__emit = (event) => listeners.forEach((l) => l(event));
  window.__status = status;
  window.__lines = lines;
})();
`;

test('the renderer over window.mailAdmin: supervisor banner, 30,000 log lines, keyboard', async (t) => {
  const { page, screenshot } = await openBrowser(t);
  await page.route('http://app.test/**', async (route) => {
    const path = normalize(new URL(route.request().url()).pathname).replace(/^\/+/, '') || 'index.html';
    const body = await readFile(join(UI, path)).catch(() => null);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ status: 200, body, headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' } });
  });
  await page.addInitScript(BRIDGE);
  await page.goto('http://app.test/index.html#/dashboard');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.match(await page.locator('.sidebar-foot').innerText(), /Desktop app/);
  // The chart's scale: whole numbers at every gridline, the top at or above the highest bar (4).
  await page.locator('.chart svg').waitFor();
  const axis = (await page.locator('.chart svg text.axis').allTextContents()).filter((x) => /^\d+$/.test(x));
  assert.deepEqual(axis, ['0', '2', '4']);
  const calls = (await page.evaluate('window.__calls')) as string[];
  assert.ok(calls.includes('status.get') && calls.includes('wizard.get'), calls.join(','));

  // The supervisor's view of the server process, as the main process forwards it.
  await page.evaluate(`window.__emit({ type: 'supervisor', supervisor: { state: 'restarting', restarts: 2, nextStartAt: Date.now() + 8000, lastExit: { code: 1, at: Date.now() } } })`);
  await page.getByText(/The mail server stopped unexpectedly \(exit code 1\); restarting in \d+ s \(restart 2\)\./).waitFor();
  await screenshot('desktop-restarting');
  await page.evaluate(`window.__emit({ type: 'supervisor', supervisor: { state: 'running', restarts: 2, nextStartAt: null, lastExit: null } })`);
  await page.getByText(/stopped unexpectedly/).waitFor({ state: 'detached' });

  // Keyboard: the skip link comes first and moves focus to the content.
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate('document.activeElement.textContent'), 'Skip to content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate('document.activeElement.id'), 'main');

  // The log view with 5,000 lines of history, then 25,000 more live.
  await page.goto('http://app.test/index.html#/logs');
  const grid = page.getByRole('grid', { name: 'Log lines' });
  await grid.waitFor();
  await page.getByText('5,000 of 5,000 lines · live').waitFor();
  await page.evaluate(`(() => { const rest = window.__lines.slice(5000); for (let i = 0; i < rest.length; i += 500) window.__emit({ type: 'log', lines: rest.slice(i, i + 500) }); })()`);
  await page.getByText('30,000 of 30,000 lines · live').waitFor();
  const rendered = await page.locator('.vrow').count();
  assert.ok(rendered > 10 && rendered < 120, `${rendered} rows in the DOM for 30,000 lines`);
  await page.getByRole('row').filter({ hasText: 'line 30000' }).waitFor();
  assert.equal(await grid.getAttribute('aria-rowcount'), '30000');

  // Keyboard in the grid: Home goes to the first line (and pauses the tail), End to the last.
  await grid.focus();
  await page.keyboard.press('Home');
  await page.getByRole('row').filter({ hasText: /line 1 cid/ }).waitFor();
  assert.equal(await page.locator('.vrow.selected').getAttribute('aria-rowindex'), '1');
  await page.getByRole('button', { name: /^Resume/ }).waitFor();
  await page.evaluate(`window.__emit({ type: 'log', lines: [30001, 30002, 30003].map((i) => ({ seq: i, time: Date.now(), level: 'warn', component: 'smtp', msg: 'late ' + i, fields: {} })) })`);
  await page.getByRole('button', { name: 'Resume (3 new)' }).waitFor();
  await screenshot('desktop-logs-paused');
  await page.getByRole('button', { name: 'Resume (3 new)' }).click();
  await page.getByRole('row').filter({ hasText: 'late 30003' }).waitFor();
  await page.getByText('30,003 of 30,003 lines · live').waitFor();

  // Filters over the whole set: level and id.
  await page.getByLabel('Level').selectOption('error');
  await page.getByText(/^5,000 of 30,003 lines/).waitFor();
  await page.getByRole('searchbox', { name: 'Search the log' }).fill('id:q7');
  await page.getByText(/^20 of 30,003 lines/).waitFor();
  await screenshot('desktop-logs-filtered');

  // Export gives what the filter shows, as JSON lines and as text.
  const [jsonl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export .jsonl' }).click()]);
  assert.match(jsonl.suggestedFilename(), /^homemail-log-[\d-]+\.jsonl$/);
  const exported = (await readFile((await jsonl.path())!, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { level: string; fields: { queueId: string } });
  assert.equal(exported.length, 20);
  assert.ok(exported.every((l) => l.level === 'error' && l.fields.queueId === 'q7'));
  const [text] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export .log' }).click()]);
  const textLines = (await readFile((await text.path())!, 'utf8')).trim().split('\n');
  assert.equal(textLines.length, 20);
  assert.match(textLines[0]!, /^\d{4}-\d\d-\d\dT[\d:.]+Z ERROR smtp line \d+ cid=c\d+ queueId=q7$/);
});

test('a port that needs permission: the fixes in Settings, and the switch to higher ports', async (t) => {
  const { page, screenshot } = await openBrowser(t);
  await page.route('http://app.test/**', async (route) => {
    const path = normalize(new URL(route.request().url()).pathname).replace(/^\/+/, '') || 'index.html';
    const body = await readFile(join(UI, path)).catch(() => null);
    if (!body) return route.fulfill({ status: 404, body: 'not found' });
    await route.fulfill({ status: 200, body, headers: { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' } });
  });
  await page.addInitScript(BRIDGE);
  await page.addInitScript(`
    Object.assign(window.__status, {
      overall: 'error',
      listeners: [{ name: 'smtp', label: 'Incoming mail (SMTP, MX)', configuredPort: 25, port: null, state: 'error', error: { code: 'EACCES', message: 'port 25 needs permission to open' } }],
      attention: [{ id: 'listener:smtp', severity: 'error', title: 'Incoming mail (SMTP, MX) is not running', detail: 'Port 25 needs permission to be opened; see how to fix it in Settings.', link: 'settings' }],
      portProblem: { ports: [25], fixes: [
        { id: 'sysctl', title: 'Let programs open ports from 25 up', explanation: 'x', commands: ['sudo sysctl -w net.ipv4.ip_unprivileged_port_start=25'] },
        { id: 'setcap', title: 'Give only this program the right to open low ports', explanation: 'y', commands: ['sudo setcap cap_net_bind_service=+ep /opt/Homemail/homemail'] },
        { id: 'redirect', title: 'Use higher ports and redirect the standard ones', explanation: 'z', commands: ['sudo iptables -t nat -A PREROUTING -p tcp --dport 25 -j REDIRECT --to-ports 2525'], ports: { smtp: 2525 } },
      ] },
    });
  `);
  await page.goto('http://app.test/index.html#/dashboard');
  await page.getByRole('link', { name: 'Incoming mail (SMTP, MX) is not running' }).click();
  await page.getByRole('heading', { name: 'Port 25 could not be opened' }).waitFor();
  await page.getByText('sudo setcap cap_net_bind_service=+ep /opt/Homemail/homemail').waitFor();
  assert.match(await page.locator('#port-problem').innerText(), /sysctl -w net\.ipv4\.ip_unprivileged_port_start=25/);
  await screenshot('desktop-settings-port-problem');
  await page.getByRole('button', { name: 'Use ports 2525 and restart' }).click();
  await page.getByText('Switched to the higher ports; the server restarts').waitFor();
  const params = (await page.evaluate('window.__params')) as [string, unknown][];
  assert.deepEqual(params.find(([m]) => m === 'settings.update')![1], { ports: { smtp: 2525 } });
  assert.ok(params.some(([m]) => m === 'server.restart'));
});
