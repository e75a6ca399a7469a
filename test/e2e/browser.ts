import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface LocalBrowser {
  context: BrowserContext;
  page: Page;
  /** Every request the page tried to make off this machine (each was refused). */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Debian's Chromium, headless, in a fresh profile, driven by playwright-core, with every request
 * that does not go to this machine refused and recorded: a page that needs a CDN or a web font
 * shows it in `blocked`. The flags keep Chromium from reaching for Google's services.
 */
export async function launchLocalBrowser(viewport: { width: number; height: number }): Promise<LocalBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'samverkan-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const { hostname } = new URL(route.request().url());
    if (hostname === '127.0.0.1' || hostname === 'localhost') return route.continue();
    blocked.push(route.request().url());
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    blocked,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The WCAG 2.1 A and AA violations axe-core finds on the page as it is now, one line each. */
export async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof axe !== "undefined"'))) await page.evaluate(readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8'));
  const result = (await page.evaluate("axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })")) as { violations: Array<{ id: string; nodes: Array<{ target: string[] }> }> };
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}
