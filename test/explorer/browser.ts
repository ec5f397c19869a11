import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

/** Debian's Chromium, which `.ci/run` installs when it can; `GRIDMARK_CHROMIUM` names another. */
export const CHROMIUM = process.env['GRIDMARK_CHROMIUM'] ?? '/usr/bin/chromium';

/** Why the browser tests cannot run here, or undefined when they can. */
export function browserMissing(): string | undefined {
  return existsSync(CHROMIUM)
    ? undefined
    : `${CHROMIUM} is not installed (apt-get install chromium)`;
}

/** A headless Chromium whose only reachable origin is `origin`; every other request is aborted and listed. */
export interface OfflineBrowser {
  readonly context: BrowserContext;
  /** Every request to another origin the pages attempted (each aborted), with its headers. */
  readonly blocked: { readonly url: string; readonly headers: Record<string, string> }[];
  /** Console errors and Content-Security-Policy violations the pages reported. */
  readonly problems: string[];
  close(): Promise<void>;
}

/**
 * Launches Chromium with a fresh profile and cuts it off from every network but `origin`: as on a
 * plant's closed network, where only the gateway answers.
 */
export async function launchOffline(origin: string): Promise<OfflineBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'gridmark-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1440, height: 1000 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const blocked: OfflineBrowser['blocked'] = [];
  const problems: string[] = [];
  await context.route('**/*', async (route) => {
    if (new URL(route.request().url()).origin === origin) return route.continue();
    blocked.push({ url: route.request().url(), headers: route.request().headers() });
    return route.abort('internetdisconnected');
  });
  context.on('page', (page) => {
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  });
  return {
    context,
    blocked,
    problems,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
