// Debian's Chromium driven by playwright-core for the admin UI tests: a fresh profile per test,
// the flags that keep it off the network and quiet, screenshots saved under
// test-results/screenshots/ for a person to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ROOT } from './processes.js';
import { makeTempDir } from './temp-dir.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(ROOT, 'test-results', 'screenshots');

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Save a screenshot of the page as test-results/screenshots/<name>.png; toasts are left out
   * (they would cover the screen in a fast test) unless `toasts` is set. */
  screenshot(name: string, page?: Page, options?: { toasts?: boolean }): Promise<string>;
}

export async function openBrowser(
  t: TestContext,
  options: { viewport?: { width: number; height: number }; colorScheme?: 'light' | 'dark' } = {},
): Promise<BrowserSession> {
  const profile = await makeTempDir('chromium-profile-');
  const context = await chromium.launchPersistentContext(profile.path, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: options.viewport ?? { width: 1280, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    timeout: 60_000,
  });
  t.after(async () => {
    await context.close().catch(() => undefined);
    await profile.remove();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  t.after(() => {
    if (errors.length > 0) console.log(`browser errors:\n${errors.join('\n')}`);
  });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    context,
    page,
    async screenshot(name, p = page, shot = {}) {
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      // Through the CSSOM: the page's CSP refuses injected style sheets (playwright's `style`).
      const toasts = (visibility: string) => p.evaluate(`document.querySelectorAll('.toasts').forEach((e) => { e.style.visibility = '${visibility}'; })`);
      if (!shot.toasts) await toasts('hidden');
      await p.screenshot({ path, fullPage: false });
      if (!shot.toasts) await toasts('');
      return path;
    },
  };
}
